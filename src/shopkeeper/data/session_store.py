"""Live session state (what a visitor just did), in-process or shared through Redis.

Several API workers behind a load balancer must agree on a session, so production
deployments set ``SHOPKEEPER_REDIS_URL``; a single process keeps state in memory.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol

SESSION_TTL_S = 6 * 3600
MAX_INTERACTIONS = 100


@dataclass(frozen=True, slots=True)
class Interaction:
    """One step of a live session, as recommenders read it."""

    type: str
    at: float
    sku: str | None = None
    dwell_ms: int | None = None
    query: str | None = None
    quantity: int | None = None
    scroll_pct: float | None = None
    region: str | None = None


# Stored records are read back by field name: a record written before a field existed
# takes its default, one with a field this version does not know drops it.
_FIELDS = frozenset(f.name for f in fields(Interaction))


def _decode(raw: bytes | str) -> Interaction:
    stored = json.loads(raw)
    return Interaction(**{k: v for k, v in stored.items() if k in _FIELDS})


class SessionStore(Protocol):
    """Recent interactions per (shop, session)."""

    def append_many(self, shop_id: int, batches: Mapping[str, Sequence[Interaction]]) -> None:
        """Append interactions for several sessions at once (one round trip on Redis)."""
        ...

    def recent(
        self, shop_id: int, session_id: str, limit: int = MAX_INTERACTIONS
    ) -> list[Interaction]:
        """The session's interactions, oldest first, at most ``limit``."""
        ...


class InProcessSessionStore:
    """A bounded LRU of sessions in this process.

    Examples
    --------
    >>> store = InProcessSessionStore()
    >>> store.append_many(1, {"s1": [Interaction("view", 0.0, sku="A")]})
    >>> [i.sku for i in store.recent(1, "s1")]
    ['A']
    """

    def __init__(self, max_sessions: int = 100_000) -> None:
        self._max_sessions = max_sessions
        self._sessions: OrderedDict[tuple[int, str], list[Interaction]] = OrderedDict()
        self._lock = threading.Lock()

    def append_many(self, shop_id: int, batches: Mapping[str, Sequence[Interaction]]) -> None:
        with self._lock:
            for session_id, items in batches.items():
                key = (shop_id, session_id)
                stored = self._sessions.pop(key, [])
                stored.extend(items)
                self._sessions[key] = stored[-MAX_INTERACTIONS:]
            while len(self._sessions) > self._max_sessions:
                self._sessions.popitem(last=False)

    def recent(
        self, shop_id: int, session_id: str, limit: int = MAX_INTERACTIONS
    ) -> list[Interaction]:
        with self._lock:
            return list(self._sessions.get((shop_id, session_id), [])[-limit:])


class RedisSessionStore:
    """Sessions as capped Redis lists with a sliding expiry."""

    def __init__(self, client: Any, prefix: str = "shopkeeper") -> None:
        self._client = client
        self._prefix = prefix

    def _key(self, shop_id: int, session_id: str) -> str:
        return f"{self._prefix}:session:{shop_id}:{session_id}"

    def append_many(self, shop_id: int, batches: Mapping[str, Sequence[Interaction]]) -> None:
        pipe = self._client.pipeline(transaction=False)
        for session_id, items in batches.items():
            if not items:
                continue
            key = self._key(shop_id, session_id)
            pipe.rpush(key, *(json.dumps(asdict(i), separators=(",", ":")) for i in items))
            pipe.ltrim(key, -MAX_INTERACTIONS, -1)
            pipe.expire(key, SESSION_TTL_S)
        pipe.execute()

    def recent(
        self, shop_id: int, session_id: str, limit: int = MAX_INTERACTIONS
    ) -> list[Interaction]:
        raw: Iterable[bytes] = self._client.lrange(self._key(shop_id, session_id), -limit, -1)
        return [_decode(item) for item in raw]


def make_session_store(redis_url: str | None) -> SessionStore:
    """Redis when a URL is configured, else in-process."""
    if not redis_url:
        return InProcessSessionStore()
    import redis  # optional dependency: the [redis] extra

    return RedisSessionStore(redis.Redis.from_url(redis_url))
