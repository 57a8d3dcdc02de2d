"""The item-transition recommender: successors, exclusions, explanations, fallback."""

from __future__ import annotations

import pytest

from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.recommend.transitions import ItemTransitionRecommender
from shopkeeper.core.errors import InvalidInputError, NotFittedError

# After "tent" people nearly always open "pegs"; "lamp" follows now and then; "mug" is the
# most popular item overall but never follows "tent".
LOG = SessionLog(
    sessions=(
        ("tent", "pegs"),
        ("tent", "pegs", "lamp"),
        ("tent", "lamp"),
        ("tent", "pegs"),
        ("mug", "cup"),
        ("mug", "cup"),
        ("mug",),
        ("mug", "spoon"),
        ("mug",),
        ("kettle", "mug"),
    )
)


def skus(model: ItemTransitionRecommender, query: SessionQuery) -> list[str]:
    return [item.sku for item in model.predict(query)]


def test_the_usual_successor_ranks_first() -> None:
    model = ItemTransitionRecommender().fit(LOG)
    assert skus(model, SessionQuery(items=("tent",), k=2)) == ["pegs", "lamp"]
    assert skus(model, SessionQuery(items=("mug",), k=1)) == ["cup"]


def test_the_most_recent_item_weighs_most() -> None:
    model = ItemTransitionRecommender(history=2, history_decay=0.1).fit(LOG)
    # Both items vote, but "tent" was opened last, so its successor leads.
    assert skus(model, SessionQuery(items=("mug", "tent"), k=1)) == ["pegs"]
    assert skus(model, SessionQuery(items=("tent", "mug"), k=1)) == ["cup"]


def test_window_counts_later_clicks_with_less_weight() -> None:
    log = SessionLog(sessions=(("a", "b", "c"), ("a", "b", "c"), ("a", "d")))
    near = ItemTransitionRecommender(window=1).fit(log)
    far = ItemTransitionRecommender(window=2).fit(log)
    assert [s.sku for s in near.predict(SessionQuery(items=("a",), k=3))][:2] == ["b", "d"]
    ranking = {s.sku: s.score for s in far.predict(SessionQuery(items=("a",), k=3))}
    assert ranking == pytest.approx({"b": 2.0, "c": 1.0, "d": 1.0})


def test_exclude_removes_items_from_rules_and_fallback() -> None:
    model = ItemTransitionRecommender().fit(LOG)
    found = skus(model, SessionQuery(items=("tent",), k=5, exclude=frozenset({"pegs", "mug"})))
    assert "pegs" not in found
    assert "mug" not in found
    assert found[0] == "lamp"
    assert len(found) == 5


def test_popularity_fills_up_to_k_below_every_rule_score() -> None:
    model = ItemTransitionRecommender().fit(LOG)
    ranking = model.predict(SessionQuery(items=("tent",), k=6))
    assert [s.sku for s in ranking][:2] == ["pegs", "lamp"]
    # The rest is by number of sessions: mug (6), tent (4), cup (2), ...
    assert [s.sku for s in ranking][2:5] == ["mug", "tent", "cup"]
    scores = [s.score for s in ranking]
    assert scores == sorted(scores, reverse=True)
    assert min(scores[:2]) > max(scores[2:])


def test_unknown_or_empty_session_gets_popular_items() -> None:
    model = ItemTransitionRecommender().fit(LOG)
    assert skus(model, SessionQuery(items=("never-seen",), k=2)) == ["mug", "tent"]
    assert skus(model, SessionQuery(items=(), k=2)) == ["mug", "tent"]
    summary = model.explain(SessionQuery(items=(), k=2), model.predict(SessionQuery(items=())))
    assert "Popular" in summary.summary


def test_explain_names_the_session_item_that_contributed_most() -> None:
    model = ItemTransitionRecommender(history=2).fit(LOG)
    query = SessionQuery(items=("mug", "tent"), k=2)
    explanation = model.explain(query, model.predict(query))
    assert explanation.summary.startswith("Because you viewed tent")
    assert explanation.factors[0].name == "viewed:tent"


def test_predict_before_fit_and_bad_settings_are_refused() -> None:
    with pytest.raises(NotFittedError):
        ItemTransitionRecommender().predict(SessionQuery(items=("a",)))
    with pytest.raises(InvalidInputError):
        ItemTransitionRecommender(window=0).fit(LOG)
    with pytest.raises(InvalidInputError):
        ItemTransitionRecommender(history_decay=0.0).fit(LOG)
