"""The live session: a recorded event changes the very next read, in-process and on Redis."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shopkeeper.ai.recommend import session_signals as sig
from shopkeeper.data.session_store import (
    InProcessSessionStore,
    Interaction,
    RedisSessionStore,
    make_session_store,
)
from shopkeeper.domain.shops import Shop
from shopkeeper.services import events
from shopkeeper.services.live_session import read_live_session
from shopkeeper.services.runtime import Runtime
from tests.conftest import REDIS_URL


@pytest.fixture(params=["memory", "redis"])
def live_runtime(request: pytest.FixtureRequest, runtime: Runtime) -> Iterator[Runtime]:
    """The test runtime, with its session store in this process or on the Redis server."""
    if request.param == "memory":
        yield runtime
        return
    if not REDIS_URL:
        pytest.skip("Redis not configured (SHOPKEEPER_TEST_REDIS_URL unset)")
    yield dataclasses.replace(runtime, session_store=make_session_store(REDIS_URL))


def record(rt: Runtime, shop: Shop, session_id: str, *raw: dict[str, Any]) -> None:
    batch = [
        {"event_id": str(uuid.uuid4()), "session_id": session_id, **e, "occurred_at": at}
        for e, at in zip(raw, _times(len(raw)), strict=True)
    ]
    result = events.record_events(
        rt.sessions, rt.clock, rt.session_store, shop_id=shop.id, raw_events=batch
    )
    assert not result.rejected, result.rejected


def _times(count: int) -> list[str]:
    # The fake clock stands at 12:00 on 2026-11-25: events a little before it.
    return [f"2026-11-25T11:{30 + i:02d}:00Z" for i in range(count)]


def test_each_recorded_event_changes_the_next_read(live_runtime: Runtime, shop: Shop) -> None:
    session_id = f"s-{uuid.uuid4().hex}"
    record(live_runtime, shop, session_id, {"type": "view", "sku": "TENT"})
    assert read_live_session(live_runtime, shop.id, session_id).weights() == {"TENT": 1.0}

    record(live_runtime, shop, session_id, {"type": "view", "sku": "TENT", "dwell_ms": 45_000})
    assert read_live_session(live_runtime, shop.id, session_id).weights() == {
        "TENT": sig.LONG_DWELL_FACTOR
    }

    record(
        live_runtime,
        shop,
        session_id,
        {"type": "view", "sku": "MUG"},
        {"type": "view", "sku": "MUG", "dwell_ms": 800},
        {"type": "search", "query": "stove"},
        {"type": "add_to_cart", "sku": "STOVE", "quantity": 1},
    )
    live = read_live_session(live_runtime, shop.id, session_id)
    assert live.weights() == pytest.approx(
        {
            "TENT": sig.LONG_DWELL_FACTOR,
            "MUG": sig.BOUNCE_FACTOR,
            "STOVE": sig.CART_FACTOR * sig.SEARCH_FACTOR,
        }
    )
    assert live.cart == ("STOVE",)
    assert live.searches == ["stove"]

    record(live_runtime, shop, session_id, {"type": "remove_from_cart", "sku": "STOVE"})
    after = read_live_session(live_runtime, shop.id, session_id)
    assert after.cart == ()
    assert after.weights()["STOVE"] == pytest.approx(sig.REMOVED_FACTOR * sig.SEARCH_FACTOR)
    query = after.query(k=10)
    assert query.items == ("TENT", "MUG", "STOVE")
    assert query.weights == tuple(after.weights().values())


def test_a_retried_batch_does_not_count_twice(live_runtime: Runtime, shop: Shop) -> None:
    session_id = f"s-{uuid.uuid4().hex}"
    batch = [
        {
            "event_id": str(uuid.uuid4()),
            "type": "view",
            "session_id": session_id,
            "sku": "A",
            "occurred_at": "2026-11-25T11:00:00Z",
        }
    ]
    for _ in range(2):
        events.record_events(
            live_runtime.sessions,
            live_runtime.clock,
            live_runtime.session_store,
            shop_id=shop.id,
            raw_events=batch,
        )
    assert read_live_session(live_runtime, shop.id, session_id).weights() == {"A": 1.0}


def test_sessions_and_shops_are_apart(live_runtime: Runtime, shop: Shop) -> None:
    session_id = f"s-{uuid.uuid4().hex}"
    record(live_runtime, shop, session_id, {"type": "view", "sku": "A"})
    assert read_live_session(live_runtime, shop.id + 1, session_id).items == ()
    assert read_live_session(live_runtime, shop.id, "someone-else").items == ()
    assert read_live_session(live_runtime, shop.id, None).items == ()


def test_scroll_depth_in_the_store_reaches_the_weights(live_runtime: Runtime) -> None:
    session_id = f"s-{uuid.uuid4().hex}"
    live_runtime.session_store.append_many(
        3,
        {
            session_id: [
                Interaction("view", 1.0, sku="A"),
                Interaction("scroll", 2.0, sku="A", scroll_pct=90.0),
            ]
        },
    )
    assert read_live_session(live_runtime, 3, session_id).weights() == {
        "A": pytest.approx(sig.DEEP_SCROLL_FACTOR)
    }


@pytest.mark.skipif(not REDIS_URL, reason="Redis not configured (SHOPKEEPER_TEST_REDIS_URL unset)")
def test_records_stored_before_scroll_pct_existed_stay_readable(runtime: Runtime) -> None:
    store = make_session_store(REDIS_URL)
    assert isinstance(store, RedisSessionStore)
    session_id = f"s-{uuid.uuid4().hex}"
    old = {"type": "view", "at": 1.0, "sku": "A", "dwell_ms": 40_000, "query": None}
    newer = {**old, "at": 2.0, "quantity": None, "scroll_pct": None, "from_the_future": 1}
    key = store._key(4, session_id)
    store._client.rpush(key, json.dumps(old), json.dumps(newer))
    store._client.expire(key, 60)
    steps = store.recent(4, session_id)
    assert [s.scroll_pct for s in steps] == [None, None]
    rt = dataclasses.replace(runtime, session_store=store)
    assert read_live_session(rt, 4, session_id).items == ("A",)


def test_impressions_stay_out_of_the_live_session(live_runtime: Runtime, shop: Shop) -> None:
    session_id = f"s-{uuid.uuid4().hex}"
    shown = {"type": "recommendation_impression", "rec_request_id": str(uuid.uuid4())}
    record(
        live_runtime,
        shop,
        session_id,
        {"type": "view", "sku": "TENT"},
        *({**shown, "sku": sku} for sku in ("STOVE", "LAMP", "MAT")),
    )
    assert [i.type for i in live_runtime.session_store.recent(shop.id, session_id)] == ["view"]
    assert read_live_session(live_runtime, shop.id, session_id).items == ("TENT",)


def test_the_region_of_the_latest_event_is_the_visitors(live_runtime: Runtime, shop: Shop) -> None:
    session_id = f"s-{uuid.uuid4().hex}"
    record(live_runtime, shop, session_id, {"type": "view", "sku": "TENT"})
    assert read_live_session(live_runtime, shop.id, session_id).region is None
    record(
        live_runtime,
        shop,
        session_id,
        {"type": "view", "sku": "MAT", "context": {"region": "Bretagne"}},
        {"type": "view", "sku": "STOVE"},  # a later event without a region keeps it
    )
    assert read_live_session(live_runtime, shop.id, session_id).region == "Bretagne"


def test_a_session_the_store_lost_is_read_back_from_the_events(
    runtime: Runtime, shop: Shop
) -> None:
    session_id = f"s-{uuid.uuid4().hex}"
    record(
        runtime,
        shop,
        session_id,
        {"type": "view", "sku": "TENT", "context": {"region": "Bretagne"}},
        {"type": "recommendation_impression", "sku": "LAMP", "rec_request_id": "r-1"},
        {"type": "add_to_cart", "sku": "MAT", "quantity": 1},
    )
    # A restarted worker: same database, empty in-process store.
    restarted = dataclasses.replace(runtime, session_store=InProcessSessionStore())
    live = read_live_session(restarted, shop.id, session_id)
    assert live.items == ("TENT", "MAT")
    assert live.cart == ("MAT",)
    assert live.region == "Bretagne"
    # Put back in the store: the next read does not need the database.
    assert len(restarted.session_store.recent(shop.id, session_id)) == 2
