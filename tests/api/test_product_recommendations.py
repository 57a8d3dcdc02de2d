"""Similar products, bought together and known-customer candidates, through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shopkeeper.domain.shops import Shop
from shopkeeper.services.default_models import fit_recommenders
from shopkeeper.services.models import ModelCache
from shopkeeper.services.product_recommendations import customer_candidates
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock
from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres

# sku -> (title, category, brand, attributes, consumable)
PRODUCTS: dict[str, tuple[str, str, str, dict[str, Any], bool]] = {
    "BOOT-1": ("Brown leather boot", "shoes", "Acme", {"colour": "brown"}, False),
    "BOOT-2": ("Black leather boot", "shoes", "Acme", {"colour": "black"}, False),
    "SNEAK": ("Canvas sneaker", "shoes", "Runr", {"colour": "white"}, False),
    "POLISH": ("Shoe polish", "care", "Acme", {}, True),
    "TEA": ("Green tea", "tea", "Leaf", {}, True),
    "CUP": ("Tea cup", "tableware", "Leaf", {}, False),
    "POT": ("Tea pot", "tableware", "Leaf", {}, False),
    "KETTLE": ("Kettle", "kitchen", "Leaf", {}, False),
    "GONE": ("Sold-out boot", "shoes", "Acme", {"colour": "brown"}, False),
}
BASE = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def seed(client: TestClient, key: str) -> None:
    headers = auth(key)
    for sku, (title, category, brand, attributes, consumable) in PRODUCTS.items():
        body = {
            "sku": sku,
            "title": title,
            "price": "20.00",
            "category": category,
            "brand": brand,
            "attributes": attributes,
            "is_consumable": consumable,
        }
        assert client.post("/v1/products", json=body, headers=headers).status_code == 201
        stock = {"sku": sku, "on_hand": 0 if sku == "GONE" else 5}
        assert client.put("/v1/stock", json=stock, headers=headers).status_code == 200
    # Boot buyers take polish; tea people take the whole set; SOLO shows guests count too.
    baskets = [("BOOT-1", "POLISH")] * 3 + [("BOOT-2", "POLISH", "GONE")] * 2
    baskets += [("TEA", "CUP", "POT", "KETTLE")] * 6 + [("TEA", "CUP")]
    for n, skus in enumerate(baskets):
        customer = f"C{n}"
        created = client.post("/v1/customers", json={"external_id": customer}, headers=headers)
        assert created.status_code == 201, created.text
        order = {
            "external_id": f"O-{n}",
            "customer_id": customer,
            "placed_at": (BASE + timedelta(hours=n)).isoformat(),
            "lines": [{"sku": s, "quantity": 1, "unit_price": "20.00"} for s in skus],
        }
        assert client.post("/v1/orders", json=order, headers=headers).status_code == 201


def get(client: TestClient, key: str, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/v1/recommendations/{path}", params=params, headers=auth(key))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def fitted(client: TestClient, keys: Keys, runtime: Runtime, shop: Shop, clock: FakeClock) -> None:
    seed(client, keys.secret)
    runs = fit_recommenders(runtime, shop.id)
    assert runs.customer is not None
    assert runs.content is not None
    assert runs.together is not None
    # Past the cache's check interval, so the API serves the runs just stored.
    clock.advance(minutes=1)


def test_similar_products_share_category_words_and_skip_unsellable(
    fitted: None, client: TestClient, keys: Keys
) -> None:
    body = get(client, keys.publishable, "similar", sku="BOOT-1", k=3)
    first = body["items"][0]
    assert (first["sku"], first["source"]) == ("BOOT-2", "similar")
    assert "same category: shoes" in first["reason"]
    assert "shared words: boot, leather" in first["reason"]
    skus = [item["sku"] for item in body["items"]]
    assert "BOOT-1" not in skus
    assert "GONE" not in skus
    assert len(skus) == 3
    assert body["placement"] == "product"
    assert len(body["model_runs"]) == 1


def test_a_product_added_after_the_fit_gets_similar_products(
    fitted: None, client: TestClient, keys: Keys
) -> None:
    body = {"sku": "NEW-BOOT", "title": "Brown suede boot", "price": "30", "category": "shoes"}
    assert client.post("/v1/products", json=body, headers=auth(keys.secret)).status_code == 201
    answer = get(client, keys.publishable, "similar", sku="NEW-BOOT", k=2)
    assert {item["sku"] for item in answer["items"]} <= {"BOOT-1", "BOOT-2", "SNEAK"}
    assert answer["items"]


def test_bought_together_says_in_how_many_orders(
    fitted: None, client: TestClient, keys: Keys
) -> None:
    body = get(client, keys.publishable, "bought-together", sku="BOOT-1")
    assert [(i["sku"], i["reason"], i["source"]) for i in body["items"]] == [
        ("POLISH", "Bought together in 3 orders", "together")
    ]
    tea = get(client, keys.publishable, "bought-together", sku="TEA", k=5)
    assert {i["sku"] for i in tea["items"]} == {"CUP", "POT", "KETTLE"}
    # Sold out: bought with BOOT-2 twice, but never offered.
    boot = get(client, keys.publishable, "bought-together", sku="BOOT-2")
    assert [i["sku"] for i in boot["items"]] == ["POLISH"]


def test_unknown_sku_is_404_and_bad_parameters_422(
    fitted: None, client: TestClient, keys: Keys
) -> None:
    for path in ("similar", "bought-together"):
        missing = client.get(
            f"/v1/recommendations/{path}", params={"sku": "NOPE"}, headers=auth(keys.publishable)
        )
        assert missing.status_code == 404
        assert missing.json()["code"] == "not_found"
        no_sku = client.get(f"/v1/recommendations/{path}", headers=auth(keys.publishable))
        assert no_sku.status_code == 422
        too_many = client.get(
            f"/v1/recommendations/{path}",
            params={"sku": "BOOT-1", "k": 51},
            headers=auth(keys.publishable),
        )
        assert too_many.status_code == 422


def test_the_general_route_still_answers_beside_the_new_ones(
    fitted: None, client: TestClient, keys: Keys
) -> None:
    general = client.get("/v1/recommendations", params={"k": 3}, headers=auth(keys.publishable))
    assert general.status_code == 200
    assert general.json()["items"], "popularity answers a visitor we know nothing of"
    assert get(client, keys.secret, "similar", sku="BOOT-1")["items"]


def test_without_fitted_models_the_lists_are_empty_with_a_note(
    client: TestClient, keys: Keys
) -> None:
    seed(client, keys.secret)
    for path in ("similar", "bought-together"):
        body = get(client, keys.publishable, path, sku="BOOT-1")
        assert body["items"] == []
        assert "fit" in body["note"]


def test_another_shop_cannot_reach_these_products(
    fitted: None, client: TestClient, other_keys: Keys
) -> None:
    for path in ("similar", "bought-together"):
        response = client.get(
            f"/v1/recommendations/{path}",
            params={"sku": "BOOT-1"},
            headers=auth(other_keys.publishable),
        )
        assert response.status_code == 404
        assert "Acme" not in response.text
        assert "Brown" not in response.text


def test_a_known_customer_gets_what_similar_customers_bought(
    fitted: None, runtime: Runtime, shop: Shop, app: FastAPI
) -> None:
    models: ModelCache = app.state.models
    # C11 bought tea and a cup only; the other tea customers also bought pot and kettle.
    # The cup is durable and already bought: left out; tea is consumable and may come back.
    found, run_id = customer_candidates(runtime, models, shop_id=shop.id, customer_id="C11", k=3)
    assert run_id is not None
    assert {p.scored.sku for p in found} == {"TEA", "POT", "KETTLE"}
    # Each is credited to one of the customer's purchases, named in the reason.
    assert all(p.reason == "Because you bought {credit}" for p in found)
    assert {p.credit for p in found} <= {"TEA", "CUP"}
    assert "CUP" not in {p.scored.sku for p in found}
    wider, _ = customer_candidates(runtime, models, shop_id=shop.id, customer_id="C11", k=10)
    # Asking for more only adds the shoe customers' products after the tea ones.
    assert {p.scored.sku for p in wider[:3]} == {"TEA", "POT", "KETTLE"}
    assert {p.scored.sku for p in wider[3:]} <= {"BOOT-1", "BOOT-2", "POLISH", "GONE", "SNEAK"}
    excluded, _ = customer_candidates(
        runtime, models, shop_id=shop.id, customer_id="C11", k=10, exclude={"POT"}
    )
    assert "POT" not in {p.scored.sku for p in excluded}
    nobody = customer_candidates(runtime, models, shop_id=shop.id, customer_id="nobody", k=3)
    assert nobody == ([], None)
