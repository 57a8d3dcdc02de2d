"""One customer message read once: language, intent, entities, tone.

The intent classifier is fitted on the shipped French and English examples the first time
a process needs it (a few seconds) and then shared; FAQ indexes are built per shop and
language from the shop's documents and rebuilt when a document changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from shopkeeper.ai.support import (
    Entity,
    FaqDocument,
    FaqRetriever,
    IntentClassifier,
    IntentPrediction,
    IntentQuery,
    Tone,
    assess_tone,
    default_examples,
    detect_language,
    extract_entities,
)

# The entity type that settles an ambiguous answer to each question the dialogue asks: a
# bare "69003" after "email or postcode?" is a postcode, after "order number?" an order.
EXPECTED_ENTITY = {
    "order_number": "order_number",
    "identity": "postcode",
    "new_address": "address",
    "item": "product",
    "product": "product",
}
# A greeting longer than this carries a request: "Bonjour, vous auriez une recette ?".
GREETING_MAX_WORDS = 4
# Below this, a classified intent is not trusted enough to change what the dialogue does.
CONFIDENT = 0.5


@dataclass(frozen=True, slots=True)
class Understanding:
    """What one message says, as far as the assistant can tell.

    Examples
    --------
    >>> from shopkeeper.ai.support import Entity, Tone
    >>> u = Understanding("cmd 12345", "fr", "order_status", 0.9,
    ...                   (Entity("order_number", "12345", 4, 9),), Tone(0.0, (), False, "normal"))
    >>> u.first("order_number"), u.first("email")
    ('12345', None)
    """

    text: str
    language: str
    intent: str
    confidence: float
    entities: tuple[Entity, ...]
    tone: Tone

    def first(self, kind: str) -> str | None:
        """The first entity of type ``kind``, as written."""
        return next((e.value for e in self.entities if e.type == kind), None)

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT and self.intent != "oos"


@lru_cache(maxsize=1)
def shipped_classifier() -> IntentClassifier:
    """The intent classifier fitted on the shipped examples, once per process."""
    return IntentClassifier().fit(default_examples())


def _in_context(
    prediction: IntentPrediction, text: str, entities: Sequence[Entity], catalogue: bool
) -> tuple[str, float]:
    """The classifier's intent, corrected by what the message visibly holds.

    A greeting followed by more words is the request that follows it (the classifier's
    next best label); an unsure or out-of-scope reading of a message that names a product
    of the shop's own catalogue, and no order, is a question about that product.
    """
    intent, confidence = prediction.intent, prediction.confidence
    if intent == "greeting" and len(text.split()) > GREETING_MAX_WORDS:
        intent, confidence = next(
            ((label, p) for label, p in prediction.alternatives if label != "greeting"),
            ("oos", confidence),
        )
    kinds = {e.type for e in entities}
    unsure = intent == "oos" or confidence < CONFIDENT
    if unsure and catalogue and "product" in kinds and "order_number" not in kinds:
        intent = "product_question"
    return intent, confidence


class Understander:
    """Reads messages for every shop of one process; thread-safe.

    Examples
    --------
    >>> reader = Understander()
    >>> reader.read("wher is my ordr #10234 😡", language="en").first("order_number")
    '10234'
    """

    def __init__(self, classifier: IntentClassifier | None = None) -> None:
        self._classifier = classifier
        self._faq: dict[tuple[int, str], tuple[object, FaqRetriever]] = {}
        self._lock = threading.Lock()

    @property
    def classifier(self) -> IntentClassifier:
        if self._classifier is None:
            self._classifier = shipped_classifier()
        return self._classifier

    def read(
        self,
        text: str,
        *,
        language: str | None = None,
        expecting: str | None = None,
        products: Sequence[str] = (),
    ) -> Understanding:
        """``text`` understood; ``language`` is the conversation's so far, if any."""
        detected = detect_language(text, default=language or "fr")
        # One or two words ("ok", "12345") say nothing about the language: keep the
        # conversation's.
        spoken = language if language and len(text.split()) < 3 else detected
        prediction = self.classifier.predict(IntentQuery((text,)))[0]
        entities = extract_entities(
            text, products=products, expecting=EXPECTED_ENTITY.get(expecting or "")
        )
        intent, confidence = _in_context(prediction, text, entities, bool(products))
        return Understanding(
            text=text,
            language=spoken,
            intent=intent,
            confidence=confidence,
            entities=entities,
            tone=assess_tone(text),
        )

    def faq(
        self,
        shop_id: int,
        language: str,
        version: object,
        documents: Callable[[], Sequence[FaqDocument]],
    ) -> FaqRetriever:
        """The shop's FAQ index in ``language``; ``documents`` are read only when
        ``version`` changed since the index was built."""
        key = (shop_id, language)
        with self._lock:
            held = self._faq.get(key)
            if held is not None and held[0] == version:
                return held[1]
        retriever = FaqRetriever().fit(documents())
        with self._lock:
            self._faq[key] = (version, retriever)
        return retriever
