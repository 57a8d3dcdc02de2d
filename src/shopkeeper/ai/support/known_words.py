"""Is a word an ordinary French or English word? Then it is not a misspelt product name.

Typo tolerance reads "botes" as "bottes"; without a lexicon it would also read "stock" as
"sock", "parte" as "pâte" and "boite" as "botte". The word frequency lists shipped in the
``pyspellchecker`` package (MIT; built from subtitle corpora) give a lexicon of both
languages. Words seen at least :data:`MIN_COUNT` times are kept, folded (no case, no
accents), about 72,000 words, loaded once on first use (about 0.3 s).
"""

from __future__ import annotations

import gzip
import json
import pkgutil
from collections.abc import Collection
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from shopkeeper.ai.support.folding import fold

LANGUAGES = ("fr", "en")
# The lists stop at 50 occurrences; below 100 they are mostly rare inflections, which
# would leave little room for typos and cost memory.
MIN_COUNT = 100
MIN_LENGTH = 4
# Seen this often, a word near a product word is what the shopper meant.
FREQUENT_COUNT = 2000


def _frequencies(language: str) -> dict[str, int]:
    raw = pkgutil.get_data("spellchecker", f"resources/{language}.json.gz")
    if raw is None:  # pragma: no cover - a loader without get_data
        return {}
    loaded: dict[str, int] = json.loads(gzip.decompress(raw))
    return loaded


@cache
def _lexicon() -> dict[str, int]:
    words: dict[str, int] = {}
    for language in LANGUAGES:
        for word, count in _frequencies(language).items():
            if count >= MIN_COUNT and len(word) >= MIN_LENGTH:
                folded = fold(word)
                words[folded] = max(count, words.get(folded, 0))
    return words


def known_words() -> Collection[str]:
    """Folded French and English words of at least four letters.

    Examples
    --------
    >>> words = known_words()
    >>> "boite" in words, "stock" in words, "botes" in words
    (True, True, False)
    """
    return _lexicon().keys()


def is_known(word: str) -> bool:
    """True when the folded ``word`` is an ordinary word of French or English."""
    return word in _lexicon()


def frequency(word: str) -> int:
    """How often the folded ``word`` occurs in the frequency lists (0 when unknown)."""
    return _lexicon().get(word, 0)


@cache
def _frequent_by_letter() -> dict[str, list[str]]:
    by_letter: dict[str, list[str]] = {}
    for word, count in _lexicon().items():
        if count >= FREQUENT_COUNT:
            by_letter.setdefault(word[0], []).append(word)
    return by_letter


def frequent_neighbours(word: str, max_distance: int) -> list[str]:
    """Frequent words within ``max_distance`` edits of ``word`` (same first letter).

    "cancle" is one edit from "candle" but also from "cancel", which shoppers write far
    more often: such a word is left alone rather than read as a product.

    Examples
    --------
    >>> "cancel" in frequent_neighbours("cancle", 1)
    True
    """
    choices = _frequent_by_letter().get(word[:1], [])
    found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=max_distance, limit=8)
    return [choice for choice, _, _ in found]
