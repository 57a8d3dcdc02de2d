"""Products, customers, orders and stock through the REST API, end to end."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres


@pytest.fixture
def api(client: TestClient, keys: Keys) -> TestClient:
    client.headers.update(auth(keys.secret))
    return client


def product(sku: str, **fields: Any) -> dict[str, Any]:
    return {"sku": sku, "title": f"Thing {sku}", "price": "10.00", **fields}


def order(external_id: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "external_id": external_id,
        "customer_id": "C1",
        "placed_at": "2026-11-20T10:00:00Z",
        "lines": [
            {"sku": "TEE-1", "quantity": 2, "unit_price": "19.90"},
            {"sku": "MUG-1", "quantity": 1, "unit_price": "8.00", "discount": "1.00"},
        ],
    }
    return {**base, **fields}


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"]


# --- products -----------------------------------------------------------------------------


def test_product_create_get_update(backend: str, api: TestClient) -> None:
    created = api.post("/v1/products", json=product("TEE-1", category="tees", cost="4.5"))
    assert created.status_code == 201
    assert created.json()["price"] == "10.00"
    assert created.json()["currency"] == "EUR"
    got = api.get("/v1/products/TEE-1").json()
    assert (got["title"], got["category"], Decimal(got["cost"])) == ("Thing TEE-1", "tees", 4.5)
    updated = api.patch("/v1/products/TEE-1", json={"price": "12.50", "status": "archived"})
    assert updated.status_code == 200
    assert (Decimal(updated.json()["price"]), updated.json()["status"]) == (
        Decimal("12.50"),
        "archived",
    )
    assert Decimal(api.get("/v1/products/TEE-1").json()["price"]) == Decimal("12.50")


def test_product_list_pages_and_filters(backend: str, api: TestClient) -> None:
    for n in range(5):
        api.post("/v1/products", json=product(f"P-{n}", category="a" if n < 3 else "b"))
    api.post("/v1/products", json=product("X-9", brand="Acme", title="Lamp"))
    page = api.get("/v1/products", params={"offset": 2, "limit": 2}).json()
    assert page["count"] == 6
    assert len(page["data"]) == 2
    first_two = api.get("/v1/products", params={"limit": 2}).json()["data"]
    assert {p["sku"] for p in page["data"]}.isdisjoint(p["sku"] for p in first_two)
    assert api.get("/v1/products", params={"category": "a"}).json()["count"] == 3
    assert api.get("/v1/products", params={"brand": "Acme"}).json()["count"] == 1
    assert api.get("/v1/products", params={"q": "lamp"}).json()["data"][0]["sku"] == "X-9"
    assert api.get("/v1/products", params={"status": "archived"}).json()["count"] == 0
    assert_error(api.get("/v1/products", params={"limit": 0}), 422, "invalid_input")


def test_product_errors_have_codes(backend: str, api: TestClient) -> None:
    api.post("/v1/products", json=product("TEE-1"))
    assert_error(api.post("/v1/products", json=product("TEE-1")), 409, "conflict")
    assert_error(api.get("/v1/products/NOPE"), 404, "not_found")
    assert_error(api.patch("/v1/products/NOPE", json={"price": "1"}), 404, "not_found")
    assert_error(api.post("/v1/products", json=product("NEG", price="-1")), 422, "invalid_input")
    assert_error(api.post("/v1/products", json=product("S P")), 422, "invalid_input")
    assert_error(api.post("/v1/products", json=product("U", colour="red")), 422, "invalid_input")
    assert_error(api.patch("/v1/products/TEE-1", json={"price": None}), 422, "invalid_input")
    assert_error(
        api.post("/v1/products", content="{no", headers={"Content-Type": "application/json"}),
        422,
        "invalid_input",
    )


# --- customers ----------------------------------------------------------------------------


def test_customer_create_get_update_and_find_by_email(backend: str, api: TestClient) -> None:
    created = api.post(
        "/v1/customers",
        json={
            "external_id": "C1",
            "email": "Ada@Example.com",
            "first_name": "Ada",
            "segment": "vip",
        },
    )
    assert created.status_code == 201, created.text
    api.post("/v1/customers", json={"external_id": "C2", "segment": "new"})
    api.post("/v1/customers", json={"external_id": "D3"})
    got = api.get("/v1/customers/C1").json()
    assert (got["first_name"], got["segment"]) == ("Ada", "vip")
    found = api.get("/v1/customers", params={"email": "ada@example.com"}).json()
    assert [c["external_id"] for c in found["data"]] == ["C1"]
    assert api.get("/v1/customers", params={"segment": "new"}).json()["count"] == 1
    assert api.get("/v1/customers", params={"q": "C"}).json()["count"] == 2
    page = api.get("/v1/customers", params={"limit": 1, "offset": 1}).json()
    assert (page["count"], [c["external_id"] for c in page["data"]]) == (3, ["C2"])
    updated = api.patch("/v1/customers/C1", json={"last_name": "Lovelace", "phone": "+44 20 1"})
    assert (updated.json()["first_name"], updated.json()["last_name"]) == ("Ada", "Lovelace")
    assert api.get("/v1/customers/C1").json()["phone"] == "+44 20 1"


def test_customer_errors_have_codes(backend: str, api: TestClient) -> None:
    api.post("/v1/customers", json={"external_id": "C1"})
    assert_error(api.post("/v1/customers", json={"external_id": "C1"}), 409, "conflict")
    assert_error(api.get("/v1/customers/NOPE"), 404, "not_found")
    assert_error(api.patch("/v1/customers/NOPE", json={}), 404, "not_found")
    bad_email = {"external_id": "C9", "email": "not-an-email"}
    assert_error(api.post("/v1/customers", json=bad_email), 422, "invalid_input")
    assert_error(
        api.post("/v1/customers", json={"external_id": "C9", "age": 3}), 422, "invalid_input"
    )


# --- orders -------------------------------------------------------------------------------


def test_order_create_get_list_update(backend: str, api: TestClient) -> None:
    created = api.post("/v1/orders", json=order("O1"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["subtotal"], body["discount_total"], body["total"]) == ("47.80", "1.00", "46.80")
    assert [line["line_no"] for line in body["lines"]] == [1, 2]
    # The customer did not exist yet: the order keeps the link through a bare record.
    assert api.get("/v1/customers/C1").status_code == 200
    api.post("/v1/orders", json=order("O2", customer_id="C2", placed_at="2026-11-22T10:00:00Z"))
    api.post("/v1/orders", json=order("O3", status="shipped"))
    assert api.get("/v1/orders/O1").json()["customer_id"] == "C1"
    assert api.get("/v1/orders", params={"customer_id": "C1"}).json()["count"] == 2
    assert api.get("/v1/orders", params={"status": "shipped"}).json()["count"] == 1
    recent = api.get("/v1/orders", params={"placed_from": "2026-11-21T00:00:00Z"}).json()
    assert [o["external_id"] for o in recent["data"]] == ["O2"]
    page = api.get("/v1/orders", params={"limit": 2}).json()
    assert (page["count"], len(page["data"])) == (3, 2)
    updated = api.patch("/v1/orders/O1", json={"status": "delivered"})
    assert updated.json()["status"] == "delivered"
    assert api.get("/v1/orders/O1").json()["status"] == "delivered"


def test_order_errors_have_codes(backend: str, api: TestClient) -> None:
    api.post("/v1/orders", json=order("O1"))
    assert_error(api.post("/v1/orders", json=order("O1")), 409, "conflict")
    assert_error(api.get("/v1/orders/NOPE"), 404, "not_found")
    assert_error(api.patch("/v1/orders/NOPE", json={"status": "shipped"}), 404, "not_found")
    naive = order("O2", placed_at="2026-11-20T10:00:00")
    assert_error(api.post("/v1/orders", json=naive), 422, "invalid_input")
    assert_error(api.post("/v1/orders", json=order("O3", total="1.00")), 422, "invalid_input")
    assert_error(api.post("/v1/orders", json=order("O4", lines=[])), 422, "invalid_input")
    assert_error(api.post("/v1/orders", json=order("O5", currency="USD")), 422, "invalid_input")
    assert_error(api.patch("/v1/orders/O1", json={"status": "lost"}), 422, "invalid_input")
    naive_filter = api.get("/v1/orders", params={"placed_from": "2026-11-21T00:00:00"})
    assert_error(naive_filter, 422, "invalid_input")


# --- stock --------------------------------------------------------------------------------


def test_stock_set_and_list(backend: str, api: TestClient) -> None:
    for sku in ("TEE-1", "MUG-1"):
        api.post("/v1/products", json=product(sku))
    first = api.put("/v1/stock", json={"sku": "TEE-1", "on_hand": 12})
    assert first.status_code == 200
    assert (first.json()["on_hand"], first.json()["location"]) == (12, "main")
    api.put("/v1/stock", json={"sku": "TEE-1", "on_hand": 3, "location": "shop"})
    api.put("/v1/stock", json={"sku": "MUG-1", "on_hand": 1})
    api.put("/v1/stock", json={"sku": "TEE-1", "on_hand": 10})
    all_levels = api.get("/v1/stock").json()
    assert all_levels["count"] == 3
    assert api.get("/v1/stock", params={"sku": "TEE-1"}).json()["count"] == 2
    low = api.get("/v1/stock", params={"below": 5}).json()["data"]
    assert sorted((s["sku"], s["on_hand"]) for s in low) == [("MUG-1", 1), ("TEE-1", 3)]
    assert api.get("/v1/stock", params={"location": "shop"}).json()["count"] == 1
    assert (
        api.get("/v1/stock", params={"limit": 1, "offset": 2}).json()["data"][0]["sku"] == "TEE-1"
    )
    assert api.get("/v1/products/TEE-1").json()["on_hand"] == 13


def test_stock_errors_have_codes(backend: str, api: TestClient) -> None:
    api.post("/v1/products", json=product("TEE-1"))
    assert_error(api.put("/v1/stock", json={"sku": "NOPE", "on_hand": 1}), 404, "not_found")
    assert_error(api.put("/v1/stock", json={"sku": "TEE-1", "on_hand": -1}), 422, "invalid_input")
    extra = {"sku": "TEE-1", "on_hand": 1, "bin": "A1"}
    assert_error(api.put("/v1/stock", json=extra), 422, "invalid_input")


# --- lists agree with single reads ----------------------------------------------------------


def test_list_items_equal_the_single_reads(
    backend: str, api: TestClient, runtime: Any, shop: Any
) -> None:
    # Lists are built with batched queries, single reads one by one: both must say the same.
    from shopkeeper.data.database import transaction
    from shopkeeper.domain.suppliers import SupplierCreate
    from shopkeeper.services.suppliers import upsert_supplier

    with transaction(runtime.sessions) as session:
        upsert_supplier(session, shop.id, SupplierCreate(ref="SUP-1", name="Fournisseur"))
    api.post("/v1/products", json=product("TEE-1", supplier_ref="SUP-1"))
    api.post("/v1/products", json=product("MUG-1"))
    api.post("/v1/orders", json=order("O1"))
    api.post("/v1/orders", json=order("O2", customer_id="C2", lines=order("x")["lines"][:1]))

    listed = api.get("/v1/products").json()["data"]
    assert [(p["sku"], p["supplier_ref"]) for p in listed] == [("MUG-1", None), ("TEE-1", "SUP-1")]
    for item in listed:
        single = api.get(f"/v1/products/{item['sku']}").json()
        assert {**item, "on_hand": None} == {**single, "on_hand": None}
    for item in api.get("/v1/orders").json()["data"]:
        assert item == api.get(f"/v1/orders/{item['external_id']}").json()
