"""``/v1/support``: a storefront key chats, a secret key works the queue, bad input is refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth
from tests.unit.services.support_shop import ADA, build_support_shop


def test_a_storefront_key_chats_and_reads_its_conversation(
    client: TestClient, runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    build_support_shop(runtime, shop)
    first = client.post(
        "/v1/support/messages",
        json={"text": "où en est ma commande O0010102 ?", "channel": "widget"},
        headers=auth(keys.publishable),
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["awaiting"] == "identity"
    assert body["status"] == "assistant"
    conversation = body["conversation_id"]
    second = client.post(
        "/v1/support/messages",
        json={"text": ADA, "conversation_id": conversation},
        headers=auth(keys.publishable),
    ).json()
    assert second["outcome"] == "resolved"
    read = client.get(
        f"/v1/support/conversations/{conversation}/messages", headers=auth(keys.publishable)
    )
    assert read.status_code == 200
    assert [m["role"] for m in read.json()["messages"]][:2] == ["customer", "assistant"]
    after = read.json()["messages"][-1]["id"]
    newer = client.get(
        f"/v1/support/conversations/{conversation}/messages?after={after}",
        headers=auth(keys.publishable),
    )
    assert newer.json()["messages"] == []
    thumbs = client.post(
        f"/v1/support/conversations/{conversation}/feedback",
        json={"satisfied": True},
        headers=auth(keys.publishable),
    )
    assert thumbs.status_code == 204


def test_bad_requests_get_clear_errors_never_a_500(
    client: TestClient, runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    build_support_shop(runtime, shop)
    unknown = client.post(
        "/v1/support/messages",
        json={"text": "bonjour", "conversation_id": "nope"},
        headers=auth(keys.publishable),
    )
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"
    huge = client.post(
        "/v1/support/messages", json={"text": "a" * 10_000_000}, headers=auth(keys.publishable)
    )
    assert huge.status_code in (413, 422)
    assert "message" in huge.json()
    binary = client.post(
        "/v1/support/messages",
        content=b"\x00\xff\xfe garbage",
        headers={**auth(keys.publishable), "Content-Type": "application/json"},
    )
    assert binary.status_code in (400, 422)
    nobody = client.post("/v1/support/messages", json={"text": "bonjour"})
    assert nobody.status_code == 401


def test_the_queue_needs_a_secret_key_and_an_agent_answers(
    client: TestClient, runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    build_support_shop(runtime, shop)
    started = client.post(
        "/v1/support/messages",
        json={"text": "je veux parler à un humain svp"},
        headers=auth(keys.publishable),
    ).json()
    assert started["status"] == "waiting"
    assert client.get("/v1/support/handoffs", headers=auth(keys.publishable)).status_code == 403
    queue = client.get("/v1/support/handoffs", headers=auth(keys.secret))
    assert queue.status_code == 200
    (entry,) = queue.json()
    assert entry["conversation_id"] == started["conversation_id"]
    handoff = entry["handoff_id"]
    replied = client.post(
        f"/v1/support/handoffs/{handoff}/reply",
        json={"text": "Bonjour, je suis là."},
        headers=auth(keys.secret),
    )
    assert replied.status_code == 200
    assert replied.json()["role"] == "agent"
    seen = client.get(
        f"/v1/support/conversations/{started['conversation_id']}/messages",
        headers=auth(keys.publishable),
    ).json()
    assert seen["status"] == "with_agent"
    assert seen["messages"][-1]["text"] == "Bonjour, je suis là."
    assert (
        client.post(
            f"/v1/support/handoffs/{handoff}/resolve", headers=auth(keys.secret)
        ).status_code
        == 204
    )
    again = client.post(f"/v1/support/handoffs/{handoff}/resolve", headers=auth(keys.secret))
    assert again.status_code == 409
    assert client.get("/v1/support/handoffs", headers=auth(keys.secret)).json() == []


def test_the_policy_is_read_changed_and_checked(
    client: TestClient, runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    build_support_shop(runtime, shop)
    policy = client.get("/v1/support/policy", headers=auth(keys.secret)).json()
    assert policy["non_returnable_categories"] == ["food"]
    policy["disabled_actions"] = ["order_cancelled"]
    saved = client.put("/v1/support/policy", json=policy, headers=auth(keys.secret))
    assert saved.status_code == 200
    assert saved.json()["disabled_actions"] == ["order_cancelled"]
    contradictory = {**policy, "delivery_days_min": 5, "delivery_days_max": 2}
    refused = client.put("/v1/support/policy", json=contradictory, headers=auth(keys.secret))
    assert refused.status_code == 422
    assert "delivery days" in refused.json()["message"]
    assert client.get("/v1/support/policy", headers=auth(keys.publishable)).status_code == 403
    # With cancelling switched off, a confirmed cancel goes to a person instead.
    first = client.post(
        "/v1/support/messages",
        json={"text": "annulez ma commande O0010101 svp ada.lovelace@example.fr"},
        headers=auth(keys.publishable),
    ).json()
    last = client.post(
        "/v1/support/messages",
        json={"text": "oui", "conversation_id": first["conversation_id"]},
        headers=auth(keys.publishable),
    ).json()
    assert last["status"] == "waiting"
    assert last["actions"] == []
