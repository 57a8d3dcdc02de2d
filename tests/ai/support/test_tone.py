"""Tone: anger, escalation words, abuse and priority."""

from __future__ import annotations

import pytest

from shopkeeper.ai.support.tone import HIGH_ANGER, Tone, assess_tone


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, où en est ma commande 12345 ?",
        "can i send back the shoes?",
        "Merci beaucoup, bonne journée 😊",
        "ma commande est en retard",  # "retard" is a delay, not a slur
        "Que me conseillez-vous pour un pique-nique ?",
        "Tell me a joke",
    ],
)
def test_calm_messages(text: str) -> None:
    tone = assess_tone(text)
    assert tone == Tone(anger=tone.anger, escalation=(), abusive=False, priority="normal")
    assert tone.anger < 0.2


def test_shouting_exclamations_and_angry_emojis_add_up() -> None:
    calm = assess_tone("ou est ma commande")
    shouting = assess_tone("OU EST MA COMMANDE")
    furious = assess_tone("OU EST MA COMMANDE C'EST INADMISSIBLE !!! 😡🤬")
    assert calm.anger < shouting.anger < furious.anger
    assert furious.anger >= HIGH_ANGER
    assert furious.priority == "high"
    assert not furious.abusive


def test_angry_emoji_with_skin_tone() -> None:
    assert assess_tone("merci hein 🖕🏽").anger > 0


def test_short_caps_are_not_shouting() -> None:
    assert assess_tone("OK").anger == 0.0
    assert assess_tone("SAV FNAC").anger == 0.0


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("je vais contacter mon avocat", "avocat"),
        ("MON AVOCAT VA VOUS CONTACTER", "avocat"),
        ("c'est une arnaque", "arnaque"),
        ("C'EST UNE ARNAAAAQUE", "arnaque"),
        ("je vais porter plainte", "porter plainte"),
        ("je vais signaler ça à la DGCCRF", "dgccrf"),
        ("plainte sur signalconso", "signalconso"),
        ("j'ai fait une opposition bancaire", "opposition bancaire"),
        ("on se verra au tribunal", "tribunal"),
        ("vous etes des escrocs", "escrocs"),
        ("c est du vol", "c'est du vol"),
        ("I'll talk to my lawyer", "lawyer"),
        ("this is a SCAAAM", "scam"),
        ("I'm filing a chargeback", "chargeback"),
        ("I will take you to court", "take you to court"),
        ("1 star reviews everywhere", "1 star"),
    ],
)
def test_escalation_words_raise_priority(text: str, word: str) -> None:
    tone = assess_tone(text)
    assert word in tone.escalation
    assert tone.priority == "high"


def test_escalation_words_are_listed_once_each() -> None:
    tone = assess_tone("arnaque arnaque, avocat, ARNAQUE")
    assert tone.escalation == ("arnaque", "avocat")


@pytest.mark.parametrize(
    "text",
    [
        "bande de connards",
        "CONNNARD",
        "espèce de con",
        "fuck you",
        "f*ck you",
        "you morons",
        "ta gueule",
    ],
)
def test_insults_are_abusive(text: str) -> None:
    tone = assess_tone(text)
    assert tone.abusive
    assert tone.priority == "high"


@pytest.mark.parametrize(
    "text", ["putain toujours rien reçu", "wtf where is my order", "merde, le colis est cassé"]
)
def test_swearing_is_angry_not_abusive(text: str) -> None:
    tone = assess_tone(text)
    assert tone.anger > 0
    assert not tone.abusive


def test_words_inside_other_words_do_not_count() -> None:
    assert assess_tone("ma cousine Connie").abusive is False
    assert assess_tone("scampi au menu").escalation == ()
    assert assess_tone("courte question").escalation == ()


def test_anger_is_bounded() -> None:
    tone = assess_tone("PUTAIN DE MERDE C'EST SCANDALEUX INADMISSIBLE !!!!!! 😡😡😡🤬🤬 " * 50)
    assert 0.0 <= tone.anger <= 1.0


def test_huge_input() -> None:
    assert assess_tone("a" * 10_000_000).priority == "normal"
