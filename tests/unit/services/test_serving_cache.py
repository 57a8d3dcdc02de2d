"""The storefront's per-worker cache: values live for the TTL, then are read again."""

from __future__ import annotations

import threading
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


def test_an_expired_value_is_served_while_one_background_thread_reloads_it() -> None:
    clock = FakeClock(datetime(2026, 11, 26, tzinfo=UTC))
    cache = ServingCache(clock)
    assert cache.remember("catalogue", lambda: "old", in_background=True) == "old"
    clock.advance(seconds=TTL_SECONDS + 1)
    started, release = threading.Event(), threading.Event()
    reloads: list[int] = []

    def slow_reload() -> str:
        reloads.append(1)
        started.set()
        release.wait(timeout=10)
        return "new"

    # Answered at once from the expired value, not after the reload.
    assert cache.remember("catalogue", slow_reload, in_background=True) == "old"
    assert started.wait(timeout=10)
    assert cache.remember("catalogue", slow_reload, in_background=True) == "old"
    release.set()
    cache.wait_for_reloads()
    assert cache.remember("catalogue", lambda: "unexpected") == "new"
    assert len(reloads) == 1  # the second ask did not start another reload


def test_a_failed_reload_forgets_the_value_so_the_next_caller_sees_the_error() -> None:
    clock = FakeClock(datetime(2026, 11, 26, tzinfo=UTC))
    cache = ServingCache(clock)
    cache.remember("key", lambda: "valid", in_background=True)
    clock.advance(seconds=TTL_SECONDS + 1)

    def revoked() -> str:
        raise LookupError("revoked")

    assert (
        cache.remember("key", revoked, in_background=True) == "valid"
    )  # the reload fails in the background
    cache.wait_for_reloads()
    with pytest.raises(LookupError):
        cache.remember("key", revoked, in_background=True)
