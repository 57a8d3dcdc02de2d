"""FAQ retrieval over the demo shop's markdown FAQ, French and English."""

from __future__ import annotations

import pytest

from shopkeeper.ai.support.faq import (
    FaqAnswer,
    FaqDocument,
    FaqRetriever,
    demo_faq_documents,
    split_passages,
)
from shopkeeper.core.errors import InvalidInputError, NotFittedError

# Paraphrases written for this test (not taken from any benchmark set), with the passages
# that answer them. Used while tuning the retriever's weights: a development check, not an
# unbiased estimate (see the report in docs for held-out figures).
Want = set[tuple[str, str]]
FRENCH: list[tuple[str, Want]] = [
    ("c gratuit la livraision ?", {("livraison.md", "La livraison est-elle gratuite ?")}),
    (
        "combien de jours j'ai pour renvoyer un truc",
        {("retours.md", "De combien de temps est-ce que je dispose pour retourner un article ?")},
    ),
    ("vous envoyez en belgique ?", {("livraison.md", "Dans quels pays livrez-vous ?")}),
    (
        "je peux payer en 3 fois sans frais ?",
        {("paiement.md", "Puis-je payer en plusieurs fois ?")},
    ),
    ("vous prenez paypal ?", {("paiement.md", "Quels moyens de paiement acceptez-vous ?")}),
    (
        "mot de passe perdu, impossible de me connecter",
        {
            (
                "compte-et-donnees.md",
                "J'ai oublié mon mot de passe ou je n'arrive plus à me connecter, que faire ?",
            )
        },
    ),
    ("le service client est ouvert a quelle heure", {("contact.md", "Quels sont vos horaires ?")}),
    (
        "est-ce que je peux mettre deux codes promo sur la meme commande",
        {("fidelite-et-cartes-cadeaux.md", "Puis-je cumuler plusieurs codes promo ?")},
    ),
    (
        "les points fidélité ça vaut combien en euros",
        {("fidelite-et-cartes-cadeaux.md", "Combien valent mes points de fidélité ?")},
    ),
    (
        "une carte cadeau expire au bout de combien de temps ?",
        {("fidelite-et-cartes-cadeaux.md", "Combien de temps une carte cadeau est-elle valable ?")},
    ),
    (
        "je veux être livré demain, c'est possible ?",
        {("livraison.md", "Comment être livré dès le lendemain ?")},
    ),
    ("vous livrez en martinique ?", {("livraison.md", "Livrez-vous dans les DOM-TOM ?")}),
    (
        "on peut renvoyer de la nourriture ?",
        {("retours.md", "Quels articles ne peuvent pas être retournés ?")},
    ),
    (
        "je voudrais échanger mes chaussures contre une pointure au dessus",
        {("retours.md", "Puis-je échanger un article, par exemple contre une autre taille ?")},
    ),
    (
        "comment effacer toutes mes données personnelles",
        {("compte-et-donnees.md", "Comment supprimer mon compte et mes données ?")},
    ),
    (
        "je peux avoir un humain au telephone ?",
        {
            ("contact.md", "Puis-je parler à une vraie personne ?"),
            ("contact.md", "Comment contacter le service client ?"),
        },
    ),
]
ENGLISH: list[tuple[str, Want]] = [
    ("is shipping free??", {("livraison.md", "Is delivery free?")}),
    (
        "how many days do i have to send something back",
        {("retours.md", "How long do I have to return an item?")},
    ),
    ("do u ship to switzerland", {("livraison.md", "Do you deliver to Switzerland?")}),
    ("can i split the payment", {("paiement.md", "Can I pay in instalments?")}),
    ("do you take apple pay", {("paiement.md", "Which payment methods do you accept?")}),
    (
        "forgot my pasword cant log in",
        {("compte-et-donnees.md", "I forgot my password or cannot log in, what should I do?")},
    ),
    ("what time does customer service close", {("contact.md", "What are your opening hours?")}),
    (
        "can i stack two discount codes",
        {("fidelite-et-cartes-cadeaux.md", "Can I combine several promo codes?")},
    ),
    (
        "how much is a loyalty point worth",
        {("fidelite-et-cartes-cadeaux.md", "How much are my loyalty points worth?")},
    ),
    (
        "when does a gift card expire",
        {("fidelite-et-cartes-cadeaux.md", "How long is a gift card valid?")},
    ),
    ("i need it delivered tomorrow", {("livraison.md", "How can I get my order the next day?")}),
    ("when do you take the money from my card", {("paiement.md", "When am I charged?")}),
    (
        "can i swap the shoes for a bigger size",
        {("retours.md", "Can I exchange an item, for example for another size?")},
    ),
    (
        "please erase my account and all my data",
        {("compte-et-donnees.md", "How do I delete my account and my data?")},
    ),
]


@pytest.fixture(scope="module")
def french() -> FaqRetriever:
    return FaqRetriever().fit(demo_faq_documents("fr"))


@pytest.fixture(scope="module")
def english() -> FaqRetriever:
    return FaqRetriever().fit(demo_faq_documents("en"))


def _first_hits(faq: FaqRetriever, cases: list[tuple[str, Want]]) -> tuple[int, list[str]]:
    misses = []
    for question, want in cases:
        answers = faq.search(question)
        first = (answers[0].source, answers[0].heading) if answers else None
        if first not in want:
            misses.append(f"{question!r} -> {first}")
    return len(cases) - len(misses), misses


def test_the_right_passage_comes_first_for_paraphrased_questions(
    french: FaqRetriever, english: FaqRetriever
) -> None:
    hits_fr, misses_fr = _first_hits(french, FRENCH)
    hits_en, misses_en = _first_hits(english, ENGLISH)
    # 27 of 30 when written: "c gratuit la livraision" and "is shipping free" find the
    # passage on free returns first, "ouvert a quelle heure" the one on contacting us.
    assert hits_fr + hits_en >= 26, misses_fr + misses_en


def test_the_demo_faq_in_both_languages() -> None:
    for language in ("fr", "en"):
        documents = demo_faq_documents(language)
        assert [d.source for d in documents] == [
            "commandes.md",
            "compte-et-donnees.md",
            "contact.md",
            "fidelite-et-cartes-cadeaux.md",
            "livraison.md",
            "paiement.md",
            "retours.md",
        ]
        assert sum(len(split_passages(d)) for d in documents) == 50
    with pytest.raises(InvalidInputError):
        demo_faq_documents("de")


def test_answers_cite_their_source_and_quote_the_passage(french: FaqRetriever) -> None:
    best = french.search("Quels moyens de paiement acceptez-vous ?")[0]
    assert best.source == "paiement.md"
    assert best.heading == "Quels moyens de paiement acceptez-vous ?"
    assert "PayPal" in best.answer
    assert not best.answer.startswith("#")
    assert best.score > 0.6


def test_scores_are_in_0_1_best_first_and_k_is_respected(english: FaqRetriever) -> None:
    answers = english.search("how do I return an item for a refund?", k=5)
    assert 1 <= len(answers) <= 5
    scores = [a.score for a in answers]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert english.search("how do I return an item?", k=0) == ()
    assert all(0.0 <= s <= 1.0 for s in english.scores("retours retour return"))


@pytest.mark.parametrize(
    "question", ["", "   ", "😡😡😡", "asdfghjkl", "bonjour", "hello", "merci"]
)
def test_nothing_to_answer(french: FaqRetriever, question: str) -> None:
    assert french.search(question) == ()


def test_min_score_filters_weak_matches() -> None:
    documents = demo_faq_documents("fr")
    lenient = FaqRetriever(min_score=0.0).fit(documents)
    strict = FaqRetriever(min_score=0.99).fit(documents)
    assert len(lenient.search("recette de crêpes", k=3)) == 3
    assert strict.search("la livraison est gratuite ?") == ()


def test_typos_caps_and_missing_accents(french: FaqRetriever) -> None:
    for question in ("LIVRAISON GRATUITE ???", "livraision gratuitte", "la livraison c gratuit"):
        assert french.search(question)[0].heading == "La livraison est-elle gratuite ?"


def test_a_shop_s_own_documents() -> None:
    documents = [
        FaqDocument(
            "magasin.md",
            "# Notre boutique\n\nIntro text.\n\n## Avez-vous une boutique physique ?\n"
            "Oui, 3 rue des Lilas à Lyon.\n\n## Faites-vous des emballages cadeaux ?\n"
            "Oui, pour 2 €.\n\n## Question sans réponse ?\n",
        )
    ]
    faq = FaqRetriever().fit(documents)
    assert [p.heading for p in faq.passages_] == [
        "Avez-vous une boutique physique ?",
        "Faites-vous des emballages cadeaux ?",
    ]
    best = faq.search("c'est possible d'avoir un emballage cadeau ?")[0]
    assert best == FaqAnswer(
        "magasin.md", "Faites-vous des emballages cadeaux ?", "Oui, pour 2 €.", best.score
    )


def test_fit_needs_questions_and_search_needs_fit() -> None:
    with pytest.raises(NotFittedError):
        FaqRetriever().search("livraison")
    with pytest.raises(InvalidInputError):
        FaqRetriever().fit([FaqDocument("vide.md", "# Rien\n\nPas de question ici.")])
    with pytest.raises(InvalidInputError):
        FaqRetriever(heading_weight=2.0).fit(demo_faq_documents("fr"))


def test_explanation_names_the_source(french: FaqRetriever) -> None:
    answers = french.predict("vous livrez en suisse ?")
    explanation = french.explain("vous livrez en suisse ?", answers)
    assert "livraison.md" in explanation.summary
    assert explanation.factors[0].weight == answers[0].score
    assert "no FAQ passage" in french.explain("bonjour", ()).summary


def test_fast_enough_per_question(french: FaqRetriever) -> None:
    import time

    questions = [q for q, _ in FRENCH] * 5
    french.search(questions[0])
    start = time.perf_counter()
    for question in questions:
        french.search(question)
    per_question_ms = (time.perf_counter() - start) / len(questions) * 1000
    # Measured at about 0.25 ms; the bound leaves room for a busy machine.
    assert per_question_ms < 5.0


def test_huge_question(french: FaqRetriever) -> None:
    assert isinstance(french.search("livraison gratuite " * 500_000), tuple)
