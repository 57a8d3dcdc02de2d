"""The stock page's forecast chart in a real browser (Debian chromium through Playwright)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopkeeper.services import forecasting
from shopkeeper.services.replenish_run import run_replenishment
from tests.unit.services.stock_shop import build_stock_shop
from tests.web.conftest import CHROMIUM, LiveServer, owner_browser_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"Debian chromium not installed at {CHROMIUM}"
    ),
]

SCREENSHOT = "/tmp/dashboard-stock.png"

if CHROMIUM.exists():
    from playwright.sync_api import Page, expect


@pytest.fixture(scope="module")
def stock_server(live_server: LiveServer) -> LiveServer:
    build_stock_shop(live_server.runtime, live_server.shop)
    forecasting.run_forecasts(live_server.runtime, live_server.shop.id)
    run_replenishment(live_server.runtime, live_server.shop.id)
    return live_server


@pytest.fixture(scope="module")
def owner_page(stock_server: LiveServer) -> Iterator[Page]:
    with owner_browser_page(stock_server.url) as page:
        yield page


def _drawn(page: Page) -> dict[str, int]:
    """What Chart.js holds for the forecast canvas: datasets and points per dataset."""
    figures: dict[str, int] = page.evaluate(
        """() => {
          const chart = Chart.getChart("forecast-chart");
          if (!chart) { return {datasets: 0, labels: 0, shortest: 0}; }
          return {datasets: chart.data.datasets.length, labels: chart.data.labels.length,
                  shortest: Math.min(...chart.data.datasets.map(d => d.data.length))};
        }"""
    )
    return figures


def test_the_forecast_chart_draws_and_follows_the_product_picked(
    stock_server: LiveServer, owner_page: Page
) -> None:
    page = owner_page
    page.goto(f"{stock_server.url}/stock")
    expect(page.locator("#forecast-chart")).to_have_attribute("data-drawn", "true")
    forecast = forecasting.get_forecast(stock_server.runtime, stock_server.shop.id, "FAST-1")
    days = len(forecast.history) + len(forecast.points)
    # History, forecast, and a low and a high bound for each of the two ranges.
    assert _drawn(page) == {"datasets": 6, "labels": days, "shortest": days}
    expect(page.locator("#forecast h3")).to_have_attribute("data-sku", "FAST-1")
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.fill("input[name=sku]", "UMB-1")
    page.click(".forecast-picker button[type=submit]")
    expect(page.locator("#forecast h3")).to_have_attribute("data-sku", "UMB-1")
    expect(page.locator("#forecast-chart")).to_have_attribute("data-drawn", "true")
    assert _drawn(page)["datasets"] == 6
    page.wait_for_url("**/stock?sku=UMB-1")

    page.fill("input[name=sku]", "NOPE-9")
    page.click(".forecast-picker button[type=submit]")
    expect(page.locator("[data-role=forecast-missing]")).to_contain_text("NOPE-9")
    assert _drawn(page)["datasets"] == 0
