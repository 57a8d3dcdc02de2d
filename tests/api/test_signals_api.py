"""``/v1/signals``: batches with per-point rejections, reads by name, scopes, shop isolation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shopkeeper.data.database import transaction
from shopkeeper.domain.access import KeyKind, Scope
from shopkeeper.domain.shops import Shop
from shopkeeper.domain.signals import MAX_SIGNALS_PER_BATCH
from shopkeeper.services.access import api_keys
from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres

POINTS: list[dict[str, Any]] = [
    {"name": "weather.temp_c", "region": "Bretagne", "ts": "2026-03-01", "value": 11.5},
    {"name": "weather.temp_c", "region": "Bretagne", "ts": "2026-03-02T08:00Z", "value": 9},
    {"name": "weather.temp_c", "region": "Alsace", "ts": "2026-03-01", "value": 2.5},
    {
        "name": "competitor_price",
        "sku": "TEE-1",
        "ts": "2026-03-01",
        "value": 19.9,
        "meta": {"competitor": "PrixMalin"},
    },
]


def post(client: TestClient, key: str, points: list[Any]) -> Any:
    return client.post("/v1/signals", json={"points": points}, headers=auth(key))


def test_post_stores_valid_points_and_lists_rejections(client: TestClient, keys: Keys) -> None:
    response = post(client, keys.secret, [*POINTS, {"name": "weather.temp_c", "value": 1}])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stored"] == 4
    assert [(r["index"], r["name"]) for r in body["rejected"]] == [(4, "weather.temp_c")]
    assert body["rejected"][0]["reason"].startswith("ts:")

    read = client.get(
        "/v1/signals", params={"name": "weather.temp_c"}, headers=auth(keys.secret)
    ).json()
    assert read["count"] == 3
    assert [(p["ts"][:10], p["region"], p["value"]) for p in read["data"]] == [
        ("2026-03-01", "Alsace", 2.5),
        ("2026-03-01", "Bretagne", 11.5),
        ("2026-03-02", "Bretagne", 9.0),
    ]


def test_a_resent_point_with_a_new_value_replaces_the_old(client: TestClient, keys: Keys) -> None:
    post(client, keys.secret, POINTS)
    corrected = {**POINTS[0], "value": 12.0, "ts": "2026-03-01T18:00:00+00:00"}
    assert post(client, keys.secret, [corrected]).json()["stored"] == 1
    read = client.get(
        "/v1/signals",
        params={"name": "weather.temp_c", "region": "Bretagne", "end": "2026-03-01T23:59:59Z"},
        headers=auth(keys.secret),
    ).json()
    assert [(p["ts"], p["value"]) for p in read["data"]] == [("2026-03-01T00:00:00Z", 12.0)]


def test_filters_by_sku_period_and_pages(client: TestClient, keys: Keys) -> None:
    post(client, keys.secret, POINTS)
    headers = auth(keys.secret)
    by_sku = client.get(
        "/v1/signals", params={"name": "competitor_price", "sku": "TEE-1"}, headers=headers
    ).json()
    assert by_sku["count"] == 1
    assert by_sku["data"][0]["meta"] == {"competitor": "PrixMalin"}
    later = client.get(
        "/v1/signals",
        params={"name": "weather.temp_c", "start": "2026-03-02T00:00:00Z"},
        headers=headers,
    ).json()
    assert [p["value"] for p in later["data"]] == [9.0]
    page = client.get(
        "/v1/signals", params={"name": "weather.temp_c", "limit": 2, "offset": 2}, headers=headers
    ).json()
    assert (page["count"], len(page["data"])) == (3, 1)
    shop_wide = client.get(
        "/v1/signals", params={"name": "weather.temp_c", "region": ""}, headers=headers
    ).json()
    assert shop_wide["count"] == 0


def test_names_summarise_what_the_shop_holds(client: TestClient, keys: Keys) -> None:
    post(client, keys.secret, POINTS)
    body = client.get("/v1/signals/names", headers=auth(keys.secret)).json()
    assert body["count"] == 2
    temp = next(n for n in body["data"] if n["name"] == "weather.temp_c")
    assert (temp["points"], temp["regions"], temp["known"]) == (3, 2, True)
    assert temp["first_ts"].startswith("2026-03-01")
    assert temp["last_ts"].startswith("2026-03-02")


def test_bad_requests_are_invalid_input(client: TestClient, keys: Keys) -> None:
    headers = auth(keys.secret)
    too_many = post(client, keys.secret, [POINTS[0]] * (MAX_SIGNALS_PER_BATCH + 1))
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "invalid_input"
    no_points = client.post("/v1/signals", json={}, headers=headers)
    assert no_points.json()["code"] == "invalid_input"
    no_name = client.get("/v1/signals", headers=headers)
    assert no_name.json()["code"] == "invalid_input"
    naive = client.get(
        "/v1/signals", params={"name": "local_event", "start": "2026-03-01T00:00"}, headers=headers
    )
    assert naive.json()["code"] == "invalid_input"


def test_publishable_keys_are_refused(client: TestClient, keys: Keys) -> None:
    calls = [
        client.post("/v1/signals", json={"points": POINTS}, headers=auth(keys.publishable)),
        client.get(
            "/v1/signals", params={"name": "weather.temp_c"}, headers=auth(keys.publishable)
        ),
        client.get("/v1/signals/names", headers=auth(keys.publishable)),
    ]
    assert [r.status_code for r in calls] == [403, 403, 403]
    assert {r.json()["code"] for r in calls} == {"permission_denied"}
    assert client.get("/v1/signals/names", headers=auth(keys.secret)).json()["count"] == 0


def test_a_write_only_key_cannot_read(client: TestClient, runtime: Runtime, shop: Shop) -> None:
    with transaction(runtime.sessions) as session:
        issued = api_keys.create_key(
            session,
            runtime.clock,
            shop_id=shop.id,
            name="weather feed",
            kind=KeyKind.SECRET,
            scopes=[Scope.SIGNALS_WRITE],
        )
    assert post(client, issued.raw, POINTS).status_code == 200
    read = client.get("/v1/signals/names", headers=auth(issued.raw))
    assert read.status_code == 403
    assert read.json()["details"]["required_scope"] == "signals:read"


def test_another_shop_sees_none_of_the_points(
    client: TestClient, keys: Keys, other_keys: Keys
) -> None:
    post(client, keys.secret, POINTS)
    headers = auth(other_keys.secret)
    read = client.get("/v1/signals", params={"name": "weather.temp_c"}, headers=headers).json()
    assert read == {"data": [], "count": 0}
    assert client.get("/v1/signals/names", headers=headers).json()["count"] == 0
    # The same key sent by the other shop is its own series: shop A keeps its value.
    post(client, other_keys.secret, [{**POINTS[0], "value": -40}])
    mine = client.get(
        "/v1/signals",
        params={"name": "weather.temp_c", "region": "Bretagne", "end": "2026-03-01T00:00:00Z"},
        headers=auth(keys.secret),
    ).json()
    assert [p["value"] for p in mine["data"]] == [11.5]
