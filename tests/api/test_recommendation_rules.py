"""/v1/recommendation-rules: CRUD, validation, audit rows, key kinds, and the rule context."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shopkeeper.domain.shops import Shop
from shopkeeper.services import audit
from shopkeeper.services.recommend_rules import (
    Policy,
    RuleAction,
    TargetKind,
    load_rule_context,
)
from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres

RULES = "/v1/recommendation-rules"
# sku -> (category, brand, consumable, on_hand)
CATALOGUE = {
    "FRIDGE": ("kitchen", "Acme", False, 3),
    "COFFEE": ("food", "Bean Co", True, 30),
    "KETTLE": ("kitchen", "Acme", False, 0),
    "TOASTER": ("kitchen", "Bolt", False, 4),
}


def seed(client: TestClient, key: str) -> None:
    headers = auth(key)
    for sku, (category, brand, consumable, on_hand) in CATALOGUE.items():
        body = {
            "sku": sku,
            "title": sku.title(),
            "price": "20.00",
            "cost": "8.00",
            "category": category,
            "brand": brand,
            "is_consumable": consumable,
        }
        assert client.post("/v1/products", json=body, headers=headers).status_code == 201
        stock = {"sku": sku, "on_hand": on_hand}
        assert client.put("/v1/stock", json=stock, headers=headers).status_code == 200
    assert client.post("/v1/customers", json={"external_id": "C-1"}, headers=headers).is_success
    for n, (sku, status) in enumerate(
        [("FRIDGE", "delivered"), ("COFFEE", "delivered"), ("TOASTER", "cancelled")]
    ):
        order = {
            "external_id": f"O-{n}",
            "customer_id": "C-1",
            "placed_at": "2026-11-20T10:00:00Z",
            "status": status,
            "lines": [{"sku": sku, "quantity": 1, "unit_price": "20.00"}],
        }
        assert client.post("/v1/orders", json=order, headers=headers).status_code == 201


def post_rule(client: TestClient, key: str, **body: Any) -> Any:
    return client.post(RULES, json=body, headers=auth(key))


def test_rules_are_added_listed_and_deleted_with_audit_rows(
    backend: str, client: TestClient, keys: Keys, runtime: Runtime, shop: Shop
) -> None:
    seed(client, keys.secret)
    pin = post_rule(client, keys.secret, action="pin", target_kind="sku", target_value="FRIDGE")
    assert pin.status_code == 201, pin.text
    boost = post_rule(
        client,
        keys.secret,
        action="boost",
        target_kind="brand",
        target_value="acme",
        factor=1.5,
        note="new range",
    )
    assert boost.status_code == 201, boost.text
    listed = client.get(RULES, headers=auth(keys.secret)).json()
    assert listed["count"] == 2
    assert [(r["action"], r["target_value"], r["factor"]) for r in listed["data"]] == [
        ("pin", "FRIDGE", None),
        ("boost", "acme", 1.5),
    ]
    assert listed["data"][1]["created_by"].startswith("key:")

    gone = client.delete(f"{RULES}/{pin.json()['id']}", headers=auth(keys.secret))
    assert gone.status_code == 204
    assert client.get(RULES, headers=auth(keys.secret)).json()["count"] == 1
    again = client.delete(f"{RULES}/{pin.json()['id']}", headers=auth(keys.secret))
    assert again.status_code == 404

    with runtime.sessions() as session:
        rows = audit.recent(session, shop.id, target_kind="recommendation_rule")
    assert [r.action for r in rows] == [
        "recommendation_rule.deleted",
        "recommendation_rule.added",
        "recommendation_rule.added",
    ]
    assert rows[0].before is not None
    assert rows[0].before["target_value"] == "FRIDGE"
    assert rows[1].after is not None
    assert rows[1].after["factor"] == 1.5


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"action": "pin", "target_kind": "colour", "target_value": "red"}, 422, "target_kind"),
        ({"action": "promote", "target_kind": "sku", "target_value": "FRIDGE"}, 422, "action"),
        (
            {"action": "boost", "target_kind": "brand", "target_value": "Acme", "factor": 0.5},
            422,
            "above 1",
        ),
        (
            {"action": "boost", "target_kind": "brand", "target_value": "Acme", "factor": 11},
            422,
            "at most 10",
        ),
        ({"action": "boost", "target_kind": "brand", "target_value": "Acme"}, 422, "factor"),
        (
            {"action": "bury", "target_kind": "brand", "target_value": "Acme", "factor": 1.2},
            422,
            "below 1",
        ),
        (
            {"action": "pin", "target_kind": "sku", "target_value": "FRIDGE", "factor": 2},
            422,
            "no factor",
        ),
        ({"action": "pin", "target_kind": "sku", "target_value": "NOPE"}, 404, "NOPE"),
        ({"action": "exclude", "target_kind": "category", "target_value": "garden"}, 404, "garden"),
        ({"action": "pin", "target_kind": "sku"}, 422, "target_value"),
    ],
)
def test_invalid_rules_are_refused_with_a_clear_error(
    backend: str, client: TestClient, keys: Keys, body: dict[str, Any], status: int, words: str
) -> None:
    seed(client, keys.secret)
    response = client.post(RULES, json=body, headers=auth(keys.secret))
    assert response.status_code == status, response.text
    error = response.json()
    assert error["code"] == ("not_found" if status == 404 else "invalid_input")
    assert words in error["message"]
    assert client.get(RULES, headers=auth(keys.secret)).json()["count"] == 0


def test_a_second_rule_on_the_same_target_is_a_conflict(
    backend: str, client: TestClient, keys: Keys
) -> None:
    seed(client, keys.secret)
    first = post_rule(
        client, keys.secret, action="exclude", target_kind="brand", target_value="Bolt"
    )
    assert first.status_code == 201
    second = post_rule(
        client, keys.secret, action="boost", target_kind="brand", target_value="BOLT", factor=2
    )
    assert second.status_code == 409
    assert second.json()["details"]["rule_id"] == first.json()["id"]


def test_policy_defaults_then_partial_updates_are_audited(
    backend: str, client: TestClient, keys: Keys, runtime: Runtime, shop: Shop
) -> None:
    headers = auth(keys.secret)
    assert client.get(f"{RULES}/policy", headers=headers).json() == {
        "max_per_category": 3,
        "margin_weight": 0.0,
        "exclude_bought_durables": True,
    }
    changed = client.put(f"{RULES}/policy", json={"margin_weight": 0.4}, headers=headers)
    assert changed.status_code == 200
    changed = client.put(f"{RULES}/policy", json={"max_per_category": 2}, headers=headers)
    assert changed.json() == {
        "max_per_category": 2,
        "margin_weight": 0.4,
        "exclude_bought_durables": True,
    }
    for bad in ({"margin_weight": 1.5}, {"max_per_category": 0}, {"max_per_category": 51}):
        refused = client.put(f"{RULES}/policy", json=bad, headers=headers)
        assert refused.status_code == 422, bad
        assert refused.json()["code"] == "invalid_input"
    with runtime.sessions() as session:
        rows = audit.recent(session, shop.id, target_kind="recommendation_policy")
    assert next(r.after for r in rows) == {
        "max_per_category": 2,
        "margin_weight": 0.4,
        "exclude_bought_durables": True,
    }
    assert len(rows) == 2


def test_publishable_key_is_refused_everywhere(
    backend: str, client: TestClient, keys: Keys
) -> None:
    headers = auth(keys.publishable)
    calls = [
        client.get(RULES, headers=headers),
        client.post(RULES, json={}, headers=headers),
        client.delete(f"{RULES}/1", headers=headers),
        client.get(f"{RULES}/policy", headers=headers),
        client.put(f"{RULES}/policy", json={}, headers=headers),
        client.get("/v1/recommendations/email-block?customer_id=C-1", headers=headers),
    ]
    assert [c.status_code for c in calls] == [403] * len(calls)
    assert {c.json()["code"] for c in calls} == {"permission_denied"}


def test_rule_context_knows_products_rules_policy_and_owned_durables(
    backend: str, client: TestClient, keys: Keys, runtime: Runtime, shop: Shop
) -> None:
    seed(client, keys.secret)
    post_rule(client, keys.secret, action="pin", target_kind="sku", target_value="TOASTER")
    client.put(f"{RULES}/policy", json={"max_per_category": 1}, headers=auth(keys.secret))

    context = load_rule_context(runtime, shop.id, "C-1", ["FRIDGE", "COFFEE", "KETTLE"])
    # The pinned sku is read too, though not asked for.
    assert set(context.products) == {"FRIDGE", "COFFEE", "KETTLE", "TOASTER"}
    fridge = context.products["FRIDGE"]
    assert (fridge.category, fridge.brand, fridge.is_consumable) == ("kitchen", "Acme", False)
    assert (fridge.price, fridge.cost) == (20, 8)
    assert not context.products["KETTLE"].sellable  # no stock left
    assert context.products["COFFEE"].is_consumable
    # Coffee is consumable, the toaster order was cancelled: only the fridge is owned.
    assert context.bought_durables == {"FRIDGE"}
    assert context.policy == Policy(max_per_category=1)
    [rule] = context.rules
    assert (rule.action, rule.target_kind) == (RuleAction.PIN, TargetKind.SKU)

    nobody = load_rule_context(runtime, shop.id, None, ["FRIDGE"])
    assert nobody.bought_durables == set()
    stranger = load_rule_context(runtime, shop.id, "C-404", ["FRIDGE"])
    assert stranger.bought_durables == set()
