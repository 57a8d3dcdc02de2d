"""Competitor prices of confirmed matches as ``competitor_price.<competitor>`` signals.

The observations stay the record of what was seen; the signals are what the forecasts read,
so they hold only the prices of products the owner (or the sender) said are ours. Each
point carries its match's id in ``meta`` so a later reject or re-confirm removes exactly the
points that match wrote, and no point another match or another sender wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.data.tables import CompetitorMatchRow, CompetitorObservationRow, SignalRow
from shopkeeper.domain.competitor_prices import signal_name
from shopkeeper.domain.signals import Granularity, SignalPointIn
from shopkeeper.services.signals import upsert_signal


def price_point(match: CompetitorMatchRow, observation: CompetitorObservationRow) -> SignalPointIn:
    """The signal point of one observed price of a confirmed match (sku = ours)."""
    if match.sku is None:
        raise ValueError(f"match {match.id} has no sku of ours")
    return SignalPointIn(
        name=signal_name(match.competitor),
        ts=datetime.combine(observation.observed_on, time(0), tzinfo=UTC),
        # The signals table stores floats; the Decimal price stays in the observation.
        value=float(observation.price),
        granularity=Granularity.DAILY,
        sku=match.sku,
        meta={
            "competitor": match.competitor,
            "currency": observation.currency,
            "match_id": match.id,
        },
    )


def write_price(
    session: Session,
    clock: Clock,
    match: CompetitorMatchRow,
    observation: CompetitorObservationRow,
) -> None:
    """Upsert the signal point of one observation, in the caller's transaction."""
    upsert_signal(session, clock, match.shop_id, price_point(match, observation))


def write_all_prices(session: Session, clock: Clock, match: CompetitorMatchRow) -> int:
    """Upsert a point for every observation of ``match`` (retroactively, on confirm)."""
    observations = session.scalars(
        select(CompetitorObservationRow)
        .where(CompetitorObservationRow.match_id == match.id)
        .order_by(CompetitorObservationRow.observed_on)
    ).all()
    for observation in observations:
        write_price(session, clock, match, observation)
    return len(observations)


def remove_prices(session: Session, match: CompetitorMatchRow) -> int:
    """Delete the points ``match`` wrote for its current sku; returns how many."""
    if match.sku is None:
        return 0
    rows = session.scalars(
        select(SignalRow).where(
            SignalRow.shop_id == match.shop_id,
            SignalRow.name == signal_name(match.competitor),
            SignalRow.sku == match.sku,
        )
    ).all()
    # Filtered here rather than in SQL: JSON paths differ between SQLite and PostgreSQL,
    # and one competitor's series for one sku is small.
    mine = [row for row in rows if (row.meta or {}).get("match_id") == match.id]
    for row in mine:
        session.delete(row)
    session.flush()
    return len(mine)
