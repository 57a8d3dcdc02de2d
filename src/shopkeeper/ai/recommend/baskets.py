"""Frequently bought together: pairs of products that share orders more than chance says.

Orders become a binary orders x items matrix ``X``; ``Xᵀ X`` counts, for every pair, the
orders holding both (the pair's support). A pair below ``min_support`` orders is noise and
dropped. The rest are scored by lift, ``P(a and b) / (P(a) P(b))``, which favours real
complements over best sellers that ride along with everything, or by confidence
``P(b | a)``, the plain "customers who bought a also bought b" share.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Literal, Self

import numpy as np
from scipy.sparse import csr_matrix, triu  # type: ignore[import-untyped]

from shopkeeper.ai.base import Model
from shopkeeper.ai.recommend.ranking import MAX_K, Ranking, ScoredSku
from shopkeeper.ai.registry import Sample, register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

Score = Literal["lift", "confidence"]


@dataclass(frozen=True, slots=True)
class OrderBaskets:
    """The skus of each order (a sku twice in one order counts once)."""

    baskets: tuple[tuple[str, ...], ...]

    @classmethod
    def from_lines(cls, lines: Iterable[tuple[Hashable, str]]) -> OrderBaskets:
        """From ``(order id, sku)`` order lines, in any order."""
        baskets: dict[Hashable, list[str]] = {}
        for order, sku in lines:
            baskets.setdefault(order, []).append(sku)
        return cls(tuple(tuple(skus) for skus in baskets.values()))

    def __len__(self) -> int:
        return len(self.baskets)


@dataclass(frozen=True, slots=True)
class TogetherQuery:
    """What goes with ``skus`` (a product page: one sku; a cart: several)?"""

    skus: tuple[str, ...]
    k: int = 10
    exclude: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not 1 <= self.k <= MAX_K:
            raise InvalidInputError(f"k must be between 1 and {MAX_K}", k=self.k)


def sample(seed: int) -> Sample:
    """Random orders over 10 skus for the contract checks."""
    rng = np.random.default_rng(seed)
    skus = [f"SKU-{i:02d}" for i in range(10)]
    baskets = tuple(
        tuple(skus[int(j)] for j in rng.integers(len(skus), size=int(rng.integers(1, 5))))
        for _ in range(80)
    )
    queries = (
        TogetherQuery(skus=(skus[0],), k=5),
        TogetherQuery(skus=(skus[1], skus[2]), k=3, exclude=frozenset(skus[3:5])),
        TogetherQuery(skus=("NEVER-SEEN",), k=4),
    )
    return Sample(data=OrderBaskets(baskets), queries=queries)


@register(sample=sample)
class BoughtTogetherRecommender(Model[OrderBaskets, TogetherQuery, Ranking]):
    """Products most often bought in the same orders as the given ones.

    Parameters
    ----------
    min_support
        A pair must share at least this many orders.
    score
        ``"lift"`` (complements over best sellers) or ``"confidence"`` (``P(b | a)``).
    max_basket
        Orders with more distinct skus than this are left out: a wholesale or restocking
        order pairs everything with everything and says nothing about complements.

    Examples
    --------
    >>> orders = OrderBaskets((("TEA", "CUP"),) * 3 + (("TEA", "SUGAR"), ("CUP",), ("SOCK",)))
    >>> model = BoughtTogetherRecommender(min_support=2).fit(orders)
    >>> query = TogetherQuery(skus=("TEA",))
    >>> [s.sku for s in model.predict(query)]
    ['CUP']
    >>> model.explain(query, model.predict(query)).factors[0].detail
    'bought together with TEA in 3 orders (75% of its orders, lift 1.12)'
    """

    capability = "recommend"

    def __init__(
        self, *, min_support: int = 2, score: Score = "lift", max_basket: int = 50
    ) -> None:
        self.min_support = min_support
        self.score = score
        self.max_basket = max_basket

    def fit(self, data: OrderBaskets) -> Self:
        if self.min_support < 1 or self.max_basket < 2:
            raise InvalidInputError(
                "min_support must be >= 1 and max_basket >= 2",
                min_support=self.min_support,
                max_basket=self.max_basket,
            )
        if self.score not in ("lift", "confidence"):
            raise InvalidInputError("score must be 'lift' or 'confidence'", score=self.score)
        self.forget()
        baskets = [sorted(set(b)) for b in data.baskets if 0 < len(set(b)) <= self.max_basket]
        items = sorted({sku for basket in baskets for sku in basket})
        index = {sku: i for i, sku in enumerate(items)}
        rows = [n for n, basket in enumerate(baskets) for _ in basket]
        cols = [index[sku] for basket in baskets for sku in basket]
        x = csr_matrix(
            (np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(len(baskets), len(items))
        )
        self.orders_ = len(baskets)
        # Orders holding each sku, and for each kept pair the orders holding both.
        self.counts_: dict[str, int] = {
            sku: int(n) for sku, n in zip(items, np.asarray(x.sum(axis=0)).ravel(), strict=True)
        }
        pairs = triu((x.T @ x).tocoo(), k=1).tocoo()
        self.pairs_: dict[str, dict[str, int]] = {}
        for a, b, n in zip(pairs.row, pairs.col, pairs.data, strict=True):
            if n >= self.min_support:
                self.pairs_.setdefault(items[a], {})[items[b]] = int(n)
                self.pairs_.setdefault(items[b], {})[items[a]] = int(n)
        return self

    def _pair_score(self, sku: str, other: str, together: int) -> float:
        if self.score == "confidence":
            return together / self.counts_[sku]
        return together * self.orders_ / (self.counts_[sku] * self.counts_[other])

    def predict(self, query: TogetherQuery) -> Ranking:
        self.check_fitted()
        scores: dict[str, float] = {}
        for sku in dict.fromkeys(query.skus):
            for other, together in self.pairs_.get(sku, {}).items():
                scores[other] = scores.get(other, 0.0) + self._pair_score(sku, other, together)
        skip = set(query.skus) | query.exclude
        ranked = sorted((s for s in scores if s not in skip), key=lambda s: (-scores[s], s))
        return tuple(ScoredSku(s, scores[s]) for s in ranked[: query.k])

    def together(self, sku: str, other: str) -> int:
        """How many orders (of those fitted on) held both ``sku`` and ``other``."""
        self.check_fitted()
        return self.pairs_.get(sku, {}).get(other, 0)

    def explain(self, query: TogetherQuery, prediction: Ranking) -> Explanation:
        """For each recommended sku, the query sku it shares most orders with, and how many."""
        self.check_fitted()
        if not prediction:
            return Explanation(
                f"No product was bought together with {', '.join(query.skus[:3]) or 'these'} "
                f"in at least {self.min_support} orders."
            )
        factors = []
        for item in prediction:
            partner = max(query.skus, key=lambda s: (self.together(s, item.sku), s))
            n = self.together(partner, item.sku)
            lift = n * self.orders_ / (self.counts_[partner] * self.counts_[item.sku])
            factors.append(
                Factor(
                    f"together:{item.sku}",
                    round(item.score, 4),
                    f"bought together with {partner} in {n} orders "
                    f"({n / self.counts_[partner]:.0%} of its orders, lift {lift:.2f})",
                )
            )
        first = prediction[0].sku
        return Explanation(
            f"{first} was bought together with {', '.join(query.skus[:3])} in "
            f"{max(self.together(s, first) for s in query.skus)} orders.",
            tuple(factors),
        )
