"""What an API worker keeps between storefront requests: short-lived copies of slow rows.

A recommendation request would otherwise read the publishable key, the shop's holdout
setting, its rules and policy, and the facts of every candidate product from the
database: half a dozen round trips for rows that change a few times a day, on the path
the storefront waits for. Each worker keeps them for :data:`TTL_SECONDS`; a change made
elsewhere (a new price, a sold-out product, a rule, a revoked key) shows within that time.
Slow values (a whole catalogue takes tens of milliseconds to read) can be reloaded on a
background thread while requests go on with the old value, so no request waits for them.
Back-office calls and the dashboard read the database directly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from cachetools import TTLCache

from shopkeeper.core.clock import Clock
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.recommend_rules_apply import Policy, ProductFacts, Rule

log = logging.getLogger(__name__)

TTL_SECONDS = 10.0
# A product the shop does not have is remembered too, so an unknown sku costs one query.
_MISSING = object()
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ShopRules:
    """A shop's recommendation rules, policy and currency, as one cached value."""

    rules: tuple[Rule, ...]
    policy: Policy
    currency: str


@dataclass(frozen=True, slots=True)
class HoldoutSetting:
    """The shop's holdout salt and the recommend capability's holdout share."""

    salt: str
    share: float


class ServingCache:
    """Per-worker TTL caches for the storefront's hot path; thread-safe.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from shopkeeper.testing.clock import FakeClock
    >>> clock = FakeClock(datetime(2026, 11, 26, tzinfo=UTC))
    >>> cache = ServingCache(clock)
    >>> cache.remember("k", lambda: 1), cache.remember("k", lambda: 2)
    (1, 1)
    >>> _ = clock.advance(seconds=TTL_SECONDS + 1)
    >>> cache.remember("k", lambda: 2)
    2

    With ``in_background``, an expired value is served while the new one loads:

    >>> cache.remember("slow", lambda: "old", in_background=True)
    'old'
    >>> _ = clock.advance(seconds=TTL_SECONDS + 1)
    >>> cache.remember("slow", lambda: "new", in_background=True)
    'old'
    >>> cache.wait_for_reloads()
    >>> cache.remember("slow", lambda: "newer", in_background=True)
    'new'
    """

    def __init__(
        self, clock: Clock, ttl_seconds: float = TTL_SECONDS, max_items: int = 200_000
    ) -> None:
        def timer() -> float:
            # The injected clock, so tests move time instead of sleeping.
            return clock.now().timestamp()

        self._items: TTLCache[Hashable, object] = TTLCache(max_items, ttl_seconds, timer)
        self._lock = threading.Lock()
        self._loading: dict[Hashable, threading.Lock] = {}
        # The last value of every key ``remember`` loaded, served while it reloads.
        self._last: dict[Hashable, object] = {}
        self._reloads: dict[Hashable, threading.Thread] = {}

    def remember(self, key: Hashable, load: Callable[[], T], *, in_background: bool = False) -> T:
        """The value cached under ``key``, or ``load()``'s, kept for the TTL.

        A missing or expired key is loaded now, by one thread while the others asking for
        it wait. With ``in_background`` an expired value is served as it was while a
        background thread reloads it (a change then shows within the TTL plus one reload):
        ``load`` must not use the caller's resources (its database session), since it may
        run after the caller has returned. A failed reload forgets the old value, so the
        next caller loads it again and sees the error.
        """
        with self._lock:
            found = self._items.get(key, _MISSING)
            if found is not _MISSING:
                return found  # type: ignore[return-value]  # each key holds one type
            stale = self._last.get(key, _MISSING) if in_background else _MISSING
            if stale is not _MISSING:
                if key not in self._reloads:
                    reload = threading.Thread(
                        target=self._reload, args=(key, load), name="serving-cache-reload"
                    )
                    self._reloads[key] = reload
                    reload.start()
                return stale  # type: ignore[return-value]
            loading = self._loading.setdefault(key, threading.Lock())
        # One thread loads while the others asking for the same key wait for its result:
        # when a whole catalogue expires under load, it is read once, not once per thread.
        with loading:
            with self._lock:
                found = self._items.get(key, _MISSING)
            if found is not _MISSING:
                return found  # type: ignore[return-value]
            try:
                value = load()
                self._store(key, value, in_background=in_background)
            finally:
                with self._lock:
                    self._loading.pop(key, None)
        return value

    def _store(self, key: Hashable, value: object, *, in_background: bool) -> None:
        with self._lock:
            self._items[key] = value
            if in_background:
                self._last[key] = value

    def _reload(self, key: Hashable, load: Callable[[], object]) -> None:
        try:
            self._store(key, load(), in_background=True)
        except Exception as exc:  # a background thread has nobody to raise to
            log.info("reloading %r failed, forgotten until asked again: %s", key, exc)
            with self._lock:
                self._last.pop(key, None)
        finally:
            with self._lock:
                self._reloads.pop(key, None)

    def wait_for_reloads(self, timeout: float = 30.0) -> None:
        """Block until the background reloads under way are done (tests, shutdown)."""
        with self._lock:
            running = list(self._reloads.values())
        for reload in running:
            reload.join(timeout)

    def held_principal(self, key_hash: str) -> Principal | None:
        """The cached principal of a publishable key, without loading: for the event loop."""
        with self._lock:
            found = self._items.get(("principal", key_hash))
        return found if isinstance(found, Principal) else None

    def principal(self, key_hash: str, load: Callable[[], Principal]) -> Principal:
        """The principal of a publishable key (by its hash); failures are never cached."""
        return self.remember(("principal", key_hash), load)

    def shop_rules(self, shop_id: int, load: Callable[[], ShopRules]) -> ShopRules:
        """The shop's rules; reloaded in the background (``load`` opens its own session)."""
        return self.remember(("rules", shop_id), load, in_background=True)

    def holdout(self, shop_id: int, load: Callable[[], HoldoutSetting]) -> HoldoutSetting:
        """The holdout setting; reloaded in the background (``load`` opens its own session)."""
        return self.remember(("holdout", shop_id), load, in_background=True)

    def product_facts(
        self,
        shop_id: int,
        skus: Sequence[str],
        load: Callable[[list[str]], Mapping[str, ProductFacts]],
    ) -> dict[str, ProductFacts]:
        """Facts of ``skus`` that exist; the ones not held are loaded in one call."""
        found: dict[str, ProductFacts] = {}
        missing: list[str] = []
        with self._lock:
            for sku in skus:
                held = self._items.get(("product", shop_id, sku), None)
                if held is None:
                    missing.append(sku)
                elif isinstance(held, ProductFacts):
                    found[sku] = held
        if missing:
            loaded = load(missing)
            with self._lock:
                for sku in missing:
                    facts = loaded.get(sku)
                    self._items[("product", shop_id, sku)] = _MISSING if facts is None else facts
            found.update(loaded)
        return found
