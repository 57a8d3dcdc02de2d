"""POST /v1/events: validation one by one, idempotency, live session state."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres


def event(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "type": "view",
        "session_id": "sess-1",
        "sku": "TEE-1",
        "occurred_at": "2026-11-25T11:59:00Z",
        "dwell_ms": 4200,
        "context": {"page_type": "product", "device": "mobile", "region": "Bretagne"},
    }
    base.update(overrides)
    return base


def test_batch_stores_valid_events_and_rejects_invalid_ones_with_reasons(
    backend: str, client: TestClient, keys: Keys
) -> None:
    good = [event(), event(type="add_to_cart", quantity=2)]
    bad = [
        event(type="teleport"),
        event(type="search", query=None),
        event(occurred_at="2030-01-01T00:00:00Z"),
    ]
    response = client.post(
        "/v1/events", json={"events": good + bad}, headers=auth(keys.publishable)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [e["event_id"] for e in good]
    assert [r["index"] for r in body["rejected"]] == [2, 3, 4]
    assert "type" in body["rejected"][0]["reason"]
    assert "query" in body["rejected"][1]["reason"]
    assert "future" in body["rejected"][2]["reason"]


def test_sending_a_batch_twice_stores_each_event_once(
    backend: str, client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    batch = [event(session_id="s-twice") for _ in range(5)]
    first = client.post("/v1/events", json={"events": batch}, headers=auth(keys.publishable)).json()
    second = client.post(
        "/v1/events", json={"events": batch}, headers=auth(keys.publishable)
    ).json()
    assert len(first["accepted"]) == 5
    assert second["accepted"] == []
    assert len(second["duplicates"]) == 5
    live = runtime.session_store.recent(1, "s-twice")
    assert len(live) == 5


def test_beacon_text_plain_body_and_key_in_url_are_accepted(
    backend: str, client: TestClient, keys: Keys
) -> None:
    import json

    response = client.post(
        f"/v1/events?key={keys.publishable}",
        content=json.dumps({"events": [event()]}),
        headers={"Content-Type": "text/plain;charset=UTF-8"},
    )
    assert response.status_code == 200
    assert len(response.json()["accepted"]) == 1


def test_secret_key_is_refused_in_the_url(backend: str, client: TestClient, keys: Keys) -> None:
    response = client.post(f"/v1/events?key={keys.secret}", json={"events": [event()]})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_oversized_and_malformed_batches_get_clear_errors(
    backend: str, client: TestClient, keys: Keys
) -> None:
    too_many = client.post(
        "/v1/events",
        json={"events": [event() for _ in range(1001)]},
        headers=auth(keys.publishable),
    )
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "invalid_input"
    not_json = client.post("/v1/events", content="{oops", headers=auth(keys.publishable))
    assert not_json.status_code == 422
    assert "JSON" in not_json.json()["message"]
