"""Stock levels: counted quantities, with every difference kept as a stock move."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.data.tables import ProductRow, StockLevelRow, StockMoveRow
from shopkeeper.domain.schemas import Page, check_page_window
from shopkeeper.domain.stock import StockPublic, StockSet
from shopkeeper.services.catalog import get_product_row

MAX_PAGE = 500


def set_stock(session: Session, clock: Clock, shop_id: int, data: StockSet) -> StockPublic:
    """Set the counted on-hand quantity; the change is recorded as a move with its reason."""
    product = get_product_row(session, shop_id, data.sku)
    now = clock.now()
    level = session.scalar(
        select(StockLevelRow).where(
            StockLevelRow.shop_id == shop_id,
            StockLevelRow.product_id == product.id,
            StockLevelRow.location == data.location,
        )
    )
    if level is None:
        level = StockLevelRow(
            shop_id=shop_id, product_id=product.id, location=data.location, on_hand=0, reserved=0
        )
        session.add(level)
    delta = data.on_hand - (level.on_hand or 0)
    level.on_hand = data.on_hand
    level.updated_at = now
    if delta:
        session.add(
            StockMoveRow(
                shop_id=shop_id,
                product_id=product.id,
                location=data.location,
                quantity=delta,
                reason=data.reason,
                occurred_at=now,
            )
        )
    session.flush()
    return StockPublic(
        sku=data.sku,
        location=level.location,
        on_hand=level.on_hand,
        reserved=level.reserved,
        updated_at=now,
    )


def add_stock(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    product_id: int,
    quantity: int,
    reason: str,
    reference: str | None = None,
    location: str = "main",
) -> None:
    """Add ``quantity`` units (a delivery) to a location, kept as a stock move."""
    now = clock.now()
    level = session.scalar(
        select(StockLevelRow).where(
            StockLevelRow.shop_id == shop_id,
            StockLevelRow.product_id == product_id,
            StockLevelRow.location == location,
        )
    )
    if level is None:
        level = StockLevelRow(
            shop_id=shop_id, product_id=product_id, location=location, on_hand=0, reserved=0
        )
        session.add(level)
    level.on_hand = (level.on_hand or 0) + quantity
    level.updated_at = now
    session.add(
        StockMoveRow(
            shop_id=shop_id,
            product_id=product_id,
            location=location,
            quantity=quantity,
            reason=reason,
            reference=reference,
            occurred_at=now,
        )
    )
    session.flush()


def list_stock(
    session: Session,
    shop_id: int,
    *,
    sku: str | None = None,
    location: str | None = None,
    below: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[StockPublic]:
    check_page_window(offset, limit, MAX_PAGE)
    filters: list[Any] = [StockLevelRow.shop_id == shop_id]
    if sku:
        filters.append(ProductRow.sku == sku)
    if location:
        filters.append(StockLevelRow.location == location)
    if below is not None:
        filters.append(StockLevelRow.on_hand < below)
    base = (
        select(StockLevelRow, ProductRow.sku)
        .join(ProductRow, ProductRow.id == StockLevelRow.product_id)
        .where(*filters)
    )
    count = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(ProductRow.sku, StockLevelRow.location).offset(offset).limit(limit)
    )
    return Page[StockPublic](
        data=[
            StockPublic(
                sku=s,
                location=lv.location,
                on_hand=lv.on_hand,
                reserved=lv.reserved,
                updated_at=lv.updated_at,
            )
            for lv, s in rows
        ],
        count=count,
    )
