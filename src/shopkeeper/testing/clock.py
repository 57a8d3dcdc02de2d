"""A clock tests move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shopkeeper.core.clock import ensure_utc


class FakeClock:
    """A settable UTC clock.

    Examples
    --------
    >>> clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    >>> clock.advance(hours=2).hour
    2
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = ensure_utc(start) if start else datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = ensure_utc(moment)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now
