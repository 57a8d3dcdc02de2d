"""The hybrid recommender: blends members, never worse than the best one on validation."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from shopkeeper.ai.recommend.hybrid import HybridRecommender, held_out
from shopkeeper.ai.recommend.hybrid_weights import Candidates, best_weights, normalise, simplex
from shopkeeper.ai.recommend.ranking import ScoredSku
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.recommend.stan import STANRecommender
from shopkeeper.ai.recommend.transitions import ItemTransitionRecommender
from shopkeeper.core.errors import InvalidInputError

ITEMS = [f"SKU-{i:02d}" for i in range(30)]
MEMBERS = [["STANRecommender", {}], ["ItemTransitionRecommender", {"window": 1}]]


def walks(count: int, seed: int) -> tuple[tuple[str, ...], ...]:
    """Mostly a step along a ring, sometimes a jump back to an item seen two steps ago."""
    rng = np.random.default_rng(seed)
    sessions = []
    for _ in range(count):
        at = int(rng.integers(len(ITEMS)))
        session = [ITEMS[at]]
        for _ in range(int(rng.integers(2, 7))):
            if rng.random() < 0.25 and len(session) > 2:
                session.append(session[-3])
            else:
                at = (at + int(rng.integers(1, 3))) % len(ITEMS)
                session.append(ITEMS[at])
        sessions.append(tuple(session))
    return tuple(sessions)


@pytest.fixture(scope="module")
def log() -> SessionLog:
    return SessionLog(sessions=walks(400, 0))


def test_learned_blend_is_at_least_the_best_member_on_validation(log: SessionLog) -> None:
    model = HybridRecommender(members=MEMBERS, step=0.1).fit(log)
    kept, queries, targets = held_out(log, 0.1, 5000)
    members = [STANRecommender().fit(kept), ItemTransitionRecommender(window=1).fit(kept)]
    cached = model.candidate_scores(members, queries, targets)
    alone = [sum(cached.metrics(row)) for row in np.eye(2)]
    assert model.validation_ is not None
    assert sum(model.validation_) >= max(alone)
    assert sum(model.weights_) == pytest.approx(1.0)
    # The members answer with their full-data fit afterwards.
    assert len(model.members_[0].state["index_"].skus) == len(log.items())


def test_blend_beats_popularity_and_predicts_the_ring(log: SessionLog) -> None:
    model = HybridRecommender(members=MEMBERS, weights=[0.5, 0.5]).fit(log)
    test = walks(100, 1)
    hits = sum(
        s[-1] in {x.sku for x in model.predict(SessionQuery(items=s[:-1], k=5))} for s in test
    )
    counts: dict[str, int] = {}
    for session in log.sessions:
        for item in set(session):
            counts[item] = counts.get(item, 0) + 1
    popular = set(sorted(counts, key=lambda i: -counts[i])[:5])
    assert hits > 2 * sum(s[-1] in popular for s in test)
    assert hits > 60


def test_given_weights_are_used_as_given(log: SessionLog) -> None:
    model = HybridRecommender(members=MEMBERS, weights=[3.0, 1.0]).fit(log)
    assert model.weights_ == (0.75, 0.25)
    assert model.validation_ is None
    query = SessionQuery(items=(ITEMS[3], ITEMS[4]), k=5, exclude=frozenset({ITEMS[5]}))
    answer = model.predict(query)
    assert len(answer) == 5
    assert ITEMS[5] not in {s.sku for s in answer}
    assert [s.score for s in answer] == sorted((s.score for s in answer), reverse=True)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.predict(query) == answer
    # A member with weight 1 answers exactly like that member alone.
    alone = HybridRecommender(members=MEMBERS, weights=[0.0, 1.0]).fit(log)
    member = ItemTransitionRecommender(window=1).fit(log)
    assert [s.sku for s in alone.predict(query)] == [s.sku for s in member.predict(query)]


def test_assemble_reuses_fitted_members(log: SessionLog) -> None:
    members = [STANRecommender().fit(log), ItemTransitionRecommender(window=1).fit(log)]
    model = HybridRecommender(members=MEMBERS, weights=[0.5, 0.5])
    query = SessionQuery(items=(ITEMS[7],), k=10)
    assert model.assemble(members).predict(query) == model.clone().fit(log).predict(query)
    with pytest.raises(InvalidInputError):
        HybridRecommender(members=MEMBERS).assemble(members)


def test_explain_names_the_leading_member_and_its_reasons(log: SessionLog) -> None:
    model = HybridRecommender(members=MEMBERS, weights=[0.9, 0.1]).fit(log)
    query = SessionQuery(items=(ITEMS[1], ITEMS[2]), k=5)
    explanation = model.explain(query, model.predict(query))
    assert explanation.summary.startswith("Mostly STANRecommender: ")
    names = [f.name for f in explanation.factors]
    assert names[0] == "member:STANRecommender"
    assert any(name.startswith("viewed:") for name in names)


def test_normalise_and_simplex() -> None:
    ranking = (ScoredSku("a", 10.0), ScoredSku("b", 6.0), ScoredSku("c", 2.0))
    scores = normalise(ranking, "minmax", 100)
    assert scores["a"] == 1.0
    assert 0 < scores["c"] < scores["b"] < 1
    assert normalise(ranking, "rank", 4) == {"a": 1.0, "b": 0.75, "c": 0.5}
    assert normalise(ranking, "reciprocal", 4) == {"a": 1.0, "b": 6 / 7, "c": 0.75}
    assert len(simplex(3, 0.5)) == 6
    assert all(sum(w) == 1 for w in simplex(3, 0.5))
    with pytest.raises(InvalidInputError):
        normalise(ranking, "softmax", 3)


def test_weight_search_prefers_the_member_that_finds_the_target() -> None:
    good = [{"t": 1.0, "x": 0.5}, {"t": 1.0}]
    bad = [{"x": 1.0, "t": 0.1}, {"y": 1.0}]
    cached = Candidates.build([bad, good], ["t", "t"])
    weights, (p20, mrr) = best_weights(cached, 0.5)
    assert weights == (0.0, 1.0)
    assert (p20, mrr) == (100.0, 100.0)


def test_bad_settings_are_refused(log: SessionLog) -> None:
    with pytest.raises(InvalidInputError):
        HybridRecommender(members=MEMBERS, weights=[1.0]).fit(log)
    with pytest.raises(InvalidInputError):
        HybridRecommender(members=[["NoSuchModel", {}]], weights=[1.0]).fit(log)
    with pytest.raises(InvalidInputError):
        HybridRecommender(members=[]).fit(log)
