"""``shopkeeper.js`` in a real browser against the real server: what lands in the events table.

Each test drives Debian's chromium through Playwright on the demo store, then reads the
``events`` table of the live server's SQLite database.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shopkeeper.data.tables import EventRow
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

# Small enough that the product page scrolls.
VIEWPORT = {"width": 1000, "height": 500}
EXPECTED_TYPES = {"view", "scroll", "hesitation", "add_to_cart", "remove_from_cart", "search"}


@pytest.fixture
def browser_context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=VIEWPORT)
    yield context
    context.close()


def event_posts(context: Any) -> list[str]:
    """Every request the context makes to the events endpoint, beacons included."""
    seen: list[str] = []
    context.on("request", lambda r: seen.append(r.url) if "/v1/events" in r.url else None)
    return seen


def types_of(rows: list[EventRow]) -> set[str]:
    return {r.type for r in rows}


def has_all(types: set[str]) -> Callable[[list[EventRow]], bool]:
    return lambda rows: types <= types_of(rows)


def test_a_visit_records_views_dwell_scroll_hesitation_cart_and_search(
    live_server: LiveServer, browser_context: Any
) -> None:
    page = browser_context.new_page()
    page.goto(live_server.page_url("/demo-store/p/TEE-1"))
    page.wait_for_function("() => window.shopkeeper && window.shopkeeper.sessionId()")
    session_id = page.evaluate("() => shopkeeper.sessionId()")
    page.wait_for_timeout(300)
    page.hover("#add-to-cart")
    page.wait_for_timeout(2000)  # resting on the button: a hesitation
    page.mouse.wheel(0, 2000)
    page.wait_for_function("() => window.scrollY > 0")
    page.click("#add-to-cart")
    page.click("#remove-from-cart")
    page.fill("input[name=q]", "linen")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    assert "Linen tee" in page.content()
    # Still the same visit after a navigation.
    assert page.evaluate("() => shopkeeper.sessionId()") == session_id
    page.goto("about:blank")

    rows = live_server.wait_for_events(
        session_id,
        lambda rows: (
            has_all(EXPECTED_TYPES)(rows)
            and any(r.type == "view" and r.dwell_ms and r.sku is None for r in rows)
        ),
    )
    product_rows = [r for r in rows if r.sku == "TEE-1"]
    by_type: dict[str, list[EventRow]] = {}
    for row in product_rows:
        by_type.setdefault(row.type, []).append(row)
    assert EXPECTED_TYPES - {"search"} <= set(by_type)

    views = by_type["view"]
    assert any(v.dwell_ms is None for v in views), "the page view itself"
    dwell = [v.dwell_ms for v in views if v.dwell_ms is not None]
    assert dwell
    assert dwell[0] >= 2000  # the page stayed open through the 2 s hover
    assert all(v.context.get("page_type") == "product" for v in views)

    scroll = by_type["scroll"]
    assert len(scroll) == 1
    assert scroll[0].scroll_pct is not None
    assert 0 < scroll[0].scroll_pct <= 100

    (hesitation,) = by_type["hesitation"]
    assert hesitation.dwell_ms is not None
    assert hesitation.dwell_ms >= 1500
    assert hesitation.context.get("element") == "add-to-cart"

    (added,) = by_type["add_to_cart"]
    (removed,) = by_type["remove_from_cart"]
    assert added.quantity == removed.quantity == 1
    assert added.occurred_at <= removed.occurred_at

    (search,) = [r for r in rows if r.type == "search"]
    assert search.query == "linen"
    assert search.sku is None
    # The search results page was viewed too, in the same session.
    assert any(r.type == "view" and r.context.get("page_type") == "search" for r in rows)
    assert {r.session_id for r in rows} == {session_id}
    assert len({r.event_id for r in rows}) == len(rows)


def test_consent_required_records_nothing_until_the_shopper_allows_it(
    live_server_factory: Callable[..., LiveServer], browser_context: Any
) -> None:
    server = live_server_factory(consent_required=True)
    posts = event_posts(browser_context)
    page = browser_context.new_page()
    page.goto(server.page_url("/demo-store/p/TEE-1"))
    page.wait_for_function("() => window.shopkeeper && window.shopkeeper.version")
    page.hover("#add-to-cart")
    page.wait_for_timeout(1800)
    page.click("#add-to-cart")
    page.evaluate("() => shopkeeper.track('click', {sku: 'TEE-1'})")
    page.evaluate("() => shopkeeper.flush()")
    assert page.evaluate("() => shopkeeper.sessionId()") is None
    assert "_sk_sid" not in {c["name"] for c in browser_context.cookies()}
    assert posts == []
    assert server.events() == []

    page.click("#consent-yes")
    session_id = page.evaluate("() => shopkeeper.sessionId()")
    assert session_id
    page.click("#remove-from-cart")
    page.evaluate("() => shopkeeper.flush()")
    rows = server.wait_for_events(session_id, has_all({"view", "remove_from_cart"}))
    assert {"view", "remove_from_cart"} <= types_of(rows)
    # The click before consent was never kept for later.
    assert "add_to_cart" not in types_of(server.events())
    assert posts
    assert all(f"key={server.publishable_key}" in url for url in posts)


def test_do_not_track_disables_the_tracker_entirely(
    live_server: LiveServer, browser_context: Any
) -> None:
    browser_context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'});"
    )
    posts = event_posts(browser_context)
    page = browser_context.new_page()
    page.goto(live_server.page_url("/demo-store/p/TEE-1"))
    page.wait_for_function("() => window.shopkeeper && window.shopkeeper.version")
    assert page.evaluate("() => navigator.doNotTrack") == "1"
    page.hover("#add-to-cart")
    page.wait_for_timeout(1800)
    page.click("#add-to-cart")
    # Even an explicit consent and a direct call change nothing; nothing throws either.
    assert (
        page.evaluate("() => { shopkeeper.consent(true); return shopkeeper.track('view'); }")
        is None
    )
    page.evaluate("() => shopkeeper.flush()")
    assert page.evaluate("() => shopkeeper.sessionId()") is None
    assert "_sk_sid" not in {c["name"] for c in browser_context.cookies()}
    page.goto("about:blank")  # leaving the page is when a tracker would send its beacon
    assert posts == []
    assert live_server.events() == []


def test_identify_and_track_send_custom_events_with_the_customer(
    live_server: LiveServer, browser_context: Any
) -> None:
    page = browser_context.new_page()
    page.goto(live_server.page_url("/demo-store"))
    page.wait_for_function("() => window.shopkeeper && window.shopkeeper.sessionId()")
    session_id = page.evaluate("() => shopkeeper.sessionId()")
    event_id = page.evaluate(
        """() => {
            shopkeeper.identify('C-77');
            const id = shopkeeper.track('purchase', {order_id: 'O-1', sku: 'MUG-1', quantity: 2,
                                                     context: {campaign: 'winter'}});
            shopkeeper.flush();
            return id;
        }"""
    )
    rows = live_server.wait_for_events(
        session_id, lambda rows: any(r.type == "purchase" for r in rows)
    )
    (purchase,) = [r for r in rows if r.type == "purchase"]
    assert purchase.event_id == event_id
    assert (purchase.order_external_id, purchase.sku, purchase.quantity) == ("O-1", "MUG-1", 2)
    assert purchase.customer_external_id == "C-77"
    assert purchase.context["campaign"] == "winter"
    assert purchase.context["page_type"] == "home"
    assert purchase.context["device"] == "desktop"


@pytest.mark.parametrize(("idle_minutes", "same_session"), [(5, True), (31, False)])
def test_a_session_rolls_over_after_thirty_idle_minutes(
    live_server: LiveServer, browser_context: Any, idle_minutes: int, same_session: bool
) -> None:
    last_seen_ms = int((time.time() - idle_minutes * 60) * 1000)
    browser_context.add_cookies(
        [
            {
                "name": "_sk_sid",
                "value": f"old-session%7C{last_seen_ms}",
                "url": live_server.url,
            }
        ]
    )
    page = browser_context.new_page()
    page.goto(live_server.page_url("/demo-store"))
    page.wait_for_function("() => window.shopkeeper && window.shopkeeper.sessionId()")
    session_id = page.evaluate("() => shopkeeper.sessionId()")
    assert (session_id == "old-session") is same_session
    assert uuid_like(session_id) is not same_session
    # The activity just now moves the cookie's last-seen time forward.
    cookie = {c["name"]: c["value"] for c in browser_context.cookies()}["_sk_sid"]
    assert cookie.startswith(session_id)
    assert int(cookie.split("%7C")[1]) > last_seen_ms


def uuid_like(value: str) -> bool:
    try:
        return uuid.UUID(value).version == 4
    except ValueError:
        return False
