"""A visitor's live session, read from the session store and folded into session signals.

The session store (in-process or Redis) is the state: recording an event through
:func:`shopkeeper.services.events.record_events` appends to it, and the very next
:func:`read_live_session` folds it, so an event changes the next recommendation without
refitting anything. Folding the store's at most
:data:`~shopkeeper.data.session_store.MAX_INTERACTIONS` steps is a few microseconds each.

A session the store does not hold (the in-process store after a restart, a session from
an import) is read once from the ``events`` table and put in the store.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from shopkeeper.ai.recommend.session_signals import LiveSession, SessionStep
from shopkeeper.data.session_store import MAX_INTERACTIONS, Interaction
from shopkeeper.data.tables import EventRow
from shopkeeper.domain.events import EventType
from shopkeeper.services.runtime import Runtime

# What the shop showed, not what the visitor did: kept out of the live session, where a
# carousel's worth of impressions per page would push the visitor's own steps out.
NOT_LIVE = frozenset({EventType.RECOMMENDATION_IMPRESSION.value})


def to_step(interaction: Interaction) -> SessionStep:
    """The session-signals view of one stored interaction.

    Examples
    --------
    >>> to_step(Interaction("scroll", 3.0, sku="A", scroll_pct=80.0)).scroll_pct
    80.0
    """
    return SessionStep(
        type=interaction.type,
        at=interaction.at,
        sku=interaction.sku,
        dwell_ms=interaction.dwell_ms,
        query=interaction.query,
        quantity=interaction.quantity,
        scroll_pct=interaction.scroll_pct,
        region=interaction.region,
    )


def read_live_session(runtime: Runtime, shop_id: int, session_id: str | None) -> LiveSession:
    """The session's signals so far; an empty session when ``session_id`` is empty or unknown.

    Examples
    --------
    >>> from shopkeeper.core.config import Settings
    >>> rt = Runtime.from_settings(Settings(database_url="sqlite://"))
    >>> rt.session_store.append_many(1, {"s1": [Interaction("add_to_cart", 1.0, sku="MUG")]})
    >>> read_live_session(rt, 1, "s1").cart
    ('MUG',)
    >>> read_live_session(rt, 1, None).items
    ()
    """
    if not session_id:
        return LiveSession()
    steps = runtime.session_store.recent(shop_id, session_id)
    if not steps:
        steps = _stored_steps(runtime, shop_id, session_id)
        if steps:
            runtime.session_store.append_many(shop_id, {session_id: steps})
    return LiveSession.from_steps(to_step(step) for step in steps)


def _stored_steps(runtime: Runtime, shop_id: int, session_id: str) -> list[Interaction]:
    """The session's latest recorded events, oldest first, as the store would hold them."""
    with runtime.sessions() as session:
        rows = session.execute(
            select(
                EventRow.type,
                EventRow.occurred_at,
                EventRow.sku,
                EventRow.dwell_ms,
                EventRow.query,
                EventRow.quantity,
                EventRow.scroll_pct,
                EventRow.context,
            )
            .where(
                EventRow.shop_id == shop_id,
                EventRow.session_id == session_id,
                EventRow.type.not_in(NOT_LIVE),
            )
            .order_by(EventRow.occurred_at.desc(), EventRow.id.desc())
            .limit(MAX_INTERACTIONS)
        ).all()
    return [
        Interaction(
            type=kind,
            # SQLite hands back naive datetimes; every stored time is UTC.
            at=(at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp(),
            sku=sku,
            dwell_ms=dwell_ms,
            query=query,
            quantity=quantity,
            scroll_pct=scroll_pct,
            region=(context or {}).get("region"),
        )
        for kind, at, sku, dwell_ms, query, quantity, scroll_pct, context in reversed(rows)
    ]
