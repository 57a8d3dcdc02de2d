"""Content similarity: products alike in words, category, brand and attributes.

It needs no behaviour at all, so it answers for a product nobody has viewed yet (cold
start) and for a product added after the fit (its text is vectorised at query time with
the fitted vocabulary). Each product becomes a TF-IDF vector (scikit-learn) over its title
words and tagged tokens ``category=...``, ``brand=...`` and ``<attribute>=<value>``;
neighbours are the products with the highest cosine similarity.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self

import numpy as np
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from shopkeeper.ai.base import Model
from shopkeeper.ai.recommend.ranking import MAX_K, Ranking, ScoredSku
from shopkeeper.ai.registry import Sample, register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

_WORD = re.compile(r"[^\W_]+")
REASON_TAGS = 2
REASON_WORDS = 3


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """The text of one product that similarity is measured on."""

    sku: str
    title: str
    category: str = ""
    brand: str = ""
    attributes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(
        cls,
        sku: str,
        title: str,
        category: str = "",
        brand: str = "",
        attributes: Mapping[str, object] | None = None,
    ) -> CatalogItem:
        """From a product's fields; attribute values become text, sorted by key."""
        pairs = tuple(
            sorted((str(k), str(v)) for k, v in (attributes or {}).items() if v is not None)
        )
        return cls(sku, title, category or "", brand or "", pairs)


@dataclass(frozen=True, slots=True)
class SimilarQuery:
    """Products like ``skus`` (weighted by ``weights``, 1 each by default).

    ``unseen`` carries products the model was not fitted on (new since the fit); they are
    vectorised on the fly and may be named in ``skus`` like any other.
    """

    skus: tuple[str, ...]
    k: int = 10
    weights: tuple[float, ...] = ()
    exclude: frozenset[str] = field(default_factory=frozenset)
    unseen: tuple[CatalogItem, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.k <= MAX_K:
            raise InvalidInputError(f"k must be between 1 and {MAX_K}", k=self.k)
        if self.weights and len(self.weights) != len(self.skus):
            raise InvalidInputError(f"{len(self.weights)} weights for {len(self.skus)} skus")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in ENGLISH_STOP_WORDS]


def _telling(word: str) -> bool:
    """Whether a shared title word means something to a shopper (not "50", "ml", "xl")."""
    return len(word) > 2 and not word.isdigit()


def tokens(item: CatalogItem) -> list[str]:
    """Title words, plus one tagged token each for category, brand and attribute values."""
    found = _words(item.title)
    if item.category.strip():
        found.append(f"category={item.category.strip().lower()}")
    if item.brand.strip():
        found.append(f"brand={item.brand.strip().lower()}")
    found += [f"{k.strip().lower()}={v.strip().lower()}" for k, v in item.attributes if v.strip()]
    return found


@dataclass(frozen=True, eq=False)
class _Vectors:
    """Row-normalised TF-IDF vectors as plain arrays (CSR parts), which pickle and compare."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    @classmethod
    def of(cls, matrix: csr_matrix) -> _Vectors:
        matrix = csr_matrix(matrix)
        matrix.sort_indices()
        return cls(matrix.data.copy(), matrix.indices.copy(), matrix.indptr.copy(), matrix.shape)

    def matrix(self) -> csr_matrix:
        return csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def row(self, position: int) -> np.ndarray:
        """Row ``position`` as a dense array, as ``matrix()[position].toarray()`` gives it.

        Read from the CSR parts: building a ``csr_matrix`` per call cost more than the row.
        """
        dense = np.zeros(self.shape[1])
        start, end = self.indptr[position], self.indptr[position + 1]
        np.add.at(dense, self.indices[start:end], self.data[start:end])
        return dense

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Vectors)
            and self.shape == other.shape
            and all(
                np.array_equal(a, b)
                for a, b in (
                    (self.data, other.data),
                    (self.indices, other.indices),
                    (self.indptr, other.indptr),
                )
            )
        )

    __hash__ = None  # type: ignore[assignment]


def sample(seed: int) -> Sample:
    """A random little catalogue for the contract checks, with a few queries."""
    rng = np.random.default_rng(seed)
    words = ["leather", "boot", "wool", "scarf", "red", "blue", "linen", "shirt", "lamp", "oak"]
    items = tuple(
        CatalogItem(
            sku=f"SKU-{i:02d}",
            title=" ".join(words[int(j)] for j in rng.integers(len(words), size=3)),
            category=f"cat-{int(rng.integers(3))}",
            brand=f"brand-{int(rng.integers(2))}",
            attributes=(("colour", words[4 + int(rng.integers(2))]),),
        )
        for i in range(15)
    )
    new = CatalogItem("NEW-1", "red leather boot", "cat-1", "brand-0")
    queries = (
        SimilarQuery(skus=("SKU-00",), k=5),
        SimilarQuery(skus=("SKU-01", "SKU-02"), k=3, weights=(2.0, 1.0)),
        SimilarQuery(skus=("NEW-1",), k=4, unseen=(new,)),
        SimilarQuery(skus=("NEVER-SEEN",), k=4),
    )
    return Sample(data=items, queries=queries)


@register(sample=sample)
class ContentSimilarityRecommender(Model[tuple[CatalogItem, ...], SimilarQuery, Ranking]):
    """Products most alike in text to the given ones: cold items get neighbours too.

    Parameters
    ----------
    category_weight, brand_weight, attribute_weight
        Multiply the TF-IDF weight of the tagged tokens before normalising, so a shared
        category can count more than a shared title word.
    min_similarity
        Leave out products less similar than this cosine.

    Examples
    --------
    >>> catalog = (
    ...     CatalogItem("B1", "Brown leather boot", "shoes", "Acme"),
    ...     CatalogItem("B2", "Black leather boot", "shoes", "Acme"),
    ...     CatalogItem("S1", "Wool scarf", "scarves", "Knit Co"),
    ... )
    >>> model = ContentSimilarityRecommender().fit(catalog)
    >>> query = SimilarQuery(skus=("B1",), k=2)
    >>> [s.sku for s in model.predict(query)]
    ['B2']
    >>> model.explain(query, model.predict(query)).summary
    'Like B1: same category: shoes; same brand: acme; shared words: boot, leather'
    """

    capability = "recommend"

    def __init__(
        self,
        *,
        category_weight: float = 2.0,
        brand_weight: float = 1.0,
        attribute_weight: float = 1.0,
        min_similarity: float = 0.01,
    ) -> None:
        self.category_weight = category_weight
        self.brand_weight = brand_weight
        self.attribute_weight = attribute_weight
        self.min_similarity = min_similarity

    def _tag_weight(self, term: str) -> float:
        if term.startswith("category="):
            return self.category_weight
        if term.startswith("brand="):
            return self.brand_weight
        return self.attribute_weight if "=" in term else 1.0

    def fit(self, data: tuple[CatalogItem, ...]) -> Self:
        weights = (self.category_weight, self.brand_weight, self.attribute_weight)
        if min(weights) < 0:
            raise InvalidInputError("field weights must be >= 0", weights=list(weights))
        self.forget()
        self.skus_: tuple[str, ...] = tuple(item.sku for item in data)
        if len(set(self.skus_)) != len(self.skus_):
            raise InvalidInputError("each sku may appear once in the catalogue")
        self.index_: dict[str, int] = {sku: i for i, sku in enumerate(self.skus_)}
        documents = [tokens(item) for item in data]
        if not any(documents):
            self.terms_: dict[str, int] = {}
            self.idf_ = np.zeros(0)
            self.vectors_ = _Vectors.of(csr_matrix((len(data), 0)))
            return self
        # The documents are token lists already: identity analyser, idf and counts only.
        vectorizer = TfidfVectorizer(analyzer=lambda tokens: tokens, norm=None)
        counts = vectorizer.fit_transform(documents)
        self.terms_ = {str(t): int(i) for t, i in sorted(vectorizer.vocabulary_.items())}
        self.idf_ = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.vectors_ = _Vectors.of(self._finish(csr_matrix(counts)))
        return self

    def _finish(self, tfidf: csr_matrix) -> csr_matrix:
        """Apply the field weights, then scale each row to unit length (cosine = dot)."""
        names = sorted(self.terms_, key=self.terms_.__getitem__)
        scale = np.array([self._tag_weight(name) for name in names])
        weighted = csr_matrix(tfidf.multiply(scale.reshape(1, -1)))
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return csr_matrix(weighted.multiply(1.0 / norms.reshape(-1, 1)))

    def _vector(self, sku: str, unseen: dict[str, CatalogItem]) -> np.ndarray | None:
        """One product's unit vector, from the fit or vectorised now from its text."""
        if sku in self.index_:
            return self.vectors_.row(self.index_[sku])
        item = unseen.get(sku)
        if item is None:
            return None
        counts = Counter(t for t in tokens(item) if t in self.terms_)
        raw = np.zeros(len(self.terms_))
        for term, count in counts.items():
            raw[self.terms_[term]] = count * self.idf_[self.terms_[term]]
        return np.asarray(self._finish(csr_matrix(raw)).toarray()).ravel()

    def _profile(self, query: SimilarQuery) -> np.ndarray | None:
        unseen = {item.sku: item for item in query.unseen}
        weights = query.weights or (1.0,) * len(query.skus)
        profile = np.zeros(len(self.terms_))
        found = False
        for sku, weight in zip(query.skus, weights, strict=True):
            vector = self._vector(sku, unseen)
            if vector is not None:
                profile += weight * vector
                found = True
        return profile if found else None

    def predict(self, query: SimilarQuery) -> Ranking:
        self.check_fitted()
        profile = self._profile(query)
        if profile is None or not profile.any():
            return ()
        total = sum(query.weights) if query.weights else float(len(query.skus))
        scores = self.vectors_.matrix() @ profile / (total or 1.0)
        skip = set(query.skus) | query.exclude
        # Plain floats and ints, and only the k best kept: thousands of products pass the
        # threshold in a big catalogue, and sorting numpy scalars was most of a request.
        eligible = scores >= self.min_similarity
        for sku in skip:
            if (position := self.index_.get(sku)) is not None:
                eligible[position] = False
        found = np.flatnonzero(eligible)
        if len(found) > query.k > 0:
            # Only scores at or above the k-th best can make the list; ties at the cut are
            # all kept, so the exact order below still settles them by sku.
            cut = np.partition(scores[found], len(found) - query.k)[len(found) - query.k]
            found = found[scores[found] >= cut]
        values = scores.tolist()
        ranked = heapq.nsmallest(query.k, found.tolist(), key=lambda i: (-values[i], self.skus_[i]))
        return tuple(ScoredSku(self.skus_[i], values[i]) for i in ranked)

    def _term_names(self) -> list[str]:
        # Built on first use and kept: sorting the vocabulary per explanation was most
        # of a product page's request time.
        names: list[str] | None = getattr(self, "_names", None)
        if names is None:
            names = sorted(self.terms_, key=self.terms_.__getitem__)
            self._names = names
        return names

    def _shared(self, profile: np.ndarray, sku: str) -> list[tuple[str, float]]:
        """The terms ``sku`` shares with the query profile, strongest first."""
        position = self.index_.get(sku)
        if position is None:
            return []
        vectors = self.vectors_  # the CSR parts themselves: no matrix built per product
        start, end = vectors.indptr[position], vectors.indptr[position + 1]
        columns = vectors.indices[start:end]
        values = profile[columns] * vectors.data[start:end]
        names = self._term_names()
        ranked = [(v, c) for v, c in zip(values.tolist(), columns.tolist(), strict=True) if v > 0]
        ranked.sort(key=lambda pair: (-pair[0], pair[1]))  # ties: vocabulary order
        return [(names[c], v) for v, c in ranked]

    @staticmethod
    def _reason(shared: list[tuple[str, float]]) -> str:
        # A shopper reads a short reason: the two strongest tagged tokens ("same category:
        # shoes") and three title words.
        tagged = [name for name, _ in shared if "=" in name][:REASON_TAGS]
        parts = ["same {}: {}".format(*name.replace("_", " ").split("=", 1)) for name in tagged]
        words = [name for name, _ in shared if "=" not in name and _telling(name)]
        if words:
            parts.append(f"shared words: {', '.join(sorted(words[:REASON_WORDS]))}")
        return "; ".join(parts)

    def explain(self, query: SimilarQuery, prediction: Ranking) -> Explanation:
        """The tokens the first recommendation shares with the query products, by weight."""
        self.check_fitted()
        profile = self._profile(query)
        if not prediction or profile is None:
            return Explanation("No product in the catalogue shares enough words with this one.")
        shared = self._shared(profile, prediction[0].sku)
        factors = tuple(Factor(f"shared:{name}", round(value, 4)) for name, value in shared[:8])
        return Explanation(f"Like {', '.join(query.skus[:3])}: {self._reason(shared)}", factors)

    def reasons(self, query: SimilarQuery, prediction: Ranking) -> list[tuple[ScoredSku, str]]:
        """Each predicted item with what it shares with the query ("same brand: acme; ...").

        The per-item reason of :meth:`explain`, with the query profile built once.
        """
        self.check_fitted()
        profile = self._profile(query)
        if profile is None:
            return [(item, "") for item in prediction]
        return [(item, self._reason(self._shared(profile, item.sku))) for item in prediction]
