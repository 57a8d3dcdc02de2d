"""Features of (request context, candidate) pairs for the context re-ranker.

The request context is the moment and place of a recommendation: local hour, weekday,
month, and the weather and local events of the visitor's region that day. A raw context
value is the same for every candidate of one request, so on its own it cannot reorder
them. What reorders them is an *item-by-context interaction*: for each context dimension,
the candidate's category's log-lift in the current bucket (how much more of the category
sold in, say, rainy-day orders than overall). One number per dimension generalises across
categories (a category one-hot crossed with every bucket would need 22 x 30 sparse
columns and far more data), new categories get zero lift, and the lifts are smoothed
towards zero with pseudo-counts so a bucket seen a few times cannot invent an effect.
The ranker then learns how far to trust each lift against the generator's own score.

Both the service and the benchmark call :func:`build_context_stats`,
:func:`request_context` and :func:`candidate_features`, so they compute features alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

from shopkeeper.ai.recommend.context_lifts import (
    DIMENSIONS,
    daily_buckets,
    estimate_lifts,
    window_baseline,
)
from shopkeeper.ai.recommend.context_search import SearchCounts
from shopkeeper.ai.recommend.popularity import PopularityRecommender
from shopkeeper.ai.recommend.ranking import ScoredSku

FloatArray = npt.NDArray[np.float64]

GENERATOR_FEATURES = ("session_score", "popularity_score", "generator_rank", "from_session")
ITEM_FEATURES = ("price_vs_category", "in_stock")
CONTEXT_FEATURES = (
    "trend",
    "search_trend",
    "lift_rain",
    "lift_heat",
    "lift_hour",
    "lift_weekday",
    "lift_season",
    "lift_event",
)
ALL_FEATURES = GENERATOR_FEATURES + ITEM_FEATURES + CONTEXT_FEATURES
TREND_RECENT_DAYS = 7
TREND_BASE_DAYS = 28


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Where and when one recommendation is asked, with its bucket per dimension.

    Examples
    --------
    >>> ctx = RequestContext(day=date(2026, 5, 3), hour=20, weekday=6, month=5,
    ...                      temp_c=12.0, precip_mm=8.0, event_k=0.0)
    >>> ctx.buckets()["rain"], ctx.buckets()["hour"]
    (2, 3)
    >>> RequestContext(day=date(2026, 5, 3), hour=9, weekday=6, month=5,
    ...                precip_mm=20.0).buckets()["rain"]
    3
    """

    day: date
    hour: int
    weekday: int  # Monday = 0
    month: int  # January = 1
    temp_c: float | None = None
    precip_mm: float | None = None
    event_k: float = 0.0

    def buckets(self) -> dict[str, int]:
        """The bucket of each dimension; unknown weather counts as dry and mild."""
        precip = self.precip_mm or 0.0
        temp = 13.0 if self.temp_c is None else self.temp_c
        return {
            "rain": (precip >= 0.5) + (precip >= 5.0) + (precip >= 15.0),
            "heat": (temp >= 8.0) + (temp >= 18.0) + (temp >= 24.0),
            "hour": min(self.hour // 6, 3),
            "weekday": self.weekday,
            "season": self.month - 1,
            "event": int(self.event_k > 0),
        }


@dataclass(frozen=True)
class ContextStats:
    """Category lifts per context bucket and daily sales per sku, learned from orders.

    ``lifts[dim]`` is (categories, buckets) of smoothed log-lifts; ``daily`` is
    (days, skus) of units sold per local day from ``first_day`` on, for the trend;
    ``by_day[dim]`` is (days, buckets) of order lines, for :meth:`baseline`.
    """

    time_zone: str
    categories: tuple[str, ...]
    sku_category: dict[str, int]
    lifts: dict[str, FloatArray]
    first_day: date
    daily: FloatArray
    sku_index: dict[str, int]
    price_ratio: dict[str, float] = field(default_factory=dict)
    by_day: dict[str, FloatArray] = field(default_factory=dict)

    def baseline(
        self, as_of: date, half_life_days: float, window_days: float
    ) -> dict[str, FloatArray]:
        """Each category's lifts averaged over the orders of the weeks before ``as_of``."""
        if not self.by_day:
            return {dim: np.zeros(len(self.categories)) for dim in self.lifts}
        return window_baseline(
            self.lifts, self.by_day, self.first_day, as_of, half_life_days, window_days
        )


@dataclass(frozen=True)
class WeatherTable:
    """Daily (temperature, precipitation, event attendance) per (local day, region)."""

    values: dict[tuple[date, str], tuple[float | None, float | None, float]]

    @classmethod
    def from_signals(cls, frame: pd.DataFrame) -> WeatherTable:
        """Read ``weather.temp_c``, ``weather.precip_mm`` and ``local_event`` rows.

        ``frame`` has columns ``name, region, ts, value``; a daily signal's ``ts`` is the
        local day at midnight, so its date is the day.
        """
        values: dict[tuple[date, str], list[float | None]] = {}
        slot = {"weather.temp_c": 0, "weather.precip_mm": 1, "local_event": 2}
        for name, region, ts, value in frame[["name", "region", "ts", "value"]].itertuples(
            index=False
        ):
            if name not in slot or not region:
                continue
            key = (pd.Timestamp(ts).date(), str(region))
            row = values.setdefault(key, [None, None, 0.0])
            row[slot[name]] = float(value)
        return cls({k: (v[0], v[1], float(v[2] or 0.0)) for k, v in values.items()})

    def at(self, day: date, region: str | None) -> tuple[float | None, float | None, float]:
        if not region:
            return None, None, 0.0
        return self.values.get((day, region), (None, None, 0.0))


def request_context(
    at: datetime, region: str | None, weather: WeatherTable, time_zone: str
) -> RequestContext:
    """The context of a request at ``at`` (aware, any zone) from ``region``."""
    local = pd.Timestamp(at if at.tzinfo else at.replace(tzinfo=UTC)).tz_convert(time_zone)
    day = local.date()
    temp, precip, event = weather.at(day, region)
    return RequestContext(day, local.hour, local.dayofweek, local.month, temp, precip, event)


def popularity_baseline(
    stats: ContextStats, popularity: PopularityRecommender | None, window_days: float
) -> dict[str, FloatArray] | None:
    """The lifts the popularity model already reflects: what features are read against.

    ``None`` (plain lifts) without a fitted popularity model.
    """
    as_of = getattr(popularity, "as_of_", None)
    if popularity is None or as_of is None:
        return None
    day = pd.Timestamp(as_of).tz_convert(stats.time_zone).date()
    return stats.baseline(day, popularity.half_life_days, popularity.window_days or window_days)


def _bucket_rows(contexts: Sequence[RequestContext]) -> dict[str, npt.NDArray[np.int64]]:
    rows = [c.buckets() for c in contexts]
    return {dim: np.array([r[dim] for r in rows], dtype=np.int64) for dim in DIMENSIONS}


def build_context_stats(
    sales: pd.DataFrame,
    categories: Mapping[str, str],
    prices: Mapping[str, float],
    weather: WeatherTable,
    time_zone: str,
) -> ContextStats:
    """Learn lifts and daily sales from ``sales`` (columns ``sku, at, region, quantity``).

    Each sale counts once per line, whatever its quantity, in the buckets of its own
    context: its local hour and day, and the weather of its shipping region that day.
    """
    names = tuple(sorted({c for c in categories.values() if c}))
    index = {c: i for i, c in enumerate(names)}
    sku_category = {s: index[c] for s, c in categories.items() if c in index}
    known = sales[sales["sku"].isin(sku_category)]
    contexts = [
        request_context(t.to_pydatetime(), r, weather, time_zone)
        for t, r in zip(pd.to_datetime(known["at"], utc=True), known["region"], strict=True)
    ]
    cat = np.array([sku_category[s] for s in known["sku"]], dtype=np.int64)
    buckets = _bucket_rows(contexts)
    months = np.array([12 * c.day.year + c.month for c in contexts], dtype=np.int64)
    lifts = estimate_lifts(cat, buckets, months, len(names))
    skus = sorted(categories)
    sku_index = {s: i for i, s in enumerate(skus)}
    days = [c.day for c in contexts]
    first = min(days) if days else date(2000, 1, 1)
    n_days = (max(days) - first).days + 1 if days else 1
    daily = np.zeros((n_days, len(skus)))
    offsets = np.array([(d - first).days for d in days], dtype=np.int64)
    columns = np.array([sku_index[s] for s in known["sku"]], dtype=np.int64)
    np.add.at(daily, (offsets, columns), known["quantity"].to_numpy(dtype=np.float64))
    return ContextStats(
        time_zone,
        names,
        sku_category,
        lifts,
        first,
        daily,
        sku_index,
        _price_ratio(categories, prices),
        daily_buckets(buckets, offsets, n_days),
    )


def _price_ratio(categories: Mapping[str, str], prices: Mapping[str, float]) -> dict[str, float]:
    """Log of each price over its category's median: cheap for its kind is below zero."""
    frame = pd.DataFrame(
        {"sku": list(prices), "price": [max(float(p), 0.01) for p in prices.values()]}
    )
    frame["category"] = frame["sku"].map(lambda s: categories.get(s, ""))
    median = frame.groupby("category")["price"].transform("median")
    return dict(zip(frame["sku"], np.log(frame["price"] / median), strict=True))


def _trends(stats: ContextStats, columns: npt.NDArray[np.int64], day: date) -> FloatArray:
    """Log ratio of last week's daily sales to the four weeks before ``day`` (exclusive).

    One value per column of ``stats.daily`` (``-1``: a sku without sales history, 0).
    A request after the data ends reads the last weeks the data has.
    """
    end = max(min((day - stats.first_day).days, stats.daily.shape[0]), 0)
    known = columns >= 0
    base_rows = stats.daily[max(end - TREND_BASE_DAYS, 0) : end]
    recent = base_rows[-TREND_RECENT_DAYS:] if end else base_rows
    per_day_recent = recent[:, columns[known]].sum(axis=0) / TREND_RECENT_DAYS
    per_day_base = base_rows[:, columns[known]].sum(axis=0) / TREND_BASE_DAYS
    out = np.zeros(len(columns))
    out[known] = np.log((per_day_recent + 0.05) / (per_day_base + 0.05))
    return out


def candidate_features(
    stats: ContextStats,
    context: RequestContext,
    candidates: Sequence[ScoredSku],
    session_scores: Mapping[str, float],
    popularity_scores: Mapping[str, float],
    in_stock: Mapping[str, bool] | None = None,
    baseline: Mapping[str, FloatArray] | None = None,
    searches: SearchCounts | None = None,
    names: Sequence[str] = ALL_FEATURES,
) -> FloatArray:
    """One row per candidate, in candidate order, one column per feature of ``names``.

    Scores are divided by the best of the request so they read alike whatever the scale
    of the model that produced them; ``generator_rank`` is the candidate's position.
    Lifts are read against ``baseline`` (from :func:`popularity_baseline`) when given;
    ``search_trend`` is the candidate's category's (zero without ``searches``).
    Computed column by column, and only the columns asked for (a re-ranker fitted
    without context features reads six): this runs on every live request.
    """
    skus = [c.sku for c in candidates]
    wanted = frozenset(names)
    out = np.zeros((len(skus), len(ALL_FEATURES)))
    if not skus:
        return out[:, [ALL_FEATURES.index(n) for n in names]]
    column = ALL_FEATURES.index
    if "session_score" in wanted:
        session = np.array([session_scores.get(s, 0.0) for s in skus])
        if session.max() > 0:
            out[:, column("session_score")] = session / session.max()
    if "popularity_score" in wanted:
        popular = np.array([popularity_scores.get(s, 0.0) for s in skus])
        if popular.max() > 0:
            out[:, column("popularity_score")] = popular / popular.max()
    out[:, column("generator_rank")] = np.arange(len(skus))
    if "from_session" in wanted:
        out[:, column("from_session")] = [s in session_scores for s in skus]
    if "price_vs_category" in wanted:
        out[:, column("price_vs_category")] = [stats.price_ratio.get(s, 0.0) for s in skus]
    if "in_stock" in wanted:
        out[:, column("in_stock")] = [
            True if in_stock is None else in_stock.get(s, True) for s in skus
        ]
    if "trend" in wanted:
        sales_columns = np.array([stats.sku_index.get(s, -1) for s in skus], dtype=np.int64)
        out[:, column("trend")] = _trends(stats, sales_columns, context.day)
    category = np.array([stats.sku_category.get(s, -1) for s in skus], dtype=np.int64)
    known = category >= 0
    if searches is not None and "search_trend" in wanted:
        by_category = searches.trend(stats.categories, context.day)
        out[known, column("search_trend")] = by_category[category[known]]
    for dim, bucket in context.buckets().items():
        if f"lift_{dim}" not in wanted:
            continue
        # A category the stats never saw has no lift: zero.
        lift = stats.lifts[dim][category[known], bucket]
        if baseline is not None:
            lift = lift - baseline[dim][category[known]]
        out[known, column(f"lift_{dim}")] = lift
    if tuple(names) == ALL_FEATURES:
        return out
    return out[:, [ALL_FEATURES.index(n) for n in names]]
