"""KPI periods: local calendar days turned into UTC bounds, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.core.errors import ErrorCode, InvalidInputError
from shopkeeper.services.kpis import Period

PARIS = ZoneInfo("Europe/Paris")


def test_a_period_spanning_the_autumn_clock_change_has_a_25_hour_day() -> None:
    # 25 Oct 2026: Paris goes from UTC+2 to UTC+1.
    period = Period.ending(datetime(2026, 10, 26, 12, tzinfo=UTC), PARIS, 2)
    assert period.first_day == date(2026, 10, 25)
    assert period.start == datetime(2026, 10, 24, 22, tzinfo=UTC)
    assert period.end == datetime(2026, 10, 26, 23, tzinfo=UTC)
    assert (period.end - period.start).total_seconds() == 49 * 3600


def test_the_local_day_not_the_utc_day_decides() -> None:
    # 23:30 UTC on 24 Nov is already 25 Nov in Paris.
    period = Period.ending(datetime(2026, 11, 24, 23, 30, tzinfo=UTC), PARIS, 1)
    assert period.days == [date(2026, 11, 25)]
    assert period.local_day(datetime(2026, 11, 24, 23, 15, tzinfo=UTC)) == date(2026, 11, 25)


def test_zero_days_is_refused() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Period.ending(datetime(2026, 1, 1, tzinfo=UTC), PARIS, 0)
    assert caught.value.code is ErrorCode.INVALID_INPUT


@given(
    now=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
    days=st.integers(min_value=1, max_value=120),
    zone=st.sampled_from(["Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC"]),
)
def test_now_is_always_inside_its_period_of_exactly_n_local_days(
    now: datetime, days: int, zone: str
) -> None:
    period = Period.ending(now, ZoneInfo(zone), days)
    assert period.start <= now < period.end
    assert len(period.days) == days
    assert period.local_day(period.start) == period.first_day
