"""Which web origins may call a shop's storefront routes from a browser (CORS)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shopkeeper.core.clock import Clock
from shopkeeper.data.tables import ApiKeyRow, ShopRow
from shopkeeper.services.access.api_keys import hash_key

_ANY_SHOP = -1
_MAX_CACHED_KEYS = 10_000


def normalise_origin(origin: str) -> str:
    """Origins compare without a trailing slash and case-insensitively (scheme and host).

    Examples
    --------
    >>> normalise_origin("HTTPS://Shop.Example/")
    'https://shop.example'
    """
    return origin.strip().rstrip("/").lower()


class OriginPolicy:
    """Allowed origins per shop, read from ``shops.allowed_origins`` and kept ``ttl_s`` seconds.

    An owner's edit of the list takes effect within ``ttl_s`` on every worker without a
    database read per request. ``allows`` may query the database; ``allows_cached`` never
    does and answers ``None`` when it would have to, so async callers can avoid blocking.

    Examples
    --------
    >>> from shopkeeper.data.database import make_engine, make_session_factory
    >>> from shopkeeper.core.clock import SystemClock
    >>> policy = OriginPolicy(make_session_factory(make_engine("sqlite://")), SystemClock())
    >>> policy.allows_cached("https://shop.example", None) is None
    True
    """

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, ttl_s: float = 30.0) -> None:
        self._sessions = sessions
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_s)
        self._origins: dict[int, tuple[datetime, frozenset[str]]] = {}
        self._key_shops: dict[str, tuple[datetime, int]] = {}
        self._lock = threading.Lock()

    def allows_cached(self, origin: str, raw_key: str | None) -> bool | None:
        """Like :meth:`allows` from the cache only; ``None`` when the cache cannot tell."""
        now = self._clock.now()
        with self._lock:
            shop_id = _ANY_SHOP
            if raw_key:
                cached_shop = self._key_shops.get(hash_key(raw_key))
                if cached_shop is None or cached_shop[0] <= now:
                    return None
                shop_id = cached_shop[1]
            cached = self._origins.get(shop_id)
            if cached is None or cached[0] <= now:
                return None
            return normalise_origin(origin) in cached[1]

    def allows(self, origin: str, raw_key: str | None) -> bool:
        """Whether ``origin`` may call with ``raw_key``'s shop, or with any shop when no key.

        An unknown or revoked key is judged like no key: the route itself answers 401, and
        the browser should be able to read that answer.
        """
        shop_id = self._shop_of_key(raw_key) if raw_key else _ANY_SHOP
        return normalise_origin(origin) in self._origins_of(shop_id)

    def _shop_of_key(self, raw_key: str) -> int:
        digest = hash_key(raw_key)
        now = self._clock.now()
        with self._lock:
            cached = self._key_shops.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        with self._sessions() as session:
            found = session.scalar(
                select(ApiKeyRow.shop_id).where(
                    ApiKeyRow.key_hash == digest, ApiKeyRow.revoked_at.is_(None)
                )
            )
        shop_id = found if found is not None else _ANY_SHOP
        with self._lock:
            if len(self._key_shops) >= _MAX_CACHED_KEYS:
                # Random keys sent by a prober must not grow the cache without bound.
                self._key_shops.clear()
            self._key_shops[digest] = (now + self._ttl, shop_id)
        return shop_id

    def _origins_of(self, shop_id: int) -> frozenset[str]:
        now = self._clock.now()
        with self._lock:
            cached = self._origins.get(shop_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        query = select(ShopRow.allowed_origins)
        if shop_id != _ANY_SHOP:
            query = query.where(ShopRow.id == shop_id)
        with self._sessions() as session:
            lists = session.scalars(query).all()
        origins = frozenset(normalise_origin(o) for listed in lists for o in (listed or []))
        with self._lock:
            self._origins[shop_id] = (now + self._ttl, origins)
        return origins
