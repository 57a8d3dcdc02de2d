"""Products: create, upsert by sku, update (price changes audited), list and find."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import ConflictError, InvalidInputError, NotFoundError
from shopkeeper.core.money import rounded
from shopkeeper.data.tables import PriceChangeRow, ProductRow, StockLevelRow, SupplierRow
from shopkeeper.domain.catalog import ProductCreate, ProductFields, ProductPublic, ProductUpdate
from shopkeeper.domain.schemas import Page, check_page_window
from shopkeeper.domain.shops import Shop
from shopkeeper.services import audit
from shopkeeper.services.suppliers import find_supplier

MAX_PAGE = 500


def find_product(session: Session, shop_id: int, sku: str) -> ProductRow | None:
    return session.scalar(
        select(ProductRow).where(ProductRow.shop_id == shop_id, ProductRow.sku == sku)
    )


def get_product_row(session: Session, shop_id: int, sku: str) -> ProductRow:
    row = find_product(session, shop_id, sku)
    if row is None:
        raise NotFoundError(f"no product with sku {sku!r}", sku=sku)
    return row


def _supplier_id(session: Session, shop_id: int, ref: str | None) -> int | None:
    if not ref:
        return None
    supplier = find_supplier(session, shop_id, ref)
    if supplier is None:
        raise InvalidInputError(f"unknown supplier {ref!r}", supplier_ref=ref)
    return supplier.id


def _apply(session: Session, row: ProductRow, fields: ProductFields, shop_id: int) -> None:
    values = fields.model_dump(exclude_unset=True)
    if "supplier_ref" in values:
        row.supplier_id = _supplier_id(session, shop_id, values.pop("supplier_ref"))
    for name, value in values.items():
        if name == "price" and value is None:
            raise InvalidInputError("price cannot be removed")
        setattr(row, name, value if value is not None or name in _NULLABLE else getattr(row, name))


_NULLABLE = frozenset({"cost", "size", "weight_kg", "volume_l"})


def _record_price_change(
    session: Session, clock: Clock, row: ProductRow, old: Decimal, actor: str, source: str
) -> None:
    session.add(
        PriceChangeRow(
            shop_id=row.shop_id,
            product_id=row.id,
            old_price=old,
            new_price=row.price,
            reason=f"{source} by {actor}",
            source=source,
            changed_by=actor,
            changed_at=clock.now(),
        )
    )


def create_product(
    session: Session, clock: Clock, shop: Shop, data: ProductCreate, actor: str
) -> ProductPublic:
    if find_product(session, shop.id, data.sku) is not None:
        raise ConflictError(f"a product with sku {data.sku!r} already exists", sku=data.sku)
    row, _ = upsert_product(session, clock, shop, data, actor, source="api")
    return to_public(session, row, shop)


def upsert_product(
    session: Session,
    clock: Clock,
    shop: Shop,
    data: ProductCreate,
    actor: str,
    source: str = "import",
) -> tuple[ProductRow, bool]:
    """Insert or update by sku; returns the row and whether it was created."""
    now = clock.now()
    row = find_product(session, shop.id, data.sku)
    created = row is None
    if row is None:
        row = ProductRow(shop_id=shop.id, sku=data.sku, created_at=now, attributes={})
        session.add(row)
        old_price = None
    else:
        old_price = row.price
    # The supplier lookup would autoflush the new row before its title and price are set.
    with session.no_autoflush:
        _apply(session, row, data, shop.id)
    row.updated_at = now
    session.flush()
    if old_price is not None and old_price != row.price:
        _record_price_change(session, clock, row, old_price, actor, source)
    return row, created


def update_product(
    session: Session, clock: Clock, shop: Shop, sku: str, data: ProductUpdate, actor: str
) -> ProductPublic:
    row = get_product_row(session, shop.id, sku)
    before = {"price": str(row.price), "title": row.title, "status": row.status}
    old_price = row.price
    _apply(session, row, data, shop.id)
    row.updated_at = clock.now()
    session.flush()
    if old_price != row.price:
        _record_price_change(session, clock, row, old_price, actor, "manual")
    audit.record(
        session,
        clock,
        shop_id=shop.id,
        actor=actor,
        action="product.update",
        target_kind="product",
        target_id=sku,
        before=before,
        after={"price": str(row.price), "title": row.title, "status": row.status},
        reason="edited by hand",
    )
    return to_public(session, row, shop)


def to_public(session: Session, row: ProductRow, shop: Shop) -> ProductPublic:
    """One product as the API shows it, with its supplier's ref and its stock over all locations."""
    supplier = session.get(SupplierRow, row.supplier_id) if row.supplier_id else None
    on_hand = session.scalar(
        select(func.sum(StockLevelRow.on_hand)).where(StockLevelRow.product_id == row.id)
    )
    return _public(row, shop, supplier.ref if supplier else None, on_hand)


def _public(
    row: ProductRow, shop: Shop, supplier_ref: str | None, on_hand: int | None
) -> ProductPublic:
    return ProductPublic(
        sku=row.sku,
        title=row.title,
        description=row.description,
        category=row.category,
        brand=row.brand,
        # Stored with 4 decimals; shown in the currency's own precision.
        cost=None if row.cost is None else rounded(row.cost, shop.currency),
        price=rounded(row.price, shop.currency),
        currency=shop.currency,
        size=row.size,
        weight_kg=row.weight_kg,
        volume_l=row.volume_l,
        is_consumable=row.is_consumable,
        is_bulky=row.is_bulky,
        status=row.status,
        supplier_ref=supplier_ref,
        attributes=row.attributes,
        on_hand=on_hand,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def get_product(session: Session, shop: Shop, sku: str) -> ProductPublic:
    return to_public(session, get_product_row(session, shop.id, sku), shop)


def list_products(
    session: Session,
    shop: Shop,
    *,
    q: str | None = None,
    category: str | None = None,
    brand: str | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[ProductPublic]:
    check_page_window(offset, limit, MAX_PAGE)
    filters: list[Any] = [ProductRow.shop_id == shop.id]
    if q:
        pattern = f"%{q.lower()}%"
        filters.append(
            or_(
                func.lower(ProductRow.title).like(pattern), func.lower(ProductRow.sku).like(pattern)
            )
        )
    if category:
        filters.append(ProductRow.category == category)
    if brand:
        filters.append(ProductRow.brand == brand)
    if status:
        filters.append(ProductRow.status == status)
    count = session.scalar(select(func.count(ProductRow.id)).where(*filters)) or 0
    stock = (
        select(StockLevelRow.product_id, func.sum(StockLevelRow.on_hand).label("on_hand"))
        .where(StockLevelRow.shop_id == shop.id)
        .group_by(StockLevelRow.product_id)
        .subquery()
    )
    # Stock and supplier ref come with the page in one query, not one lookup per product.
    query = (
        select(ProductRow, stock.c.on_hand, SupplierRow.ref)
        .outerjoin(stock, stock.c.product_id == ProductRow.id)
        .outerjoin(SupplierRow, SupplierRow.id == ProductRow.supplier_id)
        .where(*filters)
        .order_by(ProductRow.sku)
        .offset(offset)
        .limit(limit)
    )
    data = [
        _public(row, shop, supplier_ref, int(on_hand or 0))
        for row, on_hand, supplier_ref in session.execute(query)
    ]
    return Page[ProductPublic](data=data, count=count)
