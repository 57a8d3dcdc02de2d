"""Crediting answers to viewed items: the numpy form names what the plain loop named."""

from __future__ import annotations

import numpy as np
import pytest

from shopkeeper.ai.recommend import SessionLog, SessionQuery, STANRecommender, VSKNNRecommender
from shopkeeper.ai.recommend.neighbourhood import SessionIndex, Votes, credit_votes
from shopkeeper.ai.recommend.ranking import Ranking, ScoredSku
from shopkeeper.ai.recommend.session_knn import SessionKNNRecommender


def _loop_credit(index: SessionIndex, votes: Votes, prediction: Ranking) -> dict[str, str]:
    """The per-vote loop ``credit_votes`` used to be, kept as the reference."""
    answered = [index.item_ids[s.sku] for s in prediction if s.sku in index.item_ids]
    if not answered:
        return {}
    weight_of = dict(zip(votes.current.tolist(), votes.weights.tolist(), strict=True))
    shares: dict[int, list[tuple[int, float]]] = {}
    credit: dict[int, dict[int, float]] = {}
    useful = np.isin(votes.items, np.asarray(answered, dtype=np.int64))
    for voter, item, vote in zip(
        votes.voter[useful].tolist(),
        votes.items[useful].tolist(),
        votes.votes[useful].tolist(),
        strict=True,
    ):
        held = shares.get(voter)
        if held is None:
            session = int(votes.neighbours[voter])
            members = [
                i
                for i in index.items[index.offsets[session] : index.offsets[session + 1]].tolist()
                if i in weight_of
            ]
            total = sum(weight_of[i] for i in members)
            held = [(i, weight_of[i] / total) for i in members] if total > 0 else []
            shares[voter] = held
        row = credit.setdefault(item, {})
        for current, share in held:
            row[current] = row.get(current, 0.0) + vote * share
    return {
        index.skus[item]: index.skus[max(row, key=lambda c: (row[c], -c))]
        for item, row in credit.items()
        if row and max(row.values()) > 0
    }


def _log(rng: np.random.Generator, items: int, sessions: int) -> SessionLog:
    skus = [f"S{i:02d}" for i in range(items)]
    drawn = tuple(
        tuple(skus[int(j)] for j in rng.integers(items, size=int(rng.integers(1, 8))))
        for _ in range(sessions)
    )
    times = tuple(float(t) for t in np.sort(rng.uniform(0, 86_400.0, size=sessions)))
    return SessionLog(sessions=drawn, times=times)


@pytest.mark.parametrize("model_class", [STANRecommender, VSKNNRecommender])
@pytest.mark.parametrize("seed", range(12))
def test_numpy_credit_names_the_same_viewed_item_as_the_loop(
    model_class: type[SessionKNNRecommender], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    # Few items, so neighbours share several current items and ties between them happen.
    model = model_class().fit(_log(rng, items=12 + seed, sessions=300))
    checked = 0
    for _ in range(40):
        items = tuple(f"S{int(j):02d}" for j in rng.integers(14 + seed, size=rng.integers(1, 9)))
        # Interest weights include zeros (a bounce) and repeats of the same weight.
        weights = tuple(float(w) for w in rng.choice([0.0, 0.5, 1.0, 2.0], size=len(items)))
        query = SessionQuery(items=items, k=10, weights=weights if seed % 2 else None)
        votes = model._votes(query)
        ranked, credit = model.predict_credited(query)
        assert credit == _loop_credit(model.index_, votes, ranked)
        assert list(credit) == list(_loop_credit(model.index_, votes, ranked))
        checked += len(credit)
    assert checked > 0  # the comparison was not vacuous


@pytest.mark.parametrize("seed", range(20))
def test_ties_and_weightless_neighbours_are_settled_as_the_loop_settles_them(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    index = SessionIndex.build(_log(rng, items=8, sessions=60))
    current = rng.choice(len(index.skus), size=int(rng.integers(1, 5)), replace=False)
    # Whole-number weights and votes: equal credits are common, and zero-weight members.
    weights = rng.choice([0.0, 1.0, 2.0], size=len(current))
    neighbours = rng.choice(len(index.lengths), size=int(rng.integers(1, 15)), replace=False)
    starts = index.offsets[neighbours]
    sizes = index.offsets[neighbours + 1] - starts
    flat = np.concatenate([np.arange(a, a + n) for a, n in zip(starts, sizes, strict=True)])
    votes = Votes(
        neighbours=neighbours,
        items=index.items[flat],
        votes=rng.choice([0.0, 1.0, 3.0], size=len(flat)),
        voter=np.repeat(np.arange(len(neighbours)), sizes),
        current=current.astype(np.int64),
        weights=weights,
    )
    prediction = tuple(ScoredSku(sku, 1.0) for sku in index.skus)
    assert credit_votes(index, votes, prediction) == _loop_credit(index, votes, prediction)


def test_no_answer_or_no_known_item_credits_nothing() -> None:
    model = STANRecommender().fit(SessionLog(sessions=(("A", "B"), ("B", "C"))))
    assert model.predict_credited(SessionQuery(items=("NEW",), k=3)) == ((), {})
    votes = model._votes(SessionQuery(items=("A",), k=3))
    assert credit_votes(model.index_, votes, ()) == {}
