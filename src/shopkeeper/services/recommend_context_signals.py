"""The signals the context re-ranker reads: regional weather, local events, searches.

The fit reads them for its whole history; a live request reads one local day's weather
and the weeks of searches before it, held for an hour per shop and day (a feed may
correct a value, and requests of one day all need the same rows).
"""

from __future__ import annotations

import threading
import weakref
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import select

from shopkeeper.ai.recommend.context_features import WeatherTable
from shopkeeper.ai.recommend.context_search import (
    BASE_DAYS,
    RECENT_DAYS,
    SEARCH_PREFIX,
    SearchCounts,
)
from shopkeeper.data.tables import SignalRow
from shopkeeper.services import signals
from shopkeeper.services.models import ModelCache
from shopkeeper.services.runtime import Runtime

WEATHER_SIGNALS = ("weather.temp_c", "weather.precip_mm", "local_event")
WEATHER_TTL = timedelta(hours=1)


def weather_table(runtime: Runtime, shop_id: int, start: datetime, end: datetime) -> WeatherTable:
    """Regional weather and local events from ``start`` to ``end``."""
    with runtime.sessions() as session:
        parts = [
            signals.as_frame(session, shop_id, name, start=start, end=end).assign(name=name)
            for name in WEATHER_SIGNALS
        ]
    return WeatherTable.from_signals(pd.concat(parts, ignore_index=True))


def search_counts(runtime: Runtime, shop_id: int, start: datetime, end: datetime) -> SearchCounts:
    """The shop-wide ``search_trend.*`` points (per category) from ``start`` to ``end``."""
    with runtime.sessions() as session:
        rows = session.execute(
            select(SignalRow.name, SignalRow.ts, SignalRow.value, SignalRow.sku, SignalRow.meta)
            .where(SignalRow.shop_id == shop_id, SignalRow.name.like(f"{SEARCH_PREFIX}%"))
            .where(SignalRow.sku == "", SignalRow.ts >= start, SignalRow.ts < end)
        ).all()
    frame = pd.DataFrame(rows, columns=["name", "ts", "value", "sku", "meta"])
    return SearchCounts.from_signals(frame)


_Held = dict[tuple[int, date], tuple[datetime, WeatherTable, SearchCounts]]
_weather_cache: weakref.WeakKeyDictionary[ModelCache, _Held] = weakref.WeakKeyDictionary()
_weather_lock = threading.Lock()


def signals_on(
    runtime: Runtime, models: ModelCache, shop_id: int, day: date
) -> tuple[WeatherTable, SearchCounts]:
    """One local day's weather in every region and the searches of the weeks before it,
    re-read hourly (a feed may correct them)."""
    now = runtime.clock.now()
    with _weather_lock:
        held = _weather_cache.setdefault(models, {})
        hit = held.get((shop_id, day))
    if hit is not None and now - hit[0] < WEATHER_TTL:
        return hit[1], hit[2]
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    table = weather_table(runtime, shop_id, start, start + timedelta(hours=23, minutes=59))
    searches = search_counts(
        runtime, shop_id, start - timedelta(days=RECENT_DAYS + BASE_DAYS + 1), start
    ).around(day)
    with _weather_lock:
        if len(held) > 1024:  # days go by: forget old ones rather than grow forever
            held.clear()
        held[(shop_id, day)] = (now, table, searches)
    return table, searches
