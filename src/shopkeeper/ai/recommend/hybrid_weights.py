"""Choosing the blend weights of :class:`~shopkeeper.ai.recommend.hybrid.HybridRecommender`.

Each member ranks its top ``candidates`` items for every held-out sample once; every
weighting on a simplex grid is then scored on those cached lists with numpy, so searching
hundreds of weightings costs about as much as one member answering the samples. The grid
always holds the corners (one member alone), so the chosen blend is never worse on the
held-out samples than the best single member.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from shopkeeper.ai.recommend.ranking import Ranking
from shopkeeper.core.errors import InvalidInputError

NORMALISATIONS = ("minmax", "rank", "reciprocal")
RECIPROCAL_SHIFT = 5.0  # small: the first few ranks keep most of the weight


def normalise(ranking: Ranking, how: str, depth: int) -> dict[str, float]:
    """A member's top ``depth`` answers as scores in (0, 1], best first.

    ``minmax`` maps the best score to 1 and the score just past the list to 0 (so an item
    the member did not list is worth what its weakest listed item nearly is); ``rank``
    ignores the scores and gives rank ``r`` the weight ``1 - (r - 1) / depth``;
    ``reciprocal`` gives it ``(1 + c) / (r + c)`` with ``c = 5``, as reciprocal rank fusion
    does, so agreement near the top counts far more than agreement further down.

    >>> from shopkeeper.ai.recommend.ranking import ScoredSku
    >>> normalise((ScoredSku("a", 9.0), ScoredSku("b", 5.0)), "rank", 4)
    {'a': 1.0, 'b': 0.75}
    """
    if how not in NORMALISATIONS:
        raise InvalidInputError(f"normalisation must be one of {NORMALISATIONS}", got=how)
    if not ranking:
        return {}
    if how == "rank":
        return {s.sku: 1.0 - rank / depth for rank, s in enumerate(ranking)}
    if how == "reciprocal":
        shift = RECIPROCAL_SHIFT
        return {s.sku: (1 + shift) / (rank + 1 + shift) for rank, s in enumerate(ranking)}
    top, bottom = ranking[0].score, ranking[-1].score
    spread = top - bottom
    # The floor sits one average gap below the last listed item, keeping it above 0.
    floor = bottom - (spread / max(len(ranking) - 1, 1) if spread > 0 else 1.0)
    return {s.sku: (s.score - floor) / (top - floor) for s in ranking}


@dataclass(frozen=True)
class Candidates:
    """Cached member scores for held-out samples: ``scores[sample, candidate, member]``.

    ``target[sample]`` is the column of the true next item, ``-1`` when no member listed it;
    ``valid`` marks real candidates (rows are padded to the longest candidate union).
    """

    scores: np.ndarray
    valid: np.ndarray
    target: np.ndarray

    @classmethod
    def build(
        cls, rankings: Sequence[Sequence[dict[str, float]]], targets: Sequence[str]
    ) -> Candidates:
        """``rankings[member][sample]``: normalised scores, as :func:`normalise` gives."""
        members, samples = len(rankings), len(targets)
        unions = [
            sorted({sku for member in rankings for sku in member[index]})
            for index in range(samples)
        ]
        width = max((len(u) for u in unions), default=0) or 1
        scores = np.zeros((samples, width, members), dtype=np.float64)
        valid = np.zeros((samples, width), dtype=bool)
        target = np.full(samples, -1, dtype=np.int64)
        for index, union in enumerate(unions):
            column = {sku: position for position, sku in enumerate(union)}
            valid[index, : len(union)] = True
            for member, lists in enumerate(rankings):
                for sku, value in lists[index].items():
                    scores[index, column[sku], member] = value
            target[index] = column.get(targets[index], -1)
        return cls(scores, valid, target)

    def metrics(self, weights: np.ndarray, k: int = 20) -> tuple[float, float]:
        """P@k and MRR@k in percent of the blend ``scores @ weights``.

        A tie with the target counts against it, so no weighting gains from ties.
        """
        blended = np.where(self.valid, self.scores @ weights, -np.inf)
        found = self.target >= 0
        rows = np.flatnonzero(found)
        mine = blended[rows, self.target[rows]]
        ahead = (blended[rows] >= mine[:, None]).sum(axis=1)  # includes the target itself
        rank = np.where(mine > 0, ahead, k + 1)
        hit = rank <= k
        count = max(len(self.target), 1)
        return 100.0 * hit.sum() / count, 100.0 * (hit / rank).sum() / count


def simplex(members: int, step: float) -> list[tuple[float, ...]]:
    """Every weighting of ``members`` on a grid of ``step`` that sums to 1.

    >>> simplex(2, 0.5)
    [(0.0, 1.0), (0.5, 0.5), (1.0, 0.0)]
    """
    if not 0 < step <= 1:
        raise InvalidInputError("step must be in (0, 1]", step=step)
    parts = round(1 / step)
    return [
        tuple(n / parts for n in combo)
        for combo in itertools.product(range(parts + 1), repeat=members)
        if sum(combo) == parts
    ]


def best_weights(
    candidates: Candidates, step: float
) -> tuple[tuple[float, ...], tuple[float, float]]:
    """The weighting with the highest P@20 + MRR@20, ties to the earliest; and its figures."""
    best: tuple[tuple[float, ...], tuple[float, float]] | None = None
    members = candidates.scores.shape[2]
    for weights in simplex(members, step):
        figures = candidates.metrics(np.asarray(weights))
        if best is None or sum(figures) > sum(best[1]) + 1e-9:
            best = (weights, figures)
    assert best is not None
    return best
