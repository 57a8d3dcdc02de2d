"""Answers to policy questions, retrieved from the shop's own FAQ written in markdown.

Each ``## `` heading of a document and the text under it make one passage: the heading is
the question a shopper would ask, the text the answer the assistant quotes (with its
source file, so the answer cites where it comes from). Questions and passages go through
:func:`~shopkeeper.ai.support.normalise.normalise` (case, accents, SMS spellings), lose their
function words, and become TF-IDF vectors of words (uni- and bigrams, plus one token per
shop concept they name: :mod:`~shopkeeper.ai.support.faq_concepts`, so "envoyer" meets
"livrer") and of character 3-5-grams within words, so "livraision gratuite ?" still finds
"La livraison est-elle gratuite ?".
A passage's score is the cosine similarity of the question with its heading and with the
whole passage, mixed by ``heading_weight``: a score in 0..1 that a caller can threshold;
passages below ``min_score`` are not returned at all.
"""

from __future__ import annotations

import importlib.resources
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from shopkeeper.ai.base import Model
from shopkeeper.ai.registry import Sample, register
from shopkeeper.ai.support.faq_concepts import concepts, concepts_vocabulary
from shopkeeper.ai.support.folding import word_set
from shopkeeper.ai.support.normalise import normalise
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

# A question is read up to here: the question is in the first lines, and n-gram counting of
# a 10 MB paste would cost seconds.
MAX_CHARS = 2000
DEFAULT_K = 3

# Function words of both languages, in normalised form (no accents, apostrophes as spaces):
# they say nothing about which answer is wanted.
STOP_WORDS = word_set(
    """
    a au aux avec ce ces cet cette c d de des du elle en est et etre il ils j je l la le les
    leur lui m ma me mes moi mon n ne nous on ou par pas pour qu que qui s sa se ses si son
    sur t ta te tes toi ton tu un une vos votre vous y ai as avez avons ont suis es sont etes
    ete faire fait peux peut puis pouvez voudrais veux bonjour merci salut svp s il plait
    the an and are as at be by do does did for from has have how i in is it its me my of on
    or our so than that the their them then there these they this to us was we what when
    where which who will with would you your can could should please hi hello thanks
    """
)
_WORD = re.compile(r"[^\W_]+")
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FaqDocument:
    """One markdown FAQ file: its file name and its text.

    Examples
    --------
    >>> FaqDocument("retours.md", "# Retours\\n\\n## Le retour est-il gratuit ?\\nOui.").source
    'retours.md'
    """

    source: str
    text: str


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    """A passage found for a question, with its source file, heading and score (0..1)."""

    source: str
    heading: str
    answer: str
    score: float


@dataclass(frozen=True, slots=True)
class FaqPassage:
    """One heading of a document and the text under it."""

    source: str
    title: str
    heading: str
    answer: str


def split_passages(document: FaqDocument) -> list[FaqPassage]:
    """The ``## `` sections of a document; text before the first heading is not a passage.

    Examples
    --------
    >>> doc = FaqDocument("a.md", "# Livraison\\n\\n## Gratuite ?\\nDès 49 €.\\n\\n## Délai ?\\n2 à 4 jours.")
    >>> [(p.title, p.heading, p.answer) for p in split_passages(doc)]
    [('Livraison', 'Gratuite ?', 'Dès 49 €.'), ('Livraison', 'Délai ?', '2 à 4 jours.')]
    """
    title_match = _TITLE.search(document.text)
    title = title_match.group(1) if title_match else ""
    headings = list(_HEADING.finditer(document.text))
    passages = []
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(document.text)
        answer = document.text[heading.end() : end].strip()
        if answer:
            passages.append(FaqPassage(document.source, title, heading.group(1), answer))
    return passages


@dataclass(frozen=True, slots=True)
class _Text:
    """What the vectorizers read of a text: its content words and the concepts it names."""

    content: str
    concepts: str

    @classmethod
    def of(cls, text: str) -> _Text:
        normalised = normalise(text[:MAX_CHARS])
        # Words only: "?" is no evidence, and "faites-vous" is "faites" and "vous".
        content = " ".join(w for w in _WORD.findall(normalised) if w not in STOP_WORDS)
        return cls(content, " ".join(concepts(normalised)))

    def block(self, name: str) -> str:
        return self.concepts if name == "concepts" else self.content


class _Block:
    """One TF-IDF view of the passages (words, characters or concepts) as dense unit rows.

    A question is vectorised by hand from the learned vocabulary and idf, which gives the
    same vector as ``TfidfVectorizer.transform`` at a tenth of its cost per call.
    """

    def __init__(self, name: str, vectorizer: TfidfVectorizer, fit_texts: Sequence[str]) -> None:
        self.name = name
        self.vectorizer = vectorizer.fit(fit_texts)
        self.vocabulary: dict[str, int] = {
            str(k): int(v) for k, v in vectorizer.vocabulary_.items()
        }
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)

    def rows(self, texts: Sequence[str]) -> np.ndarray:
        matrix = self.vectorizer.transform(texts)  # l2-normalised rows
        return np.asarray(matrix.toarray(), dtype=np.float32)

    def query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and unit-length weights of one text."""
        counts = Counter(
            self.vocabulary[term]
            for term in self.vectorizer.build_analyzer()(text)
            if term in self.vocabulary
        )
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        weights = tf * self.idf[columns]
        return columns, weights / np.linalg.norm(weights)


class _Index:
    """Three TF-IDF views of the passages' headings and full texts.

    Compared by what it learned, so a deep copy equals the original (the model contract
    compares a model's state before and after ``predict``).
    """

    def __init__(self, headings: Sequence[_Text], passages: Sequence[_Text]) -> None:
        self.blocks = (
            _Block(
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    lowercase=False,
                    token_pattern=r"(?u)\b\w+\b",
                ),
                [t.content for t in passages],
            ),
            _Block(
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=False
                ),
                [t.content for t in passages],
            ),
            _Block(
                "concepts",
                TfidfVectorizer(sublinear_tf=True, lowercase=False, token_pattern=r"\S+"),
                # Every concept is in the vocabulary, even one no passage names yet.
                [t.concepts for t in passages] + [" ".join(concepts_vocabulary())],
            ),
        )
        self.headings = tuple(b.rows([t.block(b.name) for t in headings]) for b in self.blocks)
        self.passages = tuple(b.rows([t.block(b.name) for t in passages]) for b in self.blocks)

    def scores(self, text: _Text, weights: dict[str, float], heading_weight: float) -> np.ndarray:
        """Weighted mean of the blocks' cosine similarities, over the blocks in which the
        question has any term: a question naming no concept is not capped below 1."""
        total = np.zeros(self.passages[0].shape[0])
        used = 0.0
        for block, headings, passages in zip(
            self.blocks, self.headings, self.passages, strict=True
        ):
            columns, values = block.query(text.block(block.name))
            if not len(columns):
                continue
            on_heading = headings[:, columns] @ values
            on_passage = passages[:, columns] @ values
            total += weights[block.name] * (
                heading_weight * on_heading + (1.0 - heading_weight) * on_passage
            )
            used += weights[block.name]
        return total / used if used else total

    def _learned(self) -> tuple[Any, ...]:
        return tuple((b.vocabulary, b.idf) for b in self.blocks)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Index):
            return NotImplemented
        return (
            all(
                a.vocabulary == b.vocabulary and np.array_equal(a.idf, b.idf)
                for a, b in zip(self.blocks, other.blocks, strict=True)
            )
            and all(
                np.array_equal(a, b) for a, b in zip(self.headings, other.headings, strict=True)
            )
            and all(
                np.array_equal(a, b) for a, b in zip(self.passages, other.passages, strict=True)
            )
        )

    __hash__ = None  # type: ignore[assignment]


def demo_faq_documents(language: str) -> tuple[FaqDocument, ...]:
    """The demo shop's FAQ shipped with the package, in French ("fr") or English ("en").

    Examples
    --------
    >>> [d.source for d in demo_faq_documents("en")][:2]
    ['commandes.md', 'compte-et-donnees.md']
    """
    if language not in ("fr", "en"):
        raise InvalidInputError("the demo FAQ exists in French and English", language=language)
    folder = importlib.resources.files("shopkeeper.ai.support").joinpath("data", "demo_faq")
    if language == "en":
        folder = folder.joinpath("en")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".md")), key=lambda f: f.name)
    return tuple(FaqDocument(f.name, f.read_text(encoding="utf-8")) for f in files)


def _sample(seed: int) -> Sample:
    """The French FAQ for even seeds, the English one for odd seeds, and a few questions."""
    documents = demo_faq_documents("fr" if seed % 2 == 0 else "en")
    questions = ("la livraison est gratuite ?", "how do I return an item?", "", "😡😡")
    return Sample(documents, questions)


@register(sample=_sample)
class FaqRetriever(Model[Sequence[FaqDocument], str, tuple[FaqAnswer, ...]]):
    """Finds the FAQ passages that answer a shopper's question.

    Parameters
    ----------
    min_score
        Passages scoring below this (0..1) are not returned; below it the assistant should
        say it does not know rather than quote an unrelated answer.
    heading_weight
        Share of the score that comes from the heading (the FAQ's own question); the rest
        comes from the whole passage.
    word_weight, char_weight, concept_weight
        Relative weights of the three similarities: words, character n-grams, concepts.

    Examples
    --------
    >>> faq = FaqRetriever().fit(demo_faq_documents("fr"))
    >>> best = faq.search("vous livrez en martinique ?")[0]
    >>> best.source, best.heading
    ('livraison.md', 'Livrez-vous dans les DOM-TOM ?')
    >>> faq.search("bonjour")
    ()

    ``min_score`` drops weak matches, but it is no out-of-scope detector: "qui va gagner
    le match ce soir ?" shares "soir" with the passage on evening opening hours. Ask the
    retriever once the intent classifier has said the message is an FAQ question.
    """

    capability = "support"

    def __init__(
        self,
        *,
        min_score: float = 0.25,
        heading_weight: float = 0.3,
        word_weight: float = 1.0,
        char_weight: float = 2.0,
        concept_weight: float = 2.0,
    ) -> None:
        self.min_score = min_score
        self.heading_weight = heading_weight
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.concept_weight = concept_weight

    def fit(self, data: Sequence[FaqDocument]) -> Self:
        if not 0.0 <= self.heading_weight <= 1.0:
            raise InvalidInputError("heading_weight must be in [0, 1]", value=self.heading_weight)
        block_weights = (self.word_weight, self.char_weight, self.concept_weight)
        if min(block_weights) < 0 or sum(block_weights) <= 0:
            raise InvalidInputError("block weights must be >= 0, one of them > 0")
        self.forget()
        passages = [p for document in data for p in split_passages(document)]
        if not passages:
            raise InvalidInputError("the FAQ documents hold no '## ' question with an answer")
        self.passages_: tuple[FaqPassage, ...] = tuple(passages)
        self.index_ = _Index(
            [_Text.of(p.heading) for p in passages],
            [_Text.of(f"{p.title}\n{p.heading}\n{p.answer}") for p in passages],
        )
        return self

    def scores(self, question: str) -> np.ndarray:
        """The score (0..1) of every passage for ``question``, in passage order."""
        self.check_fitted()
        text = _Text.of(question)
        if not text.content and not text.concepts:
            return np.zeros(len(self.passages_))
        weights = {"words": self.word_weight, "chars": self.char_weight}
        weights["concepts"] = self.concept_weight
        mixed = self.index_.scores(text, weights, self.heading_weight)
        clipped: np.ndarray = np.clip(mixed, 0.0, 1.0)
        return clipped

    def search(self, question: str, k: int = DEFAULT_K) -> tuple[FaqAnswer, ...]:
        """The best ``k`` passages scoring at least ``min_score``, best first."""
        scores = self.scores(question)
        # Stable sort on the negated score: ties keep the documents' order.
        order = np.argsort(-scores, kind="stable")[: max(0, k)]
        return tuple(
            FaqAnswer(
                self.passages_[i].source,
                self.passages_[i].heading,
                self.passages_[i].answer,
                round(float(scores[i]), 4),
            )
            for i in order
            if scores[i] >= self.min_score
        )

    def predict(self, query: str) -> tuple[FaqAnswer, ...]:
        return self.search(query)

    def explain(self, query: str, prediction: tuple[FaqAnswer, ...]) -> Explanation:
        if not prediction:
            return Explanation(
                f"no FAQ passage scored {self.min_score:.2f} or more for this question"
            )
        best = prediction[0]
        return Explanation(
            f"answered from {best.source}, “{best.heading}”",
            tuple(
                Factor("similarity", answer.score, f"{answer.source}: {answer.heading}")
                for answer in prediction
            ),
        )
