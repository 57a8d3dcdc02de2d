"""STAN: position decay in the session, recency of neighbours, distance inside neighbours."""

from __future__ import annotations

import pytest

from shopkeeper.ai.recommend import SessionLog, SessionQuery, STANRecommender
from shopkeeper.core.errors import InvalidInputError, NotFittedError


def ranked(model: STANRecommender, *items: str, exclude: tuple[str, ...] = ()) -> list[str]:
    query = SessionQuery(items=items, k=20, exclude=frozenset(exclude))
    return [s.sku for s in model.predict(query)]


def test_item_seen_with_the_current_items_in_most_sessions_ranks_first() -> None:
    log = SessionLog(sessions=(("A", "B", "X"), ("A", "B", "X"), ("A", "Y"), ("C", "Z")))
    answer = ranked(STANRecommender().fit(log), "A", "B", exclude=("A", "B"))
    assert answer == ["X", "Y"]


def test_the_last_click_matters_more_than_the_first() -> None:
    log = SessionLog(sessions=(("A", "P"), ("B", "Q")))
    model = STANRecommender(lambda_position=1.0, lambda_recency=None).fit(log)
    assert ranked(model, "A", "B", exclude=("A", "B")) == ["Q", "P"]
    assert ranked(model, "B", "A", exclude=("A", "B")) == ["P", "Q"]


def test_a_recent_neighbour_beats_an_old_one() -> None:
    # The old session comes later in the log: its time, not its place, makes it old.
    log = SessionLog(sessions=(("A", "NEW"), ("A", "OLD")), times=(1_000.0, 10.0))
    assert ranked(STANRecommender(lambda_recency=0.1).fit(log), "A", exclude=("A",)) == [
        "NEW",
        "OLD",
    ]
    # Without recency both neighbours weigh the same and only the tie-break orders them.
    model = STANRecommender(lambda_recency=None).fit(log)
    scores = {s.sku: s.score for s in model.predict(SessionQuery(items=("A",)))}
    assert scores["NEW"] == pytest.approx(scores["OLD"])


def test_without_times_the_order_of_the_log_is_the_time() -> None:
    log = SessionLog(sessions=(("A", "OLD"), ("A", "NEW")))
    assert ranked(STANRecommender(lambda_recency=1.0).fit(log), "A", exclude=("A",)) == [
        "NEW",
        "OLD",
    ]


def test_items_near_the_shared_item_in_a_neighbour_count_more() -> None:
    log = SessionLog(sessions=(("FAR", "X1", "X2", "A", "NEAR"),))
    model = STANRecommender(lambda_neighbour=1.0).fit(log)
    scores = {s.sku: s.score for s in model.predict(SessionQuery(items=("A",)))}
    assert scores["NEAR"] == pytest.approx(scores["X2"])
    assert scores["X2"] > scores["X1"] > scores["FAR"]
    # A wider λ3 flattens the gap: the neighbour's whole session votes almost alike.
    wide = STANRecommender(lambda_neighbour=1_000.0).fit(log)
    flat = {s.sku: s.score for s in wide.predict(SessionQuery(items=("A",)))}
    assert flat["FAR"] / flat["NEAR"] > 0.99 > scores["FAR"] / scores["NEAR"]


def test_explain_names_the_viewed_item_that_contributed_most() -> None:
    log = SessionLog(sessions=(("B", "X"), ("B", "X"), ("A", "Y")))
    model = STANRecommender().fit(log)
    query = SessionQuery(items=("A", "B"), k=1, exclude=frozenset({"A", "B"}))
    prediction = model.predict(query)
    assert prediction[0].sku == "X"
    explanation = model.explain(query, prediction)
    assert explanation.summary.startswith("Because you viewed B: 3 similar sessions")
    assert explanation.factors[0].name == "viewed:B"


def test_unknown_items_give_an_empty_answer_with_a_reason() -> None:
    model = STANRecommender().fit(SessionLog(sessions=(("A", "B"),)))
    assert model.predict(SessionQuery(items=("NOPE",))) == ()
    assert model.explain(SessionQuery(items=("NOPE",)), ()).summary


def test_predict_before_fit_and_bad_hyperparameters_are_refused() -> None:
    with pytest.raises(NotFittedError):
        STANRecommender().predict(SessionQuery(items=("A",)))
    with pytest.raises(InvalidInputError):
        STANRecommender(lambda_neighbour=0.0).fit(SessionLog(sessions=(("A", "B"),)))


def test_repeat_weight_lifts_items_already_viewed() -> None:
    log = SessionLog(sessions=(("A", "B"), ("A", "B"), ("C", "A")))
    plain = STANRecommender(repeat_weight=1.0, lambda_recency=None).fit(log)
    lifted = STANRecommender(repeat_weight=5.0, lambda_recency=None).fit(log)
    query = SessionQuery(items=("B",), k=3)
    share = {s.sku: s.score for s in plain.predict(query)}
    boosted = {s.sku: s.score for s in lifted.predict(query)}
    assert boosted["B"] == pytest.approx(5.0 * share["B"])
    assert boosted["A"] == pytest.approx(share["A"])


def test_a_query_long_after_the_log_still_gets_an_answer() -> None:
    log = SessionLog(sessions=(("A", "NEW"), ("A", "OLD")), times=(1_000.0, 10.0))
    model = STANRecommender(lambda_recency=0.01).fit(log)
    late = SessionQuery(items=("A",), k=3, exclude=frozenset({"A"}), at=1e12)
    assert [s.sku for s in model.predict(late)] == ["NEW", "OLD"]
