"""What session-neighbourhood recommenders share: checks, the index, predict and explain.

Subclasses differ only in how the current session votes (:meth:`_votes`): V-SKNN weighs
positions and item rarity, STAN adds neighbour recency and item distance.
"""

from __future__ import annotations

from abc import abstractmethod

from shopkeeper.ai.base import Model
from shopkeeper.ai.recommend.neighbourhood import SessionIndex, Votes, explain_votes, rank_items
from shopkeeper.ai.recommend.ranking import Ranking
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation


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
