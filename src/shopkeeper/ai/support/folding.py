"""Case and accent folding that keeps every character where it was, and word tokens.

Entity extraction runs its patterns on a folded copy of the message ("Crème" -> "creme",
"COMMANDE" -> "commande") but must return spans of the message as written. Folding one
character into exactly one character makes an offset in the copy an offset in the original,
so no mapping table is needed. (:func:`~shopkeeper.ai.support.normalise.normalise` rewrites
words and cannot keep offsets; it serves the classifiers.)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Typographic apostrophes fold to the plain one, so "j’ai" reads like "j'ai".
_APOSTROPHES = frozenset("’‘`´ʼ")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return "'"
    low = ch.lower()
    if len(low) != 1:  # "İ".lower() is two characters: keep the offsets right instead
        low = ch
    base = unicodedata.normalize("NFD", low)[0]
    return base if base.isascii() or base.isalpha() else low


def fold(text: str) -> str:
    """``text`` lowercased and without accents, with exactly the same length.

    Examples
    --------
    >>> fold("Crème mains BIO, n°12345 ÀÉ’")
    "creme mains bio, n°12345 ae'"
    >>> len(fold("Œuf 😡")) == len("Œuf 😡")
    True
    """
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: word lists stay readable as prose.

    Examples
    --------
    >>> sorted(word_set("rue avenue  bd"))
    ['avenue', 'bd', 'rue']
    """
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Token:
    """One word, number or sign of a message: its folded form and where it stands."""

    text: str  # folded
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        """True for letters (possibly hyphenated), False for numbers and signs."""
        return self.text[:1].isalpha()

    @property
    def is_number(self) -> bool:
        """True for a run of digits."""
        return self.text.isdigit()


# Elided French particles ("d'", "l'", "qu'") are tokens of their own, so "huile d'olive"
# gives "huile", "d'", "olive" and "l'adresse" gives "l'", "adresse".
_TOKEN = re.compile(
    r"(?:qu|jusqu|lorsqu|puisqu|[cdjlmnst])'(?=[^\W\d_])"
    r"|[^\W\d_]+(?:[-'][^\W\d_]+)*"
    r"|\d+"
    r"|\S",
)


def tokenize(folded: str) -> tuple[Token, ...]:
    """The tokens of an already folded text.

    Examples
    --------
    >>> [t.text for t in tokenize(fold("L'huile d'olive, 3 T-shirts!"))]
    ["l'", 'huile', "d'", 'olive', ',', '3', 't-shirts', '!']
    """
    return tuple(Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded))
