"""Vector multiplication session kNN (V-SKNN; Ludewig & Jannach, 2018).

The current session becomes a vector over items in which later clicks weigh more; the
most recent past sessions sharing an item are scored by their overlap with that vector,
the closest ``k_neighbours`` are kept, and every item they hold collects their similarity,
boosted for rare items (idf). Simple, batch-fitted, and on session benchmarks as strong as
many neural models.
"""

from __future__ import annotations

from typing import Self

import numpy as np

from shopkeeper.ai.recommend.neighbourhood import (
    SessionIndex,
    Votes,
    find_candidates,
    neighbour_items,
    session_sample,
    top_neighbours,
)
from shopkeeper.ai.recommend.session_knn import SessionKNNRecommender, interest
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.registry import register
from shopkeeper.core.errors import InvalidInputError

WEIGHTINGS = ("div", "linear", "same")


def position_weights(positions: np.ndarray, length: int, weighting: str) -> np.ndarray:
    """Weight of each current item by its (0-based) position in a session of ``length``.

    ``div`` gives the last click 1, the one before 1/2, then 1/3...; ``linear`` falls by a
    tenth a step back (never below 0.1); ``same`` weighs every click alike.

    Examples
    --------
    >>> position_weights(np.array([0.0, 1.0, 2.0]), 3, "div").tolist()
    [0.3333333333333333, 0.5, 1.0]
    """
    steps_back = length - positions  # 1 for the last click
    if weighting == "div":
        return 1.0 / steps_back
    if weighting == "linear":
        return np.maximum(1.0 - 0.1 * (steps_back - 1), 0.1)
    return np.ones_like(positions)


@register(sample=session_sample)
class VSKNNRecommender(SessionKNNRecommender):
    """Next items for a session from the past sessions most like it, later clicks first.

    Parameters
    ----------
    k_neighbours
        How many of the most similar sessions vote.
    sample_size
        Only the most recent this many sessions sharing an item are considered.
    weighting
        How a current click's weight falls with its distance from the end:
        ``"div"``, ``"linear"`` or ``"same"``.
    normalise
        Divide the overlap by ``sqrt(len(current) * len(neighbour))`` (cosine-like), so
        long sessions do not win by size alone.
    idf_weight
        Each vote is multiplied by ``1 + idf_weight * idf(item)``: rare items shared with
        similar sessions say more than ever-present ones. ``0`` turns it off.

    Examples
    --------
    >>> log = SessionLog(sessions=(("A", "B"), ("A", "C"), ("X", "C"), ("A", "C")))
    >>> model = VSKNNRecommender(k_neighbours=10, idf_weight=0.0).fit(log)
    >>> [s.sku for s in model.predict(SessionQuery(items=("A",), k=2))]
    ['A', 'C']
    >>> model.explain(SessionQuery(items=("A",)), model.predict(SessionQuery(items=("A",)))).summary
    'Because you viewed A: 3 similar sessions went on to A and the others.'
    """

    def __init__(
        self,
        *,
        k_neighbours: int = 200,
        sample_size: int = 500,
        weighting: str = "div",
        normalise: bool = True,
        idf_weight: float = 3.0,
    ) -> None:
        self.k_neighbours = k_neighbours
        self.sample_size = sample_size
        self.weighting = weighting
        self.normalise = normalise
        self.idf_weight = idf_weight

    def fit(self, data: SessionLog) -> Self:
        self._check_neighbourhood()
        if self.weighting not in WEIGHTINGS:
            raise InvalidInputError(f"weighting must be one of {WEIGHTINGS}", got=self.weighting)
        self.forget()
        self.index_ = SessionIndex.build(data)
        return self

    def _votes(self, query: SessionQuery) -> Votes:
        index = self.index_
        current, positions = index.known(query.items)
        if len(current) == 0:
            return Votes.none()
        weights = position_weights(positions, len(query.items), self.weighting)
        signals = interest(query, positions)
        if signals is not None:
            # Session signals scale each item's share of the overlap: a long look at an
            # item makes sessions holding it closer neighbours, a bounce makes them farther.
            weights = weights * signals
        found = find_candidates(index, current, weights, self.sample_size)
        similarity = found.overlap
        if self.normalise:
            similarity = similarity / np.sqrt(len(current) * index.lengths[found.sessions])
        chosen = top_neighbours(found.sessions, similarity, self.k_neighbours)
        neighbours = found.sessions[chosen]
        flat, sizes = neighbour_items(index, neighbours)
        items = index.items[flat]
        votes = np.repeat(similarity[chosen], sizes)
        if self.idf_weight:
            votes = votes * (1.0 + self.idf_weight * index.idf[items])
        voter = np.repeat(np.arange(len(neighbours)), sizes)
        return Votes(neighbours, items, votes, voter, current, weights)
