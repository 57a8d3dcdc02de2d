"""What recommenders are asked and what they answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from shopkeeper.core.errors import InvalidInputError

MAX_K = 200


@dataclass(frozen=True, slots=True)
class RecommendQuery:
    """Ask for the ``k`` best skus, leaving out ``exclude``, optionally within ``category``.

    Examples
    --------
    >>> RecommendQuery(k=3, exclude=frozenset({"A1"})).k
    3
    >>> RecommendQuery(k=0)
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.InvalidInputError: k must be between 1 and 200
    """

    k: int = 10
    exclude: frozenset[str] = field(default_factory=frozenset)
    category: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.k <= MAX_K:
            raise InvalidInputError(f"k must be between 1 and {MAX_K}", k=self.k)


@dataclass(frozen=True, slots=True)
class ScoredSku:
    """One recommended sku and the score it was ranked by (higher is better)."""

    sku: str
    score: float


Ranking = tuple[ScoredSku, ...]
