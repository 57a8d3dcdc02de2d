"""Shop KPIs against figures computed by hand on a small shop (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shopkeeper.data.database import transaction
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.orders import OrderCreate, OrderLineIn
from shopkeeper.domain.shops import Shop
from shopkeeper.services import catalog, events, orders
from shopkeeper.services.kpis import product_weekly_sales, shop_kpis
from shopkeeper.services.runtime import Runtime

pytestmark = pytest.mark.postgres

# The clock fixture says 2026-11-25 12:00 UTC = 13:00 in Paris (the default shop's zone).
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _order(
    runtime: Runtime,
    shop: Shop,
    external_id: str,
    placed: str,
    lines: list[tuple[str, int, str, str]],
    status: str = "processing",
    shipping: str = "0",
) -> None:
    with transaction(runtime.sessions) as session:
        orders.upsert_order(
            session,
            runtime.clock,
            runtime.cipher,
            shop,
            OrderCreate(
                external_id=external_id,
                placed_at=datetime.fromisoformat(placed),
                status=status,  # type: ignore[arg-type]
                shipping_total=Decimal(shipping),
                lines=[
                    OrderLineIn(sku=s, quantity=q, unit_price=Decimal(p), discount=Decimal(d))
                    for s, q, p, d in lines
                ],
            ),
        )


def _events(runtime: Runtime, shop: Shop, rows: list[tuple[str, str, str, str | None]]) -> None:
    batch = []
    for kind, session_id, at, order_id in rows:
        event: dict[str, object] = {
            "event_id": str(uuid.uuid4()),
            "type": kind,
            "session_id": session_id,
            "occurred_at": at,
        }
        if kind == "search":
            event["query"] = "tea"
        if order_id:
            event["order_id"] = order_id
        batch.append(event)
    result = events.record_events(
        runtime.sessions, runtime.clock, runtime.session_store, shop_id=shop.id, raw_events=batch
    )
    assert not result.rejected


@pytest.fixture
def small_shop(runtime: Runtime, shop: Shop) -> Shop:
    with transaction(runtime.sessions) as session:
        for sku, title, price in (("TEA", "Green tea", "8.00"), ("POT", "Teapot", "30.00")):
            catalog.upsert_product(
                session,
                runtime.clock,
                shop,
                ProductCreate(sku=sku, title=title, price=Decimal(price)),
                "test",
            )
    # Paris is UTC+1 in November: local 19 Nov 00:30 is 18 Nov 23:30 UTC.
    _order(runtime, shop, "A", "2026-11-18T23:30:00+00:00", [("TEA", 3, "8.00", "1.00")])
    _order(runtime, shop, "B", "2026-11-18T22:30:00+00:00", [("POT", 1, "30.00", "0")])
    _order(
        runtime,
        shop,
        "C",
        "2026-11-25T08:00:00+00:00",
        [("POT", 1, "30.00", "0"), ("TEA", 1, "8.00", "0")],
        shipping="4.90",
    )
    _order(
        runtime,
        shop,
        "D",
        "2026-11-24T10:00:00+00:00",
        [("POT", 5, "30.00", "0")],
        status="cancelled",
    )
    _order(runtime, shop, "E", "2026-11-01T10:00:00+00:00", [("UNKNOWN-SKU", 2, "5.00", "0")])
    _events(
        runtime,
        shop,
        [
            ("view", "s1", "2026-11-24T10:00:00Z", None),
            ("purchase", "s1", "2026-11-24T10:05:00Z", None),
            ("view", "s2", "2026-11-24T11:00:00Z", None),
            ("checkout_start", "s3", "2026-11-20T09:00:00Z", "C"),
            ("search", "s4", "2026-11-22T09:00:00Z", None),
            ("purchase", "s5", "2026-11-10T09:00:00Z", None),  # before the 7-day period
        ],
    )
    return shop


def test_seven_day_kpis_match_hand_computed_values(
    backend: str, runtime: Runtime, small_shop: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        kpis = shop_kpis(session, small_shop, NOW, 7)
    assert (kpis.period.first_day, kpis.period.last_day) == (date(2026, 11, 19), date(2026, 11, 25))
    # A: 3*8 - 1 = 23.00; C: 30 + 8 + 4.90 = 42.90; B is local 18 Nov, D is cancelled.
    assert kpis.revenue == Decimal("65.90")
    assert kpis.orders == 2
    assert kpis.average_basket == Decimal("32.95")
    # Sessions s1..s4 are in the period; s1 purchased, s3 names an order.
    assert (kpis.sessions, kpis.converted_sessions) == (4, 2)
    assert kpis.conversion_rate == Decimal("0.5")
    # Tea: 23.00 (A) + 8.00 (C) beats the teapot's 30.00 (C).
    assert [(p.sku, p.units, p.revenue) for p in kpis.top_products] == [
        ("TEA", 4, Decimal("31.00")),
        ("POT", 1, Decimal("30.00")),
    ]
    per_day = {d.day: d.revenue for d in kpis.revenue_per_day}
    assert len(per_day) == 7
    assert per_day[date(2026, 11, 19)] == Decimal("23.00")
    assert per_day[date(2026, 11, 25)] == Decimal("42.90")
    assert sum(per_day.values()) == kpis.revenue
    assert all(isinstance(v, Decimal) for v in per_day.values())


def test_thirty_days_include_older_orders_and_unknown_skus(
    backend: str, runtime: Runtime, small_shop: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        kpis = shop_kpis(session, small_shop, NOW, 30)
    assert kpis.revenue == Decimal("65.90") + Decimal("30.00") + Decimal("10.00")
    assert kpis.orders == 4
    assert (kpis.sessions, kpis.converted_sessions) == (5, 3)
    unknown = next(p for p in kpis.top_products if p.sku == "UNKNOWN-SKU")
    assert unknown.title == "UNKNOWN-SKU"


def test_an_empty_shop_has_zeros_and_no_ratios(backend: str, runtime: Runtime, shop: Shop) -> None:
    with transaction(runtime.sessions) as session:
        kpis = shop_kpis(session, shop, NOW, 90)
    assert (kpis.revenue, kpis.orders, kpis.sessions) == (Decimal("0.00"), 0, 0)
    assert kpis.average_basket is None
    assert kpis.conversion_rate is None
    assert len(kpis.revenue_per_day) == 90
    assert kpis.top_products == []


def test_other_shops_do_not_leak_into_kpis(
    backend: str, runtime: Runtime, small_shop: Shop, other_shop: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        kpis = shop_kpis(session, other_shop, NOW, 30)
    assert kpis.orders == 0
    assert kpis.sessions == 0


def test_weekly_sales_of_a_product(backend: str, runtime: Runtime, small_shop: Shop) -> None:
    with transaction(runtime.sessions) as session:
        weeks = product_weekly_sales(session, small_shop, "TEA", NOW, weeks=3)
    # Weeks start on Monday 9, 16 and 23 November (local).
    assert [w.week_start for w in weeks] == [
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]
    assert [(w.units, w.revenue) for w in weeks] == [
        (0, Decimal("0.00")),
        (3, Decimal("23.00")),
        (1, Decimal("8.00")),
    ]
