"""What session-neighbourhood recommenders share: checks, the index, predict and explain.

Subclasses differ only in how the current session votes (:meth:`_votes`): V-SKNN weighs
positions and item rarity, STAN adds neighbour recency and item distance.
"""

from __future__ import annotations

from abc import abstractmethod

import numpy as np

from shopkeeper.ai.base import Model
from shopkeeper.ai.recommend.neighbourhood import (
    SessionIndex,
    Votes,
    credit_votes,
    explain_votes,
    rank_items,
)
from shopkeeper.ai.recommend.ranking import Ranking
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation


def interest(query: SessionQuery, positions: np.ndarray) -> np.ndarray | None:
    """The interest weight of each known current item, or ``None`` when the query has none.

    ``positions`` are the items' last positions in ``query.items`` (from
    :meth:`SessionIndex.known`), so each item takes the weight of its last entry.

    Examples
    --------
    >>> q = SessionQuery(items=("A", "B", "A"), weights=(1.0, 0.5, 2.0))
    >>> interest(q, np.array([1.0, 2.0])).tolist()
    [0.5, 2.0]
    """
    if query.weights is None:
        return None
    return np.asarray(query.weights, dtype=np.float64)[positions.astype(np.int64)]


class SessionKNNRecommender(Model[SessionLog, SessionQuery, Ranking]):
    """Base of recommenders that vote with the sessions most similar to the current one."""

    capability = "recommend"
    k_neighbours: int
    sample_size: int
    index_: SessionIndex

    def _check_neighbourhood(self) -> None:
        if self.k_neighbours < 1 or self.sample_size < 1:
            raise InvalidInputError(
                "k_neighbours and sample_size must be at least 1",
                k_neighbours=self.k_neighbours,
                sample_size=self.sample_size,
            )

    @abstractmethod
    def _votes(self, query: SessionQuery) -> Votes:
        """Each neighbour's vote for each of its items, for the current session."""

    def predict(self, query: SessionQuery) -> Ranking:
        self.check_fitted()
        votes = self._votes(query)
        return rank_items(self.index_, votes.items, votes.votes, query.k, query.exclude)

    def explain(self, query: SessionQuery, prediction: Ranking) -> Explanation:
        self.check_fitted()
        return explain_votes(self.index_, self._votes(query), prediction)

    def predict_credited(self, query: SessionQuery) -> tuple[Ranking, dict[str, str]]:
        """:meth:`predict` and, for each answer, the viewed sku that earned it most votes.

        One pass over the neighbours for both, where calling :meth:`explain` per answer
        would find the neighbours again for each.
        """
        self.check_fitted()
        votes = self._votes(query)
        ranked = rank_items(self.index_, votes.items, votes.votes, query.k, query.exclude)
        return ranked, credit_votes(self.index_, votes, ranked)
