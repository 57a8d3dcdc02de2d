"""Reading a message in context: greetings with a request, products of the catalogue."""

from __future__ import annotations

from shopkeeper.services.support.understanding import Understander

TITLES = ("Lampe de bureau Nova", "Baskets Running Confort", "Miel Bio de Provence")


def test_a_greeting_followed_by_a_request_is_the_request() -> None:
    reader = Understander()
    assert reader.read("bonjour 👋").intent == "greeting"
    assert reader.read("Bonjour, vous auriez une bonne recette de crêpes ?").intent != "greeting"


def test_naming_a_catalogue_product_is_a_product_question() -> None:
    reader = Understander()
    heard = reader.read(
        "Can you tell me more about Lampe de bureau Nova? What is it exactly?", products=TITLES
    )
    assert heard.intent == "product_question"
    assert heard.first("product") is not None


def test_an_order_number_keeps_the_order_reading() -> None:
    heard = Understander().read("Bonjour, où en est ma commande 12345 ?", products=TITLES)
    assert heard.intent == "order_status"
    assert heard.first("order_number") == "12345"


def test_short_answers_keep_the_conversations_language() -> None:
    reader = Understander()
    assert reader.read("ok", language="en").language == "en"
    assert reader.read("je voudrais suivre ma commande", language="en").language == "fr"
