"""What to order today, per SKU: forecast quantiles in, order quantities with reasons out.

A periodic-review order-up-to rule. The stock position (on hand plus on order) must last
until an order placed at the *next* chance to order arrives: ``lead_time + review_days``
days, the protection period. The order-up-to level is the forecast demand over that period
plus safety stock, ``z(service_level) ×`` the forecast error over the period (read from
the forecast's interval, per-day errors taken as independent); below it, the gap is
ordered, rounded up to whole packs and at least the MOQ. The reorder point (demand over the
lead time alone plus its safety stock) marks the urgent items: below it, stock runs out
before even today's order can arrive. When the orders cost more than ``budget`` or would
not fit in ``capacity_l``, the least urgent orders (most days of cover beyond the lead
time) are cut first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm  # type: ignore[import-untyped]

from shopkeeper.ai.inventory.explaining import explain_decision
from shopkeeper.ai.inventory.levels import cover, order_levels, smallest_order
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation


@dataclass(frozen=True)
class ReorderInput:
    """One SKU's stock, supplier terms and demand forecast (units per day from tomorrow).

    ``demand_lo``/``demand_hi`` are the bounds of the forecast's central interval at
    ``interval_level`` (e.g. ``lo-80``/``hi-80`` of :mod:`shopkeeper.ai.forecast`); without
    them the daily error is taken as Poisson, ``sqrt(mean)``.
    """

    sku: str
    on_hand: float
    on_order: float
    lead_time_days: int
    demand_mean: np.ndarray
    demand_lo: np.ndarray | None
    demand_hi: np.ndarray | None
    unit_cost: float
    moq: int = 1
    pack_size: int = 1
    is_bulky: bool = False
    volume_l: float | None = None
    interval_level: float = 0.8


@dataclass(frozen=True)
class ReorderDecision:
    """How much of one SKU to order today and why."""

    sku: str
    quantity: int
    reorder_point: float
    order_up_to: float
    safety_stock: float
    position: float
    days_of_cover: float
    explanation: Explanation
    cut: bool = False  # reduced or dropped to respect the budget or the storage capacity


def plan_reorders(
    items: Sequence[ReorderInput],
    *,
    service_level: float = 0.95,
    review_days: int = 1,
    budget: float | None = None,
    capacity_l: float | None = None,
    safety_factor: float = 1.0,
    explain: bool = True,
) -> list[ReorderDecision]:
    """Today's order for each item, in the order given.

    Parameters
    ----------
    service_level
        Chance of not running out before the next order can arrive, in (0, 1).
    review_days
        Days until the next chance to order (1: every day).
    budget
        Most that today's orders may cost at unit cost; least urgent orders are cut first.
    capacity_l
        Storage volume in litres that stock on hand, on order and ordered today must fit;
        items without ``volume_l`` are not counted.
    safety_factor
        Multiplies the safety stock (1: as the interval says).
    explain
        Build each decision's explanation (a simulation asking thousands of times a day
        skips them).

    Examples
    --------
    >>> item = ReorderInput(sku="TEA-1", on_hand=12, on_order=0, lead_time_days=14,
    ...                     demand_mean=np.full(28, 1.3), demand_lo=None, demand_hi=None,
    ...                     unit_cost=4.0, moq=24, pack_size=12)
    >>> decision = plan_reorders([item])[0]
    >>> decision.quantity, decision.quantity % 12 == 0
    (24, True)
    >>> decision.explanation.summary
    '12 left, 9 days of cover, lead time 14 days: order 24 (MOQ 24, packs of 12)'
    """
    _check_call(service_level, review_days, budget, capacity_l, safety_factor)
    for item in items:
        _check_item(item, review_days)
    if items:
        _check_values(items)
    if not items:
        return []
    levels = order_levels(
        items,
        z=float(norm.ppf(service_level)),
        review_days=review_days,
        safety_factor=safety_factor,
    )
    quantities = levels.quantity.copy()
    lead = np.array([item.lead_time_days for item in items], dtype="float64")
    urgency = levels.days_of_cover - lead
    cut_by: list[str | None] = [None] * len(items)
    if budget is not None:
        cost = np.array([item.unit_cost for item in items])
        for i in np.flatnonzero(_cut(quantities, cost, budget, urgency, items)):
            cut_by[i] = "the budget"
    if capacity_l is not None:
        volume = np.array([item.volume_l or 0.0 for item in items])
        held = sum((item.on_hand + item.on_order) * (item.volume_l or 0.0) for item in items)
        for i in np.flatnonzero(
            _cut(quantities, volume, max(capacity_l - held, 0.0), urgency, items)
        ):
            cut_by[i] = "the storage capacity" if cut_by[i] is None else "the budget and storage"
    decisions = []
    for row, (item, reason) in enumerate(zip(items, cut_by, strict=True)):
        plan = _Plan(
            quantity=int(levels.quantity[row]),
            order_up_to=float(levels.order_up_to[row]),
            safety_stock=float(levels.safety_stock[row]),
            position=float(levels.position[row]),
            days_of_cover=float(levels.days_of_cover[row]),
            demand=float(levels.demand[row]),
        )
        quantity = int(quantities[row])
        decisions.append(
            ReorderDecision(
                sku=item.sku,
                quantity=quantity,
                reorder_point=float(levels.reorder_point[row]),
                order_up_to=plan.order_up_to,
                safety_stock=plan.safety_stock,
                position=plan.position,
                days_of_cover=plan.days_of_cover,
                explanation=(
                    explain_decision(item, plan, quantity, review_days, reason)
                    if explain
                    else _UNEXPLAINED
                ),
                cut=reason is not None,
            )
        )
    return decisions


_UNEXPLAINED = Explanation("not explained (explain=False)")


@dataclass(frozen=True, slots=True)
class _Plan:
    quantity: int  # before any cut
    order_up_to: float
    safety_stock: float
    position: float
    days_of_cover: float
    demand: float  # forecast demand over the protection period


def days_of_cover(stock: float, mean: np.ndarray) -> float:
    """Days until forecast demand uses up ``stock`` (past the forecast: at its last week's rate).

    Examples
    --------
    >>> days_of_cover(10.0, np.array([2.0, 2.0, 2.0, 2.0]))
    5.0
    >>> days_of_cover(3.0, np.array([2.0, 2.0]))
    1.5
    """
    values = np.asarray(mean, dtype="float64").reshape(1, -1)
    return float(cover(np.array([float(stock)]), values, np.array([values.shape[1]]))[0])


def _smallest(item: ReorderInput) -> int:
    return int(smallest_order(np.array([item.moq]), np.array([item.pack_size]))[0])


def _cut(
    quantities: np.ndarray,
    weight: np.ndarray,
    limit: float,
    urgency: np.ndarray,
    items: Sequence[ReorderInput],
) -> np.ndarray:
    """Reduce orders, least urgent first, until ``quantities @ weight <= limit`` (in place)."""
    cut = np.zeros(len(quantities), dtype=bool)
    excess = float(quantities @ weight) - limit
    for i in np.argsort(-urgency, kind="stable"):
        if excess <= 1e-9:
            break
        if quantities[i] == 0 or weight[i] <= 0:
            continue
        item = items[i]
        packs = math.ceil(excess / (weight[i] * item.pack_size) - 1e-9)
        reduced = int(quantities[i]) - packs * item.pack_size
        if reduced < _smallest(item):
            reduced = 0
        excess -= (int(quantities[i]) - reduced) * float(weight[i])
        quantities[i] = reduced
        cut[i] = True
    return cut


def _check_call(
    service_level: float,
    review_days: int,
    budget: float | None,
    capacity_l: float | None,
    safety_factor: float,
) -> None:
    if not 0.0 < service_level < 1.0:
        raise InvalidInputError(
            "service_level must be a probability strictly between 0 and 1",
            service_level=service_level,
        )
    if review_days < 1:
        raise InvalidInputError("review_days must be at least 1", review_days=review_days)
    for name, value in (("budget", budget), ("capacity_l", capacity_l)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise InvalidInputError(f"{name} must be a non-negative number", value=value)
    if not (math.isfinite(safety_factor) and safety_factor >= 0):
        raise InvalidInputError("safety_factor must be non-negative", safety_factor=safety_factor)


def _check_item(item: ReorderInput, review_days: int) -> None:
    sku = item.sku
    for name in ("on_hand", "on_order", "unit_cost"):
        value = float(getattr(item, name))
        if not (math.isfinite(value) and value >= 0):
            raise InvalidInputError(f"{sku}: {name} cannot be negative ({value:g})", sku=sku)
    if item.lead_time_days < 0:
        raise InvalidInputError(f"{sku}: lead_time_days cannot be negative", sku=sku)
    if item.moq < 1 or item.pack_size < 1:
        raise InvalidInputError(f"{sku}: moq and pack_size must be at least 1", sku=sku)
    if not 0.0 < item.interval_level < 1.0:
        raise InvalidInputError(f"{sku}: interval_level must be in (0, 1)", sku=sku)
    mean = np.asarray(item.demand_mean, dtype="float64")
    needed = item.lead_time_days + review_days
    if mean.ndim != 1 or len(mean) < needed:
        raise InvalidInputError(
            f"{sku}: the demand forecast must cover lead time + review, {needed} days; "
            f"got {mean.size}",
            sku=sku,
        )
    bounds = [b for b in (item.demand_lo, item.demand_hi) if b is not None]
    if len(bounds) == 1:
        raise InvalidInputError(f"{sku}: give both demand_lo and demand_hi, or neither", sku=sku)
    if any(np.shape(bound) != mean.shape for bound in bounds):
        raise InvalidInputError(f"{sku}: forecast bounds must be as long as the mean", sku=sku)
    if item.volume_l is not None and not (math.isfinite(item.volume_l) and item.volume_l >= 0):
        raise InvalidInputError(f"{sku}: volume_l cannot be negative", sku=sku)


def _check_values(items: Sequence[ReorderInput]) -> None:
    """Forecasts finite and demand non-negative, checked on all items at once."""
    means = np.concatenate([np.asarray(i.demand_mean, dtype="float64") for i in items])
    bounds = [
        np.asarray(b, "float64") for i in items for b in (i.demand_lo, i.demand_hi) if b is not None
    ]
    spread = np.concatenate(bounds) if bounds else np.zeros(0)
    if np.all(np.isfinite(means)) and np.all(means >= 0) and np.all(np.isfinite(spread)):
        return
    for item in items:  # rare: find the culprit for the message
        values = [np.asarray(item.demand_mean, dtype="float64")]
        values += [
            np.asarray(b, "float64") for b in (item.demand_lo, item.demand_hi) if b is not None
        ]
        if not all(np.all(np.isfinite(v)) for v in values) or np.any(values[0] < 0):
            raise InvalidInputError(
                f"{item.sku}: forecast demand and bounds must be finite, demand >= 0", sku=item.sku
            )
