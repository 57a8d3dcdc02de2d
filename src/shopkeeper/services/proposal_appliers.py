"""Appliers: the functions that carry out an approved proposal, one per kind.

Each takes ``(session, clock, proposal_row, actor)``, changes the shop's data in the caller's
transaction and returns a dict kept as the proposal's ``result``; it raises
``GuardrailError`` to refuse. ``services.proposals`` registers them by kind.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import GuardrailError, InvalidInputError, NotFoundError
from shopkeeper.data.tables import PriceChangeRow, ProductRow, ProposalRow
from shopkeeper.services.pricing_rules import locks_of


def _price(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInputError(f"payload {field} is not a price: {value!r}") from exc


def apply_price_change(
    session: Session, clock: Clock, proposal: ProposalRow, actor: str
) -> dict[str, Any]:
    """Set a product's price as proposed, refusing stale or below-cost proposals.

    A ``dynamic_price`` proposal (from a pricing run) is refused as well while a price lock
    holds the product, since a lock may have been set after the run quoted it; its change is
    logged with the source ``pricing``, which the kill switch reads.
    """
    sku = str(proposal.payload.get("sku", proposal.target))
    new_price = _price(proposal.payload.get("new_price"), "new_price")
    old_price = _price(proposal.payload.get("old_price"), "old_price")
    product = session.scalar(
        select(ProductRow).where(ProductRow.shop_id == proposal.shop_id, ProductRow.sku == sku)
    )
    if product is None:
        raise NotFoundError(f"no product with sku {sku!r}", sku=sku)
    # A price edited since the proposal was made means its reasoning no longer holds.
    if product.price != old_price:
        raise GuardrailError(
            f"the price of {sku} changed since this proposal was made",
            sku=sku,
            expected=str(old_price),
            current=str(product.price),
        )
    if product.cost is not None and new_price < product.cost:
        raise GuardrailError(
            f"new price {new_price} is below the cost of {sku}",
            sku=sku,
            new_price=str(new_price),
            cost=str(product.cost),
        )
    now = clock.now()
    dynamic = proposal.kind == "dynamic_price"
    if dynamic:
        held = [
            lock
            for lock in locks_of(session, proposal.shop_id, now).get(sku, ())
            if lock.is_active(now)
        ]
        if held:
            raise GuardrailError(
                f"{sku} is locked ({held[0].reason.value}): no automatic price change",
                sku=sku,
                rule="price_lock",
            )
    product.price = new_price
    product.updated_at = now
    change = PriceChangeRow(
        shop_id=proposal.shop_id,
        product_id=product.id,
        old_price=old_price,
        new_price=new_price,
        reason=proposal.summary,
        source="pricing" if dynamic else "proposal",
        proposal_id=proposal.id,
        changed_by=actor,
        changed_at=now,
    )
    session.add(change)
    session.flush()
    return {"sku": sku, "old_price": str(old_price), "new_price": str(new_price)}
