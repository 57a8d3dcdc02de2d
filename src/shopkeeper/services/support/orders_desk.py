"""What the assistant may read and change about one order, and the checks before it does.

Every change goes through :mod:`shopkeeper.services.orders` or writes its own audit row,
with the conversation as the actor, so an owner sees who changed what and why.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.money import rounded
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import CustomerRow, OrderLineRow, OrderRow, ProductRow, ReturnRow
from shopkeeper.domain.customers import Address
from shopkeeper.domain.orders import OrderUpdate
from shopkeeper.domain.shops import Shop
from shopkeeper.services import audit
from shopkeeper.services.orders import update_order

_REFERENCE = re.compile(r"^([A-Za-z#-]*)(\d+)$")
_ADDRESS = re.compile(r"^(?P<line1>.*?)[\s,]+(?P<postcode>\d{4,5})\s+(?P<city>[^\d,]+?)\s*$")


@dataclass(frozen=True, slots=True)
class LineFacts:
    line_no: int
    sku: str
    title: str
    category: str
    quantity: int


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """An order as the assistant talks about it (after the customer proved who they are)."""

    row_id: int
    external_id: str
    status: str
    placed_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    carrier: str | None
    tracking_number: str | None
    total: Decimal
    currency: str
    lines: tuple[LineFacts, ...]
    email: str | None
    address: Address | None


def _digits_match(reference: str) -> tuple[str, int] | None:
    match = _REFERENCE.match(reference.strip().lstrip("#").replace(" ", ""))
    return (match.group(1).upper(), int(match.group(2))) if match else None


def find_order(session: Session, shop_id: int, reference: str) -> OrderRow | None:
    """The order a customer means by ``reference``, written as they wrote it.

    Shops number orders their own way ("O0012345", "#1001", "100234"); customers drop
    the letters and the leading zeros. The shop's format is read off its latest order and
    the customer's digits are put back into it.
    """
    parsed = _digits_match(reference)
    if parsed is None:
        return None
    _, number = parsed
    candidates = {reference.strip(), reference.strip().upper(), str(number)}
    latest = session.scalar(
        select(OrderRow.external_id)
        .where(OrderRow.shop_id == shop_id)
        .order_by(OrderRow.id.desc())
        .limit(1)
    )
    shape = _REFERENCE.match(latest or "")
    if shape is not None:
        prefix, width = shape.group(1), len(shape.group(2))
        candidates.add(f"{prefix}{number:0{width}d}")
        candidates.add(f"{prefix}{number}")
    return session.scalar(
        select(OrderRow).where(
            OrderRow.shop_id == shop_id, OrderRow.external_id.in_(sorted(candidates))
        )
    )


def _postcode(value: str | None) -> str:
    return re.sub(r"\s", "", value or "").upper()


def verify(
    session: Session,
    cipher: PiiCipher,
    order: OrderRow,
    *,
    email: str | None = None,
    postcode: str | None = None,
) -> bool:
    """Whether ``email`` (the customer's) or ``postcode`` (the delivery's) matches ``order``."""
    if email and order.customer_id is not None:
        customer = session.get(CustomerRow, order.customer_id)
        wanted = cipher.email_hash(email.strip())
        if customer is not None and wanted and customer.email_hash == wanted:
            return True
    if postcode:
        address = cipher.decrypt_json(order.shipping_address_enc) or {}
        known = _postcode(address.get("postcode"))
        return bool(known) and known == _postcode(postcode)
    return False


def order_facts(session: Session, cipher: PiiCipher, order: OrderRow) -> OrderFacts:
    rows = session.execute(
        select(OrderLineRow, ProductRow.title, ProductRow.category)
        .outerjoin(ProductRow, ProductRow.id == OrderLineRow.product_id)
        .where(OrderLineRow.order_id == order.id)
        .order_by(OrderLineRow.line_no)
    ).all()
    customer = session.get(CustomerRow, order.customer_id) if order.customer_id else None
    address = cipher.decrypt_json(order.shipping_address_enc)
    return OrderFacts(
        row_id=order.id,
        external_id=order.external_id,
        status=order.status,
        placed_at=order.placed_at,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        total=rounded(order.total, order.currency),
        currency=order.currency,
        lines=tuple(
            LineFacts(line.line_no, line.sku, title or line.sku, category or "", line.quantity)
            for line, title, category in rows
        ),
        email=cipher.decrypt_optional(customer.email_enc) if customer else None,
        address=Address(**address) if address else None,
    )


def business_days_after(start: datetime | date, days: int) -> date:
    """The date ``days`` working days (Monday-Friday) after ``start``."""
    day = start.date() if isinstance(start, datetime) else start
    return date.fromisoformat(str(np.busday_offset(day, days, roll="forward")))


def parse_address(text: str, country: str | None) -> Address:
    """A postal address typed in one line: "12 rue des Lilas, 69003 Lyon"."""
    match = _ADDRESS.match(text.strip())
    if match is None:
        return Address(line1=text.strip()[:300], country=country)
    return Address(
        line1=match["line1"].strip(" ,")[:300],
        postcode=match["postcode"],
        city=match["city"].strip()[:100],
        country=country,
    )


def pick_line(lines: tuple[LineFacts, ...], wanted: str | None) -> LineFacts | None:
    """The order line the customer means: the only one, or the best title match."""
    if len(lines) == 1:
        return lines[0]
    if not wanted:
        return None
    best = process.extractOne(
        wanted, [line.title for line in lines], scorer=fuzz.token_set_ratio, score_cutoff=60
    )
    return lines[best[2]] if best else None


def open_return(
    session: Session,
    clock: Clock,
    order: OrderFacts,
    line: LineFacts,
    *,
    shop_id: int,
    reason: str,
    conversation_id: int | None,
    actor: str,
) -> ReturnRow:
    """A return record with a printable label reference, audit-logged."""
    label = f"RET-{secrets.token_hex(4).upper()}"
    row = ReturnRow(
        shop_id=shop_id,
        order_id=order.row_id,
        line_no=line.line_no,
        sku=line.sku,
        quantity=line.quantity,
        reason=reason[:500],
        status="requested",
        label_reference=label,
        conversation_id=conversation_id,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="return.create",
        target_kind="order",
        target_id=order.external_id,
        after={"sku": line.sku, "label": label},
    )
    return row


def open_return_for(session: Session, order: OrderFacts, line: LineFacts) -> ReturnRow | None:
    """The return already opened for this order line, if any."""
    return session.scalar(
        select(ReturnRow).where(
            ReturnRow.order_id == order.row_id, ReturnRow.line_no == line.line_no
        )
    )


def cancel(
    session: Session, clock: Clock, cipher: PiiCipher, shop: Shop, order: OrderFacts, actor: str
) -> None:
    update_order(
        session, clock, cipher, shop, order.external_id, OrderUpdate(status="cancelled"), actor
    )


def change_address(
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    shop: Shop,
    order: OrderFacts,
    address: Address,
    actor: str,
) -> None:
    merged = (order.address or Address()).model_copy(
        update={k: v for k, v in address.model_dump().items() if v is not None}
    )
    # The old street's second line would describe a building that is not there any more.
    merged = merged.model_copy(update={"line2": address.line2})
    update_order(
        session,
        clock,
        cipher,
        shop,
        order.external_id,
        OrderUpdate(shipping_address=merged),
        actor,
    )


def days_since(moment: datetime, now: datetime) -> float:
    return (now - moment) / timedelta(days=1)
