"""No route lets one shop's key reach another shop's data, including routes added later.

The test walks ``app.openapi()["paths"]``: every method of every documented route is called
with shop B's secret key, with path parameters naming things that exist in shop A. A new
route is covered the day it is added; a new kind of path parameter should get a value of
shop A in ``SHOP_A_VALUES`` (until then it gets a generic one).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import PurchaseOrderRow, SupplierRow
from shopkeeper.domain.explanation import Explanation
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.services import forecasting, proposals
from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres

# Routes that carry no shop data at all, with the reason they are left out.
SKIPPED: dict[str, str] = {
    "/healthz": "process liveness, same answer for every caller",
    "/readyz": "database readiness, no shop rows",
    "/metrics": "Prometheus counters of the worker, no shop rows",
    "/docs": "Swagger UI page",
    "/redoc": "ReDoc page",
    "/openapi.json": "the API description itself",
}

ID = "ISO-1"
A_EMAIL = "alpha-only@example.com"
# Strings that exist only in shop A's rows; none may ever appear in a response to B.
A_MARKERS = ("Alpha-only", A_EMAIL, "Alphastrasse", "+33 6 11 22 33 44")

# Path parameters that name a kind of work rather than a row of a shop: a route with only
# these acts on the caller's own shop, so it is checked like a route without parameters.
NOT_SHOP_DATA: dict[str, str] = {
    "kind": "an import kind (products, customers, orders...), a file format, not a row",
    "name": "a job name: deployment-wide work, run for the caller's own shop",
}

# Values of path and query parameters that name shop A's things.
SHOP_A_VALUES: dict[str, str] = {
    "sku": ID,
    "external_id": ID,
    "customer_id": ID,
    "order_id": ID,
    "email": A_EMAIL,
    "q": "ISO",
    "location": "main",
    # ISO-1 has no category: its forecast is summed in "Uncategorised".
    "category": "Uncategorised",
}

# Valid bodies for writes on a path naming A's things: an invalid one would be refused
# (422) before the route looks the thing up, and prove nothing.
PATH_WRITE_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/v1/support/conversations/{conversation_id}/feedback"): {"satisfied": False},
    ("post", "/v1/support/handoffs/{handoff_id}/reply"): {"text": "Bravo reply"},
}

# Bodies for writes that take no path parameter: they name A's identifiers on purpose.
WRITE_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/v1/products"): {"sku": ID, "title": "Bravo thing", "price": "3.00"},
    ("post", "/v1/customers"): {"external_id": ID},
    ("post", "/v1/orders"): {
        "external_id": ID,
        "customer_id": ID,
        "placed_at": "2026-11-20T10:00:00Z",
        "lines": [{"sku": ID, "quantity": 1, "unit_price": "3.00"}],
    },
    ("put", "/v1/stock"): {"sku": ID, "on_hand": 0},
    ("post", "/v1/events"): {"events": []},
}


def seed_shop_a(client: TestClient, key: str, runtime: Runtime, shop: Shop) -> dict[str, str]:
    """Create one of each thing in shop A; returns path parameter values that name them."""
    headers = auth(key)
    created = [
        client.post(
            "/v1/products",
            json={"sku": ID, "title": "Alpha-only lamp", "price": "10.00"},
            headers=headers,
        ),
        client.post(
            "/v1/customers",
            json={
                "external_id": ID,
                "email": A_EMAIL,
                "first_name": "Alpha-only",
                "phone": "+33 6 11 22 33 44",
                "address": {"line1": "1 Alphastrasse", "city": "Rennes", "country": "FR"},
            },
            headers=headers,
        ),
        client.post(
            "/v1/orders",
            json={
                "external_id": ID,
                "customer_id": ID,
                "placed_at": "2026-11-20T10:00:00Z",
                "lines": [{"sku": ID, "quantity": 2, "unit_price": "10.00"}],
            },
            headers=headers,
        ),
        client.put("/v1/stock", json={"sku": ID, "on_hand": 7}, headers=headers),
    ]
    assert [r.status_code for r in created] == [201, 201, 201, 200], [r.text for r in created]
    with transaction(runtime.sessions) as session:
        proposal = proposals.propose(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            kind="isolation_probe",
            target=ID,
            summary="Alpha-only proposal",
            explanation=Explanation("Alpha-only reason"),
            payload={},
        )
    assert proposal is not None
    forecasting.run_forecasts(runtime, shop.id)
    reference = _purchase_order(runtime, shop)
    # A conversation handed to a person: its summary quotes the customer's words.
    chat = client.post(
        "/v1/support/messages",
        json={"text": f"Alpha-only: je veux parler à un humain, {A_EMAIL}"},
        headers=headers,
    ).json()
    handoffs = client.get("/v1/support/handoffs", headers=headers).json()
    return {
        **SHOP_A_VALUES,
        "proposal_id": str(proposal.id),
        "conversation_id": chat["conversation_id"],
        "handoff_id": str(handoffs[0]["handoff_id"]),
        "reference": reference,
    }


def _purchase_order(runtime: Runtime, shop: Shop) -> str:
    """A purchase order of A's from an Alpha-only supplier (the API only reads them)."""
    with transaction(runtime.sessions) as session:
        supplier = SupplierRow(shop_id=shop.id, ref="ALPHA", name="Alpha-only supplies")
        session.add(supplier)
        session.flush()
        order = PurchaseOrderRow(
            shop_id=shop.id,
            supplier_id=supplier.id,
            reference="PO-ALPHA-1",
            status="ordered",
            created_at=runtime.clock.now(),
        )
        session.add(order)
    return "PO-ALPHA-1"


def documented_calls(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    calls = []
    for path, operations in app.openapi()["paths"].items():
        if path in SKIPPED:
            continue
        for method, operation in operations.items():
            calls.append((method, path, operation))
    return calls


def path_params(path: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", path)


def fill_path(
    path: str, operation: dict[str, Any], values: dict[str, str], components: dict[str, Any]
) -> str:
    schemas = {p["name"]: p.get("schema", {}) for p in operation.get("parameters", [])}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        schema = schemas.get(name, {})
        if "$ref" in schema:
            schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
        if schema.get("enum"):
            return str(schema["enum"][0])
        fallback = "1" if schema.get("type") == "integer" else ID
        return values.get(name, fallback)

    return re.sub(r"\{([^}]+)\}", value, path)


def query_for(operation: dict[str, Any]) -> dict[str, str]:
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    return {n: SHOP_A_VALUES[n] for n in names if n in SHOP_A_VALUES}


def assert_no_a_data(response: Any, where: str) -> None:
    for marker in A_MARKERS:
        assert marker not in response.text, f"{where} leaked {marker!r}: {response.text[:300]}"


def test_every_route_keeps_shop_b_out_of_shop_a(
    backend: str,
    app: FastAPI,
    client: TestClient,
    runtime: Runtime,
    shop: Shop,
    keys: Keys,
    other_keys: Keys,
) -> None:
    values = seed_shop_a(client, keys.secret, runtime, shop)
    components = app.openapi().get("components", {}).get("schemas", {})
    calls = documented_calls(app)
    owned = [c for c in calls if set(path_params(c[1])) - set(NOT_SHOP_DATA)]
    assert owned, "no route with a path parameter naming shop data found"
    with_param = owned
    others = [c for c in calls if c not in owned]
    reads = [c for c in others if c[0] == "get"]
    writes = [c for c in others if c[0] != "get"]

    for method, path, operation in with_param:
        url = fill_path(path, operation, values, components)
        if method == "get" and all(name in values for name in path_params(path)):
            # The value must exist in A, or the check below would prove nothing.
            assert client.get(url, headers=auth(keys.secret)).status_code == 200, url
        body = None if method in ("get", "delete") else PATH_WRITE_BODIES.get((method, path), {})
        response = client.request(method, url, json=body, headers=auth(other_keys.secret))
        where = f"{method.upper()} {url}"
        assert response.status_code in (403, 404), f"{where}: {response.status_code}"
        assert_no_a_data(response, where)

    for _method, path, operation in reads:
        url = fill_path(path, operation, values, components)
        for params in ({}, query_for(operation)):
            response = client.get(url, params=params, headers=auth(other_keys.secret))
            where = f"GET {path}?{params}"
            assert response.status_code < 500, where
            assert_no_a_data(response, where)
            body = response.json()
            if isinstance(body, dict) and "count" in body:
                assert body["count"] == 0, f"{where} counts A's rows: {body}"

    for method, path, operation in writes:
        body = WRITE_BODIES.get((method, path), {})
        url = fill_path(path, operation, values, components)
        response = client.request(method, url, json=body, headers=auth(other_keys.secret))
        where = f"{method.upper()} {path}"
        # 409 would tell B that A already holds this identifier.
        assert response.status_code < 500, where
        assert response.status_code != 409, where
        assert_no_a_data(response, where)

    # B's writes with A's identifiers landed in B, if anywhere: A's rows are unchanged.
    product = client.get(f"/v1/products/{ID}", headers=auth(keys.secret)).json()
    assert (product["title"], product["on_hand"]) == ("Alpha-only lamp", 7)
    customer = client.get(f"/v1/customers/{ID}", headers=auth(keys.secret)).json()
    assert customer["email"] == A_EMAIL
    order = client.get(f"/v1/orders/{ID}", headers=auth(keys.secret)).json()
    assert order["lines"][0]["quantity"] == 2


# Everything a publishable key (public page source) must never reach.
BACK_OFFICE_PREFIXES = (
    "/v1/customers",
    "/v1/orders",
    "/v1/stock",
    "/v1/import",
    "/v1/proposals",
    "/v1/jobs",
    "/v1/signals",
    "/v1/support/handoffs",
)


def test_publishable_key_is_refused_on_back_office_routes(
    backend: str, app: FastAPI, client: TestClient, runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    values = seed_shop_a(client, keys.secret, runtime, shop)
    components = app.openapi().get("components", {}).get("schemas", {})
    checked = []
    for method, path, operation in documented_calls(app):
        is_product_write = path.startswith("/v1/products") and method != "get"
        if not (path.startswith(BACK_OFFICE_PREFIXES) or is_product_write):
            continue
        url = fill_path(path, operation, values, components)
        body = None if method in ("get", "delete") else {}
        response = client.request(method, url, json=body, headers=auth(keys.publishable))
        assert response.status_code == 403, f"{method.upper()} {url}: {response.status_code}"
        assert response.json()["code"] == "permission_denied"
        assert_no_a_data(response, f"{method.upper()} {url}")
        checked.append(f"{method} {path}")
    assert "post /v1/products" in checked
    assert "get /v1/customers" in checked
