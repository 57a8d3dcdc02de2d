"""The stock page's forecast picker: the whole shop, a category or a product."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from shopkeeper.domain.access import Role
from shopkeeper.domain.shops import Shop
from shopkeeper.services import aggregate_forecasts
from shopkeeper.services.runtime import Runtime
from tests.unit.services.stock_shop import build_forecast_shop, build_stock_shop
from tests.web.conftest import sign_in
from tests.web.seed import seed_users

pytestmark = pytest.mark.postgres

_CHART = re.compile(r'<script type="application/json" id="forecast-data">(.*?)</script>', re.S)


@pytest.fixture
def stocked(runtime: Runtime, shop: Shop) -> Shop:
    seed_users(runtime, shop)
    return build_forecast_shop(runtime, shop)


def _chart(html: str) -> dict[str, Any]:
    found = _CHART.search(html)
    assert found, "no forecast chart data on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_the_whole_shop_chart_is_the_summed_history_and_forecast(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    sign_in(client, Role.VIEWER)
    shop = aggregate_forecasts.get_aggregate_forecast(runtime, stocked.id, "shop")
    html = client.get("/stock?view=shop").text
    chart = _chart(html)
    past = len(shop.history)
    assert past > 0
    assert chart["labels"][:past] == [s.day.isoformat() for s in shop.history]
    assert chart["labels"][past:] == [p.day.isoformat() for p in shop.points]
    assert chart["history"][:past] == [s.units for s in shop.history]
    assert chart["mean"][past:] == [p.mean for p in shop.points]
    assert chart["hi_95"][past:] == [p.hi_95 for p in shop.points]
    block = html.split('id="forecast"')[1]
    assert 'data-view="shop"' in block
    assert "Whole shop · products: 4" in block
    assert str(escape(shop.explanation["summary"])) in block
    # The picker offers the shop, each forecast category and a product, the shop chosen.
    picker = html.split('id="forecast-view"')[1].split("</select>")[0]
    assert '<option value="shop" selected>' in picker
    for category in ("coffee", "home decor", "beauty", "umbrellas"):
        assert f'<option value="category:{category}"' in picker
    assert '<option value="product">' in picker


def test_a_category_chart_and_the_htmx_fragment_follow_the_choice(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    sign_in(client, Role.OWNER)
    coffee = aggregate_forecasts.get_aggregate_forecast(runtime, stocked.id, "category", "coffee")
    fragment = client.get(
        "/stock/forecast?view=category:coffee&sku=", headers={"HX-Request": "true"}
    )
    assert fragment.headers["HX-Push-Url"] == "/stock?view=category%3Acoffee"
    chart = _chart(fragment.text)
    assert chart["mean"][len(coffee.history) :] == [p.mean for p in coffee.points]
    assert "FAST-1" in fragment.text  # the product that weighs most
    page = client.get(f"/stock?view={quote('category:coffee')}&lang=fr").text
    assert "Catégorie coffee · produits : 1" in page
    assert {k: v for k, v in _chart(page).items() if k != "names"} == {
        k: v for k, v in chart.items() if k != "names"
    }
    # A product stays the default and keeps its short address.
    product = client.get("/stock/forecast?view=product&sku=UMB-1", headers={"HX-Request": "true"})
    assert product.headers["HX-Push-Url"] == "/stock?sku=UMB-1"
    assert 'data-sku="UMB-1"' in product.text


def test_before_a_run_the_shop_view_says_when_it_will_appear(
    backend: str, client: TestClient, runtime: Runtime, shop: Shop
) -> None:
    seed_users(runtime, shop)
    build_stock_shop(runtime, shop)
    sign_in(client, Role.OWNER)
    page = client.get("/stock?view=shop")
    assert page.status_code == 200
    assert "The whole-shop forecast appears after the nightly forecast job" in page.text
    assert not _CHART.search(page.text)
    unknown = client.get("/stock/forecast?view=category:toys").text
    assert "There is no forecast for the category “toys” yet" in unknown
