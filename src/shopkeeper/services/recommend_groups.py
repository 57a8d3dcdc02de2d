"""Who is served what: a session's recommendation group, and the latest sessions to inspect.

A configurable share of sessions is held out and served popularity only; the group is a
hash of the session id under the shop's salt, so it stays the same for every request of
a visit, on every worker, without being stored per session.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from shopkeeper.data.tables import EventRow, ProductRow
from shopkeeper.domain.proposals import Capability
from shopkeeper.services import holdout
from shopkeeper.services.holdout import Group
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.serving_cache import HoldoutSetting, ServingCache
from shopkeeper.services.shops import get_shop

RECENT_SESSIONS = 20
_BROWSING = ("view", "click", "add_to_cart")


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RecentSession:
    """A recent storefront session and the products it looked at, latest last.

    Examples
    --------
    >>> s = RecentSession("s-1", datetime(2026, 11, 25, tzinfo=UTC), Group.TREATMENT,
    ...                   [("TEE-1", "Linen tee")])
    >>> s.viewed[-1][1]
    'Linen tee'
    """

    session_id: str
    last_seen: datetime
    group: Group
    viewed: list[tuple[str, str]]  # (sku, title)


def grouper(salt: str, share: float) -> Callable[[str], Group]:
    """A session's group, hashed once per session however many events it has."""

    @functools.cache
    def group(session_id: str) -> Group:
        return holdout.group_for(session_id, Capability.RECOMMEND, salt, share)

    return group


def serving_group(
    runtime: Runtime, shop_id: int, session_id: str | None, cache: ServingCache | None = None
) -> Group:
    """The recommendation group a visitor's session is served in.

    Holdout sessions are served popularity only; a request without a session id cannot be
    held out consistently, so it is treated (it gets popularity anyway: no session items).
    With ``cache`` the shop's salt and share are reused for a few seconds.
    """
    if not session_id:
        return Group.TREATMENT

    def load() -> HoldoutSetting:
        with runtime.sessions() as session:
            salt = get_shop(session, shop_id).holdout_salt
            return HoldoutSetting(
                salt, holdout.holdout_share(session, shop_id, Capability.RECOMMEND)
            )

    setting = load() if cache is None else cache.holdout(shop_id, load)
    return holdout.group_for(session_id, Capability.RECOMMEND, setting.salt, setting.share)


def recent_sessions(
    runtime: Runtime, shop_id: int, *, limit: int = RECENT_SESSIONS, also: str | None = None
) -> list[RecentSession]:
    """The latest sessions with browsing events, newest first, with what each looked at.

    ``also`` names a session to include even when it is not among the ``limit`` latest
    (one typed in by hand); it is left out only if it never browsed a product.
    """
    with runtime.sessions() as session:
        shop = get_shop(session, shop_id)
        share = holdout.holdout_share(session, shop_id, Capability.RECOMMEND)
        browsing = (
            EventRow.shop_id == shop_id,
            EventRow.type.in_(_BROWSING),
            EventRow.sku.is_not(None),
        )
        last = func.max(EventRow.occurred_at)
        by_session = (
            select(EventRow.session_id, last).where(*browsing).group_by(EventRow.session_id)
        )
        latest = list(
            session.execute(by_session.order_by(last.desc(), EventRow.session_id).limit(limit))
        )
        if also and all(session_id != also for session_id, _ in latest):
            latest += session.execute(by_session.where(EventRow.session_id == also)).all()
        ids = [session_id for session_id, _ in latest]
        steps = session.execute(
            select(EventRow.session_id, EventRow.sku, func.coalesce(ProductRow.title, EventRow.sku))
            .outerjoin(
                ProductRow,
                (ProductRow.shop_id == EventRow.shop_id) & (ProductRow.sku == EventRow.sku),
            )
            .where(*browsing, EventRow.session_id.in_(ids))
            .order_by(EventRow.occurred_at, EventRow.id)
        ).all()
    group = grouper(shop.holdout_salt, share)
    viewed: dict[str, dict[str, str]] = defaultdict(dict)
    for session_id, sku, title in steps:
        sku = str(sku)
        # Re-inserting moves a product viewed again to the end: latest last, each once.
        viewed[session_id].pop(sku, None)
        viewed[session_id][sku] = title
    return [
        RecentSession(
            session_id=session_id,
            last_seen=as_utc(last_seen),
            group=group(session_id),
            viewed=list(viewed[session_id].items()),
        )
        for session_id, last_seen in latest
    ]
