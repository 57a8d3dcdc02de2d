"""The storefront's per-worker cache: values live for the TTL, then are read again."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shopkeeper.services.recommend_rules_apply import ProductFacts
from shopkeeper.services.serving_cache import TTL_SECONDS, ServingCache
from shopkeeper.testing.clock import FakeClock

LAMP = ProductFacts("Lamp", "lights", "Acme", Decimal("10"), None, False, True)


def test_products_are_read_once_per_ttl_and_unknown_ones_remembered() -> None:
    clock = FakeClock(datetime(2026, 11, 26, tzinfo=UTC))
    cache = ServingCache(clock)
    asked: list[list[str]] = []

    def read(skus: list[str]) -> dict[str, ProductFacts]:
        asked.append(skus)
        return {s: LAMP for s in skus if s == "LAMP"}

    assert cache.product_facts(1, ["LAMP", "NOPE"], read) == {"LAMP": LAMP}
    assert cache.product_facts(1, ["LAMP", "NOPE"], read) == {"LAMP": LAMP}
    assert asked == [["LAMP", "NOPE"]]  # the unknown sku did not cost a second query
    assert cache.product_facts(2, ["LAMP"], read) == {"LAMP": LAMP}  # another shop: its own
    clock.advance(seconds=TTL_SECONDS + 1)
    cache.product_facts(1, ["LAMP"], read)
    assert asked[-1] == ["LAMP"]
    assert len(asked) == 3


def test_a_failed_load_is_not_cached() -> None:
    cache = ServingCache(FakeClock(datetime(2026, 11, 26, tzinfo=UTC)))
    calls = []

    def fail() -> int:
        calls.append(1)
        raise LookupError("no such key")

    for _ in range(2):
        with pytest.raises(LookupError):
            cache.remember("key", fail)
    assert len(calls) == 2
    assert cache.remember("key", lambda: 7) == 7


def test_threads_missing_the_same_key_load_it_once() -> None:
    cache = ServingCache(FakeClock(datetime(2026, 11, 26, tzinfo=UTC)))
    loads: list[int] = []

    def slow_load() -> int:
        loads.append(1)
        time.sleep(0.2)  # long enough for the other threads to ask meanwhile
        return 42

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: cache.remember("catalogue", slow_load), range(8)))
    assert results == [42] * 8
    assert len(loads) == 1
