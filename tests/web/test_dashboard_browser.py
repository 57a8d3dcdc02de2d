"""The dashboard in a real browser (Debian chromium through Playwright) against a live server."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from shopkeeper.data.database import transaction
from shopkeeper.domain.explanation import Explanation, Factor
from shopkeeper.domain.proposals import Capability
from shopkeeper.services import catalog, proposals
from shopkeeper.services.kpis import shop_kpis
from tests.web.conftest import CHROMIUM, LiveServer, owner_browser_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"Debian chromium not installed at {CHROMIUM}"
    ),
]

SCREENSHOT = "/tmp/dashboard-overview.png"

if CHROMIUM.exists():
    from playwright.sync_api import Page, expect


@pytest.fixture(scope="module")
def browser_page(live_server: LiveServer) -> Iterator[Page]:
    with owner_browser_page(live_server.url) as page:
        yield page


def test_overview_shows_the_kpis_computed_from_the_database(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/?days=30")
    with transaction(live_server.runtime.sessions) as session:
        expected = shop_kpis(session, live_server.shop, live_server.runtime.clock.now(), 30)
    revenue = page.locator("[data-kpi=revenue]")
    assert Decimal(revenue.get_attribute("data-value") or "") == expected.revenue
    assert revenue.inner_text() == f"€{expected.revenue:,.2f}"
    assert page.locator("[data-kpi=orders]").inner_text() == str(expected.orders)
    assert Decimal(page.locator("[data-kpi=basket]").get_attribute("data-value") or "") == (
        expected.average_basket
    )
    shown_rate = page.locator("[data-kpi=conversion]").get_attribute("data-value") or ""
    assert Decimal(shown_rate) == expected.conversion_rate
    top = page.locator("table.top-products tbody tr")
    assert top.count() == len(expected.top_products)
    assert top.first.locator("td").first.inner_text() == expected.top_products[0].sku
    # Chart.js really drew the revenue chart from the embedded JSON.
    expect(page.locator("#revenue-chart")).to_have_attribute("data-drawn", "true")
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_product_page_from_the_live_search(live_server: LiveServer, browser_page: Page) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/products")
    page.fill("input[name=q]", "mug")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.click("#results a:has-text('MUG-1')")
    page.wait_for_url("**/products/MUG-1")
    expect(page.locator("h1")).to_have_text("Stoneware mug")
    expect(page.locator("[data-field=stock]")).to_have_text("12")
    expect(page.locator("#weekly-chart")).to_have_attribute("data-drawn", "true")


def test_approving_a_proposal_applies_the_new_price(
    live_server: LiveServer, browser_page: Page
) -> None:
    runtime, shop = live_server.runtime, live_server.shop
    with transaction(runtime.sessions) as session:
        made = proposals.propose(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            kind="price_change",
            target="TEE-1",
            summary="Raise the linen tee to 23.00",
            explanation=Explanation("Sells out fast", (Factor("sell_through", 0.8, "9 of 12"),)),
            payload={"sku": "TEE-1", "old_price": "20.00", "new_price": "23.00"},
            expected_effect={"margin_per_week": "+18.00"},
        )
    assert made is not None
    page = browser_page
    page.goto(f"{live_server.url}/inbox")
    card = page.locator(f"#proposal-{made.id}")
    expect(card.locator("[data-role=status]")).to_have_text("waiting")
    expect(page.locator("#inbox-badge")).to_have_text("1")
    card.locator("[data-action=approve]").click()
    expect(page.locator(f"#proposal-{made.id} [data-role=status]")).to_have_text("applied")
    expect(page.locator("#inbox-badge")).to_have_text("0")
    with transaction(runtime.sessions) as session:
        assert catalog.get_product(session, shop, "TEE-1").price == Decimal("23.00")
    page.goto(f"{live_server.url}/products/TEE-1")
    expect(page.locator("[data-field=price]")).to_have_text("€23.00")
    expect(page.locator("table.price-changes")).to_contain_text("Raise the linen tee to 23.00")


def test_a_refused_approval_shows_the_reason_and_keeps_the_proposal_waiting(
    live_server: LiveServer, browser_page: Page
) -> None:
    runtime, shop = live_server.runtime, live_server.shop
    with transaction(runtime.sessions) as session:
        made = proposals.propose(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            kind="price_change",
            target="MUG-1",
            summary="Cut the mug to 1.00",
            explanation=Explanation("Clearance"),
            # Below the 4.00 cost: the price guardrail refuses it.
            payload={"sku": "MUG-1", "old_price": "35.50", "new_price": "1.00"},
        )
    assert made is not None
    page = browser_page
    page.goto(f"{live_server.url}/inbox")
    page.locator(f"#proposal-{made.id} [data-action=approve]").click()
    expect(page.locator("#flash [role=alert]")).to_contain_text("below the cost")
    expect(page.locator(f"#proposal-{made.id} [data-role=status]")).to_have_text("waiting")
