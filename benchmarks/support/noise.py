"""Seeded damage to test messages: typos, appended emojis, stripped accents.

Each message gets its own random stream, seeded by the run's seed and the message's
position, so a variant does not depend on which other messages are in the set.

Examples
--------
>>> with_typos(["where is my order please"], seed=1)
['where is my ordder please']
>>> with_emojis(["where is my order"], seed=0)
['where is my order 😊']
>>> without_accents(["Où est ma commande, déjà ?"])
['Ou est ma commande, deja ?']
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections.abc import Sequence

TYPO_SHARE = 0.10
EMOJIS = (
    "😡",
    "🙏",
    "😊",
    "👍",
    "😭",
    "🤔",
    "❤️",
    "🔥",
    "😅",
    "👋",
    "📦",
    "😤",
    "🙄",
    "💯",
    "✨",
    "😂",
)
_WORD = re.compile(r"[^\W\d_]{2,}")  # words with letters; order numbers are left alone
_LETTERS = string.ascii_lowercase


def _rng(seed: int, index: int, salt: str) -> random.Random:
    return random.Random(f"{salt}:{seed}:{index}")


def typo(word: str, rng: random.Random) -> str:
    """One random character edit: insert, delete, substitute or swap two neighbours."""
    i = rng.randrange(len(word))
    edit = rng.choice(("insert", "delete", "substitute", "transpose"))
    if edit == "insert":
        return word[:i] + rng.choice(_LETTERS) + word[i:]
    if edit == "delete":
        return word[:i] + word[i + 1 :]
    if edit == "substitute":
        return word[:i] + rng.choice(_LETTERS.replace(word[i].lower(), "")) + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def with_typos(texts: Sequence[str], seed: int = 0, share: float = TYPO_SHARE) -> list[str]:
    """Each word (of two letters or more) gets one typo with probability ``share``."""
    damaged = []
    for index, text in enumerate(texts):
        rng = _rng(seed, index, "typos")

        def maybe(match: re.Match[str], rng: random.Random = rng) -> str:
            word = match.group()
            return typo(word, rng) if rng.random() < share else word

        damaged.append(_WORD.sub(maybe, text))
    return damaged


def with_emojis(texts: Sequence[str], seed: int = 0) -> list[str]:
    """One or two emojis appended to each message, as shoppers do."""
    result = []
    for index, text in enumerate(texts):
        rng = _rng(seed, index, "emojis")
        result.append(text + " " + " ".join(rng.sample(EMOJIS, rng.randint(1, 2))))
    return result


def noisy(texts: Sequence[str], seed: int = 0) -> list[str]:
    """The robustness variant: typos, then emojis."""
    return with_emojis(with_typos(texts, seed), seed)


def without_accents(texts: Sequence[str]) -> list[str]:
    """Accents removed ("é" -> "e"), as on a phone keyboard without them."""
    return [
        "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
        for t in texts
    ]
