"""The popularity recommender: recency decay, filters, online updates, explanations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shopkeeper.ai.recommend import (
    Interaction,
    InteractionLog,
    PopularityRecommender,
    RecommendQuery,
)
from shopkeeper.core.errors import ErrorCode, InvalidInputError, NotFittedError

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def skus(model: PopularityRecommender, query: RecommendQuery) -> list[str]:
    return [item.sku for item in model.predict(query)]


def test_recently_popular_item_outranks_one_that_was_popular_long_ago() -> None:
    # OLD sold 10 units 60 days ago; NEW sold 4 units in the last two days.
    records = [Interaction("OLD", days_ago(60), 10.0)] + [
        Interaction("NEW", days_ago(d), 1.0) for d in (0.5, 1, 1.5, 2)
    ]
    log = InteractionLog.from_records(records, as_of=NOW)
    assert skus(PopularityRecommender(half_life_days=14).fit(log), RecommendQuery(k=2)) == [
        "NEW",
        "OLD",
    ]
    # With a very long half-life the raw volume wins again: the decay is what decides.
    assert skus(PopularityRecommender(half_life_days=10_000).fit(log), RecommendQuery(k=2)) == [
        "OLD",
        "NEW",
    ]


def test_score_halves_after_one_half_life() -> None:
    log = InteractionLog.from_records(
        [Interaction("A", days_ago(7), 8.0), Interaction("B", days_ago(0), 1.0)], as_of=NOW
    )
    ranking = PopularityRecommender(half_life_days=7).fit(log).predict(RecommendQuery(k=2))
    assert {item.sku: item.score for item in ranking} == pytest.approx({"A": 4.0, "B": 1.0})


def test_exclude_and_category_filter() -> None:
    records = [Interaction(s, days_ago(1), w) for s, w in [("A", 5), ("B", 4), ("C", 3), ("D", 2)]]
    log = InteractionLog.from_records(
        records, categories={"A": "tea", "B": "coffee", "C": "tea", "D": "tea"}, as_of=NOW
    )
    model = PopularityRecommender().fit(log)
    assert skus(model, RecommendQuery(k=2, exclude=frozenset({"A"}))) == ["B", "C"]
    assert skus(model, RecommendQuery(k=5, category="tea")) == ["A", "C", "D"]
    assert skus(model, RecommendQuery(k=5, category="tea", exclude=frozenset({"C"}))) == [
        "A",
        "D",
    ]
    assert skus(model, RecommendQuery(k=5, category="cheese")) == []


def test_window_drops_old_interactions() -> None:
    log = InteractionLog.from_records(
        [Interaction("OLD", days_ago(100), 50.0), Interaction("NEW", days_ago(1), 1.0)], as_of=NOW
    )
    model = PopularityRecommender(window_days=90).fit(log)
    assert skus(model, RecommendQuery(k=5)) == ["NEW"]


def test_update_matches_a_refit_with_the_new_event() -> None:
    base = [Interaction("A", days_ago(3), 3.0), Interaction("B", days_ago(1), 2.0, "view")]
    later = Interaction("B", NOW + timedelta(days=2), 2.0)
    online = PopularityRecommender(half_life_days=5).fit(InteractionLog.from_records(base))
    online.update(later)
    refit = PopularityRecommender(half_life_days=5).fit(InteractionLog.from_records([*base, later]))
    got = online.predict(RecommendQuery(k=5))
    want = refit.predict(RecommendQuery(k=5))
    assert [i.sku for i in got] == [i.sku for i in want] == ["B", "A"]
    assert [i.score for i in got] == pytest.approx([i.score for i in want])


def test_explanation_names_sales_views_and_decay() -> None:
    log = InteractionLog.from_records(
        [Interaction("A", days_ago(1), 2.0, "sale"), Interaction("A", days_ago(1), 1.0, "view")],
        as_of=NOW,
    )
    model = PopularityRecommender().fit(log)
    query = RecommendQuery(k=1)
    explanation = model.explain(query, model.predict(query))
    names = [f.name for f in explanation.factors]
    assert names[:2] == ["recent_sales", "recent_views"]
    assert "recency_decay" in names
    assert "A" in explanation.summary


def test_empty_log_fits_and_recommends_nothing() -> None:
    model = PopularityRecommender().fit(InteractionLog.from_records([]))
    query = RecommendQuery(k=3)
    assert model.predict(query) == ()
    assert model.explain(query, ()).summary


def test_not_fitted_and_invalid_input_codes() -> None:
    with pytest.raises(NotFittedError) as caught:
        PopularityRecommender().predict(RecommendQuery())
    assert caught.value.code is ErrorCode.NOT_FITTED
    with pytest.raises(InvalidInputError):
        RecommendQuery(k=0)
    with pytest.raises(InvalidInputError):
        PopularityRecommender(half_life_days=0).fit(InteractionLog.from_records([]))


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        InteractionLog.from_records([Interaction("A", datetime(2026, 1, 1), 1.0)])
