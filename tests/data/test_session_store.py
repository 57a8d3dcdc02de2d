"""Live session state agrees across workers when Redis is configured."""

from __future__ import annotations

import uuid

import pytest

from shopkeeper.data.session_store import (
    MAX_INTERACTIONS,
    InProcessSessionStore,
    Interaction,
    RedisSessionStore,
    SessionStore,
    make_session_store,
)
from tests.conftest import REDIS_URL


def _stores() -> list[tuple[SessionStore, SessionStore]]:
    pairs: list[tuple[SessionStore, SessionStore]] = []
    shared = InProcessSessionStore()
    pairs.append((shared, shared))
    if REDIS_URL:
        # Two independent clients stand for two API workers.
        pairs.append((make_session_store(REDIS_URL), make_session_store(REDIS_URL)))
    return pairs


@pytest.mark.parametrize(("writer", "reader"), _stores(), ids=lambda s: type(s).__name__)
def test_a_worker_sees_what_another_wrote(writer: SessionStore, reader: SessionStore) -> None:
    session_id = f"s-{uuid.uuid4().hex}"
    writer.append_many(7, {session_id: [Interaction("view", 1.0, sku="A", dwell_ms=1200)]})
    writer.append_many(7, {session_id: [Interaction("add_to_cart", 2.0, sku="A", quantity=1)]})
    seen = reader.recent(7, session_id)
    assert [(i.type, i.sku) for i in seen] == [("view", "A"), ("add_to_cart", "A")]
    assert seen[0].dwell_ms == 1200
    assert reader.recent(8, session_id) == [], "another shop must not see the session"


@pytest.mark.parametrize(("writer", "reader"), _stores(), ids=lambda s: type(s).__name__)
def test_sessions_keep_only_the_most_recent_interactions(
    writer: SessionStore, reader: SessionStore
) -> None:
    session_id = f"s-{uuid.uuid4().hex}"
    writer.append_many(
        1,
        {
            session_id: [
                Interaction("view", float(i), sku=str(i)) for i in range(MAX_INTERACTIONS + 10)
            ]
        },
    )
    seen = reader.recent(1, session_id)
    assert len(seen) == MAX_INTERACTIONS
    assert seen[-1].sku == str(MAX_INTERACTIONS + 9)
    assert [i.sku for i in reader.recent(1, session_id, limit=2)] == [
        str(MAX_INTERACTIONS + 8),
        str(MAX_INTERACTIONS + 9),
    ]


def test_in_process_store_evicts_the_least_recent_session() -> None:
    store = InProcessSessionStore(max_sessions=2)
    for name in ("a", "b", "c"):
        store.append_many(1, {name: [Interaction("view", 0.0)]})
    assert store.recent(1, "a") == []
    assert len(store.recent(1, "c")) == 1


@pytest.mark.skipif(not REDIS_URL, reason="Redis not configured (SHOPKEEPER_TEST_REDIS_URL unset)")
def test_redis_store_is_chosen_when_a_url_is_set() -> None:
    assert isinstance(make_session_store(REDIS_URL), RedisSessionStore)
    assert isinstance(make_session_store(None), InProcessSessionStore)
