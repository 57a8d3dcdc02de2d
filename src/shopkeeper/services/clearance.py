"""Slow movers into clearance: a discount that sells the stock before a date.

For each product with more than half a year of cover (:mod:`.stock_health`), the smallest
discount on a 5% grid whose expected sales by the clear-by date cover the stock on hand,
never below cost and never above ``max_discount``. Expected sales use the product's
forecast and a price elasticity: until the pricing capability learns each product's own,
the mean of 1,851 published estimates (Bijmolt, Van Heerde & Pieters 2005, JMR 42(2):
-2.62). The proposal is a ``price_change`` (the same applier and audit as any price).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.domain.explanation import Explanation, Factor
from shopkeeper.domain.proposals import Capability, ProposalPublic
from shopkeeper.services import proposals
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.stock_health import ProductHealth, stock_health

PROPOSAL_KIND = "price_change"
CLEAR_BY_DAYS = 56
MAX_DISCOUNT = 0.5
ASSUMED_ELASTICITY = -2.62
DISCOUNT_STEP = 0.05
# A waiting clearance is re-examined by the next run; a week keeps the Inbox current.
PROPOSAL_LIFETIME_DAYS = 7
# An Inbox of hundreds of price cuts gets none read: the most money asleep comes first.
MAX_PROPOSALS = 25
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ClearanceOffer:
    """The discount chosen for one slow mover and what it should sell."""

    sku: str
    discount: float
    new_price: Decimal
    expected_units: float
    stock: int
    clears: bool


def choose_discount(
    health: ProductHealth, *, days: int, max_discount: float, elasticity: float
) -> ClearanceOffer | None:
    """The smallest discount that sells the stock in ``days``, or the largest allowed."""
    position = health.position
    floor = position.cost if position.cost is not None else Decimal(0)
    if position.price <= floor:
        return None
    steps = round(max_discount / DISCOUNT_STEP)
    offer: ClearanceOffer | None = None
    for step in range(1, steps + 1):
        discount = step * DISCOUNT_STEP
        price = (position.price * Decimal(str(1 - discount))).quantize(CENT, ROUND_HALF_UP)
        if price < floor:
            break
        lift = (1 - discount) ** elasticity
        expected = health.daily_demand * lift * days
        offer = ClearanceOffer(
            sku=position.sku,
            discount=round(discount, 2),
            new_price=price,
            expected_units=round(expected, 1),
            stock=position.available,
            clears=expected >= position.available,
        )
        if offer.clears:
            break
    return offer


def propose_clearances(
    runtime: Runtime,
    shop_id: int,
    *,
    clear_by_days: int = CLEAR_BY_DAYS,
    max_discount: float = MAX_DISCOUNT,
    elasticity: float = ASSUMED_ELASTICITY,
    max_proposals: int = MAX_PROPOSALS,
) -> list[ProposalPublic]:
    """Price cuts for the slow movers holding the most stock value (at most
    ``max_proposals``); replaces the clearances still waiting."""
    if not 0 < max_discount < 1:
        raise InvalidInputError("max discount must be a share in (0, 1)", max_discount=max_discount)
    if clear_by_days < 7:
        raise InvalidInputError("clear-by must be at least a week away", days=clear_by_days)
    slow = sorted(
        (h for h in stock_health(runtime, shop_id) if h.slow_mover),
        key=lambda h: (-h.position.available * float(h.position.cost or h.position.price), h.sku),
    )[:max_proposals]
    now = runtime.clock.now()
    clear_by = (now + timedelta(days=clear_by_days)).date()
    made: list[ProposalPublic] = []
    with transaction(runtime.sessions) as session:
        proposals.supersede(
            session,
            runtime.clock,
            shop_id=shop_id,
            capability=Capability.REPLENISH,
            kinds=(PROPOSAL_KIND,),
        )
        for health in slow:
            offer = choose_discount(
                health, days=clear_by_days, max_discount=max_discount, elasticity=elasticity
            )
            if offer is None:
                continue
            weeks = health.weeks_of_cover
            cover = "no forecast demand" if weeks == float("inf") else f"{weeks:.0f} weeks of cover"
            outcome = (
                f"should sell all {offer.stock} by {clear_by.isoformat()}"
                if offer.clears
                else f"should sell about {offer.expected_units:.0f} of {offer.stock} by "
                f"{clear_by.isoformat()} (the largest discount allowed)"
            )
            why = (
                f"{offer.stock} in stock, {cover}, {health.sell_through:.0%} sell-through over "
                f"90 days: {offer.discount:.0%} off {outcome}."
            )
            proposal = proposals.propose(
                session,
                runtime.clock,
                shop_id=shop_id,
                capability=Capability.REPLENISH,
                kind=PROPOSAL_KIND,
                target=offer.sku,
                summary=(
                    f"Clear {offer.sku}: {health.position.price.quantize(CENT)} -> {offer.new_price} "
                    f"({offer.discount:.0%} off)"
                ),
                explanation=Explanation(
                    why,
                    (
                        Factor("stock_on_hand", float(offer.stock), "units available"),
                        Factor("weeks_of_cover", round(min(weeks, 9999.0), 1), cover),
                        Factor("sell_through_90d", round(health.sell_through, 3), "sold/offered"),
                        Factor("elasticity", elasticity, "assumed until pricing learns it"),
                    ),
                ),
                payload={
                    "sku": offer.sku,
                    "old_price": str(health.position.price.quantize(CENT)),
                    "new_price": str(offer.new_price),
                    "clearance": {
                        "discount": offer.discount,
                        "clear_by": clear_by.isoformat(),
                        "expected_units": offer.expected_units,
                    },
                },
                expected_effect={
                    "units_by_clear_by": offer.expected_units,
                    "clears": offer.clears,
                },
                category=health.position.category or None,
                expires_at=now + timedelta(days=PROPOSAL_LIFETIME_DAYS),
                actor="clearance",
            )
            if proposal is not None:
                made.append(proposal)
    return made
