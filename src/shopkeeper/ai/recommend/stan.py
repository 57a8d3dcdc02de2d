"""Sequence and Time-aware Neighbourhood (STAN; Garg et al., SIGIR 2019).

Session kNN with three decays, each with its own scale:

- ``lambda_position`` (λ1): a click ``j`` steps before the end of the current session
  weighs ``exp(-j / λ1)``, so the latest clicks say the most about the next one;
- ``lambda_recency`` (λ2): a neighbour session that ended ``Δt`` before now counts
  ``exp(-Δt / (λ2 * span))``, so today's sessions beat last season's. ``span`` is the time
  the training log covers: giving λ2 as a share of it lets one default serve a log stamped
  in seconds and one whose order is its only clock;
- ``lambda_neighbour`` (λ3): inside a neighbour, an item ``d`` clicks away from the item it
  shares with the current session gets ``exp(-d / λ3)`` of that neighbour's vote, so what
  was viewed right around the shared item counts more than the rest.
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


@register(sample=session_sample)
class STANRecommender(SessionKNNRecommender):
    """Next items for a session from recent, similar sessions, near the shared items.

    Parameters
    ----------
    k_neighbours
        How many of the most similar (recency-weighted) sessions vote.
    sample_size
        Only the most recent this many sessions sharing an item are considered.
    lambda_position
        λ1, in clicks: how fast older clicks of the current session fade.
    lambda_recency
        λ2, as a share of the time the training log spans (its order stands for time
        when it has no times). ``None`` turns recency off.
    lambda_neighbour
        λ3, in clicks: how fast a neighbour's items fade with distance from the shared item.
    repeat_weight
        Multiplies the votes for items already in the current session: visitors often go
        back to something they viewed, and ``1`` leaves the votes as STAN casts them.

    Examples
    --------
    >>> log = SessionLog(sessions=(("A", "OLD"), ("A", "NEW")), times=(0.0, 100.0))
    >>> model = STANRecommender(lambda_recency=0.5).fit(log)
    >>> [s.sku for s in model.predict(SessionQuery(items=("A",), k=3))]
    ['A', 'NEW', 'OLD']
    """

    def __init__(
        self,
        *,
        k_neighbours: int = 200,
        sample_size: int = 1000,
        lambda_position: float = 1.25,
        lambda_recency: float | None = 0.6,
        lambda_neighbour: float = 6.0,
        repeat_weight: float = 5.0,
    ) -> None:
        self.k_neighbours = k_neighbours
        self.sample_size = sample_size
        self.lambda_position = lambda_position
        self.lambda_recency = lambda_recency
        self.lambda_neighbour = lambda_neighbour
        self.repeat_weight = repeat_weight

    def fit(self, data: SessionLog) -> Self:
        self._check_neighbourhood()
        scales = (self.lambda_position, self.lambda_neighbour, self.lambda_recency or 1.0)
        if min(scales) <= 0:
            raise InvalidInputError("every lambda must be positive", lambdas=list(scales))
        self.forget()
        self.index_ = SessionIndex.build(data)
        self.has_times_ = data.times is not None
        times = self.index_.times
        # A log of one instant has no span; any positive scale then gives every session 1.
        self.span_ = float(times[-1] - times[0]) if len(times) > 1 else 0.0
        self.span_ = self.span_ or 1.0
        return self

    def _votes(self, query: SessionQuery) -> Votes:
        index = self.index_
        current, positions = index.known(query.items)
        if len(current) == 0:
            return Votes.none()
        weights = np.exp((positions + 1 - len(query.items)) / self.lambda_position)
        signals = interest(query, positions)
        if signals is not None:
            # Session signals scale each item's share of the similarity (see V-SKNN).
            weights = weights * signals
        found = find_candidates(index, current, weights, self.sample_size)
        similarity = found.overlap / np.sqrt(len(current) * index.lengths[found.sessions])
        if self.lambda_recency is not None and len(index.times):
            now = index.times[-1]
            if query.at is not None and self.has_times_:
                now = query.at
            age = np.maximum(now - index.times[found.sessions], 0.0)
            # Only the gaps between neighbours change the ranking; measuring them from the
            # freshest candidate keeps a query long after the log from underflowing to 0.
            age -= age.min()
            similarity = similarity * np.exp(-age / (self.lambda_recency * self.span_))
        chosen = top_neighbours(found.sessions, similarity, self.k_neighbours)
        neighbours = found.sessions[chosen]
        flat, sizes = neighbour_items(index, neighbours)
        distance = np.abs(index.positions[flat] - np.repeat(found.match[chosen], sizes))
        votes = np.repeat(similarity[chosen], sizes) * np.exp(-distance / self.lambda_neighbour)
        items = index.items[flat]
        if signals is not None:
            votes = votes * _repeat_factors(items, current, signals, self.repeat_weight)
        elif self.repeat_weight != 1.0:
            votes = np.where(np.isin(items, current), votes * self.repeat_weight, votes)
        voter = np.repeat(np.arange(len(neighbours)), sizes)
        return Votes(neighbours, items, votes, voter, current, weights)


def _repeat_factors(
    items: np.ndarray, current: np.ndarray, signals: np.ndarray, repeat_weight: float
) -> np.ndarray:
    """Per vote: ``repeat_weight`` times the item's interest for current items, else 1.

    A visitor goes back to what interested them, not to what they bounced off or took out
    of the cart, so the repeat boost follows the item's session signals.
    """
    order = np.argsort(current)
    slot = np.minimum(np.searchsorted(current, items, sorter=order), len(current) - 1)
    hit = current[order[slot]] == items
    return np.where(hit, repeat_weight * signals[order[slot]], 1.0)
