"""Replay daily demand against a reorder policy, all SKUs at once, one day after another.

Each simulated day, in order: the morning's deliveries arrive; the stock at the start of the
day is recorded; demand is served from stock and what cannot be served is lost (no
backorders); the policy sees the evening's stock, what is on order and the demand so far,
and orders. An order is rounded up to whole packs and at least the MOQ (the supplier's
terms, whatever the policy asked) and arrives on the morning ``lead_time`` days later. All
the SKUs ordered from one supplier on one day make one purchase order.

Fixed so that results compare: daily review, lost sales, holding cost 25 % of unit cost a
year (doubled for bulky items), EUR 20 per purchase order, 365 scored days after a 90-day
warm-up. Policies see true demand (lost sales included), as a shop does that records
out-of-stock requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from shopkeeper.core.errors import InvalidInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

HOLDING_RATE = 0.25  # share of unit cost per year
BULKY_FACTOR = 2.0
ORDER_COST = 20.0  # EUR per purchase order (one supplier, one day)
WARMUP_DAYS = 90
SCORED_DAYS = 365


@dataclass(frozen=True, eq=False)
class InventorySetup:
    """The demand to replay and the SKUs' terms; every per-SKU array has one entry per SKU.

    ``demand`` holds units demanded per day, shape ``(days, skus)``: the days before
    ``start`` are history the policies may read; the simulation runs ``warmup_days +
    scored_days`` days from ``start``; days after that only serve the overstock measure.

    Examples
    --------
    >>> setup = InventorySetup(demand=np.ones((10, 2)), unit_cost=np.array([2.0, 5.0]),
    ...                        lead_time=np.array([2, 3]), supplier=np.array([0, 0]),
    ...                        start=4, warmup_days=2, scored_days=4)
    >>> setup.n_skus, setup.holding_per_day.round(5).tolist()
    (2, [0.00137, 0.00342])
    """

    demand: FloatArray
    unit_cost: FloatArray
    lead_time: IntArray
    supplier: IntArray
    start: int
    moq: IntArray | None = None
    pack_size: IntArray | None = None
    is_bulky: npt.NDArray[np.bool_] | None = None
    warmup_days: int = WARMUP_DAYS
    scored_days: int = SCORED_DAYS
    initial_on_hand: FloatArray | None = None
    skus: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        demand = np.asarray(self.demand, dtype="float64")
        if demand.ndim != 2 or not np.all(np.isfinite(demand)) or np.any(demand < 0):
            raise InvalidInputError("demand must be a (days, skus) array of finite units >= 0")
        n = demand.shape[1]
        object.__setattr__(self, "demand", demand)
        defaults = {"moq": 1, "pack_size": 1, "is_bulky": False}
        for name in ("unit_cost", "lead_time", "supplier", *defaults, "initial_on_hand"):
            value = getattr(self, name)
            if value is None and name in defaults:
                value = np.full(n, defaults[name])
            if value is None:
                continue
            value = np.asarray(value)
            if value.shape != (n,):
                raise InvalidInputError(f"{name} needs one value per SKU ({n})", name=name)
            object.__setattr__(self, name, value)
        if np.any(self.lead_time < 1):
            raise InvalidInputError("lead times must be at least one day")
        if np.any(self.moq_units < 1) or np.any(self.packs < 1):
            raise InvalidInputError("moq and pack_size must be at least 1")
        if np.any(self.unit_cost < 0):
            raise InvalidInputError("unit costs cannot be negative")
        if self.start < 1 or self.warmup_days < 0 or self.scored_days < 1:
            raise InvalidInputError("start must be >= 1, warm-up >= 0 and scored days >= 1")
        if self.start + self.simulated_days > len(demand):
            raise InvalidInputError(
                f"demand has {len(demand)} days; start {self.start} + "
                f"{self.simulated_days} simulated days do not fit"
            )

    @property
    def n_skus(self) -> int:
        return int(self.demand.shape[1])

    @property
    def simulated_days(self) -> int:
        return self.warmup_days + self.scored_days

    @property
    def moq_units(self) -> IntArray:
        return np.asarray(self.moq, dtype=np.int64)

    @property
    def packs(self) -> IntArray:
        return np.asarray(self.pack_size, dtype=np.int64)

    @property
    def bulky(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.is_bulky, dtype=bool)

    @property
    def holding_per_day(self) -> FloatArray:
        """Cost of keeping one unit one day, per SKU."""
        factor = np.where(self.bulky, BULKY_FACTOR, 1.0)
        return np.asarray(self.unit_cost * HOLDING_RATE / 365.0 * factor, dtype="float64")


@dataclass(frozen=True, eq=False)
class StockView:
    """What a policy sees on the evening of ``day``: stock after sales, orders in transit."""

    day: int
    on_hand: FloatArray
    on_order: FloatArray
    history: FloatArray  # demand of days 0..day, shape (day + 1, skus)
    setup: InventorySetup


class Policy(Protocol):
    """A reorder policy: told the setup once, asked for order quantities every evening."""

    def start(self, setup: InventorySetup) -> None: ...

    def order(self, view: StockView) -> FloatArray: ...


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Per simulated day and SKU (rows: days from ``setup.start``)."""

    start_stock: FloatArray  # on hand at the start of the day, after deliveries
    end_stock: FloatArray  # on hand after the day's sales
    on_order: FloatArray  # in transit at the end of the day, today's orders included
    sales: FloatArray
    lost: FloatArray
    orders: IntArray
    purchase_orders: IntArray  # per day: suppliers ordered from


def supplier_terms(quantity: FloatArray, setup: InventorySetup) -> IntArray:
    """Orders as suppliers take them: whole packs, at least the MOQ, nothing below zero.

    Examples
    --------
    >>> setup = InventorySetup(demand=np.ones((3, 3)), unit_cost=np.ones(3),
    ...                        lead_time=np.ones(3, dtype=int), supplier=np.zeros(3, dtype=int),
    ...                        moq=np.array([1, 10, 1]), pack_size=np.array([6, 5, 1]),
    ...                        start=1, warmup_days=0, scored_days=1)
    >>> supplier_terms(np.array([7.0, 2.0, -1.0]), setup).tolist()
    [12, 10, 0]
    """
    packs = setup.packs
    wanted = np.ceil(np.maximum(np.asarray(quantity, dtype="float64"), 0.0) / packs - 1e-9)
    units = wanted.astype(np.int64) * packs
    smallest = -(-setup.moq_units // packs) * packs
    return np.where(units > 0, np.maximum(units, smallest), 0).astype(np.int64)


def simulate(setup: InventorySetup, policy: Policy) -> SimulationResult:
    """Run ``policy`` over the setup's warm-up and scored days.

    Examples
    --------
    >>> class Weekly:
    ...     def start(self, setup): pass
    ...     def order(self, view):
    ...         return np.full(view.setup.n_skus, 7.0 * (view.day % 7 == 0))
    >>> setup = InventorySetup(demand=np.ones((30, 1)), unit_cost=np.ones(1),
    ...                        lead_time=np.array([1]), supplier=np.array([0]), start=7,
    ...                        warmup_days=0, scored_days=14, initial_on_hand=np.array([8.0]))
    >>> result = simulate(setup, Weekly())
    >>> float(result.lost.sum()), int(result.purchase_orders.sum())
    (0.0, 2)
    """
    n, days = setup.n_skus, setup.simulated_days
    on_hand = (
        np.zeros(n) if setup.initial_on_hand is None else setup.initial_on_hand.astype("float64")
    )
    on_order = np.zeros(n)
    arrivals = np.zeros((days + int(setup.lead_time.max()) + 1, n))
    shape = (days, n)
    start_stock, end_stock, in_transit = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    sales, lost = np.zeros(shape), np.zeros(shape)
    orders = np.zeros(shape, dtype=np.int64)
    purchase_orders = np.zeros(days, dtype=np.int64)
    columns = np.arange(n)
    policy.start(setup)
    for k in range(days):  # a day depends on the evening before; vectorised over SKUs
        day = setup.start + k
        on_hand += arrivals[k]
        on_order -= arrivals[k]
        start_stock[k] = on_hand
        demand = setup.demand[day]
        sales[k] = np.minimum(demand, on_hand)
        lost[k] = demand - sales[k]
        on_hand -= sales[k]
        end_stock[k] = on_hand
        view = StockView(day, on_hand.copy(), on_order.copy(), setup.demand[: day + 1], setup)
        quantity = supplier_terms(policy.order(view), setup)
        orders[k] = quantity
        placed = quantity > 0
        purchase_orders[k] = len(np.unique(setup.supplier[placed]))
        np.add.at(arrivals, (k + setup.lead_time[placed], columns[placed]), quantity[placed])
        on_order += quantity
        in_transit[k] = on_order
    return SimulationResult(
        start_stock, end_stock, in_transit, sales, lost, orders, purchase_orders
    )
