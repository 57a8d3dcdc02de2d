"""Turn forecasts and stock into purchase-order proposals, one per supplier.

:func:`plan_replenishment` reads every product's position (:mod:`.stock_positions`) and
current forecast (:mod:`.forecasting`), asks
:func:`~shopkeeper.ai.inventory.policy.plan_reorders` what to order today (safety stock from
the forecast's spread, order-up-to level over lead time plus review, MOQ and packs, budget
and storage capacity), and groups the lines by supplier into ``purchase_order`` proposals
that carry each line's reason. Approving one creates the purchase order
(:mod:`.purchase_orders`). A new plan replaces the proposals still waiting from the last.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.ai.inventory.forecast_policy import review_periods
from shopkeeper.ai.inventory.policy import (
    ReorderDecision,
    ReorderInput,
    days_of_cover,
    plan_reorders,
)
from shopkeeper.ai.inventory.simulator import BULKY_FACTOR, HOLDING_RATE
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import PurchaseOrderRow, ShopRow, SupplierRow
from shopkeeper.domain.explanation import Explanation, Factor
from shopkeeper.domain.forecasts import ForecastPoint
from shopkeeper.domain.proposals import Capability, CapabilityMode, ProposalPublic
from shopkeeper.services import modes, proposals
from shopkeeper.services.forecasting import stored_forecasts
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.stock_positions import StockPosition, SupplierTerms, stock_positions

PROPOSAL_KIND = "purchase_order"
SERVICE_LEVEL = 0.95
# As the simulated policy: a supplier's cycle is at most two weeks; between reviews an
# emergency order needs a 50 % chance of running out; the cycle reads four weeks of demand.
MAX_REVIEW_DAYS = 14
EMERGENCY_LEVEL = 0.5
CYCLE_WINDOW = 28
# Forecasts cover four weeks; a longer lead time repeats the last week's average day.
TAIL_DAYS = 7
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Uplift:
    """Extra demand expected for a product (a search spike): a multiplier for some days."""

    factor: float
    days: int
    reason: str


@dataclass
class ReplenishmentPlan:
    """What one planning run proposed and what it could not plan, with the reasons."""

    proposals: list[ProposalPublic] = field(default_factory=list)
    lines: int = 0
    superseded: int = 0
    without_supplier: list[str] = field(default_factory=list)
    without_forecast: list[str] = field(default_factory=list)


def _series(points: list[ForecastPoint], length: int, pick: str) -> np.ndarray:
    values = np.array(
        [float(getattr(p, pick) if getattr(p, pick) is not None else p.mean) for p in points]
    )
    if len(values) >= length:
        return values[:length]
    tail = float(values[-TAIL_DAYS:].mean()) if len(values) else 0.0
    return np.concatenate([values, np.full(length - len(values), tail)])


def _input(
    position: StockPosition,
    supplier: SupplierTerms,
    points: list[ForecastPoint],
    uplift: Uplift | None,
) -> ReorderInput:
    # The policy looks at lead time plus the longest review cycle, and a week beyond.
    length = max(len(points), supplier.lead_time_days + MAX_REVIEW_DAYS + TAIL_DAYS)
    mean, hi = _series(points, length, "mean"), _series(points, length, "hi_80")
    # Stored lower bounds are cut at zero demand; running out depends on the upper side,
    # so the interval the policy reads is the upper half-width mirrored.
    lo = mean - (hi - mean)
    if uplift is not None:
        boost = np.ones(length)
        boost[: uplift.days] = uplift.factor
        mean, lo, hi = mean * boost, lo * boost, hi * boost
    return ReorderInput(
        sku=position.sku,
        on_hand=float(position.available),
        on_order=float(position.on_order),
        lead_time_days=supplier.lead_time_days,
        demand_mean=mean,
        demand_lo=lo,
        demand_hi=hi,
        unit_cost=float(position.cost if position.cost is not None else position.price),
        moq=supplier.moq,
        pack_size=supplier.pack_size,
        is_bulky=position.is_bulky,
        volume_l=position.volume_l,
    )


def plan_replenishment(
    runtime: Runtime,
    shop_id: int,
    *,
    service_level: float = SERVICE_LEVEL,
    budget: Decimal | None = None,
    capacity_l: float | None = None,
    uplifts: dict[str, Uplift] | None = None,
) -> ReplenishmentPlan:
    """Propose today's purchase orders, one per supplier, each line with its reason."""
    if not 0.5 <= service_level < 1:
        raise InvalidInputError(
            "service level must be at least 0.5 and below 1", service_level=service_level
        )
    uplifts = uplifts or {}
    plan = ReplenishmentPlan()
    positions = stock_positions(runtime, shop_id)
    forecasts = stored_forecasts(runtime, shop_id)
    with runtime.sessions() as session:
        currency = session.scalar(select(ShopRow.currency).where(ShopRow.id == shop_id)) or "EUR"
        wanted = {
            sku
            for sku, p in positions.items()
            if modes.resolve_mode(
                session, shop_id, Capability.REPLENISH, category=p.category or None, sku=sku
            )
            is not CapabilityMode.OFF
        }
    inputs: list[ReorderInput] = []
    for sku in sorted(wanted):
        position = positions[sku]
        if position.supplier is None:
            plan.without_supplier.append(sku)
        elif sku not in forecasts or not forecasts[sku]:
            plan.without_forecast.append(sku)
        else:
            inputs.append(_input(position, position.supplier, forecasts[sku], uplifts.get(sku)))
    by_supplier = _due_orders(
        inputs,
        positions,
        _last_orders(runtime, shop_id),
        today=runtime.clock.now().date(),
        service_level=service_level,
        budget=float(budget) if budget is not None else None,
        capacity_l=capacity_l,
    )
    with transaction(runtime.sessions) as session:
        plan.superseded = proposals.supersede(
            session,
            runtime.clock,
            shop_id=shop_id,
            capability=Capability.REPLENISH,
            kinds=(PROPOSAL_KIND,),
        )
        for ref, lines in sorted(by_supplier.items()):
            made = _propose(session, runtime, shop_id, positions, ref, lines, currency, uplifts)
            if made is not None:
                plan.proposals.append(made)
                plan.lines += len(lines)
    return plan


def _last_orders(runtime: Runtime, shop_id: int) -> dict[str, date]:
    """The day of each supplier's latest purchase order: its review cycle counts from it."""
    with runtime.sessions() as session:
        rows = session.execute(
            select(SupplierRow.ref, func.max(PurchaseOrderRow.created_at))
            .join(PurchaseOrderRow, PurchaseOrderRow.supplier_id == SupplierRow.id)
            .where(SupplierRow.shop_id == shop_id)
            .group_by(SupplierRow.ref)
        ).all()
    return {ref: created.date() for ref, created in rows if created is not None}


def _due_orders(
    inputs: list[ReorderInput],
    positions: dict[str, StockPosition],
    last_orders: dict[str, date],
    *,
    today: date,
    service_level: float,
    budget: float | None,
    capacity_l: float | None,
) -> dict[str, list[ReorderDecision]]:
    """Today's lines per supplier, reviewed on each supplier's own cycle.

    The same rule as the simulated policy (:mod:`shopkeeper.ai.inventory.forecast_policy`):
    a supplier's products are reviewed together every ``R`` days, the joint economic cycle
    of that supplier; between reviews, a product that would run out before the next
    review's delivery (at the lower emergency level) brings the review forward to today.
    Suppliers are planned most urgent first, each within what budget and space remain.
    """
    groups: dict[str, list[ReorderInput]] = defaultdict(list)
    for item in inputs:
        supplier = positions[item.sku].supplier
        if supplier is not None:
            groups[supplier.ref].append(item)
    planned: list[tuple[float, str, int]] = []
    for ref, items in groups.items():
        holding = np.array(
            [i.unit_cost * HOLDING_RATE / 365 * (BULKY_FACTOR if i.is_bulky else 1) for i in items]
        )
        rate = np.array([float(np.mean(i.demand_mean[:CYCLE_WINDOW])) for i in items])
        period = review_periods(
            rate, holding, np.zeros(len(items), dtype=np.int64), max_days=MAX_REVIEW_DAYS
        )[0]
        last = last_orders.get(ref)
        wait = 0 if last is None else max((last - today).days + period, 0)
        if wait > 0:
            urgent = plan_reorders(items, service_level=EMERGENCY_LEVEL, review_days=wait)
            if not any(d.quantity > 0 for d in urgent):
                continue
        urgency = min(days_of_cover(i.on_hand + i.on_order, i.demand_mean) for i in items)
        planned.append((urgency, ref, period))
    chosen: dict[str, list[ReorderDecision]] = {}
    cost = {i.sku: i.unit_cost for i in inputs}
    for _, ref, period in sorted(planned):
        decisions = plan_reorders(
            groups[ref],
            service_level=service_level,
            review_days=period,
            budget=budget,
            capacity_l=capacity_l,
        )
        lines = [d for d in decisions if d.quantity > 0]
        if budget is not None:
            budget = max(budget - sum(d.quantity * cost[d.sku] for d in lines), 0.0)
        if lines:
            chosen[ref] = lines
    return chosen


def _propose(
    session: Session,
    runtime: Runtime,
    shop_id: int,
    positions: dict[str, StockPosition],
    ref: str,
    lines: list[ReorderDecision],
    currency: str,
    uplifts: dict[str, Uplift],
) -> ProposalPublic | None:
    supplier = positions[lines[0].sku].supplier
    if supplier is None:  # grouped by supplier above, so every line has one
        return None
    items = []
    total = Decimal(0)
    for decision in sorted(lines, key=lambda d: d.days_of_cover):
        position = positions[decision.sku]
        unit_cost = position.cost if position.cost is not None else position.price
        total += unit_cost * decision.quantity
        items.append(
            {
                "sku": decision.sku,
                "title": position.title,
                "quantity": decision.quantity,
                "order_up_to": round(decision.order_up_to, 1),
                "unit_cost": str(unit_cost.quantize(CENT)),
                "reason": decision.explanation.summary,
                "early": decision.sku in uplifts,
            }
        )
    urgent = min(d.days_of_cover for d in lines)
    early = [d.sku for d in lines if d.sku in uplifts]
    summary = (
        f"Order {sum(d.quantity for d in lines)} units of {len(lines)} product"
        f"{'s' if len(lines) > 1 else ''} from {supplier.name} "
        f"({total.quantize(CENT)} {currency})"
    )
    why = (
        f"{len(lines)} product{'s' if len(lines) > 1 else ''} would run short before "
        f"{supplier.name}'s next delivery ({supplier.lead_time_days} days lead time); "
        f"the most urgent has {urgent:.1f} days of stock left."
    )
    if early:
        why += (
            " Early restock for "
            + ", ".join(f"{sku} ({uplifts[sku].reason})" for sku in early)
            + "."
        )
    factors = tuple(
        Factor(f"line:{d.sku}", float(d.quantity), d.explanation.summary)
        for d in sorted(lines, key=lambda d: d.days_of_cover)
    )
    return proposals.propose(
        session,
        runtime.clock,
        shop_id=shop_id,
        capability=Capability.REPLENISH,
        kind=PROPOSAL_KIND,
        target=ref,
        summary=summary,
        explanation=Explanation(why, factors),
        payload={
            "supplier_ref": ref,
            "currency": currency,
            "lead_time_days": supplier.lead_time_days,
            "lines": items,
            "total_cost": str(total.quantize(CENT)),
        },
        expected_effect={
            "units": sum(d.quantity for d in lines),
            "products": len(lines),
            "min_days_of_cover_before": round(float(urgent), 1),
        },
        category="",
        actor="replenishment",
    )
