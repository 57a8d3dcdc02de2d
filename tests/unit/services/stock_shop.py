"""A small shop for the replenishment tests: two suppliers, four products, 120 days of sales.

- ``FAST-1`` sells about five a day and has 12 left: it must be reordered from ACME.
- ``SLOW-1`` sold one every 20 days and has 500 on the shelf: a clearance candidate.
- ``LONE-1`` sells but has no supplier: it cannot be planned, and says so.
- ``UMB-1`` (category "umbrellas") sells one a day and has 5; its searches can be made to spike.
A cancelled order of 100 ``FAST-1`` is not demand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import OrderLineRow, OrderRow, SignalRow
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.shops import Shop
from shopkeeper.domain.stock import StockSet
from shopkeeper.domain.suppliers import SupplierCreate
from shopkeeper.services import forecasting
from shopkeeper.services.catalog import upsert_product
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.stock import set_stock
from shopkeeper.services.suppliers import upsert_supplier

DAYS = 120
# sku: (title, category, cost, price, supplier, on hand)
PRODUCTS = {
    "FAST-1": ("Café moulu 1 kg", "coffee", "4.00", "10.00", "ACME", 12),
    "SLOW-1": ("Vase en cristal", "home decor", "5.00", "20.00", "SLOWCO", 500),
    "LONE-1": ("Savon artisanal", "beauty", "1.00", "4.00", None, 10),
    "UMB-1": ("Parapluie pliant", "umbrellas", "6.00", "15.00", "ACME", 5),
}


def daily_units(sku: str, day: int) -> int:
    """Units of ``sku`` sold ``day`` days into the history (a fixed, readable pattern)."""
    if sku == "FAST-1":
        return 4 + (day % 7 in (5, 6)) * 3  # weekends sell more
    if sku == "SLOW-1":
        return int(day % 20 == 0)
    return 2 if sku == "LONE-1" else 1


def build_stock_shop(runtime: Runtime, shop: Shop, days: int = DAYS) -> datetime:
    """Seed the shop; returns the moment of the last sale (the day before "now")."""
    now = runtime.clock.now()
    first = now - timedelta(days=days)
    with transaction(runtime.sessions) as session:
        upsert_supplier(
            session,
            shop.id,
            SupplierCreate(
                ref="ACME",
                name="Acme Café",
                email="orders@acme-cafe.fr",
                lead_time_days=7,
                moq=10,
                pack_size=5,
            ),
        )
        upsert_supplier(session, shop.id, SupplierCreate(ref="SLOWCO", name="Slow & Co"))
        for sku, (title, category, cost, price, supplier, on_hand) in PRODUCTS.items():
            upsert_product(
                session,
                runtime.clock,
                shop,
                ProductCreate(
                    sku=sku,
                    title=title,
                    category=category,
                    cost=Decimal(cost),
                    price=Decimal(price),
                    supplier_ref=supplier,
                    volume_l=1.0,
                ),
                "test",
            )
            set_stock(session, runtime.clock, shop.id, StockSet(sku=sku, on_hand=on_hand))
        for day in range(days):
            placed = first + timedelta(days=day, hours=2)
            lines = [(sku, daily_units(sku, day)) for sku in PRODUCTS if daily_units(sku, day)]
            _order(session, shop.id, f"O{day:04d}", placed, "delivered", lines)
        _order(
            session,
            shop.id,
            "CANCELLED",
            first + timedelta(days=days - 3),
            "cancelled",
            [("FAST-1", 100)],
        )
    return first + timedelta(days=days - 1, hours=2)


def _order(
    session: Session,
    shop_id: int,
    ref: str,
    placed: datetime,
    status: str,
    lines: list[tuple[str, int]],
) -> None:
    zero = Decimal(0)
    order = OrderRow(
        shop_id=shop_id,
        external_id=ref,
        placed_at=placed,
        status=status,
        currency="EUR",
        subtotal=zero,
        discount_total=zero,
        shipping_total=zero,
        total=zero,
        created_at=placed,
        updated_at=placed,
    )
    session.add(order)
    session.flush()
    for line_no, (sku, quantity) in enumerate(lines, start=1):
        session.add(
            OrderLineRow(
                shop_id=shop_id,
                order_id=order.id,
                line_no=line_no,
                sku=sku,
                quantity=quantity,
                unit_price=Decimal("1"),
                discount=zero,
            )
        )


def plant_search_spike(runtime: Runtime, shop_id: int, category: str, last_day: datetime) -> None:
    """A year of flat daily searches for ``category``, then a burst over the last 3 days."""
    with transaction(runtime.sessions) as session:
        for back in range(400):
            day = (last_day - timedelta(days=back)).replace(hour=0, minute=0)
            value = 200.0 if back < 3 else 40.0 + (back % 3)
            session.add(
                SignalRow(
                    shop_id=shop_id,
                    name=f"search_trend.{category}",
                    granularity="daily",
                    region="",
                    sku="",
                    ts=day,
                    value=value,
                    meta={"category": category},
                )
            )


def build_forecast_shop(runtime: Runtime, shop: Shop) -> Shop:
    """Seed the shop (:func:`build_stock_shop`) and run its demand forecasts."""
    build_stock_shop(runtime, shop)
    forecasting.run_forecasts(runtime, shop.id)
    return shop
