"""The Pricing page's charts and kill switch in a real browser (Debian chromium, Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ProductRow, SignalRow
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.services import forecasting
from shopkeeper.services.modes import resolve_mode, set_mode
from shopkeeper.services.pricing_run import run_pricing
from shopkeeper.testing.clock import FakeClock
from tests.unit.services.stock_shop import build_stock_shop
from tests.web.conftest import CHROMIUM, LiveServer, owner_browser_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"Debian chromium not installed at {CHROMIUM}"
    ),
]

SCREENSHOT = "/tmp/dashboard-pricing.png"

if CHROMIUM.exists():
    from playwright.sync_api import Dialog, Page, expect


def _prices(server: LiveServer) -> dict[str, Decimal]:
    with server.runtime.sessions() as session:
        rows = session.execute(
            select(ProductRow.sku, ProductRow.price).where(ProductRow.shop_id == server.shop.id)
        ).all()
    return dict(rows)


@pytest.fixture(scope="module")
def list_prices(live_server: LiveServer) -> dict[str, Decimal]:
    """Price the stock shop automatically once, four days ago; returns the prices before."""
    runtime, shop = live_server.runtime, live_server.shop
    build_stock_shop(runtime, shop)
    forecasting.run_forecasts(runtime, shop.id)
    with transaction(runtime.sessions) as session:
        set_mode(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            mode=CapabilityMode.AUTO,
            actor="test",
        )
        day = datetime.combine(runtime.clock.now().date(), datetime.min.time(), UTC)
        for back, value in enumerate((10.5, 9.9, 9.5)):
            session.add(
                SignalRow(shop_id=shop.id, name="competitor_price.prixmalin", granularity="daily",
                          region="", sku="FAST-1", ts=day - timedelta(days=back), value=value,
                          meta={"competitor": "PrixMalin"})
            )  # fmt: skip
    before = _prices(live_server)
    assert run_pricing(runtime, shop.id).applied >= 1
    clock = runtime.clock
    assert isinstance(clock, FakeClock)
    clock.advance(days=4)  # long enough for the changes to be measured
    return before


@pytest.fixture(scope="module")
def owner_page(live_server: LiveServer, list_prices: dict[str, Decimal]) -> Iterator[Page]:
    with owner_browser_page(live_server.url) as page:
        yield page


def _chart(page: Page, canvas: str) -> dict[str, Any]:
    """What Chart.js holds for a canvas: its datasets' labels and the first x of each."""
    figures: dict[str, Any] = page.evaluate(
        """(id) => {
          const chart = Chart.getChart(id);
          if (!chart) { return {datasets: 0, labels: [], first_x: null, points: 0}; }
          const sets = chart.data.datasets;
          const first = sets.find(d => d.role === "units") || sets[0];
          return {datasets: sets.length, labels: sets.map(d => d.label),
                  first_x: first.data.length && first.data[0].x !== undefined ? first.data[0].x : null,
                  points: first.data.length};
        }""",
        canvas,
    )
    return figures


def _current_price(server: LiveServer, sku: str) -> float:
    return float(_prices(server)[sku])


def test_the_curve_follows_the_product_and_the_kill_switch_restores_prices(
    live_server: LiveServer, list_prices: dict[str, Decimal], owner_page: Page
) -> None:
    page = owner_page
    page.goto(f"{live_server.url}/pricing?sku=FAST-1")
    expect(page.locator("#curve-chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#history-chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#effects-chart")).to_have_attribute("data-drawn", "true")
    curve = _chart(page, "curve-chart")
    # Profit and units with a low and high bound each, and the current price marked.
    assert curve["datasets"] >= 7
    assert "Profit a day" in curve["labels"]
    assert "Current price" in curve["labels"]
    assert curve["points"] == 31
    assert curve["first_x"] == pytest.approx(0.7 * _current_price(live_server, "FAST-1"), abs=0.01)
    history = _chart(page, "history-chart")
    assert history["labels"] == ["Our price", "PrixMalin"]
    expect(page.locator("[data-role=elasticity-words]")).to_contain_text("price rise")
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.fill(".pricing-picker input[name=sku]", "UMB-1")
    page.click(".pricing-picker button[type=submit]")
    expect(page.locator("#pricing-product h3")).to_have_attribute("data-sku", "UMB-1")
    expect(page.locator("#curve-chart")).to_have_attribute("data-drawn", "true")
    page.wait_for_url("**/pricing?sku=UMB-1")
    umbrella = _chart(page, "curve-chart")
    assert umbrella["first_x"] == pytest.approx(
        0.7 * _current_price(live_server, "UMB-1"), abs=0.01
    )
    assert _chart(page, "history-chart")["labels"] == ["Our price"]

    # Cancelling the confirmation changes nothing; confirming stops pricing.
    moved = _prices(live_server)
    assert moved != list_prices
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-role=kill-switch]")
    page.wait_for_timeout(300)
    assert _prices(live_server) == moved
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.click("[data-role=kill-switch]")
    expect(page.locator("[data-role=stopped]")).to_be_visible()
    assert asked
    assert "list price" in asked[0]
    changed = {sku for sku in moved if moved[sku] != list_prices[sku]}
    for sku in changed:
        expect(page.locator(f"[data-role=stopped] li[data-sku='{sku}']")).to_be_visible()
    expect(page.locator("[data-kpi=mode]")).to_have_text("Off")
    # The body was swapped: its charts are drawn again.
    expect(page.locator("#curve-chart")).to_have_attribute("data-drawn", "true")
    assert _prices(live_server) == list_prices
    with live_server.runtime.sessions() as session:
        mode = resolve_mode(session, live_server.shop.id, Capability.PRICING)
    assert mode is CapabilityMode.OFF
