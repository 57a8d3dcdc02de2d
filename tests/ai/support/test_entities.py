"""Entity extraction: order numbers, postcodes, emails, amounts, dates, addresses, products."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from benchmarks.support_entities import (
    EntityExample,
    entity_scores,
    load_shop_csv,
    normalise_value,
    shipped_extractor,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.ai.support.entities import Entity, extract_entities

DATA = Path(__file__).resolve().parents[3] / "src" / "shopkeeper" / "ai" / "support" / "data"


def found(
    text: str, *, products: Sequence[str] = (), expecting: str | None = None
) -> list[tuple[str, str]]:
    entities = extract_entities(text, products=products, expecting=expecting)
    return [(e.type, e.value) for e in entities]


def of_type(
    text: str, kind: str, *, products: Sequence[str] = (), expecting: str | None = None
) -> list[str]:
    return [v for t, v in found(text, products=products, expecting=expecting) if t == kind]


# --- order numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Bonjour, où en est ma commande O0012345 ?", "O0012345"),
        ("ma commande o23456 est bloquée", "o23456"),
        ("ou en est ma cmd 12345", "12345"),
        ("je n'ai pas reçu ma commande #48213", "48213"),
        ("commande n°30917", "30917"),
        ("commande n° O0031266 passée le 2 mars", "O0031266"),
        ("COMMANDE N°12345 TOUJOURS PAS LIVREE", "12345"),
        ("numero de commande 55102 svp", "55102"),
        ("Could you check order no. 30917, please?", "30917"),
        ("wher is my ordr 😡 #10234", "10234"),
        ("annuler la commande #O0019870", "O0019870"),
        ("slt ma cmd elle en est ou ? c la 60321", "60321"),
        ("can you cancel purchase 113542617735902?", "113542617735902"),
        ("help with order732201349959", "732201349959"),
        ("ma commade 77410 n'arrive pas", "77410"),
    ],
)
def test_order_numbers_in_their_usual_spellings(text: str, value: str) -> None:
    assert of_type(text, "order_number") == [value]


def test_order_number_span_leaves_out_hash_and_numero_sign() -> None:
    text = "cmd #48213 et commande n°30917"
    spans = [text[e.start : e.end] for e in extract_entities(text)]
    assert spans == ["48213", "30917"]


@pytest.mark.parametrize(
    "text",
    [
        "appelez-moi au 06 12 34 56 78",
        "mon numéro: 0612345678",
        "call me on +33 6 12 34 56 78",
        "my number is 07700 900123",
        "I need my invoice #12588",
        "la facture n° 45678 est fausse",
        "mon numéro client est 887766",
        "Who won the 2018 World Cup?",
        "je fais du 42 et j'ai 2 enfants",
    ],
)
def test_numbers_that_are_not_order_numbers(text: str) -> None:
    assert of_type(text, "order_number") == []
    assert of_type(text, "postcode") == []


# --- five digits: order number or postcode? -------------------------------------------------


def test_a_lone_five_digit_number_is_an_order_number_by_default() -> None:
    assert found("75011") == [("order_number", "75011")]
    assert found("c'est le 48213") == [("order_number", "48213")]


def test_the_question_just_asked_settles_a_lone_number() -> None:
    assert found("75011", expecting="postcode") == [("postcode", "75011")]
    assert found("75011", expecting="order_number") == [("order_number", "75011")]
    # Not a French postcode: the dialogue's guess does not make it one.
    assert found("99123", expecting="postcode") == [("order_number", "99123")]


def test_words_around_the_number_beat_the_question_asked() -> None:
    assert found("commande 75011", expecting="postcode") == [("order_number", "75011")]
    assert found("mon code postal c'est 75011", expecting="order_number") == [("postcode", "75011")]


@pytest.mark.parametrize(
    ("text", "postcodes"),
    [
        ("code postal 69003", ["69003"]),
        ("CP: 69003", ["69003"]),
        ("vs pouvez me dire qd je serais livré ? jhabite au 69003", ["69003"]),
        ("j'habite au 13001 marseille", ["13001"]),
        ("75011 Paris", ["75011"]),
        ("my postcode is wrong it should be 92100", ["92100"]),
        ("jai fait une erreur dans le code postal, c'est 75011 et pas 75001", ["75011", "75001"]),
        ("I live in 75011", ["75011"]),
    ],
)
def test_postcodes_from_context(text: str, postcodes: list[str]) -> None:
    assert of_type(text, "postcode") == postcodes
    assert of_type(text, "order_number") == []


def test_order_and_postcode_in_one_message() -> None:
    text = "commande 48870 à livrer au 2 rue Nationale 1000 Bruxelles"
    assert of_type(text, "order_number") == ["48870"]
    assert of_type(text, "postcode") == ["1000"]


def test_four_digits_need_a_reason_to_be_anything() -> None:
    assert found("j'ai payé en 2024") == []
    assert found("1201 Genève") == [("postcode", "1201")]


# --- emails, amounts ---------------------------------------------------------------------------


def test_email_without_the_full_stop_after_it() -> None:
    text = "mon email c'est Pierre.Dubois75011@orange.fr."
    assert found(text) == [("email", "Pierre.Dubois75011@orange.fr")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("la facture indique 49,90 € mais", "49,90 €"),
        ("I paid €54.80 with delivery", "€54.80"),
        ("une carte cadeau de 20 euros", "20 euros"),
        ("ça me coute 35€ de trop", "35€"),
        ("i paid $160 for these", "$160"),
        ("un débit de 1 200 € !", "1 200 €"),
        ("j'ai payé 15 balles", "15 balles"),
        ("reimbursing 1499 dollars", "1499 dollars"),
        ("c'est 49€90 le lot", "49€90"),
        ("LIVRAISON OFFERTE DES 49 EUR ?", "49 EUR"),
        ("a compensation of350 dollars", "350 dollars"),
    ],
)
def test_amounts(text: str, value: str) -> None:
    assert of_type(text, "amount") == [value]


def test_numbers_without_currency_are_not_amounts() -> None:
    assert of_type("livré en 2-4 jours, 3 articles", "amount") == []


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ma commande devait arriver hier", "hier"),
        ("MA COMMANDE DEVAIT ARRIVER HIER", "HIER"),
        ("je l'ai passée aujourd'hui", "aujourd'hui"),
        ("commandé lundi dernier", "lundi dernier"),
        ("passée le 12 mars", "le 12 mars"),
        ("passee le 1er fevrier 2025", "le 1er fevrier 2025"),
        ("bjr jai commander le 12/03 et tjr rien", "le 12/03"),
        ("livré le 28.02.2025", "le 28.02.2025"),
        ("depuis vendredi rien", "vendredi"),
        ("it was supposed to arrive yesterday", "yesterday"),
        ("I ordered last monday", "last monday"),
        ("placed on 3 May", "3 May"),
        ("placed on May 3rd", "May 3rd"),
        ("absente du 1er au 15 août", "1er au 15 août"),
        ("je l'ai reçue la semaine dernière", "la semaine dernière"),
    ],
)
def test_dates_and_relative_days(text: str, value: str) -> None:
    assert of_type(text, "date") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "vous êtes ouverts le samedi ?",
        "Are you open on Saturdays?",
        "il y a 3 jours",
        "ça fait deux semaines",
        "délai de 2-4 jours",
        "noté 3/5",
    ],
)
def test_durations_and_habits_are_not_dates(text: str) -> None:
    assert of_type(text, "date") == []


# --- addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "address", "postcode"),
    [
        ("changer l'adresse : 12 rue des Lilas 69003 Lyon", "12 rue des Lilas 69003 Lyon", "69003"),
        (
            "c'est 8 av. Jean Jaurès, 31000 Toulouse svp",
            "8 av. Jean Jaurès, 31000 Toulouse",
            "31000",
        ),
        ("livrer à Rue Haute 15, 4000 Liège, au lieu de Lille", "Rue Haute 15, 4000 Liège", "4000"),
        (
            "3 bis impasse des Tilleuls 44300 nantes",
            "3 bis impasse des Tilleuls 44300 nantes",
            "44300",
        ),
        ("please ship to 16 RUE FOCH 57000 METZ instead", "16 RUE FOCH 57000 METZ", "57000"),
    ],
)
def test_addresses_with_postcode_and_city(text: str, address: str, postcode: str) -> None:
    assert of_type(text, "address") == [address]
    assert of_type(text, "postcode") == [postcode]


def test_address_without_postcode_stops_at_the_street_name() -> None:
    text = "c'est 14 rue Victor Hugo et pas rue Victor Hugues"
    assert of_type(text, "address") == ["14 rue Victor Hugo"]


@pytest.mark.parametrize(
    "text", ["dans la rue Victor Hugo", "Building B, 3rd floor", "j'ai 2 place de libre ?"]
)
def test_no_address_without_a_street_number_and_type(text: str) -> None:
    assert of_type(text, "address") == []


# --- products ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "products"),
    [
        ("je veux retourner les chaussures de rando", ["chaussures de rando"]),
        ("la CREME MAINS BIO est arrivée ouverte", ["CREME MAINS BIO"]),
        ("vous avez encore le cafe en grains pur arabica ?", ["cafe en grains pur arabica"]),
        ("ma Limonade Artisaanl est éventée", ["Limonade Artisaanl"]),
        ("j'ai reçu des t-shhirts troués", ["t-shhirts"]),
        ("the senior dog food and the spf 50 sunscreen", ["senior dog food", "spf 50 sunscreen"]),
        ("when will my headphones arrive 😡", ["headphones"]),
        ("les croquettes chat sont-elles sans céréales ?", ["croquettes chat"]),
        ("do the baby bottles contain bpa?", ["baby bottles"]),
        ("Is the rain jackt waterproof?", ["rain jackt"]),
    ],
)
def test_products_from_the_builtin_vocabulary(text: str, products: list[str]) -> None:
    assert of_type(text, "product") == products


@pytest.mark.parametrize(
    "text",
    [
        "mon colis a ete livre hier",  # "livré" without its accent, not "livre"
        "je ne laisse pas tomber",
        "i want to cancle my order",  # "cancel", not "candle"
        "vous avez du stock ?",  # not "sock"
        "Can you give me the tracking number?",  # "the" is not "thé"
        "je vais jouer dehors",
        "mon numéro de téléphone a changé",
        "la boite était ouverte",
    ],
)
def test_ordinary_words_are_not_products(text: str) -> None:
    assert of_type(text, "product") == []


def test_catalogue_titles_replace_the_builtin_words() -> None:
    catalogue = [
        "Lumière de Provence Crème mains Bio 50 ml",
        "Royal Museau Croquettes chien Senior 3 kg",
    ]
    text = "la creme mains bio et les croquettes chien senior, et mes chaussures"
    assert of_type(text, "product", products=catalogue) == [
        "creme mains bio",
        "croquettes chien senior",
    ]


def test_catalogue_words_match_with_typos() -> None:
    assert of_type("ou sont mes chausures ?", "product", products=["Chaussures"]) == ["chausures"]


# --- whole-message behaviour ---------------------------------------------------------------


def test_a_messy_message_with_everything() -> None:
    text = (
        "SLT 😡 ma cmd #48213 du 12/03 (49,90 €) pas reçue, envoyez les baskets au "
        "3 rue Foch 69003 Lyon, mail: jo@free.fr"
    )
    assert found(text) == [
        ("order_number", "48213"),
        ("date", "12/03"),
        ("amount", "49,90 €"),
        ("product", "baskets"),
        ("address", "3 rue Foch 69003 Lyon"),
        ("postcode", "69003"),
        ("email", "jo@free.fr"),
    ]


def test_empty_and_huge_messages() -> None:
    assert extract_entities("") == ()
    assert extract_entities("😡😡😡 !!!") == ()
    huge = "commande 12345 " + "blabla " * 1_500_000
    start = time.perf_counter()
    assert ("order_number", "12345") in found(huge)
    assert time.perf_counter() - start < 2.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_spans_of_itself(text: str) -> None:
    for entity in extract_entities(text):
        assert isinstance(entity, Entity)
        assert text[entity.start : entity.end] == entity.value
        assert entity.value.strip()


def test_every_span_is_the_value_on_the_training_messages() -> None:
    for example in load_shop_csv(DATA / "intents_fr.csv")[:400]:
        for entity in extract_entities(example.text):
            assert example.text[entity.start : entity.end] == entity.value


def test_fast_enough_per_message() -> None:
    texts = [e.text for e in load_shop_csv(DATA / "intents_en.csv")]
    for text in texts[:50]:
        extract_entities(text)
    start = time.perf_counter()
    for text in texts:
        extract_entities(text)
    per_message_ms = (time.perf_counter() - start) / len(texts) * 1000
    # Measured at about 0.05 ms; the bound leaves room for a busy machine.
    assert per_message_ms < 2.0


# --- the scoring used by benchmarks/support_entities.py ------------------------------------


def test_value_normalisation_for_scoring() -> None:
    assert normalise_value("amount", "64,90 €") == normalise_value("amount", "€64.90") == "64.9"
    assert normalise_value("order_number", "n° O0012345") == "o0012345"
    assert normalise_value("date", "le 12 mars") == "12 mars"
    assert normalise_value("date", "demain") == "demain"  # "de" is not an article here
    assert normalise_value("product", "les Chaussures") == "chaussures"


def test_entity_scores_counts_pairs_per_type() -> None:
    examples = [
        EntityExample("cmd 12345 hier", {"order_number": ["12345"], "date": ["hier"]}),
        EntityExample("rien", {"product": ["baskets"]}),
    ]
    scores = entity_scores(examples, lambda t: [("order_number", "12345"), ("amount", "5")])
    # "12345" is right in the first message, wrong in the second; both amounts are wrong.
    assert scores["per_type"]["order_number"] == {
        "precision": 50.0,
        "recall": 100.0,
        "f1": 66.67,
        "tp": 1,
        "fp": 1,
        "fn": 0,
    }
    assert (scores["micro"]["tp"], scores["micro"]["fp"], scores["micro"]["fn"]) == (1, 3, 2)
    only = entity_scores(examples, lambda t: [("amount", "5")], types=["order_number"])
    assert only["micro"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 1}


def test_training_sets_score_well() -> None:
    """A regression guard on the shipped training data (not a test-set figure)."""
    for name in ("intents_fr.csv", "intents_en.csv"):
        scores = entity_scores(load_shop_csv(DATA / name), shipped_extractor())
        assert scores["micro"]["f1"] > 90.0, (name, scores["micro"])
        assert scores["per_type"]["order_number"]["f1"] > 97.0
