"""/v1/forecasts, /v1/replenishment and /v1/purchase-orders: reasons, copies, scopes, errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth
from tests.unit.services.stock_shop import build_forecast_shop

pytestmark = pytest.mark.postgres


@pytest.fixture
def stocked(runtime: Runtime, shop: Shop) -> Shop:
    return build_forecast_shop(runtime, shop)


def test_forecast_of_a_product_with_interval_history_and_reason(
    client: TestClient, keys: Keys, stocked: Shop
) -> None:
    response = client.get("/v1/forecasts/FAST-1", headers=auth(keys.secret))
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["points"]) == 28
    first = body["points"][0]
    assert first["lo_80"] <= first["mean"] <= first["hi_80"] <= first["hi_95"]
    assert body["history"]
    assert body["explanation"]["summary"]
    assert client.get("/v1/forecasts/NOPE", headers=auth(keys.secret)).json()["code"] == (
        "not_found"
    )
    # A storefront key reads no stock plans.
    assert client.get("/v1/forecasts/FAST-1", headers=auth(keys.publishable)).status_code == 403


def test_plan_lists_proposals_and_the_approved_order_downloads(
    client: TestClient, keys: Keys, other_keys: Keys, stocked: Shop
) -> None:
    headers = auth(keys.secret)
    planned = client.post("/v1/replenishment/plan", headers=headers, json={"clearance": True})
    assert planned.status_code == 200, planned.text
    assert planned.json()["figures"]["order_proposals"] >= 1
    listed = client.get("/v1/replenishment/proposals", headers=headers).json()
    kinds = {p["kind"] for p in listed["data"]}
    assert kinds == {"purchase_order", "price_change"}
    acme = next(p for p in listed["data"] if p["target"] == "ACME")
    assert acme["explanation"]["summary"]
    assert all(line["reason"] for line in acme["payload"]["lines"])
    # Another shop sees none of it.
    other = client.get("/v1/replenishment/proposals", headers=auth(other_keys.secret)).json()
    assert other["count"] == 0

    approved = client.post(f"/v1/proposals/{acme['id']}/approve", headers=headers).json()
    reference = approved["result"]["reference"]
    order = client.get(f"/v1/purchase-orders/{reference}", headers=headers).json()
    assert order["supplier_ref"] == "ACME"
    csv_response = client.get(f"/v1/purchase-orders/{reference}/csv", headers=headers)
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert f"{reference},FAST-1" in csv_response.text
    pdf = client.get(f"/v1/purchase-orders/{reference}/pdf", headers=headers)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert (
        client.get(f"/v1/purchase-orders/{reference}", headers=auth(other_keys.secret)).status_code
        == 404
    )
    no_mail = client.post(f"/v1/purchase-orders/{reference}/send", headers=headers)
    assert no_mail.status_code == 422
    assert "SMTP" in no_mail.json()["message"]
    received = client.post(f"/v1/purchase-orders/{reference}/receive", headers=headers)
    assert received.json()["status"] == "received"
    again = client.post(f"/v1/purchase-orders/{reference}/receive", headers=headers)
    assert again.status_code == 409


def test_bad_plan_options_are_refused(client: TestClient, keys: Keys, stocked: Shop) -> None:
    response = client.post(
        "/v1/replenishment/plan", headers=auth(keys.secret), json={"service_level": 1.2}
    )
    assert response.status_code == 422
    assert (
        client.get("/v1/purchase-orders/" + "X" * 80, headers=auth(keys.secret)).status_code == 422
    )
