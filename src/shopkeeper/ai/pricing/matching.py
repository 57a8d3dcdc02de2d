"""Which of our products a competitor's title describes: fuzzy scores with reasons.

A competitor lists "NEW! MAISON ARABICA cafe grains pur arabica 0,5 kg - livraison
gratuite" for what we sell as "Maison Arabica Café en grains Pur arabica 500 g". Both titles
are brought to one form first (:func:`~.titles.normalise_title`: case and accents folded,
quantities rewritten in one unit so "0,5 kg" and "500 g" are the same token, marketing
words and little words dropped), then each of our products is scored 0..100 with
:mod:`rapidfuzz`:

- the token-set ratio against the product's title, brand and key attributes, which forgives
  reordered words and words only one side has;
- the token-sort ratio against title, brand and size alone, which does not, so the product
  whose title says the same *and nothing else* ranks first;
- penalties for what tells two near-identical titles apart: a different pack size, other
  numbers (models, counts), and another of our brands named in the competitor's title.

Words are compared as written, not translated: "Arabica coffee beans" shares only
"arabica" with "café en grains pur arabica", so a title in another language scores on its
brand and size (72 for that coffee) and is listed as unmatched, its best candidate first.

The score only ranks and suggests. A candidate at or above :data:`SUGGEST_AT` is offered to
the owner, who confirms or rejects it; nothing here decides that two products are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from shopkeeper.ai.base import Model
from shopkeeper.ai.pricing.titles import Sizes, normalise_title
from shopkeeper.ai.registry import Sample, register
from shopkeeper.domain.explanation import Explanation, Factor

# From this score a candidate is suggested to the owner, who confirms it; below it the
# competitor's product is listed as unmatched with its candidates. On the synthetic set of
# tests/unit/ai/pricing, 75 kept precision at 80's (0.99) with recall 0.98 instead of 0.93
# (docs/pricing.md).
SUGGEST_AT = 75.0
# Naming another of our brands lowers a product's score (sizes: see :mod:`.titles`).
OTHER_BRAND_PENALTY = 0.7


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """One of our products as the matcher reads it.

    ``attributes`` are the key attribute values worth matching on (size, colour, scent...);
    shipping weights and volumes are left out, they are not what a title says.

    Examples
    --------
    >>> CatalogueItem("TEE-1", "Organic tee", brand="Basique", attributes=("white",)).sku
    'TEE-1'
    """

    sku: str
    title: str
    brand: str = ""
    size: str = ""
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchCandidate:
    """One of our products a competitor's title may describe, its score and why."""

    sku: str
    score: float
    reason: str

    @property
    def suggested(self) -> bool:
        """True when the score is high enough to ask the owner to confirm it."""
        return self.score >= SUGGEST_AT


@dataclass(frozen=True, slots=True)
class _Prepared:
    sku: str
    core: str  # brand, title and size
    full: str  # the same plus the key attributes
    brand: str  # normalised, as it is searched for
    brand_label: str  # as the owner wrote it, for reasons
    sizes: Sizes


def _prepare(item: CatalogueItem) -> _Prepared:
    brand = normalise_title(item.brand)
    # The brand is often in the title already: write it once so it does not weigh double.
    core = _unique_words(brand, normalise_title(item.title), normalise_title(item.size))
    full = _unique_words(core, normalise_title(" ".join(item.attributes)))
    return _Prepared(item.sku, core, full, brand, item.brand.strip(), Sizes.of(core))


def _unique_words(*parts: str) -> str:
    return " ".join(dict.fromkeys(" ".join(parts).split()))


def _brands_by_first_word(brands: dict[str, str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for brand in brands:
        words = tuple(brand.split())
        index.setdefault(words[0], []).append(words)
    return {first: tuple(found) for first, found in index.items()}


def _named_brands(text: str, index: dict[str, tuple[tuple[str, ...], ...]]) -> frozenset[str]:
    """The brands whose words appear together in ``text`` (a normalised title).

    Looked up from each word of the title rather than tried one by one: a catalogue holds
    hundreds of brands and a title a dozen words.
    """
    words = text.split()
    found = set()
    for i, word in enumerate(words):
        for brand in index.get(word, ()):
            if tuple(words[i : i + len(brand)]) == brand:
                found.add(" ".join(brand))
    return frozenset(found)


def _sample(seed: int) -> Sample:
    titles = (
        ("COF-1", "Café en grains Pur arabica", "Maison Arabica", "500 g"),
        ("COF-2", "Café en grains Pur arabica", "Maison Arabica", "1 kg"),
        ("COF-3", "Café en grains Intense", "CaféMalin", "500 g"),
        ("BEV-1", "Limonade artisanale", "Lorina", "75 cl"),
        ("CLE-1", "Liquide vaisselle citron", "Maison Verte", "500 ml"),
    )
    items = [
        CatalogueItem(sku, title, brand=brand, size=size) for sku, title, brand, size in titles
    ]
    order = np.random.default_rng(seed).permutation(len(items))
    queries = ("PROMO Maison Arabica grains pur arabica 0,5kg", "Lorina limonade 0.75 L", "vélo")
    return Sample(data=[items[i] for i in order[: len(items) - seed % 2]], queries=queries)


@register(sample=_sample)
class FuzzyTitleMatcher(Model[Sequence[CatalogueItem], str, tuple[MatchCandidate, ...]]):
    """Ranks our products by how well they match a competitor's title.

    Parameters
    ----------
    limit
        How many candidates :meth:`predict` returns at most, best first.
    min_score
        Candidates scoring below this are not returned at all.
    shortlist
        How many products the quick token-set pass keeps for the full scoring.

    Examples
    --------
    >>> matcher = FuzzyTitleMatcher().fit([
    ...     CatalogueItem("COF-500", "Café en grains Pur arabica", "Maison Arabica", "500 g"),
    ...     CatalogueItem("COF-1K", "Café en grains Pur arabica", "Maison Arabica", "1 kg"),
    ... ])
    >>> best = matcher.predict("NEW Maison Arabica pur arabica cafe grains 0,5 kg")[0]
    >>> best.sku, best.suggested
    ('COF-500', True)
    >>> best.reason
    'title 95/100; brand Maison Arabica; same size 500g'
    """

    capability = "pricing"

    def __init__(self, *, limit: int = 3, min_score: float = 40.0, shortlist: int = 25) -> None:
        self.limit = limit
        self.min_score = min_score
        self.shortlist = shortlist

    def fit(self, data: Sequence[CatalogueItem]) -> FuzzyTitleMatcher:
        self.forget()
        self.items_ = tuple(_prepare(item) for item in data)
        self.texts_ = [p.full for p in self.items_]
        self.brands_ = {p.brand: p.brand_label for p in self.items_ if p.brand}
        self.brand_index_ = _brands_by_first_word(self.brands_)
        return self

    def predict(self, query: str) -> tuple[MatchCandidate, ...]:
        self.check_fitted()
        wanted = normalise_title(query)
        if not wanted or not self.items_:
            return ()
        quick = process.cdist([wanted], self.texts_, scorer=fuzz.token_set_ratio)[0]
        keep = min(self.shortlist, len(self.items_))
        # Stable order (score, then catalogue position) so ties always rank the same way.
        shortlist = np.argsort(-quick, kind="stable")[:keep]
        sizes = Sizes.of(wanted)
        named = {b: self.brands_[b] for b in _named_brands(wanted, self.brand_index_)}
        scored = [self._score(wanted, sizes, named, self.items_[i]) for i in shortlist]
        scored.sort(key=lambda c: (-c.score, c.sku))
        return tuple(c for c in scored if c.score >= self.min_score)[: self.limit]

    def _score(
        self, wanted: str, sizes: Sizes, named: dict[str, str], item: _Prepared
    ) -> MatchCandidate:
        loose = fuzz.token_set_ratio(wanted, item.full)
        strict = fuzz.token_sort_ratio(wanted, item.core)
        text = 0.5 * loose + 0.5 * strict
        score, reasons = text, [f"title {text:.0f}/100"]
        if item.brand in named:
            reasons.append(f"brand {item.brand_label}")
        else:
            other = sorted(label for brand, label in named.items() if brand != item.brand)
            if other:
                score *= OTHER_BRAND_PENALTY
                reasons.append(f"names another of our brands ({other[0]})")
        factor, why = sizes.compare(item.sizes)
        score *= factor
        if why:
            reasons.append(why)
        return MatchCandidate(item.sku, round(score, 1), "; ".join(reasons))

    def explain(self, query: str, prediction: tuple[MatchCandidate, ...]) -> Explanation:
        if not prediction:
            return Explanation(f"no product of ours resembles {query[:80]!r}")
        best = prediction[0]
        verdict = "suggested for confirmation" if best.suggested else "too weak to suggest"
        factors = tuple(Factor(c.sku, c.score / 100, c.reason) for c in prediction)
        return Explanation(f"best match {best.sku} ({best.score:.0f}/100), {verdict}", factors)
