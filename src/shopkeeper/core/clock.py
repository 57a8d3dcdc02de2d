"""Injected UTC time, so tests decide what "now" is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as a timezone-aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock.

    Examples
    --------
    >>> SystemClock().now().tzinfo is UTC
    True
    """

    def now(self) -> datetime:
        return datetime.now(UTC)


def ensure_utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC; naive datetimes are refused because their zone is a guess.

    Examples
    --------
    >>> from datetime import timedelta, timezone
    >>> ensure_utc(datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=1)))).hour
    11
    """
    if moment.tzinfo is None:
        raise ValueError("timestamp has no time zone; send ISO 8601 with an offset, e.g. 'Z'")
    return moment.astimezone(UTC)
