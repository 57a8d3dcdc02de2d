"""GET /v1/recommendations: session model first, popularity for the rest, the shop's rules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.services import holdout
from shopkeeper.services.holdout import Group
from shopkeeper.services.models import current_run
from shopkeeper.services.recommend_rules_apply import DEFAULT_MAX_PER_CATEGORY as MAX_PER_CATEGORY
from shopkeeper.services.recommend_slots import SESSION_CAPABILITY
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock
from tests.conftest import Keys, auth, hold_out_recommendations, serve_every_session

pytestmark = pytest.mark.postgres

# sku -> (title, category); the mugs all sell well, to show the diversity cap.
PRODUCTS = {
    "LAMP-A": ("Desk lamp", "lamps"),
    "SHADE-B": ("Linen shade", "lamps"),
    "RUG-C": ("Wool rug", "rugs"),
    "PAD-D": ("Rug pad", "rugs"),
    "GONE-X": ("Sold-out bulb", "bulbs"),
    "OLD-Y": ("Archived bulb", "bulbs"),
    **{f"MUG-{i}": (f"Mug {i}", "mugs") for i in range(1, 6)},
}
SOLD_OUT = "GONE-X"
ARCHIVED = "OLD-Y"
BASE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def view(session_id: str, sku: str, at: datetime) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": "view",
        "session_id": session_id,
        "sku": sku,
        "occurred_at": at.isoformat(),
    }


def training_events() -> list[dict[str, Any]]:
    """Past sessions: A goes with B most, C with D; the unsellable items ride along with A."""
    pairs = (
        [("LAMP-A", "SHADE-B")] * 8
        + [("LAMP-A", SOLD_OUT)] * 3
        + [("LAMP-A", ARCHIVED)] * 3
        + [("RUG-C", "PAD-D")] * 6
    )
    events = []
    for n, (first, second) in enumerate(pairs):
        at = BASE + timedelta(hours=n)
        events += [
            view(f"past-{n}", first, at),
            view(f"past-{n}", second, at + timedelta(minutes=2)),
        ]
    return events


def seed(client: TestClient, key: str) -> None:
    headers = auth(key)
    for sku, (title, category) in PRODUCTS.items():
        body = {"sku": sku, "title": title, "price": "12.50", "category": category}
        assert client.post("/v1/products", json=body, headers=headers).status_code == 201
        on_hand = 0 if sku == SOLD_OUT else 5
        stock = {"sku": sku, "on_hand": on_hand}
        assert client.put("/v1/stock", json=stock, headers=headers).status_code == 200
    archived = client.patch(
        f"/v1/products/{ARCHIVED}", json={"status": "archived"}, headers=headers
    )
    assert archived.status_code == 200
    # Best sellers: the unsellable items and the mugs lead, so the rules have work to do.
    sellers = [SOLD_OUT, ARCHIVED, "MUG-1", "MUG-2", "MUG-3", "MUG-4", "MUG-5", "RUG-C"]
    for n, sku in enumerate(sellers):
        order = {
            "external_id": f"O-{n}",
            "placed_at": (BASE + timedelta(days=1)).isoformat(),
            "lines": [{"sku": sku, "quantity": 40 - n, "unit_price": "12.50"}],
        }
        assert client.post("/v1/orders", json=order, headers=headers).status_code == 201
    posted = client.post("/v1/events", json={"events": training_events()}, headers=headers)
    assert len(posted.json()["accepted"]) == len(training_events())


def fit(client: TestClient, key: str, clock: FakeClock) -> dict[str, Any]:
    ran = client.post("/v1/jobs/fit-recommenders/run", headers=auth(key))
    assert ran.status_code == 200, ran.text
    # Past the cache's check interval, so the API serves the runs just stored.
    clock.advance(minutes=1)
    body: dict[str, Any] = ran.json()
    return body


def recommend(client: TestClient, key: str, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/recommendations", params=params, headers=auth(key))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def fitted(
    client: TestClient, keys: Keys, clock: FakeClock, runtime: Runtime, shop: Shop
) -> dict[str, Any]:
    serve_every_session(runtime, shop.id)
    seed(client, keys.secret)
    return fit(client, keys.secret, clock)


def test_fit_job_records_a_run_and_makes_both_models_current(
    fitted: dict[str, Any], client: TestClient, keys: Keys, runtime: Runtime
) -> None:
    runs = client.get("/v1/jobs", headers=auth(keys.secret)).json()["data"]
    assert [(r["job_name"], r["status"]) for r in runs] == [("fit-recommenders", "ok")]
    figures = runs[0]["figures"]
    assert figures["sessions"] == 20
    with runtime.sessions() as session:
        stan = current_run(session, runs[0]["shop_id"], SESSION_CAPABILITY)
    assert stan is not None
    assert stan.id == figures["session_run"]
    assert stan.model_name == "STANRecommender"


def test_a_session_that_viewed_a_gets_what_goes_with_a_first(
    fitted: dict[str, Any], client: TestClient, keys: Keys
) -> None:
    client.post(
        "/v1/events",
        json={"events": [view("s-a", "LAMP-A", datetime(2026, 11, 25, 11, 0, tzinfo=UTC))]},
        headers=auth(keys.publishable),
    )
    body = recommend(client, keys.publishable, session_id="s-a", placement="home")
    first = body["items"][0]
    assert (first["sku"], first["source"]) == ("SHADE-B", "session")
    assert first["reason"] == "Because you viewed Desk lamp"
    assert first["title"] == "Linen shade"
    assert first["price"] == "12.50", "shown in the currency's precision, not the storage scale"
    assert "LAMP-A" not in {i["sku"] for i in body["items"]}
    assert len(body["model_runs"]) == 2
    uuid.UUID(body["rec_request_id"])


def test_unsellable_items_never_appear_and_categories_are_capped(
    fitted: dict[str, Any], client: TestClient, keys: Keys
) -> None:
    answers = [
        recommend(client, keys.publishable, sku="LAMP-A", placement="product", k=50),
        recommend(client, keys.publishable, placement="home", k=50),
        recommend(client, keys.publishable, session_id="nobody", placement="cart", k=50),
    ]
    for body in answers:
        skus = [i["sku"] for i in body["items"]]
        assert skus, body
        assert SOLD_OUT not in skus
        assert ARCHIVED not in skus
        assert len(skus) == len(set(skus))
        per_category: dict[str, int] = {}
        for sku in skus:
            category = PRODUCTS[sku][1]
            per_category[category] = per_category.get(category, 0) + 1
        assert max(per_category.values()) <= MAX_PER_CATEGORY
    product_page = [i["sku"] for i in answers[0]["items"]]
    assert product_page[0] == "SHADE-B"
    assert "LAMP-A" not in product_page
    assert sum(s.startswith("MUG") for s in [i["sku"] for i in answers[1]["items"]]) == 3


def test_k_limits_the_list(fitted: dict[str, Any], client: TestClient, keys: Keys) -> None:
    assert len(recommend(client, keys.publishable, k=2)["items"]) == 2
    too_many = client.get("/v1/recommendations?k=51", headers=auth(keys.publishable))
    assert too_many.status_code == 422


def test_an_unknown_session_gets_popular_items(
    fitted: dict[str, Any], client: TestClient, keys: Keys
) -> None:
    body = recommend(client, keys.publishable, session_id="never-seen", k=4)
    assert [i["sku"] for i in body["items"]] == ["MUG-1", "MUG-2", "MUG-3", "RUG-C"]
    assert {i["source"] for i in body["items"]} == {"popularity"}
    assert body["items"][0]["reason"] == "Popular lately: among the best sellers"


def test_a_new_event_changes_the_next_answer(
    fitted: dict[str, Any], client: TestClient, keys: Keys
) -> None:
    before = recommend(client, keys.publishable, session_id="s-live", k=3)
    assert {i["source"] for i in before["items"]} == {"popularity"}
    client.post(
        "/v1/events",
        json={"events": [view("s-live", "RUG-C", datetime(2026, 11, 25, 11, 30, tzinfo=UTC))]},
        headers=auth(keys.publishable),
    )
    after = recommend(client, keys.publishable, session_id="s-live", k=3)
    first = after["items"][0]
    assert (first["sku"], first["source"]) == ("PAD-D", "session")
    assert first["reason"] == "Because you viewed Wool rug"
    assert "RUG-C" not in {i["sku"] for i in after["items"]}


def test_a_shop_without_models_gets_an_empty_list_and_how_to_fix_it(
    client: TestClient, keys: Keys
) -> None:
    body = recommend(client, keys.publishable, session_id="s-1")
    assert body["items"] == []
    assert "fit-recommenders" in body["note"]


def event(session_id: str, kind: str, sku: str, minute: int) -> dict[str, Any]:
    at = datetime(2026, 11, 25, 11, minute, tzinfo=UTC)
    return {**view(session_id, sku, at), "type": kind}


def test_the_reason_names_what_the_visitor_did_with_the_product(
    fitted: dict[str, Any], client: TestClient, keys: Keys
) -> None:
    events = [event("s-cart", "view", "RUG-C", 55), event("s-cart", "add_to_cart", "RUG-C", 56)]
    client.post("/v1/events", json={"events": events}, headers=auth(keys.publishable))
    first = recommend(client, keys.publishable, session_id="s-cart", placement="home")["items"][0]
    assert (first["sku"], first["reason"]) == ("PAD-D", "Because you put Wool rug in your cart")


def test_the_shop_rules_apply_to_live_recommendations(
    fitted: dict[str, Any], client: TestClient, keys: Keys
) -> None:
    client.post(
        "/v1/events",
        json={"events": [event("s-rules", "view", "LAMP-A", 0)]},
        headers=auth(keys.publishable),
    )
    rules = [
        {"action": "pin", "target_kind": "sku", "target_value": "PAD-D"},
        {"action": "exclude", "target_kind": "category", "target_value": "mugs"},
    ]
    for rule in rules:
        added = client.post("/v1/recommendation-rules", json=rule, headers=auth(keys.secret))
        assert added.status_code == 201, added.text
    items = recommend(client, keys.publishable, session_id="s-rules", k=5)["items"]
    assert (items[0]["sku"], items[0]["reason"], items[0]["rule"]) == (
        "PAD-D",
        "Pinned by the shop",
        "Pinned by the shop",
    )
    assert items[1]["sku"] == "SHADE-B"  # the model's own first pick comes next
    assert not any(i["sku"].startswith("MUG") for i in items)


def test_a_held_out_session_is_served_popularity_only(
    fitted: dict[str, Any], client: TestClient, keys: Keys, runtime: Runtime, shop: Shop
) -> None:
    hold_out_recommendations(runtime, shop.id, 0.5)
    held = next(
        f"s-held-{n}"
        for n in range(1000)
        if holdout.group_for(f"s-held-{n}", Capability.RECOMMEND, shop.holdout_salt, 0.5)
        is Group.HOLDOUT
    )
    client.post(
        "/v1/events",
        json={"events": [event(held, "view", "LAMP-A", 0)]},
        headers=auth(keys.publishable),
    )
    body = recommend(client, keys.publishable, session_id=held, placement="home")
    assert body["items"]
    assert {i["source"] for i in body["items"]} == {"popularity"}
    assert "LAMP-A" not in {i["sku"] for i in body["items"]}


def test_an_unknown_product_is_404_and_an_unknown_customer_a_stranger(
    fitted: dict[str, Any], client: TestClient, keys: Keys
) -> None:
    missing = client.get(
        "/v1/recommendations",
        params={"sku": "NOPE", "placement": "product"},
        headers=auth(keys.publishable),
    )
    assert missing.status_code == 404
    assert "NOPE" in missing.text
    stranger = recommend(client, keys.publishable, customer_id="who-is-this", k=3)
    assert {i["source"] for i in stranger["items"]} == {"popularity"}


def test_a_cart_left_for_half_an_hour_comes_back_first_on_the_home_page(
    fitted: dict[str, Any], client: TestClient, keys: Keys, clock: FakeClock
) -> None:
    # The clock stands a minute past noon: the cart was filled a few minutes ago.
    events = [event("s-left", "view", "RUG-C", 55), event("s-left", "add_to_cart", "RUG-C", 56)]
    client.post("/v1/events", json={"events": events}, headers=auth(keys.publishable))
    soon = recommend(client, keys.publishable, session_id="s-left", placement="home")
    assert "RUG-C" not in {i["sku"] for i in soon["items"]}  # in the cart: nothing to remind
    clock.advance(minutes=45)
    later = recommend(client, keys.publishable, session_id="s-left", placement="home")
    assert (later["items"][0]["sku"], later["items"][0]["reason"]) == (
        "RUG-C",
        "Still in your cart",
    )
    assert later["items"][1]["sku"] == "PAD-D"


text = st.text(max_size=80) | st.sampled_from(["", " ", "LAMP-A", "RUG-C", "s-a", "%00", "é😀"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    path=st.sampled_from(["", "/similar", "/bought-together"]),
    session_id=text,
    customer_id=text,
    sku=text,
    placement=st.sampled_from(["home", "product", "cart", "email", "", "HOME", "banner"]),
    k=st.sampled_from(["1", "10", "50", "0", "51", "-3", "ten", ""]),
)
def test_no_parameters_make_the_storefront_endpoints_fail(
    fitted: dict[str, Any],
    client: TestClient,
    keys: Keys,
    path: str,
    session_id: str,
    customer_id: str,
    sku: str,
    placement: str,
    k: str,
) -> None:
    params = {
        "session_id": session_id,
        "customer_id": customer_id,
        "sku": sku,
        "placement": placement,
        "k": k,
    }
    response = client.get(
        f"/v1/recommendations{path}", params=params, headers=auth(keys.publishable)
    )
    # A clear answer for every input: a list, an unknown product, or a named bad field.
    assert response.status_code in (200, 404, 422), response.text
    body = response.json()
    if response.status_code == 200:
        assert isinstance(body["items"], list)
    else:
        assert body.get("message") or body.get("detail"), body


def test_a_nul_character_in_a_storefront_parameter_is_refused_with_a_reason(
    fitted: dict[str, Any], client: TestClient, keys: Keys
) -> None:
    for path in ("", "/similar", "/bought-together"):
        response = client.get(
            f"/v1/recommendations{path}",
            params={"sku": "LAMP\x00A"},
            headers=auth(keys.publishable),
        )
        assert response.status_code == 422, response.text
        assert "NUL" in response.json()["message"]
