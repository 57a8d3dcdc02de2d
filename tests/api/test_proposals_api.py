"""/v1/proposals and /v1/jobs: scopes, shop isolation, decisions and error codes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from shopkeeper.data.database import transaction
from shopkeeper.domain.access import KeyKind, Scope
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.explanation import Explanation, Factor
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.services import catalog, proposals
from shopkeeper.services.access import api_keys
from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres


def make_proposal(runtime: Runtime, shop: Shop, new_price: str = "24.00") -> int:
    with transaction(runtime.sessions) as session:
        if catalog.find_product(session, shop.id, "TEE-1") is None:
            data = ProductCreate(sku="TEE-1", title="Tee", price=Decimal("20.00"))
            data.cost = Decimal("9.00")
            catalog.create_product(session, runtime.clock, shop, data, "test")
        made = proposals.propose(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            kind="price_change",
            target="TEE-1",
            summary=f"Raise TEE-1 to {new_price}",
            explanation=Explanation("Competitors raised", (Factor("competitor_price", 0.6),)),
            payload={"sku": "TEE-1", "old_price": "20.00", "new_price": new_price},
        )
        assert made is not None
        return made.id


def scoped_key(runtime: Runtime, shop: Shop, *scopes: Scope) -> str:
    with transaction(runtime.sessions) as session:
        issued = api_keys.create_key(
            session,
            runtime.clock,
            shop_id=shop.id,
            name="limited",
            kind=KeyKind.SECRET,
            scopes=list(scopes),
        )
    return issued.raw


def test_list_get_and_approve(client: TestClient, runtime: Runtime, shop: Shop, keys: Keys) -> None:
    proposal_id = make_proposal(runtime, shop)
    listed = client.get(
        "/v1/proposals?status=proposed&capability=pricing", headers=auth(keys.secret)
    )
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 1
    assert body["data"][0]["explanation"]["factors"][0]["name"] == "competitor_price"
    assert (
        client.get("/v1/proposals?status=applied", headers=auth(keys.secret)).json()["count"] == 0
    )

    one = client.get(f"/v1/proposals/{proposal_id}", headers=auth(keys.secret))
    assert one.json()["summary"] == "Raise TEE-1 to 24.00"

    approved = client.post(f"/v1/proposals/{proposal_id}/approve", headers=auth(keys.secret))
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "applied"
    product = client.get("/v1/products/TEE-1", headers=auth(keys.secret)).json()
    assert Decimal(product["price"]) == Decimal("24.00")

    again = client.post(f"/v1/proposals/{proposal_id}/approve", headers=auth(keys.secret))
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


def test_reject_with_reason(client: TestClient, runtime: Runtime, shop: Shop, keys: Keys) -> None:
    proposal_id = make_proposal(runtime, shop)
    rejected = client.post(
        f"/v1/proposals/{proposal_id}/reject",
        json={"reason": "too close to Christmas"},
        headers=auth(keys.secret),
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["result"] == {"reason": "too close to Christmas"}


def test_below_cost_is_a_guardrail_error(
    client: TestClient, runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    proposal_id = make_proposal(runtime, shop, new_price="5.00")
    response = client.post(f"/v1/proposals/{proposal_id}/approve", headers=auth(keys.secret))
    assert response.status_code == 422
    assert response.json()["code"] == "guardrail"
    still = client.get(f"/v1/proposals/{proposal_id}", headers=auth(keys.secret)).json()
    assert still["status"] == "proposed"


def test_other_shop_gets_not_found(
    client: TestClient, runtime: Runtime, shop: Shop, other_keys: Keys
) -> None:
    proposal_id = make_proposal(runtime, shop)
    for response in (
        client.get(f"/v1/proposals/{proposal_id}", headers=auth(other_keys.secret)),
        client.post(f"/v1/proposals/{proposal_id}/approve", headers=auth(other_keys.secret)),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client.get("/v1/proposals", headers=auth(other_keys.secret)).json()["count"] == 0


def test_scopes(client: TestClient, runtime: Runtime, shop: Shop, keys: Keys) -> None:
    proposal_id = make_proposal(runtime, shop)
    reader = scoped_key(runtime, shop, Scope.PROPOSALS_READ)
    assert client.get("/v1/proposals", headers=auth(reader)).status_code == 200
    denied = client.post(f"/v1/proposals/{proposal_id}/approve", headers=auth(reader))
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
    public = client.get("/v1/proposals", headers=auth(keys.publishable))
    assert public.status_code == 403
    assert client.post("/v1/jobs/expire-proposals/run", headers=auth(reader)).status_code == 403
    assert client.get("/v1/proposals").status_code == 401


def test_run_job_and_list_runs(
    client: TestClient, shop: Shop, keys: Keys, other_keys: Keys
) -> None:
    ran = client.post("/v1/jobs/expire-proposals/run", headers=auth(keys.secret))
    assert ran.status_code == 200, ran.text
    assert ran.json()["status"] == "ok"
    assert ran.json()["shop_id"] == shop.id
    runs = client.get("/v1/jobs", headers=auth(keys.secret)).json()
    assert [(r["job_name"], r["status"]) for r in runs["data"]] == [("expire-proposals", "ok")]
    assert client.get("/v1/jobs", headers=auth(other_keys.secret)).json()["count"] == 0
    available = client.get("/v1/jobs/available", headers=auth(keys.secret)).json()
    assert {"expire-proposals", "notify-owner"} <= {j["name"] for j in available}
    missing = client.post("/v1/jobs/nope/run", headers=auth(keys.secret))
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
