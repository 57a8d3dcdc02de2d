"""A visitor's live session, read from the session store and folded into session signals.

The session store (in-process or Redis) is the state: recording an event through
:func:`shopkeeper.services.events.record_events` appends to it, and the very next
:func:`read_live_session` folds it, so an event changes the next recommendation without
refitting anything. Folding the store's at most
:data:`~shopkeeper.data.session_store.MAX_INTERACTIONS` steps is a few microseconds each.
"""

from __future__ import annotations

from shopkeeper.ai.recommend.session_signals import LiveSession, SessionStep
from shopkeeper.data.session_store import Interaction
from shopkeeper.services.runtime import Runtime


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
    return LiveSession.from_steps(to_step(step) for step in steps)
