"""Orders and their lines; imported orders are the source of truth for sales."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import ConflictError, InvalidInputError, NotFoundError
from shopkeeper.core.money import rounded
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import CustomerRow, OrderLineRow, OrderRow, ProductRow
from shopkeeper.domain.customers import Address
from shopkeeper.domain.orders import OrderCreate, OrderLinePublic, OrderPublic, OrderUpdate
from shopkeeper.domain.schemas import Page, check_page_window
from shopkeeper.domain.shops import Shop
from shopkeeper.services import audit

MAX_PAGE = 500


def find_order(session: Session, shop_id: int, external_id: str) -> OrderRow | None:
    return session.scalar(
        select(OrderRow).where(OrderRow.shop_id == shop_id, OrderRow.external_id == external_id)
    )


def _customer_id(
    session: Session, clock: Clock, shop_id: int, external_id: str | None
) -> int | None:
    if external_id is None:
        return None
    found = session.scalar(
        select(CustomerRow.id).where(
            CustomerRow.shop_id == shop_id, CustomerRow.external_id == external_id
        )
    )
    if found is not None:
        return found
    # Orders often arrive before the customer export: keep the link with a bare record.
    now = clock.now()
    row = CustomerRow(
        shop_id=shop_id, external_id=external_id, created_at=now, updated_at=now, attributes={}
    )
    session.add(row)
    session.flush()
    return row.id


def upsert_order(
    session: Session, clock: Clock, cipher: PiiCipher, shop: Shop, data: OrderCreate
) -> tuple[OrderRow, bool]:
    """Insert or replace an order and its lines by external id, inside the caller's transaction."""
    currency = (data.currency or shop.currency).upper()
    if currency != shop.currency:
        raise InvalidInputError(
            f"order currency {currency} differs from the shop's {shop.currency}", currency=currency
        )
    now = clock.now()
    # Resolved before the new row joins the session: its query would autoflush a half-filled row.
    customer_id = _customer_id(session, clock, shop.id, data.customer_id)
    row = find_order(session, shop.id, data.external_id)
    created = row is None
    if row is None:
        row = OrderRow(shop_id=shop.id, external_id=data.external_id, created_at=now)
        session.add(row)
    else:
        session.execute(delete(OrderLineRow).where(OrderLineRow.order_id == row.id))
    address = data.shipping_address.model_dump(exclude_none=True) if data.shipping_address else None
    row.customer_id = customer_id
    row.placed_at = data.placed_at
    row.status = data.status
    row.channel = data.channel
    row.currency = currency
    row.subtotal = data.computed_subtotal()
    row.discount_total = data.computed_discount()
    row.shipping_total = data.shipping_total
    row.total = data.computed_total()
    row.shipping_region = address.get("region") if address else None
    row.shipping_address_enc = cipher.encrypt_json(address)
    row.shipped_at, row.delivered_at = data.shipped_at, data.delivered_at
    row.carrier, row.tracking_number = data.carrier, data.tracking_number
    row.updated_at = now
    session.flush()
    skus = {line.sku for line in data.lines}
    found = session.execute(
        select(ProductRow.sku, ProductRow.id).where(
            ProductRow.shop_id == shop.id, ProductRow.sku.in_(skus)
        )
    )
    product_ids = dict(found.all())
    session.add_all(
        OrderLineRow(
            shop_id=shop.id,
            order_id=row.id,
            line_no=number,
            product_id=product_ids.get(line.sku),
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,
        )
        for number, line in enumerate(data.lines, start=1)
    )
    session.flush()
    return row, created


def create_order(
    session: Session, clock: Clock, cipher: PiiCipher, shop: Shop, data: OrderCreate
) -> OrderPublic:
    if find_order(session, shop.id, data.external_id) is not None:
        raise ConflictError(f"order {data.external_id!r} already exists", order_id=data.external_id)
    row, _ = upsert_order(session, clock, cipher, shop, data)
    return to_public(session, row, cipher)


def update_order(
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    shop: Shop,
    external_id: str,
    data: OrderUpdate,
    actor: str,
) -> OrderPublic:
    row = get_order_row(session, shop.id, external_id)
    before = {"status": row.status}
    if data.status is not None:
        row.status = data.status
    if data.shipping_address is not None:
        address = data.shipping_address.model_dump(exclude_none=True)
        row.shipping_address_enc = cipher.encrypt_json(address)
        row.shipping_region = address.get("region")
    for field in ("shipped_at", "delivered_at", "carrier", "tracking_number"):
        if field in data.model_fields_set:
            setattr(row, field, getattr(data, field))
    row.updated_at = clock.now()
    audit.record(
        session,
        clock,
        shop_id=shop.id,
        actor=actor,
        action="order.update",
        target_kind="order",
        target_id=external_id,
        before=before,
        after={"status": row.status, "address_changed": data.shipping_address is not None},
    )
    return to_public(session, row, cipher)


def get_order_row(session: Session, shop_id: int, external_id: str) -> OrderRow:
    row = find_order(session, shop_id, external_id)
    if row is None:
        raise NotFoundError(f"no order {external_id!r}", order_id=external_id)
    return row


def to_public(session: Session, row: OrderRow, cipher: PiiCipher) -> OrderPublic:
    lines = session.scalars(
        select(OrderLineRow).where(OrderLineRow.order_id == row.id).order_by(OrderLineRow.line_no)
    )
    customer = session.get(CustomerRow, row.customer_id) if row.customer_id else None
    return _public(row, cipher, list(lines), customer.external_id if customer else None)


def _public(
    row: OrderRow, cipher: PiiCipher, lines: list[OrderLineRow], customer_ref: str | None
) -> OrderPublic:
    address = cipher.decrypt_json(row.shipping_address_enc)
    return OrderPublic(
        external_id=row.external_id,
        customer_id=customer_ref,
        placed_at=row.placed_at,
        status=row.status,
        channel=row.channel,
        currency=row.currency,
        subtotal=rounded(row.subtotal, row.currency),
        discount_total=rounded(row.discount_total, row.currency),
        shipping_total=rounded(row.shipping_total, row.currency),
        total=rounded(row.total, row.currency),
        shipping_address=Address(**address) if address else None,
        shipped_at=row.shipped_at,
        delivered_at=row.delivered_at,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        lines=[
            OrderLinePublic(
                line_no=ln.line_no,
                sku=ln.sku,
                quantity=ln.quantity,
                unit_price=rounded(ln.unit_price, row.currency),
                discount=rounded(ln.discount, row.currency),
            )
            for ln in lines
        ],
    )


def get_order(session: Session, cipher: PiiCipher, shop_id: int, external_id: str) -> OrderPublic:
    return to_public(session, get_order_row(session, shop_id, external_id), cipher)


def list_orders(
    session: Session,
    cipher: PiiCipher,
    shop_id: int,
    *,
    customer_id: str | None = None,
    status: str | None = None,
    placed_from: datetime | None = None,
    placed_to: datetime | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[OrderPublic]:
    check_page_window(offset, limit, MAX_PAGE)
    filters: list[Any] = [OrderRow.shop_id == shop_id]
    if customer_id:
        filters.append(
            OrderRow.customer_id.in_(
                select(CustomerRow.id).where(
                    CustomerRow.shop_id == shop_id, CustomerRow.external_id == customer_id
                )
            )
        )
    if status:
        filters.append(OrderRow.status == status)
    if placed_from:
        filters.append(OrderRow.placed_at >= placed_from)
    if placed_to:
        filters.append(OrderRow.placed_at < placed_to)
    if q:
        filters.append(OrderRow.external_id.like(f"{q}%"))
    count = session.scalar(select(func.count(OrderRow.id)).where(*filters)) or 0
    # The page's customers and lines come in two queries, not two per order.
    rows = session.execute(
        select(OrderRow, CustomerRow.external_id)
        .outerjoin(CustomerRow, CustomerRow.id == OrderRow.customer_id)
        .where(*filters)
        .order_by(OrderRow.placed_at.desc(), OrderRow.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    lines: dict[int, list[OrderLineRow]] = {row.id: [] for row, _ in rows}
    for line in session.scalars(
        select(OrderLineRow)
        .where(OrderLineRow.order_id.in_(list(lines)))
        .order_by(OrderLineRow.order_id, OrderLineRow.line_no)
    ):
        lines[line.order_id].append(line)
    data = [_public(row, cipher, lines[row.id], ref) for row, ref in rows]
    return Page[OrderPublic](data=data, count=count)
