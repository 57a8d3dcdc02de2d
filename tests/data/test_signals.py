"""External signals: per-point validation, idempotent upsert with corrections, reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select

from shopkeeper.core.errors import ErrorCode, InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import SignalRow
from shopkeeper.domain.shops import Shop
from shopkeeper.domain.signals import MAX_SIGNALS_PER_BATCH, Granularity, SignalPointIn
from shopkeeper.services import signals
from shopkeeper.services.runtime import Runtime

pytestmark = pytest.mark.postgres

DAY1 = datetime(2026, 3, 1, tzinfo=UTC)
DAY2 = datetime(2026, 3, 2, tzinfo=UTC)


def point(**overrides: Any) -> dict[str, Any]:
    return {"name": "weather.temp_c", "ts": "2026-03-01T14:30:00Z", "value": 11.5} | overrides


def record(runtime: Runtime, shop: Shop, points: list[Any]) -> signals.SignalBatchResult:
    return signals.record_signals(
        runtime.sessions, runtime.clock, shop_id=shop.id, raw_points=points
    )


def stored(runtime: Runtime, shop_id: int) -> list[tuple[str, str, str, datetime, float]]:
    with transaction(runtime.sessions) as session:
        rows = session.execute(
            select(SignalRow.name, SignalRow.region, SignalRow.sku, SignalRow.ts, SignalRow.value)
            .where(SignalRow.shop_id == shop_id)
            .order_by(SignalRow.name, SignalRow.ts, SignalRow.region, SignalRow.sku)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_each_bad_point_is_rejected_with_its_reason_and_the_rest_stored(
    runtime: Runtime, shop: Shop
) -> None:
    batch = [
        point(),
        point(name="Weather.Temp"),
        point(ts="2026-03-01T10:00:00"),
        point(value="warm"),
        point(value=float("inf")),
        point(value=True),
        point(granularity="weekly"),
        point(meta={"note": "x" * 5000}),
        point(colour="blue"),
        "not an object",
        point(ts="2031-01-01"),  # years ahead of the clock: a typo, not a forecast
        point(name="social_mentions", sku="TEE-1", value=14),
    ]
    result = record(runtime, shop, batch)
    assert result.stored == 2
    reasons = {r.index: r.reason for r in result.rejected}
    assert sorted(reasons) == list(range(1, 11))
    assert reasons[1].startswith("name:")
    assert "timezone" in reasons[2]
    assert reasons[3].startswith("value:")
    assert "finite" in reasons[4]
    assert "true/false" in reasons[5]
    assert reasons[6].startswith("granularity:")
    assert "4096 bytes" in reasons[7]
    assert "colour" in reasons[8]
    assert reasons[10].startswith("ts:")
    assert "ahead" in reasons[10]
    assert result.rejected[0].name == "Weather.Temp"
    assert [(r[0], r[2], r[4]) for r in stored(runtime, shop.id)] == [
        ("social_mentions", "TEE-1", 14.0),
        ("weather.temp_c", "", 11.5),
    ]


def test_too_large_a_batch_is_refused_as_a_whole(runtime: Runtime, shop: Shop) -> None:
    with pytest.raises(InvalidInputError) as caught:
        record(runtime, shop, [point()] * (MAX_SIGNALS_PER_BATCH + 1))
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert stored(runtime, shop.id) == []


def test_resending_is_idempotent_and_a_new_value_corrects_the_old(
    runtime: Runtime, shop: Shop, other_shop: Shop
) -> None:
    batch = [
        point(region="Bretagne", meta={"station": "A"}),
        point(region="Alsace", value=4.0),
        point(ts="2026-03-02T09:00:00Z", region="Bretagne", value=9.0),
    ]
    assert record(runtime, shop, batch).stored == 3
    assert record(runtime, shop, batch).stored == 3
    assert len(stored(runtime, shop.id)) == 3

    # A revised reading, sent at another hour of the same day, replaces the stored one.
    correction = point(ts="2026-03-01T23:59:00Z", region="Bretagne", value=12.25, meta={})
    record(runtime, shop, [correction])
    with transaction(runtime.sessions) as session:
        row = session.scalars(
            select(SignalRow).where(SignalRow.region == "Bretagne", SignalRow.ts == DAY1)
        ).one()
        assert (row.value, row.meta) == (12.25, {})
        assert session.scalar(select(func.count(SignalRow.id))) == 3

    # The same key in another shop is another series.
    record(runtime, other_shop, [point(region="Bretagne", value=-1.0)])
    assert [r[4] for r in stored(runtime, other_shop.id)] == [-1.0]
    assert len(stored(runtime, shop.id)) == 3


def test_a_key_twice_in_one_batch_keeps_the_later_value(runtime: Runtime, shop: Shop) -> None:
    result = record(runtime, shop, [point(value=1.0), point(value=2.0), point(value=3.0)])
    assert result.stored == 1
    assert [r[4] for r in stored(runtime, shop.id)] == [3.0]


def test_timestamps_are_normalised_to_the_day_or_the_hour() -> None:
    paris_midnight = SignalPointIn.model_validate(point(ts="2026-03-01T00:00:00+01:00"))
    assert paris_midnight.ts == DAY1  # the date as written, not 28 February in UTC
    late_evening = SignalPointIn.model_validate(point(ts="2026-03-01T23:30:00-05:00"))
    assert late_evening.ts == DAY1
    date_only = SignalPointIn.model_validate(point(ts="2026-03-02"))
    assert date_only.ts == DAY2
    hourly = SignalPointIn.model_validate(
        point(ts="2026-03-01T10:45:30+02:00", granularity="hourly")
    )
    assert hourly.ts == datetime(2026, 3, 1, 8, tzinfo=UTC)
    assert hourly.granularity is Granularity.HOURLY


def test_hourly_points_of_one_hour_share_a_row(runtime: Runtime, shop: Shop) -> None:
    record(
        runtime,
        shop,
        [
            point(ts="2026-03-01T10:05:00Z", granularity="hourly", value=1.0),
            point(ts="2026-03-01T10:55:00Z", granularity="hourly", value=2.0),
            point(ts="2026-03-01T11:00:00Z", granularity="hourly", value=3.0),
        ],
    )
    rows = stored(runtime, shop.id)
    assert [(r[3].hour, r[4]) for r in rows] == [(10, 2.0), (11, 3.0)]


@pytest.fixture
def weather(runtime: Runtime, shop: Shop) -> None:
    days = [DAY1 + timedelta(days=n) for n in range(5)]
    points = [
        point(ts=day.isoformat(), region=region, value=base + n)
        for n, day in enumerate(days)
        for region, base in (("Bretagne", 10.0), ("Alsace", 0.0), ("", 5.0))
    ]
    points.append(point(name="competitor_price", sku="TEE-1", value=19.9))
    points.append(point(name="competitor_price", sku="MUG-1", value=8.5, ts="2026-03-03"))
    assert record(runtime, shop, points).rejected == []


@pytest.mark.usefixtures("weather")
def test_series_reads_one_series_within_inclusive_bounds(
    runtime: Runtime, shop: Shop, other_shop: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        brittany = signals.series(
            session,
            shop.id,
            "weather.temp_c",
            region="Bretagne",
            start=DAY2,
            end=DAY1 + timedelta(days=3),
        )
        shop_wide = signals.series(session, shop.id, "weather.temp_c")
        mug = signals.series(session, shop.id, "competitor_price", sku="MUG-1")
        elsewhere = signals.series(session, other_shop.id, "weather.temp_c", region="Bretagne")
    assert brittany == [
        (DAY2, 11.0),
        (DAY1 + timedelta(days=2), 12.0),
        (DAY1 + timedelta(days=3), 13.0),
    ]
    assert [v for _, v in shop_wide] == [5.0, 6.0, 7.0, 8.0, 9.0]
    assert mug == [(datetime(2026, 3, 3, tzinfo=UTC), 8.5)]
    assert elsewhere == []


@pytest.mark.usefixtures("weather")
def test_as_frame_returns_every_region_unless_filtered(runtime: Runtime, shop: Shop) -> None:
    with transaction(runtime.sessions) as session:
        everything = signals.as_frame(session, shop.id, "weather.temp_c")
        alsace = signals.as_frame(session, shop.id, "weather.temp_c", region="Alsace", end=DAY2)
        products = signals.as_frame(session, shop.id, "competitor_price")
        nothing = signals.as_frame(session, shop.id, "search_trend")
    assert list(everything.columns) == ["ts", "region", "sku", "value"]
    assert len(everything) == 15
    assert str(everything["ts"].dt.tz) == "UTC"
    assert set(everything["region"]) == {"Bretagne", "Alsace", ""}
    assert everything["ts"].is_monotonic_increasing
    assert alsace["value"].tolist() == [0.0, 1.0]
    assert alsace["ts"].tolist() == [pd.Timestamp(DAY1), pd.Timestamp(DAY2)]
    assert products.set_index("sku")["value"].to_dict() == {"TEE-1": 19.9, "MUG-1": 8.5}
    assert nothing.empty
    assert list(nothing.columns) == ["ts", "region", "sku", "value"]


@pytest.mark.usefixtures("weather")
def test_list_names_counts_points_and_periods(runtime: Runtime, shop: Shop) -> None:
    with transaction(runtime.sessions) as session:
        names = {n.name: n for n in signals.list_names(session, shop.id)}
    assert set(names) == {"weather.temp_c", "competitor_price"}
    temp = names["weather.temp_c"]
    assert (temp.points, temp.first_ts, temp.last_ts) == (15, DAY1, DAY1 + timedelta(days=4))
    assert (temp.regions, temp.skus) == (2, 0)
    prices = names["competitor_price"]
    assert (prices.points, prices.regions, prices.skus) == (2, 0, 2)
    assert prices.known
    assert temp.known
