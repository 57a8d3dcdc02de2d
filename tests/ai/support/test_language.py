"""Language detection: French or English, from short and messy messages."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from shopkeeper.ai.support.language import detect_language, language_scores

DATA = Path(__file__).resolve().parents[3] / "src" / "shopkeeper" / "ai" / "support" / "data"


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, où en est ma commande ?",
        "slt ou est ma cmd stp",
        "OU EST MA COMMANDE CA FAIT 2 SEMAINES",
        "je veux retourner les chaussures",
        "jai recu le mauvais article 😡😡",
        "c'est quand que je suis livré",
        "remboursez moi svp",
        "mercii, bonne journee",
    ],
)
def test_french(text: str) -> None:
    assert detect_language(text, default="en") == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "wher is my ordr 😡 #10234",
        "WHERE IS MY ORDER IT'S BEEN 2 WEEKS",
        "can i send back the shoes?",
        "pls cancel my order thx",
        "cancelling purchase 00123842",
        "helllo, u there?",
        "Thanks a lot, have a good day!",
    ],
)
def test_english(text: str) -> None:
    assert detect_language(text, default="fr") == "en"


@pytest.mark.parametrize("text", ["12345", "😡😡😡", "", "ok", "O0012345 !!"])
def test_no_evidence_keeps_the_conversation_language(text: str) -> None:
    assert detect_language(text) == "fr"
    assert detect_language(text, default="en") == "en"


def test_an_unknown_default_falls_back_to_french() -> None:
    assert detect_language("12345", default="de") == "fr"


def test_accents_count_for_french_but_less_than_words() -> None:
    scores = language_scores("Crème")
    assert scores["fr"] > scores["en"]
    assert detect_language("the crème is where?") == "en"


def test_accuracy_on_the_training_messages() -> None:
    """Each shipped message, with the *other* language as default: ties count as errors."""
    for language, other in (("fr", "en"), ("en", "fr")):
        with (DATA / f"intents_{language}.csv").open(encoding="utf-8") as handle:
            texts = [row["text"] for row in csv.DictReader(handle)]
        right = sum(detect_language(t, default=other) == language for t in texts)
        assert right / len(texts) > 0.95, (language, right, len(texts))


def test_long_input_is_cut() -> None:
    assert detect_language("the " * 1_000_000 + " le la les") == "en"
