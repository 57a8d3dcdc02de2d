"""Recording and reading external signals (weather, local events, trends, competitor prices).

Points are validated one by one like storefront events, but stored the other way round on a
repeat: a point for a series and period already held replaces the stored value, because a
resent point is usually a correction (a weather station's revised reading, a re-scraped price).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import ColumnElement, Insert, distinct, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import SignalRow
from shopkeeper.domain.schemas import Page
from shopkeeper.domain.signals import (
    MAX_SIGNALS_PER_BATCH,
    SignalNamePublic,
    SignalPointIn,
    SignalPointPublic,
)

UNIQUE_KEY = ("shop_id", "name", "region", "sku", "ts")
# Forecasts and planned events are welcome ahead of time, but not this far: a point dated
# years ahead is a typo (2062 for 2026) that would sit in every future training window.
MAX_AHEAD = timedelta(days=366)
MAX_PAGE = 10_000
FRAME_COLUMNS = ["ts", "region", "sku", "value"]


@dataclass(frozen=True, slots=True)
class RejectedPoint:
    """A point of a batch that was not stored: its position, its name if readable, why."""

    index: int
    name: str | None
    reason: str


@dataclass
class SignalBatchResult:
    """What happened to a batch: how many points were stored, and each rejection.

    Examples
    --------
    >>> SignalBatchResult(stored=2).rejected
    []
    """

    stored: int = 0
    rejected: list[RejectedPoint] = field(default_factory=list)


def _reason(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def check_horizon(point: SignalPointIn, clock: Clock) -> None:
    """Refuse a point dated more than :data:`MAX_AHEAD` after now."""
    if point.ts > clock.now() + MAX_AHEAD:
        raise InvalidInputError(
            f"ts {point.ts.date().isoformat()} is more than {MAX_AHEAD.days} days ahead",
            ts=point.ts.isoformat(),
        )


def validate_points(
    raw_points: list[Any], clock: Clock
) -> tuple[list[SignalPointIn], list[RejectedPoint]]:
    """Split a batch into valid points and per-point rejections with a reason each.

    Two points of one batch with the same series and period keep the later one, as if they
    had been sent one after the other.
    """
    if len(raw_points) > MAX_SIGNALS_PER_BATCH:
        raise InvalidInputError(
            f"a batch holds at most {MAX_SIGNALS_PER_BATCH} points, got {len(raw_points)}",
            limit=MAX_SIGNALS_PER_BATCH,
        )
    valid: dict[tuple[str, str, str, datetime], SignalPointIn] = {}
    rejected: list[RejectedPoint] = []
    for index, raw in enumerate(raw_points):
        raw_name = raw.get("name") if isinstance(raw, dict) else None
        name = str(raw_name)[:100] if raw_name is not None else None
        try:
            point = SignalPointIn.model_validate(raw)
        except ValidationError as exc:
            rejected.append(RejectedPoint(index, name, _reason(exc)))
            continue
        try:
            check_horizon(point, clock)
        except InvalidInputError as exc:
            rejected.append(RejectedPoint(index, name, f"ts: {exc.message}"))
            continue
        # Re-inserting the key moves it last; PostgreSQL refuses one row updated twice
        # by a single statement, so each key may appear only once.
        valid.pop(point.key, None)
        valid[point.key] = point
    return list(valid.values()), rejected


def _row(shop_id: int, point: SignalPointIn) -> dict[str, Any]:
    return {
        "shop_id": shop_id,
        "name": point.name,
        "granularity": point.granularity.value,
        "region": point.region,
        "sku": point.sku,
        "ts": point.ts,
        "value": point.value,
        "meta": point.meta,
    }


def _upsert(dialect: str) -> Insert:
    statement = (
        postgresql.insert(SignalRow) if dialect == "postgresql" else sqlite.insert(SignalRow)
    )
    return statement.on_conflict_do_update(
        index_elements=list(UNIQUE_KEY),
        set_={
            "value": statement.excluded.value,
            "granularity": statement.excluded.granularity,
            "meta": statement.excluded.meta,
        },
    )


def record_signals(
    sessions: sessionmaker[Session],
    clock: Clock,
    *,
    shop_id: int,
    raw_points: list[Any],
) -> SignalBatchResult:
    """Validate a batch and upsert its valid points in one transaction.

    Storing the same batch twice leaves the table as storing it once; a point whose series
    and period are already stored replaces the stored value and meta.
    """
    valid, rejected = validate_points(raw_points, clock)
    result = SignalBatchResult(rejected=rejected)
    if not valid:
        return result
    with transaction(sessions) as session:
        statement = _upsert(session.get_bind().dialect.name)
        session.execute(statement, [_row(shop_id, p) for p in valid])
    result.stored = len(valid)
    return result


def upsert_signal(session: Session, clock: Clock, shop_id: int, point: SignalPointIn) -> bool:
    """Store one point in the caller's transaction; True when it was new, False if replaced."""
    check_horizon(point, clock)
    # A range from ts to ts is the one period of the point: its unique key, exactly.
    key = _conditions(shop_id, point.name, point.region, point.sku, point.ts, point.ts)
    row = session.scalar(select(SignalRow).where(*key))
    if row is None:
        session.add(SignalRow(**_row(shop_id, point)))
    else:
        row.value, row.granularity, row.meta = point.value, point.granularity.value, point.meta
    # Flush inside the caller's savepoint so a refusal is reported against this point.
    session.flush()
    return row is None


def _conditions(
    shop_id: int,
    name: str,
    region: str | None,
    sku: str | None,
    start: datetime | None,
    end: datetime | None,
) -> list[ColumnElement[bool]]:
    conditions = [SignalRow.shop_id == shop_id, SignalRow.name == name]
    if region is not None:
        conditions.append(SignalRow.region == region)
    if sku is not None:
        conditions.append(SignalRow.sku == sku)
    if start is not None:
        conditions.append(SignalRow.ts >= start)
    if end is not None:
        conditions.append(SignalRow.ts <= end)
    return conditions


def series(
    session: Session,
    shop_id: int,
    name: str,
    *,
    region: str | None = None,
    sku: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[tuple[datetime, float]]:
    """One series as ``(ts, value)`` pairs in time order, ``start`` and ``end`` included.

    A series is one name, region and sku: ``region=None`` and ``sku=None`` select the
    shop-wide, not-per-product series (stored as ``""``). Use :func:`as_frame` to read
    every region or sku of a name at once.
    """
    query = (
        select(SignalRow.ts, SignalRow.value)
        .where(*_conditions(shop_id, name, region or "", sku or "", start, end))
        .order_by(SignalRow.ts)
    )
    return [(ts, value) for ts, value in session.execute(query)]


def as_frame(
    session: Session,
    shop_id: int,
    name: str,
    *,
    region: str | None = None,
    sku: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> pd.DataFrame:
    """Every point of ``name`` as a frame with columns ``ts, region, sku, value``.

    Unlike :func:`series`, ``None`` here means "any": leave ``region`` out to get all
    regions (one row per region and time), pass ``""`` for the shop-wide rows only.
    ``ts`` is a UTC-aware datetime column, ordered by time, region and sku.
    """
    query = (
        select(SignalRow.ts, SignalRow.region, SignalRow.sku, SignalRow.value)
        .where(*_conditions(shop_id, name, region, sku, start, end))
        .order_by(SignalRow.ts, SignalRow.region, SignalRow.sku)
    )
    frame = pd.DataFrame(session.execute(query).all(), columns=FRAME_COLUMNS)
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame.astype({"region": "string", "sku": "string", "value": "float64"})


def list_points(
    session: Session,
    shop_id: int,
    name: str,
    *,
    region: str | None = None,
    sku: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    offset: int = 0,
    limit: int = 1000,
) -> Page[SignalPointPublic]:
    """A page of the points of ``name`` (``None`` filters mean any), with the total count."""
    conditions = _conditions(shop_id, name, region, sku, start, end)
    total = session.scalar(select(func.count(SignalRow.id)).where(*conditions)) or 0
    query = (
        select(SignalRow)
        .where(*conditions)
        .order_by(SignalRow.ts, SignalRow.region, SignalRow.sku)
        .offset(offset)
        .limit(min(limit, MAX_PAGE))
    )
    data = [
        SignalPointPublic.model_validate(row, from_attributes=True)
        for row in session.scalars(query)
    ]
    return Page[SignalPointPublic](data=data, count=total)


def list_names(session: Session, shop_id: int) -> list[SignalNamePublic]:
    """Each signal name the shop holds, with its point count, period and breadth."""
    query = (
        select(
            SignalRow.name,
            func.count(SignalRow.id).label("points"),
            func.min(SignalRow.ts).label("first_ts"),
            func.max(SignalRow.ts).label("last_ts"),
            func.count(distinct(func.nullif(SignalRow.region, ""))).label("regions"),
            func.count(distinct(func.nullif(SignalRow.sku, ""))).label("skus"),
        )
        .where(SignalRow.shop_id == shop_id)
        .group_by(SignalRow.name)
        .order_by(SignalRow.name)
    )
    return [SignalNamePublic.model_validate(row._mapping) for row in session.execute(query)]
