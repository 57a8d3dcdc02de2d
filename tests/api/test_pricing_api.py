"""/v1/prices and /v1/pricing: storefront price, runs by mode, kill switch, rules, locks, scopes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock
from tests.conftest import Keys, auth
from tests.unit.services.stock_shop import build_forecast_shop

pytestmark = pytest.mark.postgres


@pytest.fixture
def stocked(runtime: Runtime, shop: Shop) -> Shop:
    return build_forecast_shop(runtime, shop)


def test_auto_mode_moves_the_storefront_price_and_the_kill_switch_puts_it_back(
    client: TestClient, keys: Keys, stocked: Shop, clock: FakeClock
) -> None:
    secret, public = auth(keys.secret), auth(keys.publishable)
    first = client.get("/v1/prices/FAST-1", headers=public)
    assert first.status_code == 200, first.text
    assert first.json()["currency"] == "EUR"
    mode = client.put("/v1/pricing/mode", headers=secret, json={"mode": "auto"})
    assert mode.status_code == 200, mode.text
    run = client.post("/v1/pricing/run", headers=secret)
    assert run.status_code == 200, run.text
    assert run.json()["applied"] >= 1
    clock.advance(seconds=11)  # past the storefront cache
    moved = client.get("/v1/prices/FAST-1", headers=public).json()
    assert moved["price"] != first.json()["price"]
    assert moved["changed_at"] is not None
    # The storefront key can read a price but not run pricing or press the kill switch.
    assert client.post("/v1/pricing/run", headers=public).status_code == 403
    assert client.post("/v1/pricing/kill-switch", headers=public).status_code == 403
    stop = client.post("/v1/pricing/kill-switch", headers=secret)
    assert stop.status_code == 200, stop.text
    assert "FAST-1" in stop.json()["reverted"]
    clock.advance(seconds=11)
    assert client.get("/v1/prices/FAST-1", headers=public).json()["price"] == first.json()["price"]


def test_suggested_changes_are_listed_with_reasons(
    client: TestClient, keys: Keys, stocked: Shop
) -> None:
    secret = auth(keys.secret)
    client.put("/v1/pricing/mode", headers=secret, json={"mode": "suggest"})
    assert client.post("/v1/pricing/run", headers=secret).json()["changes"] >= 1
    listed = client.get("/v1/pricing/proposals", headers=secret).json()["data"]
    assert listed
    for proposal in listed:
        assert proposal["kind"] == "dynamic_price"
        # A greedy quote states the elasticity it used; a price test, the one it drew.
        summary = proposal["explanation"]["summary"]
        assert summary.startswith(("elasticity", "experiment: priced for elasticity")), summary
        assert "profit_change_per_day" in proposal["expected_effect"]


def test_rules_are_validated_and_shown(client: TestClient, keys: Keys, stocked: Shop) -> None:
    secret = auth(keys.secret)
    bad = client.put("/v1/pricing/rules", headers=secret, json={"floor": "20", "cap": "15"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input"
    assert "floor 20 is above cap 15" in bad.json()["message"]
    good = client.put(
        "/v1/pricing/rules/categories/coffee", headers=secret, json={"min_margin": "0.35"}
    )
    assert good.status_code == 200, good.text
    shown = client.get("/v1/pricing/rules", headers=secret).json()
    assert shown["categories"]["coffee"] == {"min_margin": "0.35"}
    assert shown["objective"] == "profit"
    unknown = client.put("/v1/pricing/rules/categories/planets", headers=secret, json={})
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"


def test_a_locked_product_is_not_repriced(client: TestClient, keys: Keys, stocked: Shop) -> None:
    secret = auth(keys.secret)
    before = client.get("/v1/prices/FAST-1", headers=secret).json()["price"]
    locked = client.post("/v1/pricing/locks", headers=secret, json={"sku": "FAST-1"})
    assert locked.status_code == 201, locked.text
    bad = client.post("/v1/pricing/locks", headers=secret, json={"sku": "FAST-1", "reason": "whim"})
    assert bad.json()["code"] == "invalid_input"
    client.put("/v1/pricing/mode", headers=secret, json={"mode": "auto"})
    run = client.post("/v1/pricing/run", headers=secret).json()
    assert "FAST-1" in run["refused"]
    assert client.get("/v1/prices/FAST-1", headers=secret).json()["price"] == before


def test_unknown_sku_is_a_404_not_a_500(client: TestClient, keys: Keys, stocked: Shop) -> None:
    response = client.get("/v1/prices/NOPE", headers=auth(keys.publishable))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
