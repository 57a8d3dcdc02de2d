"""/v1/forecasts/categories and /v1/forecasts/shop: sums of the products, 404 before a run."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ProductRow
from shopkeeper.domain.shops import Shop
from shopkeeper.services import forecasting
from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth
from tests.unit.services.stock_shop import build_stock_shop

pytestmark = pytest.mark.postgres


def test_before_a_run_the_routes_say_how_to_get_forecasts(
    client: TestClient, keys: Keys, runtime: Runtime, shop: Shop
) -> None:
    build_stock_shop(runtime, shop)
    headers = auth(keys.secret)
    assert client.get("/v1/forecasts/categories", headers=headers).json() == {
        "data": [],
        "count": 0,
    }
    for url in ("/v1/forecasts/shop", "/v1/forecasts/categories/coffee"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
        assert "shopkeeper forecast run" in response.json()["message"]


def test_category_and_shop_forecasts_add_up_with_intervals_history_and_reasons(
    client: TestClient, keys: Keys, other_keys: Keys, runtime: Runtime, shop: Shop
) -> None:
    build_stock_shop(runtime, shop)
    # A category with a slash travels encoded in the path.
    with transaction(runtime.sessions) as session:
        session.execute(
            update(ProductRow)
            .where(ProductRow.shop_id == shop.id, ProductRow.sku.in_(("FAST-1", "LONE-1")))
            .values(category="Food/Drink")
        )
    forecasting.run_forecasts(runtime, shop.id)
    headers = auth(keys.secret)
    listed = client.get("/v1/forecasts/categories", headers=headers).json()
    assert listed["count"] == 3
    assert listed["data"][0]["category"] == "Food/Drink"
    assert listed["data"][0]["products"] == 2
    assert listed["data"][0]["days"] == forecasting.HORIZON_DAYS

    response = client.get(
        f"/v1/forecasts/categories/{quote('Food/Drink', safe='')}", headers=headers
    )
    assert response.status_code == 200, response.text
    food = response.json()
    assert food["level"] == "category"
    assert food["key"] == "Food/Drink"
    fast = client.get("/v1/forecasts/FAST-1", headers=headers).json()
    lone = client.get("/v1/forecasts/LONE-1", headers=headers).json()
    for day, point in enumerate(food["points"]):
        expected = fast["points"][day]["mean"] + lone["points"][day]["mean"]
        assert point["mean"] == pytest.approx(expected, abs=1e-3)
        assert point["lo_95"] <= point["lo_80"] <= point["mean"] <= point["hi_80"] <= point["hi_95"]
    assert food["total_units"] == pytest.approx(listed["data"][0]["total_units"], abs=0.01)
    assert len(food["history"]) == len(fast["history"])
    assert food["explanation"]["summary"].startswith("Sum of the 2 products' forecasts")
    assert food["explanation"]["factors"][0]["name"] == "FAST-1"

    whole = client.get("/v1/forecasts/shop", headers=headers).json()
    assert whole["level"] == "shop"
    assert whole["products"] == 4
    total = sum(c["total_units"] for c in listed["data"])
    assert whole["total_units"] == pytest.approx(total, abs=0.05)
    assert whole["history"][-1]["units"] > 0

    missing = client.get("/v1/forecasts/categories/toys", headers=headers)
    assert missing.status_code == 404
    assert "/v1/forecasts/categories" in missing.json()["message"]
    # Another shop sees none of it; a storefront key reads no stock plans.
    assert client.get("/v1/forecasts/shop", headers=auth(other_keys.secret)).status_code == 404
    other = client.get("/v1/forecasts/categories", headers=auth(other_keys.secret)).json()
    assert other["count"] == 0
    assert client.get("/v1/forecasts/shop", headers=auth(keys.publishable)).status_code == 403
