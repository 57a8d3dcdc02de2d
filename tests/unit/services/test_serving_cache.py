"""The storefront's per-worker cache: values live for the TTL, then are read again."""

from __future__ import annotations

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
