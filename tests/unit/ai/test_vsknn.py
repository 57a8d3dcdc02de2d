"""V-SKNN: neighbours by weighted overlap, later clicks first, recent sessions only."""

from __future__ import annotations

import pytest

from shopkeeper.ai.recommend import SessionLog, SessionQuery, VSKNNRecommender
from shopkeeper.core.errors import InvalidInputError, NotFittedError


def skus(
    model: VSKNNRecommender, *items: str, k: int = 20, exclude: tuple[str, ...] = ()
) -> list[str]:
    query = SessionQuery(items=items, k=k, exclude=frozenset(exclude))
    return [s.sku for s in model.predict(query)]


def test_item_seen_with_the_current_items_in_most_sessions_ranks_first() -> None:
    log = SessionLog(
        sessions=(
            ("A", "B", "X"),
            ("A", "B", "X"),
            ("A", "Y"),
            ("B", "Y"),
            ("C", "Z"),
        )
    )
    model = VSKNNRecommender(idf_weight=0.0).fit(log)
    ranked = skus(model, "A", "B", exclude=("A", "B"))
    assert ranked[0] == "X"
    assert "Y" in ranked
    # Z never shares a session with A or B, so nothing votes for it.
    assert "Z" not in ranked


def test_items_already_in_the_session_stay_candidates() -> None:
    log = SessionLog(sessions=(("A", "B"), ("A", "B", "A")))
    assert "A" in skus(VSKNNRecommender().fit(log), "A")


def test_the_last_click_matters_more_than_the_first() -> None:
    log = SessionLog(sessions=(("A", "P"), ("B", "Q")))
    model = VSKNNRecommender(idf_weight=0.0, weighting="div").fit(log)
    assert skus(model, "A", "B", exclude=("A", "B")) == ["Q", "P"]
    assert skus(model, "B", "A", exclude=("A", "B")) == ["P", "Q"]


def test_only_the_most_recent_sessions_are_sampled() -> None:
    log = SessionLog(sessions=(("A", "OLD"), ("A", "OLD"), ("A", "OLD"), ("A", "NEW")))
    assert skus(VSKNNRecommender(sample_size=4).fit(log), "A", exclude=("A",))[0] == "OLD"
    assert skus(VSKNNRecommender(sample_size=1).fit(log), "A", exclude=("A",)) == ["NEW"]


def test_session_times_decide_what_recent_means() -> None:
    log = SessionLog(sessions=(("A", "NEW"), ("A", "OLD")), times=(200.0, 100.0))
    assert skus(VSKNNRecommender(sample_size=1).fit(log), "A", exclude=("A",)) == ["NEW"]


def test_k_neighbours_keeps_the_most_similar_sessions() -> None:
    log = SessionLog(sessions=(("A", "B", "GOOD"), ("A", "WEAK"), ("A", "WEAK")))
    model = VSKNNRecommender(k_neighbours=1, idf_weight=0.0).fit(log)
    assert skus(model, "A", "B", exclude=("A", "B")) == ["GOOD"]


def test_explain_names_the_viewed_item_that_contributed_most() -> None:
    log = SessionLog(sessions=(("B", "X"), ("B", "X"), ("A", "Y")))
    model = VSKNNRecommender().fit(log)
    query = SessionQuery(items=("A", "B"), k=1, exclude=frozenset({"A", "B"}))
    prediction = model.predict(query)
    assert prediction[0].sku == "X"
    explanation = model.explain(query, prediction)
    assert explanation.summary.startswith("Because you viewed B: 3 similar sessions")
    names = [f.name for f in explanation.factors]
    assert names[0] == "viewed:B"
    assert ("similar_sessions", 3.0) in [(f.name, f.weight) for f in explanation.factors]


def test_unknown_items_give_an_empty_answer_with_a_reason() -> None:
    model = VSKNNRecommender().fit(SessionLog(sessions=(("A", "B"),)))
    query = SessionQuery(items=("NOPE",))
    assert model.predict(query) == ()
    assert model.explain(query, ()).summary


def test_predict_before_fit_and_bad_hyperparameters_are_refused() -> None:
    with pytest.raises(NotFittedError):
        VSKNNRecommender().predict(SessionQuery(items=("A",)))
    log = SessionLog(sessions=(("A", "B"),))
    with pytest.raises(InvalidInputError):
        VSKNNRecommender(weighting="cubic").fit(log)
    with pytest.raises(InvalidInputError):
        VSKNNRecommender(k_neighbours=0).fit(log)
