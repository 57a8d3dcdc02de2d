"""/v1/signals/competitor-prices and /v1/competitor-matches: batch, review, confirm, reject."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth
from tests.unit.services.competitor_shop import add_products, price

pytestmark = pytest.mark.postgres
URL = "/v1/signals/competitor-prices"


def post(client: TestClient, key: str, *items: Any) -> dict[str, Any]:
    response = client.post(URL, json={"prices": list(items)}, headers=auth(key))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def competitor_points(client: TestClient, key: str) -> list[tuple[str, str, float]]:
    response = client.get(
        "/v1/signals", params={"name": "competitor_price.prixmalin"}, headers=auth(key)
    )
    assert response.status_code == 200, response.text
    return [(p["sku"], p["ts"][:10], p["value"]) for p in response.json()["data"]]


def test_a_batch_is_stored_with_per_item_rejections(
    client: TestClient, keys: Keys, runtime: Runtime, shop: Shop
) -> None:
    add_products(runtime, shop)
    body = post(
        client,
        keys.secret,
        price(),
        price("Limonade Lorina 75 cl", 3.2, sku="LIM-75"),
        price(currency="XYZ"),
        price(amount="-1"),
        price(sku="NOPE"),
        price("Vélo électrique", "999"),
    )
    assert {k: body[k] for k in ("stored", "unchanged", "matched", "suggested", "unmatched")} == {
        "stored": 3,
        "unchanged": 0,
        "matched": 1,
        "suggested": 1,
        "unmatched": 1,
    }
    assert [(p["index"], p["outcome"], p["sku"]) for p in body["prices"]] == [
        (0, "suggested", "COF-500"),
        (1, "matched", "LIM-75"),
        (5, "unmatched", None),
    ]
    rejected = {r["index"]: r["reason"] for r in body["rejected"]}
    assert sorted(rejected) == [2, 3, 4]
    assert "unknown currency 'XYZ'" in rejected[2]
    assert "price must be more than zero" in rejected[3]
    assert "NOPE" in rejected[4]
    # A JSON float is read as written: 3.2, not 3.2000000000000001776.
    assert competitor_points(client, keys.secret) == [("LIM-75", "2026-11-20", 3.2)]

    again = post(client, keys.secret, price(), price("Limonade Lorina 75 cl", 3.2, sku="LIM-75"))
    assert (again["stored"], again["unchanged"]) == (2, 2)
    assert [p["match_id"] for p in again["prices"]] == [p["match_id"] for p in body["prices"][:2]]


def test_owner_reviews_confirms_and_rejects_matches(
    client: TestClient, keys: Keys, other_keys: Keys, runtime: Runtime, shop: Shop
) -> None:
    add_products(runtime, shop)
    headers = auth(keys.secret)
    post(
        client,
        keys.secret,
        price(day="2026-11-20"),
        price(amount="11.50", day="2026-11-21"),
        price("Vélo électrique", "999"),
    )
    suggested = client.get("/v1/competitor-matches?status=suggested", headers=headers).json()
    assert suggested["count"] == 1
    coffee = suggested["data"][0]
    assert (coffee["sku"], coffee["observations"], coffee["last_price"]) == ("COF-500", 2, "11.50")
    assert coffee["candidates"][0]["sku"] == "COF-500"
    assert "same size 500g" in coffee["reason"]
    assert competitor_points(client, keys.secret) == []

    confirmed = client.post(f"/v1/competitor-matches/{coffee['id']}/confirm", headers=headers)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["signals_written"] == 2
    assert confirmed.json()["match"]["status"] == "confirmed"
    assert confirmed.json()["match"]["decided_by"].startswith("key:")
    assert competitor_points(client, keys.secret) == [
        ("COF-500", "2026-11-20", 11.9),
        ("COF-500", "2026-11-21", 11.5),
    ]

    bike = client.get("/v1/competitor-matches?status=unmatched", headers=headers).json()["data"][0]
    missing = client.post(f"/v1/competitor-matches/{bike['id']}/confirm", headers=headers)
    assert missing.status_code == 422
    assert missing.json()["code"] == "invalid_input"
    chosen = client.post(
        f"/v1/competitor-matches/{bike['id']}/confirm", json={"sku": "VASE-1"}, headers=headers
    )
    assert chosen.json()["match"]["sku"] == "VASE-1"

    rejected = client.post(f"/v1/competitor-matches/{coffee['id']}/reject", headers=headers)
    assert rejected.json()["signals_removed"] == 2
    assert rejected.json()["match"]["status"] == "rejected"
    assert [p[0] for p in competitor_points(client, keys.secret)] == ["VASE-1"]
    kept = client.get(f"/v1/competitor-matches/{coffee['id']}", headers=headers).json()
    assert kept["observations"] == 2

    # Another shop sees none of it and cannot decide for this one.
    assert client.get("/v1/competitor-matches", headers=auth(other_keys.secret)).json() == {
        "data": [],
        "count": 0,
    }
    foreign = client.post(
        f"/v1/competitor-matches/{coffee['id']}/confirm", headers=auth(other_keys.secret)
    )
    assert foreign.status_code == 404
    assert client.get("/v1/competitor-matches?status=maybe", headers=headers).status_code == 422


def test_storefront_and_anonymous_callers_are_refused(client: TestClient, keys: Keys) -> None:
    assert client.post(URL, json={"prices": [price()]}).status_code == 401
    for method, url in (
        ("post", URL),
        ("get", "/v1/competitor-matches"),
        ("post", "/v1/competitor-matches/1/reject"),
    ):
        response = client.request(method, url, json={"prices": []}, headers=auth(keys.publishable))
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"


def test_the_openapi_document_describes_the_price_items(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    body = schema["paths"][URL]["post"]["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[-1]
    items = schema["components"]["schemas"][ref]["properties"]["prices"]["items"]
    assert {"competitor", "title", "price", "currency", "observed_at"} <= set(items["required"])
    assert "/v1/competitor-matches/{match_id}/confirm" in schema["paths"]
