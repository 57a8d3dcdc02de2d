"""Find product mentions in a message: head nouns, their qualifiers, and misspellings of both.

A mention is ``[qualifier]* head [qualifier | connector complement]*`` over folded tokens:
"*senior* **dog food**", "**crème mains** *bio*", "**chaussures** *de rando*",
"**café en grains** *pur arabica*". Words one or two edits away from a vocabulary word
("botes", "t-shhirts", "artisaanl") are read as that word (:mod:`rapidfuzz`, optimal string
alignment distance, same first letter), unless they are ordinary words
(:func:`~shopkeeper.ai.support.known_words.is_known`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from shopkeeper.ai.support import product_words as words
from shopkeeper.ai.support.folding import Token, fold, tokenize
from shopkeeper.ai.support.known_words import frequency, frequent_neighbours, is_known

# Words joining a head to its complement inside a product name.
_CONNECTORS = frozenset({"de", "d'", "du", "des", "en", "a", "au", "aux"})
_MAX_QUALIFIERS = 3
# Short words are too often other words with one letter changed.
_MIN_FUZZY_LENGTH = 5
_WITHOUT = frozenset({"sans", "without", "no"})
# Heads that are an ordinary word of the other language once their accent is gone.
_ACCENTED = frozenset({"the"})
_FRENCH_DETERMINERS = frozenset({"le", "du", "un", "mon", "ton", "votre", "ce", "de", "au"})
_UNITS = frozenset({"g", "kg", "ml", "cl", "l", "cm", "mm", "m", "x", "lot", "pack"})


def key(word: str) -> str:
    """The matching key of a folded word: no hyphen, no plural "s"/"x".

    Examples
    --------
    >>> key("t-shirts"), key("bijoux"), key("bus")
    ('tshirt', 'bijou', 'bus')
    """
    word = word.replace("-", "")
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(key(t.text) for t in tokenize(fold(text)) if t.is_word or t.is_number)


@dataclass
class ProductVocabulary:
    """Head phrases, qualifiers and complements, as keys, with a typo corrector.

    Examples
    --------
    >>> vocab = ProductVocabulary.from_phrases(["café en grains"], after=["arabica"])
    >>> vocab.correct("arabicca"), vocab.correct("cafés"), vocab.correct("stock")
    ('arabica', 'cafe', 'stock')
    """

    heads: dict[str, list[tuple[str, ...]]]  # first key -> phrases, longest first
    after: frozenset[str]  # qualifiers that follow a head (French)
    before: frozenset[str]  # qualifiers that precede a head (English)
    complements: frozenset[str]
    ambiguous: frozenset[str]
    _by_letter: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _corrections: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        known = set(self.after) | set(self.before) | set(self.complements)
        for phrases in self.heads.values():
            for phrase in phrases:
                known.update(phrase)
        for word in sorted(known):
            if len(word) >= _MIN_FUZZY_LENGTH - 1:
                self._by_letter.setdefault(word[0], []).append(word)
        self._known = frozenset(known)

    @classmethod
    def from_phrases(
        cls,
        heads: Iterable[str],
        *,
        after: Iterable[str] = (),
        before: Iterable[str] = (),
        complements: Iterable[str] = (),
        ambiguous: Iterable[str] = (),
    ) -> ProductVocabulary:
        """A vocabulary from words as written (any case, accents, plurals)."""
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for head in heads:
            phrase = _phrase(head)
            if phrase and phrase[0] not in words.NOT_PRODUCTS:
                bucket = by_first.setdefault(phrase[0], [])
                if phrase not in bucket:
                    bucket.append(phrase)
        for bucket in by_first.values():
            bucket.sort(key=len, reverse=True)
        return cls(
            by_first,
            frozenset(k for q in after for k in _phrase(q)),
            frozenset(k for q in before for k in _phrase(q)),
            frozenset(k for c in complements for k in _phrase(c)),
            frozenset(k for a in ambiguous for k in _phrase(a)),
        )

    def correct(self, word: str) -> str:
        """The key of a folded ``word``, or of the vocabulary word it misspells.

        Ordinary words (:func:`~shopkeeper.ai.support.known_words.is_known`) and short
        words are never corrected; a short correction must keep the first two letters.
        """
        word_key = key(word)
        if word_key in self._known or len(word) < _MIN_FUZZY_LENGTH:
            return word_key
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        found = word_key
        choices = self._by_letter.get(word_key[0])
        if choices and not is_known(word) and not is_known(word_key):
            limit = 1 if len(word_key) < 8 else 2
            best = process.extractOne(word_key, choices, scorer=OSA.distance, score_cutoff=limit)
            if (
                best is not None
                and (len(word_key) >= 7 or best[0][:2] == word_key[:2])
                and not _likelier_word(word, best[0], int(best[1]))
            ):
                found = best[0]
        if len(self._corrections) < 50_000:  # bounded: messages are open-ended input
            self._corrections[word] = found
        return found


def _likelier_word(word: str, candidate: str, distance: int) -> bool:
    """True when a frequent ordinary word as near as ``candidate`` is more common than it
    ("cancle" is "cancel" rather than "candle"; "jackt" is "jacket" rather than "jack")."""
    own = max(frequency(candidate), frequency(candidate + "s"), frequency(candidate + "x"))
    return any(
        key(rival) != candidate and frequency(rival) > own
        for rival in frequent_neighbours(word, distance)
    )


def builtin_vocabulary() -> ProductVocabulary:
    """The built-in French and English product words (see :mod:`product_words`)."""
    return _BUILTIN


_BUILTIN = ProductVocabulary.from_phrases(
    words.HEADS_FR + words.HEADS_EN,
    after=words.QUALIFIERS_AFTER,
    before=words.QUALIFIERS_BEFORE,
    complements=words.COMPLEMENTS,
    ambiguous=words.AMBIGUOUS,
)
_BUILTIN_HEAD_PHRASES = frozenset(p for ps in _BUILTIN.heads.values() for p in ps)
_STOP = _CONNECTORS | {"et", "and", "with", "avec", "pour", "for", "sans", "the", "le", "la"}


@lru_cache(maxsize=8)
def catalogue_vocabulary(products: tuple[str, ...]) -> ProductVocabulary:
    """A vocabulary from catalogue titles or product words.

    Each title is a head phrase of its own; so is every built-in head phrase found inside
    it ("Lumière de Provence Crème mains Bio 50 ml" gives "crème mains" and "crème"), or,
    when none is, its first word. The title's other words become qualifiers, so "crème
    mains bio" is matched as one mention.
    """
    heads: list[tuple[str, ...]] = []
    qualifiers: set[str] = set(_BUILTIN.after)
    complements: set[str] = set(_BUILTIN.complements)
    for title in products:
        phrase = tuple(k for k in _phrase(title) if k not in _UNITS and not k.isdigit())
        if not phrase:
            continue
        heads.append(phrase)
        inner = [
            phrase[i:j]
            for i in range(len(phrase))
            for j in range(i + 1, len(phrase) + 1)
            if phrase[i:j] in _BUILTIN_HEAD_PHRASES
        ]
        heads.extend(inner or [phrase[:1]])
        for i, word in enumerate(phrase):
            if word in _STOP or len(word) < 2:
                continue
            if i and phrase[i - 1] in _CONNECTORS:
                complements.add(word)
            else:
                qualifiers.add(word)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in heads:
        bucket = by_first.setdefault(phrase[0], [])
        if phrase not in bucket and phrase[0] not in words.NOT_PRODUCTS:
            bucket.append(phrase)
    for bucket in by_first.values():
        bucket.sort(key=len, reverse=True)
    return ProductVocabulary(
        by_first,
        frozenset(qualifiers),
        _BUILTIN.before,
        frozenset(complements),
        _BUILTIN.ambiguous,
    )


def _head_at(vocab: ProductVocabulary, keys: Sequence[str], i: int) -> int:
    """End (exclusive) of the longest head phrase starting at token ``i``, or ``i``."""
    for phrase in vocab.heads.get(keys[i], ()):
        end = i + len(phrase)
        if tuple(keys[i:end]) == phrase:
            return end
    return i


def find_products(
    tokens: Sequence[Token],
    original: str,
    vocab: ProductVocabulary,
    blocked: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """Character spans of the product mentions among ``tokens`` (of ``fold(original)``).

    ``blocked`` spans (an address, an email) are never part of a mention.

    Examples
    --------
    >>> text = "je veux retourner les chaussures de rando et la crème mains bio"
    >>> [text[s:e] for s, e in find_products(tokenize(fold(text)), text, builtin_vocabulary())]
    ['chaussures de rando', 'crème mains bio']
    """
    keys = [_usable_key(tokens, original, vocab, blocked, i) for i in range(len(tokens))]
    spans: list[tuple[int, int]] = []
    i, n = 0, len(tokens)
    while i < n:
        end = _head_at(vocab, keys, i) if keys[i] else i
        if end == i:
            i += 1
            continue
        start = i
        while start > 0 and i - start < _MAX_QUALIFIERS and _qualifies(keys, start - 1, vocab):
            start -= 1
        end = _extend_right(vocab, keys, end)
        single = end - start == 1
        if single and keys[i] in vocab.ambiguous and not _determined(tokens, i):
            i += 1
            continue
        spans.append((tokens[start].start, tokens[end - 1].end))
        i = end
    return spans


def _usable_key(
    tokens: Sequence[Token],
    original: str,
    vocab: ProductVocabulary,
    blocked: Sequence[tuple[int, int]],
    i: int,
) -> str:
    """The vocabulary key of token ``i``, or "" where no mention may include it."""
    token = tokens[i]
    if any(s <= token.start < e for s, e in blocked):
        return ""
    if not token.is_word:
        return token.text
    before = tokens[i - 1].text if i else ""
    if before in _WITHOUT:  # "sans céréales", "without sugar": a property, not a product
        return ""
    word = vocab.correct(token.text)
    if word in _ACCENTED and original[token.start : token.end].isascii():
        # "the" is English unless a French determiner shows it is "thé".
        return word if before in _FRENCH_DETERMINERS else ""
    return word


def _qualifies(keys: Sequence[str], j: int, vocab: ProductVocabulary) -> bool:
    if keys[j] in vocab.before:
        return True
    # "spf 50 sunscreen": the number belongs to the qualifier before it.
    return keys[j].isdigit() and j > 0 and keys[j - 1] == "spf"


def _extend_right(vocab: ProductVocabulary, keys: Sequence[str], end: int) -> int:
    n = len(keys)
    while end < n:
        word = keys[end]
        if word in vocab.after:
            end += 1
            if word == "spf" and end < n and keys[end].isdigit():
                end += 1
                if end < n and keys[end] == "+":
                    end += 1
        elif word in _CONNECTORS and end + 1 < n and keys[end + 1] in vocab.complements:
            end += 2
        else:
            break
    return end


def _determined(tokens: Sequence[Token], i: int) -> bool:
    if i == 0:
        return False
    before = tokens[i - 1].text
    return before in words.DETERMINERS or before.isdigit()
