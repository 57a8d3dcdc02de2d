"""One Redis call appends a whole batch: every session capped, expiring, records intact."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict

import pytest
import redis

from shopkeeper.data.session_store import (
    MAX_INTERACTIONS,
    SESSION_TTL_S,
    Interaction,
    RedisSessionStore,
)
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="Redis not configured (SHOPKEEPER_TEST_REDIS_URL unset)"
)


@pytest.fixture
def client() -> redis.Redis[bytes]:
    assert REDIS_URL
    return redis.Redis.from_url(REDIS_URL)


def test_a_batch_of_several_sessions_lands_in_each_capped_and_expiring(
    client: redis.Redis[bytes],
) -> None:
    store = RedisSessionStore(client, prefix=f"t{uuid.uuid4().hex[:8]}")
    long, short, empty = "long", "short", "empty"
    store.append_many(3, {long: [Interaction("view", 0.0, sku="OLD")] * 5})
    batch = {
        long: [Interaction("view", float(i), sku=f"L{i}") for i in range(MAX_INTERACTIONS)],
        short: [Interaction("add_to_cart", 1.0, sku="S", quantity=2, region="Nord")],
        empty: [],
    }
    store.append_many(3, batch)
    kept = store.recent(3, long)
    assert len(kept) == MAX_INTERACTIONS
    assert kept[0].sku == "L0"
    assert kept[-1].sku == f"L{MAX_INTERACTIONS - 1}"
    assert store.recent(3, short) == batch[short]
    assert store.recent(3, empty) == []
    for session in (long, short):
        ttl = client.ttl(store._key(3, session))
        assert 0 < ttl <= SESSION_TTL_S


def test_records_are_the_same_json_as_before(client: redis.Redis[bytes]) -> None:
    # Workers of the previous release read what this one writes, and the other way round.
    store = RedisSessionStore(client, prefix=f"t{uuid.uuid4().hex[:8]}")
    step = Interaction("scroll", 2.5, sku="A", dwell_ms=10, scroll_pct=80.0, query="q")
    store.append_many(1, {"s": [step]})
    (raw,) = client.lrange(store._key(1, "s"), 0, -1)
    assert raw.decode() == json.dumps(asdict(step), separators=(",", ":"))


def test_the_script_is_loaded_again_after_the_server_forgets_it(
    client: redis.Redis[bytes],
) -> None:
    store = RedisSessionStore(client, prefix=f"t{uuid.uuid4().hex[:8]}")
    store.append_many(1, {"s": [Interaction("view", 1.0, sku="A")]})
    client.script_flush()
    store.append_many(1, {"s": [Interaction("view", 2.0, sku="B")]})
    assert [i.sku for i in store.recent(1, "s")] == ["A", "B"]
