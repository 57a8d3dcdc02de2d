"""normalise(): one canonical form for messy shopper messages, French and English."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.ai.support.normalise import EXPANSIONS, name_emojis, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Où est ma COMMANDE ?", "ou est ma commande ?"),
        ("J'AI ÉTÉ DÉBITÉ DEUX FOIS", "j ai ete debite deux fois"),
        ("j’ai reçu un cœur", "j ai recu un coeur"),
        ("slt ou est ma cmd stp", "salut ou est ma commande s il te plait"),
        ("bjr jsp pk mon colis est bloqué", "bonjour je sais pas pourquoi mon colis est bloque"),
        ("merci c tout", "merci c est tout"),
        ("c'est bon, svp", "c est bon, s il vous plait"),
        ("commande n°12345", "commande numero 12345"),
        ("wher is ur parcel pls thx", "wher is your parcel please thanks"),
        ("idk, u there?", "i do not know, you there?"),
        ("heeeelp!!!!!", "heelp!!"),
        ("  lots   of\n\tspace  ", "lots of space"),
        ("hello 👋", "hello waving hand"),
        ("ok 👍🏽", "ok thumbs up"),
        ("où est mon colis 😡😡", "ou est mon colis enraged face enraged face"),
        ("pas content :(", "pas content frowning face"),
        ("", ""),
    ],
)
def test_examples(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_digits_are_never_squeezed() -> None:
    # Order numbers keep their zeros: "O0000012" is not "O00012".
    assert normalise("commande O0000012 et 1000000") == "commande o0000012 et 1000000"


def test_words_that_only_look_like_abbreviations_stay() -> None:
    # "dont" is French ("la commande dont je parle"), "cb" is "carte bancaire", "y" is "il y a".
    assert normalise("la commande dont je parle, payée par CB, il y a") == (
        "la commande dont je parle, payee par cb, il y a"
    )


def test_emoji_names_can_be_single_tokens() -> None:
    assert name_emojis("😡 👕", prefix="emoji_", joiner="_").split() == [
        "emoji_enraged_face",
        "emoji_t_shirt",
    ]


MESSY = st.lists(
    st.sampled_from(
        [
            *list("abcdeéèàçôœ ABCÉ'’!?.,:()0123456789°<"),
            "😡",
            "👍🏽",
            "👋",
            " n°",
            " c ",
            " cmd ",
            " stp ",
            " u ",
            " cad ",
            "ᴬ",
            "ﬁ",
        ]
    ),
    max_size=40,
).map("".join)


@given(MESSY)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(MESSY)
def test_output_is_lowercase_ascii_without_runs(text: str) -> None:
    out = normalise(text)
    assert out == out.lower()
    assert out.isascii() or "°" in out or "<" in out
    assert "  " not in out
    assert out == out.strip()


def test_expansions_are_written_in_normalised_form() -> None:
    # The table is looked up after lowercasing and accent stripping: other keys never match.
    for short, long in EXPANSIONS.items():
        assert re.fullmatch(r"[a-z0-9]+", short), short
        assert re.fullmatch(r"[a-z0-9 ]+", long), long


def test_fast_enough_for_every_message() -> None:
    texts = ["slt ou est ma cmd 12345 stp", "wher is my ordr 😡 #10234", "Où est ma commande ?"]
    start = time.perf_counter()
    for _ in range(1000):
        for text in texts:
            normalise(text)
    per_call = (time.perf_counter() - start) / 3000
    # Typically 10-40 µs; the bound leaves room for a loaded CI machine.
    assert per_call < 1e-3
