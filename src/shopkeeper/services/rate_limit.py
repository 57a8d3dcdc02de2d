"""Fixed-window rate limits for storefront callers (publishable key + client IP)."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from shopkeeper.core.clock import Clock
from shopkeeper.data.rate_limit import WindowCounter


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one request against its limit."""

    allowed: bool
    limit: int
    remaining: int
    retry_after_s: int


def bucket_for(raw_key: str | None, client_ip: str) -> str:
    """The counter a request belongs to; the key is hashed so it never sits in Redis in clear.

    Examples
    --------
    >>> bucket_for(None, "10.0.0.1")
    'anon:10.0.0.1'
    >>> bucket_for("pk_abc", "10.0.0.1").startswith("key:")
    True
    """
    if not raw_key:
        return f"anon:{client_ip}"
    digest = hashlib.sha256(raw_key.encode("utf-8")).hexdigest()[:24]
    return f"key:{digest}:{client_ip}"


class RateLimiter:
    """At most ``limit`` requests per bucket in each window of ``window_s`` seconds.

    A fixed window may let through up to twice the limit across a window edge; that is
    accepted because it needs one counter per caller and one round trip to Redis.

    Examples
    --------
    >>> import asyncio
    >>> from datetime import UTC, datetime
    >>> from shopkeeper.data.rate_limit import InProcessWindowCounter
    >>> from shopkeeper.testing.clock import FakeClock
    >>> clock = FakeClock(datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC))
    >>> limiter = RateLimiter(InProcessWindowCounter(), clock, limit=2)
    >>> [asyncio.run(limiter.check("anon:ip")).allowed for _ in range(3)]
    [True, True, False]
    >>> asyncio.run(limiter.check("anon:ip")).retry_after_s
    30
    """

    def __init__(
        self, counter: WindowCounter, clock: Clock, *, limit: int, window_s: int = 60
    ) -> None:
        if limit < 1 or window_s < 1:
            raise ValueError("limit and window_s must be positive")
        self.counter = counter
        self.clock = clock
        self.limit = limit
        self.window_s = window_s

    async def check(self, bucket: str) -> RateDecision:
        """Count this request and say whether it is within the limit."""
        now = self.clock.now().timestamp()
        window = int(now // self.window_s)
        count = await self.counter.hit(bucket, window, self.window_s)
        retry_after = max(1, math.ceil((window + 1) * self.window_s - now))
        return RateDecision(
            allowed=count <= self.limit,
            limit=self.limit,
            remaining=max(0, self.limit - count),
            retry_after_s=retry_after,
        )
