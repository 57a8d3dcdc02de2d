"""Lifts compared within the month keep the weather apart from the season; baselines subtract
what the popularity window already saw; searches read per category; the re-ranker's first
trees ignore context."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.recommend.context_features import ALL_FEATURES, CONTEXT_FEATURES
from shopkeeper.ai.recommend.context_lifts import DIMENSIONS, estimate_lifts, window_baseline
from shopkeeper.ai.recommend.context_ranker import (
    ContextRankQuery,
    LambdaRankContextRanker,
    RankingGroups,
    sample,
)
from shopkeeper.ai.recommend.context_search import SearchCounts


def _orders(
    rain_effect: float, seed: int = 0
) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Two categories over two months; the wet month sells more umbrellas (category 0).

    Within each month rain changes the umbrella share by ``rain_effect`` (a ratio).
    """
    rng = np.random.default_rng(seed)
    month = np.repeat([0, 1], 20_000)
    wet_share = np.where(month == 1, 0.7, 0.1)  # month 1 is the rainy season
    raining = rng.random(len(month)) < wet_share
    base = np.where(month == 1, 0.4, 0.1)  # ... and the umbrella season
    share = np.clip(base * np.where(raining, rain_effect, 1.0), 0, 1)
    category = (rng.random(len(month)) >= share).astype(np.int64)
    buckets = {d: np.zeros(len(month), dtype=np.int64) for d in DIMENSIONS}
    buckets["rain"] = np.where(raining, 2, 0)
    buckets["season"] = month
    return category, buckets, month


def test_rain_lift_within_the_month_does_not_relearn_the_season() -> None:
    category, buckets, month = _orders(rain_effect=1.0)
    within = estimate_lifts(category, buckets, month, 2)["rain"][0, 2]
    pooled = estimate_lifts(category, buckets, np.zeros_like(month), 2)["rain"][0, 2]
    # Rain does nothing here; only the season makes rainy days look good for umbrellas.
    assert abs(within) < 0.05
    assert pooled > 0.3


def test_rain_lift_within_the_month_finds_a_real_rain_effect() -> None:
    category, buckets, month = _orders(rain_effect=1.5)
    rain = estimate_lifts(category, buckets, month, 2)["rain"]
    # Lifts are against each month's mix of wet and dry days: compare wet with dry.
    assert rain[0, 2] > 0 > rain[0, 0]
    assert rain[0, 2] - rain[0, 0] > np.log(1.3)


def test_baseline_follows_the_buckets_of_the_window_weighted_by_age() -> None:
    lifts = {d: np.zeros((1, n)) for d, n in DIMENSIONS.items()}
    lifts["season"][0, 9] = 0.6  # October
    by_day = {d: np.zeros((60, n)) for d, n in DIMENSIONS.items()}
    by_day["season"][:30, 8] = 10.0  # September
    by_day["season"][30:, 9] = 10.0  # October
    first = date(2026, 9, 1)
    slow = window_baseline(lifts, by_day, first, date(2026, 10, 31), 1e6, 90)["season"][0]
    fast = window_baseline(lifts, by_day, first, date(2026, 10, 31), 3.0, 90)["season"][0]
    early = window_baseline(lifts, by_day, first, date(2026, 10, 5), 1e6, 90)["season"][0]
    assert abs(slow - 0.3) < 0.01  # half the orders in October
    assert fast > 0.55  # recent days dominate
    assert early < 0.1  # four October days in thirty-four
    empty = window_baseline(lifts, by_day, first, first, 3.0, 90)["season"][0]
    assert empty == 0.0


def test_first_trees_are_the_plain_model_and_later_ones_use_only_context() -> None:
    data = sample(0).data
    plain_names = tuple(n for n in ALL_FEATURES if n not in CONTEXT_FEATURES)
    columns = [ALL_FEATURES.index(n) for n in plain_names]
    plain = LambdaRankContextRanker(n_estimators=20, seed=1).fit(
        RankingGroups(data.features[:, columns], data.group_sizes, data.chosen, plain_names)
    )
    both = LambdaRankContextRanker(n_estimators=20, context_estimators=10, seed=1).fit(data)
    booster = both.trees_.booster
    assert booster.num_trees() == 30
    rows = data.features[:60]
    first = booster.predict(rows, num_iteration=20)
    assert np.allclose(first, plain.trees_.booster.predict(rows[:, columns]))
    used = {
        ALL_FEATURES[i]
        for i, gain in enumerate(
            booster.feature_importance("split", iteration=None) - _importance(booster, upto=20)
        )
        if gain > 0
    }
    assert used
    assert used <= set(CONTEXT_FEATURES)
    query = ContextRankQuery(("A", "B"), rows[:2], sample(0).queries[0].context)
    assert len(both.predict(query)) == 2


def _importance(booster: object, upto: int) -> np.ndarray:
    """Split counts of the first ``upto`` trees."""
    from lightgbm import Booster

    assert isinstance(booster, Booster)
    return np.asarray(booster.feature_importance("split", iteration=upto))


def test_search_counts_read_categories_and_skip_per_product_rows() -> None:
    days = pd.date_range("2026-05-01", periods=40, freq="D", tz="UTC")
    rows = [
        {"name": "search_trend.umbrellas", "ts": ts, "value": 10.0, "sku": "", "meta": {}}
        for ts in days
    ]
    rows += [  # the category named in meta, a late jump, and a per-product row to ignore
        {
            "name": "search_trend.x",
            "ts": ts,
            "value": 5.0 + 20.0 * (i >= 37),
            "sku": "",
            "meta": {"category": "books"},
        }
        for i, ts in enumerate(days)
    ]
    rows.append(
        {"name": "search_trend.umbrellas", "ts": days[-1], "value": 999.0, "sku": "U-1", "meta": {}}
    )
    counts = SearchCounts.from_signals(pd.DataFrame(rows))
    trend = counts.trend(("umbrellas", "books", "toys"), date(2026, 6, 10))
    assert trend[0] == pytest.approx(0.0)
    assert trend[1] > np.log(3.0)
    assert trend[2] == 0.0
    assert counts.around(date(2026, 6, 10)).trend(("books",), date(2026, 6, 10))[0] == trend[1]
