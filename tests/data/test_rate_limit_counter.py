"""The Redis window counter: one script call counts and sets the key's expiry."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis
import redis.asyncio

from shopkeeper.data.rate_limit import RedisWindowCounter
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="Redis not configured (SHOPKEEPER_TEST_REDIS_URL unset)"
)


def _counter() -> RedisWindowCounter:
    assert REDIS_URL
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    return RedisWindowCounter(client, prefix=f"t{uuid.uuid4().hex[:8]}")


def test_counts_go_up_per_bucket_and_window_and_the_key_expires() -> None:
    async def run() -> tuple[list[int], RedisWindowCounter]:
        counter = _counter()  # made inside the loop its connections belong to
        counts = [await counter.hit("key:a", 7, 60) for _ in range(3)]
        counts.append(await counter.hit("key:b", 7, 60))
        counts.append(await counter.hit("key:a", 8, 60))
        return counts, counter

    counts, counter = asyncio.run(run())
    assert counts == [1, 2, 3, 1, 1]
    assert REDIS_URL
    assert 60 < redis.Redis.from_url(REDIS_URL).ttl(counter.key("key:a", 7)) <= 65


def test_counting_goes_on_after_the_server_forgets_the_script() -> None:
    async def run() -> list[int]:
        counter = _counter()
        first = await counter.hit("key:a", 1, 60)
        assert REDIS_URL
        await redis.asyncio.Redis.from_url(REDIS_URL).script_flush()
        return [first, await counter.hit("key:a", 1, 60)]

    assert asyncio.run(run()) == [1, 2]
