"""The recommendation rules page: list, add and delete rules, set the policy; owner only writes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from shopkeeper.domain.access import Role
from shopkeeper.domain.shops import Shop
from shopkeeper.services import audit, recommend_rules
from shopkeeper.services.runtime import Runtime
from shopkeeper.web.views import recommendation_rules as view

SignIn = Callable[[Role], str]
PAGE = view.PAGE
HTMX = {"HX-Request": "true"}


def _post(client: TestClient, path: str, token: str, **fields: str) -> Response:
    return client.post(PAGE + path, data={**fields, "csrf_token": token}, headers=HTMX)


def _rules(runtime: Runtime, shop: Shop) -> list[recommend_rules.StoredRule]:
    with runtime.sessions() as session:
        return recommend_rules.list_rules(session, shop.id)


@pytest.mark.postgres
def test_owner_adds_and_deletes_a_rule_and_sets_the_policy(
    backend: str,
    client: TestClient,
    signed_in: SignIn,
    runtime: Runtime,
    shop: Shop,
) -> None:
    token = signed_in(Role.OWNER)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "No rule yet" in page.text
    assert '<option value="Kitchen">' in page.text  # categories offered in the datalist

    added = _post(
        client, "", token, action="boost", target_kind="category", target_value="Tops", factor="1,5"
    )
    assert added.status_code == 200, added.text
    assert "Rule added: Boost Category Tops." in added.text
    assert 'id="rec-rules" class="card rec-rules" hx-swap-oob="true"' in added.text
    [rule] = _rules(runtime, shop)
    assert (rule.action, rule.target_value, rule.factor) == ("boost", "Tops", 1.5)
    assert f'data-rule="{rule.id}"' in client.get(PAGE).text

    policy = _post(client, "/policy", token, max_per_category="2", margin_weight="0.25")
    assert policy.status_code == 200
    with runtime.sessions() as session:
        assert recommend_rules.get_policy(session, shop.id) == recommend_rules.Policy(
            max_per_category=2, margin_weight=0.25, exclude_bought_durables=False
        )

    deleted = _post(client, f"/{rule.id}/delete", token)
    assert deleted.status_code == 200
    assert "Rule deleted." in deleted.text
    assert _rules(runtime, shop) == []
    with runtime.sessions() as session:
        actions = [r.action for r in audit.recent(session, shop.id)]
    assert actions[:3] == [
        "recommendation_rule.deleted",
        "recommendation_policy.set",
        "recommendation_rule.added",
    ]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"action": "boost", "target_kind": "brand", "target_value": "x", "factor": "2"}, "brand"),
        (
            {"action": "bury", "target_kind": "sku", "target_value": "TEE-1", "factor": "3"},
            "below 1",
        ),
        ({"action": "pin", "target_kind": "sku", "target_value": "NOPE"}, "NOPE"),
        (
            {"action": "boost", "target_kind": "sku", "target_value": "TEE-1", "factor": "lots"},
            "number",
        ),
    ],
)
def test_bad_rules_show_the_reason_and_store_nothing(
    client: TestClient,
    signed_in: SignIn,
    runtime: Runtime,
    shop: Shop,
    fields: dict[str, str],
    words: str,
) -> None:
    token = signed_in(Role.OWNER)
    response = _post(client, "", token, **fields)
    assert response.status_code in (404, 422)
    assert response.headers["HX-Retarget"] == "#flash"
    assert words in response.text
    assert _rules(runtime, shop) == []


@pytest.mark.parametrize("role", [Role.STAFF, Role.VIEWER])
def test_other_roles_read_but_cannot_change(
    client: TestClient,
    signed_in: SignIn,
    runtime: Runtime,
    shop: Shop,
    role: Role,
) -> None:
    token = signed_in(role)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Only the shop owner can change these rules." in page.text
    assert 'class="add-rule"' not in page.text
    refused = _post(client, "", token, action="pin", target_kind="sku", target_value="TEE-1")
    assert refused.status_code == 403
    assert (
        _post(client, "/policy", token, max_per_category="1", margin_weight="0").status_code == 403
    )
    assert _rules(runtime, shop) == []


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    signed_in(Role.OWNER)
    response = client.post(
        PAGE, data={"action": "pin", "target_kind": "sku", "target_value": "TEE-1"}, headers=HTMX
    )
    assert response.status_code == 403
    assert _rules(runtime, shop) == []


def test_the_page_speaks_french(client: TestClient, signed_in: SignIn) -> None:
    signed_in(Role.OWNER)
    page = client.get(PAGE + "?lang=fr").text
    assert "Règles de recommandation" in page
    assert "Mettre en avant" in page
