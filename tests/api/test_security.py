"""CORS per shop on storefront routes, and rate limits per publishable key and client IP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from shopkeeper.api.app import create_app
from shopkeeper.core.config import Settings
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import EventRow, ShopRow
from shopkeeper.domain.shops import Shop
from shopkeeper.services.access import api_keys
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.serving_cache import TTL_SECONDS
from shopkeeper.testing.clock import FakeClock
from tests.conftest import REDIS_URL, Keys, auth

SHOP = "https://shop.example"
OTHER = "https://other.example"
EVIL = "https://evil.example"


def set_origins(runtime: Runtime, shop_id: int, origins: list[str]) -> None:
    with transaction(runtime.sessions) as session:
        row = session.get(ShopRow, shop_id)
        assert row is not None
        row.allowed_origins = origins


def event() -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": "view",
        "session_id": "s-cors",
        "sku": "TEE-1",
        "occurred_at": "2026-11-25T11:59:00Z",
    }


def stored_events(runtime: Runtime) -> int:
    with runtime.sessions() as session:
        return len(session.scalars(select(EventRow.id)).all())


def preflight(client: TestClient, origin: str, url: str = "/v1/events") -> Any:
    return client.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


@pytest.fixture
def origins(runtime: Runtime, shop: Shop, other_shop: Shop) -> None:
    set_origins(runtime, shop.id, [SHOP])
    set_origins(runtime, other_shop.id, [OTHER])


# --- CORS -------------------------------------------------------------------------------


def test_preflight_with_key_admits_only_that_shops_origins(
    client: TestClient, keys: Keys, origins: None
) -> None:
    ok = preflight(client, SHOP, f"/v1/events?key={keys.publishable}")
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == SHOP
    assert "POST" in ok.headers["access-control-allow-methods"]
    assert "authorization" in ok.headers["access-control-allow-headers"].lower()
    foreign = preflight(client, OTHER, f"/v1/events?key={keys.publishable}")
    assert foreign.status_code == 403
    assert "access-control-allow-origin" not in foreign.headers


def test_preflight_without_key_admits_an_origin_any_shop_lists(
    client: TestClient, origins: None
) -> None:
    assert preflight(client, OTHER).status_code == 204
    refused = preflight(client, EVIL)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "access-control-allow-origin" not in refused.headers


def test_actual_request_is_judged_by_the_exact_shop_of_its_key(
    client: TestClient, keys: Keys, runtime: Runtime, origins: None
) -> None:
    ok = client.post(
        "/v1/events", json={"events": [event()]}, headers={**auth(keys.publishable), "Origin": SHOP}
    )
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == SHOP
    assert "Origin" in ok.headers["vary"]
    # OTHER passes a keyless preflight (another shop lists it) but not this shop's request.
    refused = client.post(
        "/v1/events",
        json={"events": [event()]},
        headers={**auth(keys.publishable), "Origin": OTHER},
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert stored_events(runtime) == 1


def test_beacon_from_a_foreign_site_is_refused_before_storing(
    client: TestClient, keys: Keys, runtime: Runtime, origins: None
) -> None:
    import json

    response = client.post(
        f"/v1/events?key={keys.publishable}",
        content=json.dumps({"events": [event()]}),
        headers={"Content-Type": "text/plain", "Origin": EVIL},
    )
    assert response.status_code == 403
    assert stored_events(runtime) == 0


def test_requests_without_origin_or_from_the_same_origin_get_no_cors_headers(
    client: TestClient, keys: Keys, origins: None
) -> None:
    plain = client.post("/v1/events", json={"events": [event()]}, headers=auth(keys.publishable))
    assert plain.status_code == 200
    assert "access-control-allow-origin" not in plain.headers
    same = client.post(
        "/v1/events",
        json={"events": [event()]},
        headers={**auth(keys.publishable), "Origin": "http://testserver"},
    )
    assert same.status_code == 200


def test_back_office_routes_never_answer_cors(
    client: TestClient, keys: Keys, origins: None
) -> None:
    response = client.get("/v1/products", headers={**auth(keys.secret), "Origin": SHOP})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in preflight(client, SHOP, "/v1/products").headers


def test_origin_list_changes_apply_after_the_cache_expires(
    client: TestClient, keys: Keys, runtime: Runtime, shop: Shop, clock: FakeClock, origins: None
) -> None:
    url = f"/v1/events?key={keys.publishable}"
    assert preflight(client, SHOP, url).status_code == 204
    set_origins(runtime, shop.id, ["https://new-shop.example"])
    assert preflight(client, SHOP, url).status_code == 204  # still cached
    clock.advance(seconds=31)
    assert preflight(client, SHOP, url).status_code == 403
    assert preflight(client, "https://NEW-shop.example/", url).status_code == 204


# --- rate limits --------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def limited_app(request: pytest.FixtureRequest, settings: Settings, runtime: Runtime) -> FastAPI:
    update: dict[str, Any] = {"rate_limit_per_minute": 3}
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("Redis not configured (SHOPKEEPER_TEST_REDIS_URL unset)")
        update["redis_url"] = REDIS_URL
    return create_app(settings.model_copy(update=update), runtime=runtime)


@pytest.fixture
def limited(limited_app: FastAPI) -> Iterator[TestClient]:
    # A fresh client address per test: Redis counters outlive a test, the fake clock repeats.
    address = (f"client-{uuid.uuid4().hex[:8]}", 50000)
    with TestClient(limited_app, client=address) as test_client:
        yield test_client


def post_events(client: TestClient, key: str, **headers: str) -> Any:
    return client.post("/v1/events", json={"events": [event()]}, headers={**auth(key), **headers})


def test_publishable_key_over_the_limit_gets_429_with_retry_after(
    limited: TestClient, keys: Keys, clock: FakeClock
) -> None:
    assert [post_events(limited, keys.publishable).status_code for _ in range(3)] == [200] * 3
    over = post_events(limited, keys.publishable)
    assert over.status_code == 429
    assert over.json()["code"] == "rate_limited"
    # The fake clock sits at 12:00:00, the start of a window: a full minute remains.
    assert over.headers["retry-after"] == "60"
    clock.advance(seconds=60)
    assert post_events(limited, keys.publishable).status_code == 200


def test_each_key_and_each_client_ip_has_its_own_budget(
    limited_app: FastAPI, limited: TestClient, keys: Keys, other_keys: Keys
) -> None:
    for _ in range(3):
        post_events(limited, keys.publishable)
    assert post_events(limited, keys.publishable).status_code == 429
    assert post_events(limited, other_keys.publishable).status_code == 200
    with TestClient(limited_app, client=("203.0.113.9", 4000)) as elsewhere:
        assert post_events(elsewhere, keys.publishable).status_code == 200


def test_secret_keys_are_not_rate_limited(limited: TestClient, keys: Keys) -> None:
    statuses = {post_events(limited, keys.secret).status_code for _ in range(6)}
    assert statuses == {200}


def test_keyless_storefront_calls_are_limited_per_ip(limited: TestClient) -> None:
    statuses = [limited.post("/v1/events", json={"events": []}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_a_429_still_carries_cors_headers_for_an_allowed_origin(
    limited: TestClient, keys: Keys, origins: None
) -> None:
    for _ in range(3):
        post_events(limited, keys.publishable, Origin=SHOP)
    over = post_events(limited, keys.publishable, Origin=SHOP)
    assert over.status_code == 429
    assert over.headers["access-control-allow-origin"] == SHOP
    assert "Retry-After" in over.headers["access-control-expose-headers"]


def test_a_revoked_publishable_key_stops_working_within_the_cache_ttl(
    client: TestClient, keys: Keys, runtime: Runtime, shop: Shop, clock: FakeClock
) -> None:
    assert client.get("/v1/recommendations", headers=auth(keys.publishable)).status_code == 200
    with transaction(runtime.sessions) as session:
        (info,) = [k for k in api_keys.list_keys(session, shop.id) if k.kind == "publishable"]
        api_keys.revoke_key(session, runtime.clock, shop_id=shop.id, key_id=info.id)
    # A secret key is checked on every call; a storefront key is remembered for the TTL.
    clock.advance(seconds=TTL_SECONDS + 1)
    refused = client.get("/v1/recommendations", headers=auth(keys.publishable))
    assert refused.status_code == 401
