"""The reasons behind one reorder decision, in the shop owner's words and numbers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

from shopkeeper.domain.explanation import Explanation, Factor

if TYPE_CHECKING:
    from shopkeeper.ai.inventory.policy import ReorderInput


class PlanNumbers(Protocol):
    """The figures a decision was computed from."""

    @property
    def order_up_to(self) -> float: ...
    @property
    def safety_stock(self) -> float: ...
    @property
    def position(self) -> float: ...
    @property
    def days_of_cover(self) -> float: ...
    @property
    def demand(self) -> float: ...
    @property
    def quantity(self) -> int: ...


def _units(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _cover(days: float) -> str:
    return "no forecast demand" if math.isinf(days) else f"{days:.0f} days of cover"


def explain_decision(
    item: ReorderInput,
    plan: PlanNumbers,
    quantity: int,
    review_days: int,
    cut_by: str | None = None,
) -> Explanation:
    """Summary such as ``12 left, 9 days of cover, lead time 14 days: order 48 (MOQ 24, ...)``.

    Examples
    --------
    >>> import numpy as np
    >>> from shopkeeper.ai.inventory.policy import ReorderInput, plan_reorders
    >>> item = ReorderInput(sku="A", on_hand=90, on_order=0, lead_time_days=5,
    ...                     demand_mean=np.full(10, 2.0), demand_lo=None, demand_hi=None,
    ...                     unit_cost=3.0)
    >>> plan_reorders([item])[0].explanation.summary
    '90 left, 45 days of cover, lead time 5 days: no order (needs 17.7 until the next order arrives)'
    """
    head = f"{_units(item.on_hand)} left"
    if item.on_order:
        head += f" (+{_units(item.on_order)} on order)"
    head += f", {_cover(plan.days_of_cover)}, lead time {item.lead_time_days} days"
    if quantity > 0:
        terms = []
        if item.moq > 1:
            terms.append(f"MOQ {item.moq}")
        if item.pack_size > 1:
            terms.append(f"packs of {item.pack_size}")
        summary = f"{head}: order {quantity}" + (f" ({', '.join(terms)})" if terms else "")
    elif plan.quantity > 0:
        summary = f"{head}: no order"
    else:
        summary = (
            f"{head}: no order (needs {_units(plan.order_up_to)} until the next order arrives)"
        )
    if cut_by is not None:
        summary += f"; cut from {plan.quantity} to keep within {cut_by}, less urgent than others"
    factors = [
        Factor("position", plan.position, f"{_units(plan.position)} on hand and on order"),
        Factor(
            "forecast_demand",
            plan.demand,
            f"{_units(plan.demand)} expected over {item.lead_time_days} days of lead time "
            f"+ {review_days} until the next review",
        ),
        Factor("safety_stock", plan.safety_stock, f"{_units(plan.safety_stock)} against error"),
        Factor("order_up_to", plan.order_up_to, "forecast demand + safety stock"),
    ]
    if quantity > 0 and (item.moq > 1 or item.pack_size > 1):
        factors.append(
            Factor("supplier_terms", float(quantity), f"MOQ {item.moq}, packs of {item.pack_size}")
        )
    if cut_by is not None:
        factors.append(Factor("cut", float(quantity - plan.quantity), f"kept within {cut_by}"))
    return Explanation(summary, tuple(factors))
