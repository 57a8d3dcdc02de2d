"""A small catalogue for the competitor price tests, and a helper to read the signals back.

Two sizes of one coffee (a competitor's title must find the right one), a lemonade, and a
product no competitor mentions. Clock of the tests: 2026-11-25 12:00 UTC.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import SignalRow
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.shops import Shop
from shopkeeper.services.catalog import upsert_product
from shopkeeper.services.runtime import Runtime

# sku: (title, brand, size, price)
PRODUCTS = {
    "COF-500": ("Café en grains Pur arabica", "Maison Arabica", "500 g", "12.90"),
    "COF-1K": ("Café en grains Pur arabica", "Maison Arabica", "1 kg", "22.90"),
    "LIM-75": ("Limonade artisanale", "Lorina", "75 cl", "3.50"),
    "VASE-1": ("Vase en cristal", "", "", "20.00"),
}
# A competitor's title for COF-500, as scrapers write it: upper case, another unit, promo.
COFFEE_TITLE = "PROMO MAISON ARABICA café grains pur arabica 0,5 kg"


def add_products(
    runtime: Runtime, shop: Shop, products: dict[str, tuple[str, str, str, str]] = PRODUCTS
) -> None:
    with transaction(runtime.sessions) as session:
        for sku, (title, brand, size, price) in products.items():
            item = ProductCreate(
                sku=sku, title=title, brand=brand or None, size=size or None, price=Decimal(price)
            )
            upsert_product(session, runtime.clock, shop, item, "test")


def price(
    title: str = COFFEE_TITLE,
    amount: str | float = "11.90",
    day: str = "2026-11-20",
    competitor: str = "PrixMalin",
    **extra: str,
) -> dict[str, str | float]:
    """One price as a sender writes it."""
    return {
        "competitor": competitor,
        "title": title,
        "price": amount,
        "currency": "EUR",
        "observed_at": day,
        **extra,
    }


def competitor_signals(runtime: Runtime, shop_id: int) -> list[tuple[str, str, date, float, int]]:
    """``(name, sku, day, value, match_id)`` of every competitor price signal, in order."""
    with transaction(runtime.sessions) as session:
        rows = session.scalars(
            select(SignalRow)
            .where(SignalRow.shop_id == shop_id, SignalRow.name.startswith("competitor_price"))
            .order_by(SignalRow.name, SignalRow.sku, SignalRow.ts)
        ).all()
        return [(r.name, r.sku, r.ts.date(), r.value, r.meta["match_id"]) for r in rows]
