"""Recommendation performance: CTR, add to cart and attributed revenue per holdout group."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shopkeeper.data.database import transaction
from shopkeeper.domain.orders import OrderCreate, OrderLineIn
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.services import events, holdout, orders
from shopkeeper.services.holdout import Group, group_for
from shopkeeper.services.recommend_groups import recent_sessions, serving_group
from shopkeeper.services.recommend_metrics import recommendation_performance
from shopkeeper.services.runtime import Runtime

pytestmark = pytest.mark.postgres

SHARE = 0.5


def sessions_in(shop: Shop, group: Group, count: int) -> list[str]:
    """The first ``count`` ids ``s-0``, ``s-1``... that fall in ``group`` for this shop."""
    found = []
    for n in range(1000):
        sid = f"s-{n}"
        if group_for(sid, Capability.RECOMMEND, shop.holdout_salt, SHARE) is group:
            found.append(sid)
        if len(found) == count:
            return found
    raise AssertionError("no session id in the group")


def event(kind: str, session_id: str, at: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "session_id": session_id,
        "occurred_at": at.isoformat(),
        **extra,
    }


def order(
    ref: str, at: datetime, lines: list[tuple[str, int, str, str]], **extra: Any
) -> OrderCreate:
    return OrderCreate(
        external_id=ref,
        placed_at=at,
        lines=[
            OrderLineIn(sku=s, quantity=q, unit_price=Decimal(p), discount=Decimal(d))
            for s, q, p, d in lines
        ],
        **extra,
    )


@pytest.fixture
def scenario(runtime: Runtime, shop: Shop) -> dict[str, str]:
    with transaction(runtime.sessions) as session:
        holdout.set_holdout_share(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.RECOMMEND,
            share=SHARE,
            actor="test",
        )
    t1, t2 = sessions_in(shop, Group.TREATMENT, 2)
    (h1,) = sessions_in(shop, Group.HOLDOUT, 1)
    now = runtime.clock.now()
    today, before = now - timedelta(hours=3), now - timedelta(days=2)
    minute = timedelta(minutes=1)
    rec = {"rec_request_id": "r-1"}
    batch = [
        *(event("recommendation_impression", t1, today, sku=s, **rec) for s in "ABCD"),
        event("recommendation_click", t1, today + minute, sku="A", **rec),
        event("recommendation_click", t1, today + 2 * minute, sku="A", **rec),
        event("add_to_cart", t1, today + 3 * minute, sku="A", quantity=1),
        event("purchase", t1, today + 10 * minute, order_id="O-T1"),
        # Forty days ago: outside the period.
        event("recommendation_impression", t1, now - timedelta(days=40), sku="A", **rec),
        *(event("recommendation_impression", t2, before, sku=s, **rec) for s in "AC"),
        event("recommendation_click", t2, before + minute, sku="C", customer_id="C-1", **rec),
        *(event("recommendation_impression", h1, today, sku=s, **rec) for s in "ABCD"),
        # Added before the click: not a conversion of the recommendation.
        event("add_to_cart", h1, today - minute, sku="B", quantity=1),
        event("recommendation_click", h1, today + minute, sku="B", **rec),
        event("purchase", h1, today + 5 * minute, order_id="O-H1"),
    ]
    result = events.record_events(
        runtime.sessions, runtime.clock, runtime.session_store, shop_id=shop.id, raw_events=batch
    )
    assert not result.rejected
    with transaction(runtime.sessions) as session:
        for data in (
            # A clicked (20.00 counts), B only shown (5.00 does not).
            order("O-T1", today + 9 * minute, [("A", 2, "10.00", "0"), ("B", 1, "5.00", "0")]),
            # Same session, cancelled: never counts.
            order("O-T4", today + 9 * minute, [("A", 1, "10.00", "0")], status="cancelled"),
            # The customer named in t2 buys C within 24 h (counts) and again later (does not).
            order("O-T2", before + timedelta(hours=1), [("C", 1, "7.50", "0")], customer_id="C-1"),
            order("O-T3", before + timedelta(hours=30), [("C", 1, "7.50", "0")], customer_id="C-1"),
            order("O-H1", today + 4 * minute, [("B", 1, "5.00", "1.00")]),
            # Nobody's session: never attributed.
            order("O-X", today, [("A", 5, "10.00", "0")]),
        ):
            orders.upsert_order(session, runtime.clock, runtime.cipher, shop, data)
    return {"t1": t1, "t2": t2, "h1": h1}


def test_figures_per_group_match_the_definitions(
    backend: str, runtime: Runtime, shop: Shop, scenario: dict[str, str]
) -> None:
    report = recommendation_performance(runtime, shop.id, days=30)
    treated, held = report.treatment, report.holdout
    assert report.holdout_share == SHARE
    assert (treated.impressions, treated.clicks, treated.sessions) == (6, 3, 2)
    assert treated.ctr == Decimal("0.5")
    assert (treated.clicked_items, treated.added_to_cart) == (2, 1)
    assert treated.add_to_cart_rate == Decimal("0.5")
    assert treated.revenue == Decimal("27.50")
    assert treated.orders == 2
    assert (held.impressions, held.clicks, held.sessions) == (4, 1, 1)
    assert held.ctr == Decimal("0.25")
    assert (held.clicked_items, held.added_to_cart) == (1, 0)
    assert held.add_to_cart_rate == Decimal(0)
    assert held.revenue == Decimal("4.00")
    assert held.orders == 1

    assert len(report.daily) == 30
    by_day = {d.day: d for d in report.daily}
    today = by_day[date(2026, 11, 25)]
    assert today.impressions == {Group.TREATMENT: 4, Group.HOLDOUT: 4}
    assert today.ctr(Group.TREATMENT) == Decimal("0.5")
    assert today.ctr(Group.HOLDOUT) == Decimal("0.25")
    assert by_day[date(2026, 11, 23)].ctr(Group.TREATMENT) == Decimal("0.5")
    assert by_day[date(2026, 11, 24)].ctr(Group.TREATMENT) is None


def test_a_shop_without_recommendation_events_has_empty_figures(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    report = recommendation_performance(runtime, shop.id, days=7)
    assert report.treatment.impressions == report.holdout.impressions == 0
    assert report.treatment.ctr is None
    assert report.treatment.add_to_cart_rate is None
    assert report.treatment.revenue == Decimal(0)
    assert [d.ctr(Group.TREATMENT) for d in report.daily] == [None] * 7


def test_serving_group_follows_the_shop_share(
    backend: str, runtime: Runtime, shop: Shop, scenario: dict[str, str]
) -> None:
    assert serving_group(runtime, shop.id, scenario["t1"]) is Group.TREATMENT
    assert serving_group(runtime, shop.id, scenario["h1"]) is Group.HOLDOUT
    assert serving_group(runtime, shop.id, None) is Group.TREATMENT


def test_recent_sessions_list_what_each_looked_at(
    backend: str, runtime: Runtime, shop: Shop, scenario: dict[str, str]
) -> None:
    found = {s.session_id: s for s in recent_sessions(runtime, shop.id)}
    # Only browsing events name a product: t1 and h1 added to cart, t2 only saw widgets.
    assert set(found) == {scenario["t1"], scenario["h1"]}
    assert found[scenario["t1"]].viewed == [("A", "A")]
    assert found[scenario["h1"]].group is Group.HOLDOUT
