"""Recording storefront events: validated one by one, stored once, reflected in live state."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.data.session_store import Interaction, SessionStore
from shopkeeper.data.tables import EventRow
from shopkeeper.domain.events import MAX_EVENTS_PER_BATCH, EventIn
from shopkeeper.services.live_session import NOT_LIVE

# Client clocks drift; anything further ahead than this is a bug, not drift.
MAX_CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class RejectedEvent:
    index: int
    event_id: str | None
    reason: str


@dataclass
class BatchResult:
    """What happened to each event of a batch."""

    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[RejectedEvent] = field(default_factory=list)


def _reason(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        parts.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    return "; ".join(parts)


def validate_batch(
    raw_events: list[Any], clock: Clock
) -> tuple[list[EventIn], list[RejectedEvent]]:
    """Split a batch into valid events and per-event rejections with a reason each."""
    if len(raw_events) > MAX_EVENTS_PER_BATCH:
        raise InvalidInputError(
            f"a batch holds at most {MAX_EVENTS_PER_BATCH} events, got {len(raw_events)}",
            limit=MAX_EVENTS_PER_BATCH,
        )
    latest_allowed = clock.now() + MAX_CLOCK_SKEW
    valid: list[EventIn] = []
    rejected: list[RejectedEvent] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_events):
        raw_id = raw.get("event_id") if isinstance(raw, dict) else None
        event_id = str(raw_id) if raw_id is not None else None
        try:
            event = EventIn.model_validate(raw)
        except ValidationError as exc:
            rejected.append(RejectedEvent(index, event_id, _reason(exc)))
            continue
        if event.occurred_at > latest_allowed:
            rejected.append(RejectedEvent(index, event_id, "occurred_at is in the future"))
            continue
        key = str(event.event_id)
        if key in seen:
            # Same id twice in one batch: the second is a duplicate, not an error.
            continue
        seen.add(key)
        valid.append(event)
    return valid, rejected


def _row(shop_id: int, event: EventIn, received_at: Any) -> dict[str, Any]:
    return {
        "shop_id": shop_id,
        "event_id": str(event.event_id),
        "type": event.type.value,
        "session_id": event.session_id,
        "customer_external_id": event.customer_id,
        "sku": event.sku,
        "occurred_at": event.occurred_at,
        "received_at": received_at,
        "dwell_ms": event.dwell_ms,
        "scroll_pct": event.scroll_pct,
        "query": event.query,
        "quantity": event.quantity,
        "order_external_id": event.order_id,
        "rec_request_id": event.rec_request_id,
        "context": event.context.model_dump(exclude_none=True),
    }


def _insert_ignoring_duplicates(dialect: str) -> Insert:
    statement = postgresql.insert(EventRow) if dialect == "postgresql" else sqlite.insert(EventRow)
    return statement.on_conflict_do_nothing(index_elements=["shop_id", "event_id"]).returning(
        EventRow.event_id
    )


def record_events(
    sessions: sessionmaker[Session],
    clock: Clock,
    store: SessionStore,
    *,
    shop_id: int,
    raw_events: list[Any],
) -> BatchResult:
    """Store a batch idempotently and update live session state with the new events.

    Events already stored (same ``event_id`` for this shop) are reported as duplicates and
    do not touch the session state again, so a retried batch changes nothing. Live state is
    updated only after the rows are committed, so it never shows an event that was lost.
    """
    valid, rejected = validate_batch(raw_events, clock)
    result = BatchResult(rejected=rejected)
    if not valid:
        return result
    now = clock.now()
    rows = [_row(shop_id, e, now) for e in valid]
    with transaction(sessions) as session:
        statement = _insert_ignoring_duplicates(session.get_bind().dialect.name)
        inserted = set(session.scalars(statement, rows).all())
    live: dict[str, list[Interaction]] = defaultdict(list)
    for event in valid:
        key = str(event.event_id)
        if key not in inserted:
            result.duplicates.append(key)
            continue
        result.accepted.append(key)
        if event.type.value in NOT_LIVE:
            continue
        live[event.session_id].append(
            Interaction(
                type=event.type.value,
                at=event.occurred_at.timestamp(),
                sku=event.sku,
                dwell_ms=event.dwell_ms,
                query=event.query,
                quantity=event.quantity,
                scroll_pct=event.scroll_pct,
                region=event.context.region,
            )
        )
    if live:
        store.append_many(shop_id, live)
    return result


def session_events(
    session: Session, *, shop_id: int, session_id: str, limit: int = 200
) -> list[EventRow]:
    query = (
        select(EventRow)
        .where(EventRow.shop_id == shop_id, EventRow.session_id == session_id)
        .order_by(EventRow.occurred_at)
        .limit(limit)
    )
    return list(session.scalars(query))
