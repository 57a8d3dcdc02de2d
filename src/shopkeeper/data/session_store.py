"""Live session state (what a visitor just did), in-process or shared through Redis.

Several API workers behind a load balancer must agree on a session, so production
deployments set ``SHOPKEEPER_REDIS_URL``; a single process keeps state in memory.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
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
_NAMES = tuple(f.name for f in fields(Interaction))
_FIELDS = frozenset(_NAMES)


def _encode(interaction: Interaction) -> str:
    """The record's JSON, keys in field order (``asdict`` deep-copies every value first).

    Examples
    --------
    >>> _encode(Interaction("view", 1.5, sku="A"))
    '{"type":"view","at":1.5,"sku":"A","dwell_ms":null,"query":null,"quantity":null,"scroll_pct":null,"region":null}'
    """
    return json.dumps({n: getattr(interaction, n) for n in _NAMES}, separators=(",", ":"))


def _decode(raw: bytes | str) -> Interaction:
    stored = json.loads(raw)
    return Interaction(**{k: v for k, v in stored.items() if k in _FIELDS})


# Appends every session of a batch in one call: a pipeline of RPUSH, LTRIM and EXPIRE per
# session cost three commands and three replies each to build and parse, the largest part
# of recording a batch. ARGV: the cap, the TTL, then per key its record count and records.
_APPEND = """
local cap, ttl, at = tonumber(ARGV[1]), tonumber(ARGV[2]), 3
for _, key in ipairs(KEYS) do
  local n = tonumber(ARGV[at])
  redis.call('RPUSH', key, unpack(ARGV, at + 1, at + n))
  redis.call('LTRIM', key, -cap, -1)
  redis.call('EXPIRE', key, ttl)
  at = at + n + 1
end
return #KEYS
"""


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
        # EVALSHA with the script's digest; redis-py loads it again after a server restart.
        self._append = client.register_script(_APPEND)

    def _key(self, shop_id: int, session_id: str) -> str:
        return f"{self._prefix}:session:{shop_id}:{session_id}"

    def append_many(self, shop_id: int, batches: Mapping[str, Sequence[Interaction]]) -> None:
        keys: list[str] = []
        args: list[str | int] = [MAX_INTERACTIONS, SESSION_TTL_S]
        for session_id, items in batches.items():
            if not items:
                continue
            keys.append(self._key(shop_id, session_id))
            args.append(len(items))
            args.extend(_encode(i) for i in items)
        if keys:
            self._append(keys=keys, args=args)

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
