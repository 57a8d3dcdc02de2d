"""Shop-policy concepts, so a question and an FAQ answer meet across synonyms and languages.

A shopper asks "vous envoyez en Belgique ?" and the FAQ says "Dans quels pays livrez-vous ?";
"can I split the payment" should find "Can I pay in instalments?". Word and character
n-grams cannot see that "envoyer", "expédier" and "livrer" are one thing. Each concept below
lists the words of online-shop customer service that name it, in French and English,
written in the normalised form of :func:`~shopkeeper.ai.support.normalise.normalise`
(lowercase, no accents). A word ending in ``*`` is a prefix ("livr*" is "livrer",
"livrez", "livraison"). The retriever adds one token per concept found to the words of
both questions and passages.
"""

from __future__ import annotations

import re
from functools import cache

CONCEPTS: dict[str, tuple[str, ...]] = {
    "delivery": (
        "livr*", "expedi*", "envoi", "envoy*", "envoie*", "acheminement", "ship*", "deliver*",
        "colissimo", "chronopost", "mondial relay", "point relais", "pickup point",
        "frais de port", "port", "postage", "courier", "transporteur*", "carrier*",
        "entrepot*", "warehouse", "dispatch*", "expedition*", "la poste",
    ),
    "return": (
        "retour*", "retourn*", "renvo*", "send back", "send it back", "return*", "etiquette*",
        "label*", "bordereau*",
    ),
    "refund": ("rembours*", "refund*", "money back", "argent", "recuperer mon argent"),
    "free": ("gratuit*", "free", "offert*", "sans frais", "for nothing", "payant*", "pay for"),
    "country": (
        "pays", "belgique", "suisse", "luxembourg", "etranger", "international*",
        "country", "countries", "belgium", "switzerland", "abroad", "europe",
    ),
    "overseas": (
        "dom", "tom", "dom-tom", "outre-mer", "outre mer", "martinique", "guadeloupe",
        "reunion", "guyane", "mayotte", "polynesie", "nouvelle caledonie", "overseas",
    ),
    "human": (
        "humain*", "personne", "conseiller*", "agent*", "human*", "person", "someone",
        "somebody", "real", "vrai", "vraie", "telephone", "phone", "appeler", "rappeler",
        "call", "parler", "talk", "speak",
    ),
    "hours": (
        "horaire*", "heure*", "ouvert*", "ferme*", "open*", "clos*", "hours", "what time",
        "quand joindre", "disponible*", "available", "soir", "week-end", "weekend",
        "dimanche", "samedi", "sunday", "saturday", "nuit", "night", "tard", "late",
        "ferie*", "holiday*", "24h", "24/7",
    ),
    "assistant": (
        "assistant*", "chatbot*", "bot", "robot*", "ia", "ai", "automati*", "en ligne",
        "online", "chat",
    ),
    "value": ("montant*", "amount*", "valeur*", "value*", "worth", "vaut", "valent"),
    "contact": ("contact*", "joindre", "reach", "email", "e-mail", "mail", "ecrire", "write"),
    "delete": ("supprim*", "effac*", "delete*", "erase", "remove", "oubli numerique"),
    "personal_data": ("donnee*", "data", "personal", "personnel*", "rgpd", "gdpr", "privacy"),
    "promo": (
        "promo*", "code*", "reduction*", "remise*", "discount*", "coupon*", "voucher*",
        "bon de reduction",
    ),
    "combine": ("cumul*", "combin*", "stack*", "plusieurs", "several", "multiple", "deux", "two"),
    "instalments": (
        "plusieurs fois", "3 fois", "trois fois", "3x", "instalment*", "installment*",
        "split", "echelonn*", "pay later", "en 3",
    ),
    "payment_method": (
        "paypal", "visa", "mastercard", "amex", "american express", "cb", "carte bancaire",
        "apple pay", "moyen* de paiement", "payment method*", "pay with", "payer avec",
        "payer par", "cheque", "virement", "bank transfer", "credit card", "debit card",
    ),
    "charged": (
        "debit*", "preleve*", "prelevement*", "encaiss*", "charged", "charge", "take the money",
        "taken", "paiement pris", "payment taken",
    ),
    "non_returnable": (
        "nourriture", "aliment*", "food", "boisson*", "drink*", "cafe*", "coffee",
        "tea", "cosmetique*", "cosmetic*", "hygiene", "ouvert", "opened", "creme*",
        "sunscreen", "solaire", "beaute", "beauty",
    ),
    "exchange": ("echang*", "exchange*", "swap*", "taille*", "size*", "pointure*", "bigger", "smaller"),
    "validity": ("valable*", "valid*", "expir*", "perim*", "date limite", "duree de validite"),
    "loyalty": ("fidelite", "points", "point", "loyalty", "reward*", "cagnotte"),
    "gift_card": ("carte* cadeau*", "gift card*", "cheque* cadeau*", "e-carte"),
    "next_day": (
        "demain", "lendemain", "tomorrow", "next day", "express", "rapide*", "fast*",
        "urgent*", "vite", "quick*", "asap",
    ),
    "tracking": ("suivi*", "suivre", "track*", "ou est", "ou en est", "where is"),
    "invoice": ("facture*", "invoice*", "receipt*", "recu de paiement", "justificatif*"),
    "password": (
        "mot de passe", "mdp", "password*", "connect*", "login", "log in", "identifiant*",
        "sign in", "reinitialis*", "reset",
    ),
    "damaged": (
        "abim*", "endommag*", "cass*", "damaged", "broken", "defectueu*", "faulty", "manquant*",
        "missing", "wrong", "mauvais", "pas le bon", "erreur",
    ),
    "cancel": ("annul*", "cancel*", "plus envie", "changed my mind", "no longer want"),
    "address": ("adresse*", "address*", "domicile", "demenag*", "moved"),
    "currency": ("devise*", "euro*", "currency", "dollar*", "livre sterling", "franc* suisse*"),
    "duration": (
        "combien de temps", "how long", "how many days", "combien de jours", "delai*", "duree",
        "jours", "days", "semaines", "weeks",
    ),
    "account": ("compte*", "account*", "espace client", "profil*", "profile"),
    "price": (
        "prix", "price*", "cout*", "cost*", "tarif*", "combien", "how much", "frais", "fee*",
        "cher", "expensive", "cheap*",
    ),
}  # fmt: skip


def _pattern(words: tuple[str, ...]) -> str:
    parts = []
    for word in words:
        body = r"\s+".join(
            re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in word.split()
        )
        parts.append(body)
    return "|".join(sorted(parts, key=len, reverse=True))


@cache
def _compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (name, re.compile(rf"(?<![\w-])(?:{_pattern(words)})(?![\w-])"))
        for name, words in CONCEPTS.items()
    )


def concepts(normalised: str) -> list[str]:
    """The concepts a normalised text names, each once, as tokens ("concept_delivery").

    Examples
    --------
    >>> concepts("vous envoyez en belgique ?")
    ['concept_delivery', 'concept_country']
    >>> concepts("can i split the payment")
    ['concept_instalments']
    """
    return [f"concept_{name}" for name, pattern in _compiled() if pattern.search(normalised)]


def concepts_vocabulary() -> list[str]:
    """Every concept token, in a fixed order."""
    return [f"concept_{name}" for name in CONCEPTS]
