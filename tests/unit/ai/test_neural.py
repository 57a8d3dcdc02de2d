"""The neural session recommender: learns sequences, answers in numpy, explains by clicks."""

from __future__ import annotations

import importlib.util
import pickle

import numpy as np
import pytest

# Checked without importing torch: neural_net must load it first (it sets OpenMP's wait
# policy, which only works before torch starts its thread pool).
if importlib.util.find_spec("torch") is None:
    pytest.skip("torch (the [neural] extra) is not installed", allow_module_level=True)

from shopkeeper.ai.recommend.neural import NeuralSessionRecommender
from shopkeeper.ai.recommend.neural_net import padded_prefixes
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.core.errors import InvalidInputError, NotFittedError

RING = [f"SKU-{i:02d}" for i in range(24)]
SMALL = {"dim": 16, "epochs": 5, "learning_rate": 0.02, "batch_size": 64}


def ring_sessions(count: int, seed: int) -> tuple[tuple[str, ...], ...]:
    """Visitors walk a ring one step at a time: the next item is always obvious."""
    rng = np.random.default_rng(seed)
    sessions = []
    for _ in range(count):
        start, length = int(rng.integers(len(RING))), int(rng.integers(2, 6))
        sessions.append(tuple(RING[(start + step) % len(RING)] for step in range(length)))
    return tuple(sessions)


@pytest.fixture(scope="module")
def model() -> NeuralSessionRecommender:
    return NeuralSessionRecommender(**SMALL).fit(SessionLog(sessions=ring_sessions(300, 0)))


def hit_rate(answer: list[list[str]], targets: list[str]) -> float:
    return float(np.mean([t in a for a, t in zip(answer, targets, strict=True)]))


def test_it_learns_the_next_item_and_beats_popularity(model: NeuralSessionRecommender) -> None:
    test = ring_sessions(100, 1)
    prefixes = [s[:-1] for s in test]
    targets = [s[-1] for s in test]
    answers = [[x.sku for x in model.predict(SessionQuery(items=p, k=1))] for p in prefixes]
    popular = RING[int(np.argmax(model.popular_))]
    assert hit_rate(answers, targets) > 0.9
    assert hit_rate([[popular]] * len(targets), targets) < 0.2


def test_order_matters_not_just_the_set(model: NeuralSessionRecommender) -> None:
    forward = model.predict(SessionQuery(items=(RING[3], RING[4]), k=1))
    assert forward[0].sku == RING[5]
    assert model.predict(SessionQuery(items=(RING[4],), k=1))[0].sku == RING[5]


def test_exclusions_unknown_items_and_k(model: NeuralSessionRecommender) -> None:
    answer = model.predict(SessionQuery(items=(RING[3],), k=5, exclude=frozenset({RING[4]})))
    assert len(answer) == 5
    assert RING[4] not in {s.sku for s in answer}
    scores = [s.score for s in answer]
    assert scores == sorted(scores, reverse=True)
    # An unknown session falls back to popularity rather than failing.
    assert len(model.predict(SessionQuery(items=("NEVER-SEEN",), k=3))) == 3
    assert model.predict(SessionQuery(items=("NEVER-SEEN", RING[3]), k=1))[0].sku == RING[4]


def test_explanation_credits_the_viewed_items(model: NeuralSessionRecommender) -> None:
    query = SessionQuery(items=(RING[10], RING[11]), k=3)
    explanation = model.explain(query, model.predict(query))
    names = [f.name for f in explanation.factors]
    assert names
    assert all(name.startswith("viewed:") for name in names)
    assert set(names) <= {f"viewed:{RING[10]}", f"viewed:{RING[11]}"}
    assert sum(f.weight for f in explanation.factors) == pytest.approx(1.0, abs=1e-3)
    assert "Because you viewed" in explanation.summary


def test_pickle_round_trip_and_seed(model: NeuralSessionRecommender) -> None:
    query = SessionQuery(items=(RING[7], RING[8]), k=10)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.predict(query) == model.predict(query)
    twin = model.clone().fit(SessionLog(sessions=ring_sessions(300, 0)))
    assert twin.predict(query) == model.predict(query)


def test_prefixes_are_left_padded_and_truncated() -> None:
    inputs, targets = padded_prefixes([[1, 2, 3, 4], [5]], 2)
    assert inputs.tolist() == [[0, 1], [1, 2], [2, 3]]
    assert targets.tolist() == [1, 2, 3]


def test_errors() -> None:
    with pytest.raises(NotFittedError):
        NeuralSessionRecommender().predict(SessionQuery(items=("A",)))
    with pytest.raises(InvalidInputError):
        NeuralSessionRecommender(dim=0).fit(SessionLog(sessions=(("A", "B"),)))
