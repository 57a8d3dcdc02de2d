"""Content similarity keeps only the k best, exactly as sorting every product would."""

from __future__ import annotations

import numpy as np
import pytest

from shopkeeper.ai.recommend.content import (
    CatalogItem,
    ContentSimilarityRecommender,
    SimilarQuery,
)
from shopkeeper.ai.recommend.ranking import ScoredSku

WORDS = ["oak", "lamp", "linen", "shade", "wool", "rug", "mug", "tea", "red", "blue"]


def _catalogue(rng: np.random.Generator, size: int) -> tuple[CatalogItem, ...]:
    # Few words and categories: many products share a vector, so ties at the cut are common;
    # skus are not in catalogue order, so a tie settled by position would show.
    names = rng.permutation(size)
    return tuple(
        CatalogItem(
            sku=f"SKU-{names[i]:03d}",
            title=" ".join(WORDS[int(j)] for j in rng.integers(4, size=2)),
            category=f"cat-{int(rng.integers(3))}",
            brand=f"brand-{int(rng.integers(2))}",
        )
        for i in range(size)
    )


def _sorted_all(model: ContentSimilarityRecommender, query: SimilarQuery) -> tuple[ScoredSku, ...]:
    """The reference: score every product, sort them all, keep k."""
    rows = [model.vectors_.matrix()[model.index_[s]].toarray().ravel() for s in query.skus]
    weights = query.weights or (1.0,) * len(query.skus)
    profile = sum(w * r for w, r in zip(weights, rows, strict=True))
    total = sum(query.weights) if query.weights else float(len(query.skus))
    scores = model.vectors_.matrix() @ profile / total
    skip = set(query.skus) | query.exclude
    ranked = sorted(
        (i for i in np.flatnonzero(scores >= model.min_similarity) if model.skus_[i] not in skip),
        key=lambda i: (-scores[i], model.skus_[i]),
    )
    return tuple(ScoredSku(model.skus_[i], float(scores[i])) for i in ranked[: query.k])


@pytest.mark.parametrize("seed", range(10))
def test_the_k_best_match_a_full_sort_ties_included(seed: int) -> None:
    rng = np.random.default_rng(seed)
    catalogue = _catalogue(rng, 120)
    model = ContentSimilarityRecommender().fit(catalogue)
    for k in (1, 3, 10, 50):
        picked = rng.choice(len(catalogue), size=2, replace=False)
        skus = tuple(catalogue[int(i)].sku for i in picked)
        excluded = frozenset(catalogue[int(i)].sku for i in rng.integers(120, size=5))
        for query in (
            SimilarQuery(skus=skus[:1], k=k, exclude=excluded),
            SimilarQuery(skus=skus, k=k, weights=(2.0, 1.0)),
        ):
            assert model.predict(query) == _sorted_all(model, query)
