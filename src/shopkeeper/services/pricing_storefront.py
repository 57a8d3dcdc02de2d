"""The price a storefront shows for one product, as the shop's pricing left it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import select

from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.tables import PriceChangeRow, ProductRow, ShopRow
from shopkeeper.services.runtime import Runtime


class StorefrontPrice(BaseModel):
    """``price`` in ``currency`` (VAT included when ``includes_vat``); ``changed_at`` is
    the last change, by whatever source (``None``: never changed since import)."""

    sku: str
    price: Decimal
    currency: str
    includes_vat: bool
    changed_at: datetime | None


def storefront_price(runtime: Runtime, shop_id: int, sku: str) -> StorefrontPrice:
    """The current price of ``sku``; an unknown or inactive sku is a NotFoundError."""
    with runtime.sessions() as session:
        found = session.execute(
            select(ProductRow.id, ProductRow.price, ShopRow.currency, ShopRow.prices_include_vat)
            .join(ShopRow, ShopRow.id == ProductRow.shop_id)
            .where(
                ProductRow.shop_id == shop_id,
                ProductRow.sku == sku,
                ProductRow.status == "active",
            )
        ).first()
        if found is None:
            raise NotFoundError(f"no product with sku {sku!r}", sku=sku)
        product_id, price, currency, includes_vat = found
        changed_at = session.scalar(
            select(PriceChangeRow.changed_at)
            .where(PriceChangeRow.shop_id == shop_id, PriceChangeRow.product_id == product_id)
            .order_by(PriceChangeRow.changed_at.desc())
            .limit(1)
        )
    return StorefrontPrice(
        sku=sku, price=price, currency=currency, includes_vat=includes_vat, changed_at=changed_at
    )
