"""UTC everywhere: aware timestamps are converted, naive ones refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.core.clock import SystemClock, ensure_utc

OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)


@given(st.datetimes(timezones=OFFSETS))
def test_aware_datetimes_keep_their_instant_and_become_utc(moment: datetime) -> None:
    converted = ensure_utc(moment)
    assert converted.utcoffset() == timedelta(0)
    assert converted == moment
    assert ensure_utc(converted) == converted


@given(st.datetimes())
def test_naive_datetimes_are_refused(moment: datetime) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        ensure_utc(moment)


def test_system_clock_is_utc() -> None:
    assert SystemClock().now().tzinfo is UTC
