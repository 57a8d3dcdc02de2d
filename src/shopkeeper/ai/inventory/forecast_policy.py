"""Ours: :func:`~.policy.plan_reorders` fed by demand forecasts, one review cycle per supplier.

Every purchase order costs the same whatever it holds, so the SKUs of one supplier are
reviewed together, every ``R`` days with ``R`` the joint economic review period
``sqrt(2 · order cost / Σ daily holding cost × daily demand)`` of that supplier's SKUs
(at most ``max_review_days``). On a review day each SKU is ordered up to its forecast
demand over lead time + ``R`` plus safety stock. Between reviews an SKU whose stock will
not last until the next review's delivery, at the lower ``emergency_level``, brings its
supplier's review forward to today, and the other SKUs of that supplier join the order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from shopkeeper.ai.inventory.policy import ReorderInput, plan_reorders
from shopkeeper.ai.inventory.simulator import (
    ORDER_COST,
    FloatArray,
    InventorySetup,
    StockView,
)


@dataclass(frozen=True, eq=False)
class DemandForecast:
    """Forecast units per day and SKU, shape ``(skus, horizon)``, from the day after."""

    mean: FloatArray
    lo: FloatArray | None = None
    hi: FloatArray | None = None
    interval_level: float = 0.8

    def shifted(self, days: int) -> DemandForecast:
        """The same forecast seen ``days`` later (its first ``days`` columns dropped)."""
        lo = None if self.lo is None else self.lo[:, days:]
        hi = None if self.hi is None else self.hi[:, days:]
        return DemandForecast(self.mean[:, days:], lo, hi, self.interval_level)


# Called with the day and the demand history up to it; answers from the day after.
ForecastFeed = Callable[[int, FloatArray], DemandForecast]


def review_periods(
    mean_demand: FloatArray,
    holding_per_day: FloatArray,
    supplier: np.ndarray,
    *,
    order_cost: float = ORDER_COST,
    max_days: int = 14,
) -> dict[int, int]:
    """Days between orders per supplier: the joint EOQ cycle, between 1 and ``max_days``.

    Examples
    --------
    >>> review_periods(np.array([2.0, 2.0, 0.0]), np.array([0.1, 0.1, 0.1]),
    ...                np.array([0, 0, 1]), order_cost=20.0)
    {0: 10, 1: 14}
    """
    periods = {}
    for code in np.unique(supplier):
        mine = supplier == code
        carrying = float(np.sum(holding_per_day[mine] * mean_demand[mine]))
        days = np.sqrt(2.0 * order_cost / carrying) if carrying > 0 else np.inf
        periods[int(code)] = int(np.clip(np.round(days), 1, max_days))
    return periods


class ForecastPolicy:
    """Supplier-cycle order-up-to policy on forecasts, through :func:`plan_reorders`.

    Examples
    --------
    >>> from shopkeeper.ai.inventory.simulator import simulate
    >>> def flat(day, history):  # a forecast that knows the rate
    ...     return DemandForecast(np.full((history.shape[1], 40), 2.0))
    >>> setup = InventorySetup(demand=np.full((200, 2), 2.0), unit_cost=np.array([5.0, 9.0]),
    ...                        lead_time=np.array([4, 4]), supplier=np.array([0, 0]),
    ...                        start=30, warmup_days=30, scored_days=100)
    >>> result = simulate(setup, ForecastPolicy(flat))
    >>> float(result.lost[30:].sum()), bool(result.purchase_orders[30:].sum() < 20)
    (0.0, True)
    """

    def __init__(
        self,
        feed: ForecastFeed,
        *,
        service_level: float = 0.95,
        emergency_level: float = 0.5,
        safety_factor: float = 1.0,
        max_review_days: int = 14,
        cycle_window: int = 28,
    ) -> None:
        self.feed = feed
        self.service_level = service_level
        self.emergency_level = emergency_level
        self.safety_factor = safety_factor
        self.max_review_days = max_review_days
        self.cycle_window = cycle_window
        self._next: dict[int, int] = {}
        self._skus: tuple[str, ...] = ()

    def start(self, setup: InventorySetup) -> None:
        self._next = {int(s): setup.start for s in np.unique(setup.supplier)}
        self._skus = setup.skus or tuple(f"SKU-{i}" for i in range(setup.n_skus))

    def order(self, view: StockView) -> FloatArray:
        setup = view.setup
        forecast = self.feed(view.day, view.history)
        periods = review_periods(
            forecast.mean[:, : self.cycle_window].mean(axis=1),
            setup.holding_per_day,
            setup.supplier,
            max_days=self.max_review_days,
        )
        quantity = np.zeros(setup.n_skus)
        for code, period in periods.items():
            mine = np.flatnonzero(setup.supplier == code)
            items = self._items(mine, view, forecast)
            due = view.day >= self._next[code]
            if not due:
                until = self._next[code] - view.day
                urgent = plan_reorders(
                    items,
                    service_level=self.emergency_level,
                    review_days=until,
                    safety_factor=self.safety_factor,
                    explain=False,
                )
                due = any(d.quantity > 0 for d in urgent)
            if due:
                decisions = plan_reorders(
                    items,
                    service_level=self.service_level,
                    review_days=period,
                    safety_factor=self.safety_factor,
                    explain=False,
                )
                quantity[mine] = [d.quantity for d in decisions]
                self._next[code] = view.day + period
        return quantity

    def _items(
        self, mine: np.ndarray, view: StockView, forecast: DemandForecast
    ) -> list[ReorderInput]:
        setup = view.setup
        lo, hi = forecast.lo, forecast.hi
        return [
            ReorderInput(
                sku=self._skus[i],
                on_hand=float(view.on_hand[i]),
                on_order=float(view.on_order[i]),
                lead_time_days=int(setup.lead_time[i]),
                demand_mean=forecast.mean[i],
                demand_lo=None if lo is None else lo[i],
                demand_hi=None if hi is None else hi[i],
                unit_cost=float(setup.unit_cost[i]),
                moq=int(setup.moq_units[i]),
                pack_size=int(setup.packs[i]),
                is_bulky=bool(setup.bulky[i]),
                interval_level=forecast.interval_level,
            )
            for i in mine
        ]
