"""Counters of requests per fixed time window, in this process or shared through Redis.

A single API process counts in memory; several workers behind a load balancer must share
their counts, so a deployment with ``SHOPKEEPER_REDIS_URL`` counts in Redis instead.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol


class WindowCounter(Protocol):
    """Adds one hit to a bucket's count in a numbered window and returns the new count."""

    async def hit(self, bucket: str, window: int, window_s: int) -> int:
        """Count one request of ``bucket`` in ``window``; the count expires with the window."""
        ...


class InProcessWindowCounter:
    """Counts in a dict; windows other than the current one are dropped as time moves on.

    Examples
    --------
    >>> import asyncio
    >>> counter = InProcessWindowCounter()
    >>> [asyncio.run(counter.hit("pk:1.2.3.4", 7, 60)) for _ in range(3)]
    [1, 2, 3]
    >>> asyncio.run(counter.hit("pk:1.2.3.4", 8, 60))
    1
    """

    def __init__(self) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}
        # Handlers run on one event loop, but sync code in worker threads may count too.
        self._lock = threading.Lock()

    async def hit(self, bucket: str, window: int, window_s: int) -> int:
        with self._lock:
            if window != self._window:
                # Only the current window matters, so memory stays bounded by active callers.
                self._window = window
                self._counts = {}
            count = self._counts.get(bucket, 0) + 1
            self._counts[bucket] = count
            return count


# INCR and EXPIRE as one script: one command and one reply per storefront request, where
# a pipeline of the two cost twice the packing and parsing on the request's own path.
_HIT = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return count
"""


class RedisWindowCounter:
    """``INCR`` + ``EXPIRE`` in one server-side script, so every worker sees the same count.

    Parameters
    ----------
    client
        A ``redis.asyncio.Redis`` client.
    prefix
        Namespace of the keys, so several deployments can share one Redis database.

    Examples
    --------
    >>> import redis.asyncio
    >>> counter = RedisWindowCounter(redis.asyncio.Redis.from_url("redis://127.0.0.1:6379/15"))
    >>> counter.key("pk:abc", 42)
    'shopkeeper:ratelimit:42:pk:abc'
    """

    def __init__(self, client: Any, prefix: str = "shopkeeper") -> None:
        self._client = client
        self._prefix = prefix
        self._hit = client.register_script(_HIT)

    def key(self, bucket: str, window: int) -> str:
        return f"{self._prefix}:ratelimit:{window}:{bucket}"

    async def hit(self, bucket: str, window: int, window_s: int) -> int:
        # A little longer than the window: the key must outlive clock skew between workers.
        count = await self._hit(keys=[self.key(bucket, window)], args=[window_s + 5])
        return int(count)


def make_window_counter(redis_url: str | None) -> WindowCounter:
    """Redis when a URL is configured, else in-process."""
    if not redis_url:
        return InProcessWindowCounter()
    import redis.asyncio  # optional dependency: the [redis] extra

    return RedisWindowCounter(redis.asyncio.Redis.from_url(redis_url))
