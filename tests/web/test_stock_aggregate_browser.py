"""The stock page's forecast picker in a real browser: the whole shop, then a category."""

from __future__ import annotations

import pytest

from shopkeeper.services import aggregate_forecasts, forecasting
from tests.unit.services.stock_shop import build_stock_shop
from tests.web.conftest import CHROMIUM, LiveServer, owner_browser_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"Debian chromium not installed at {CHROMIUM}"
    ),
]

SCREENSHOT = "/tmp/dashboard-stock-shop.png"


def test_picking_the_shop_or_a_category_draws_its_chart(live_server: LiveServer) -> None:
    build_stock_shop(live_server.runtime, live_server.shop)
    forecasting.run_forecasts(live_server.runtime, live_server.shop.id)
    shop = aggregate_forecasts.get_aggregate_forecast(
        live_server.runtime, live_server.shop.id, "shop"
    )
    from playwright.sync_api import expect

    with owner_browser_page(live_server.url) as page:
        page.goto(f"{live_server.url}/stock")
        expect(page.locator("#forecast-chart")).to_have_attribute("data-drawn", "true")
        # Choosing in the list is enough: no button to press.
        page.select_option("#forecast-view", "shop")
        expect(page.locator("#forecast h3")).to_have_attribute("data-view", "shop")
        expect(page.locator("#forecast-chart")).to_have_attribute("data-drawn", "true")
        page.wait_for_url("**/stock?view=shop")
        labels = page.evaluate('() => Chart.getChart("forecast-chart").data.labels.length')
        assert labels == len(shop.history) + len(shop.points)
        page.locator("#forecast-card").screenshot(path=SCREENSHOT)

        page.select_option("#forecast-view", "category:coffee")
        expect(page.locator("#forecast h3")).to_have_attribute("data-view", "category:coffee")
        expect(page.locator("#forecast-chart")).to_have_attribute("data-drawn", "true")
        # Typing a reference goes back to a product.
        page.fill("input[name=sku]", "UMB-1")
        assert page.input_value("#forecast-view") == "product"
        page.click(".forecast-picker button[type=submit]")
        expect(page.locator("#forecast h3")).to_have_attribute("data-sku", "UMB-1")
