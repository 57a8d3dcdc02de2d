"""Entities in a shopper's message: order numbers, emails, postcodes, products, dates,
amounts and addresses, each with its value as written and its place in the text.

Everything runs on a folded copy of the message (same offsets, no case, no accents), so
"COMMANDE N°12345", "commande n 12345" and "Commande n°12345" read alike. Patterns are
regular expressions; product names are matched against a vocabulary with typo tolerance
(:mod:`~shopkeeper.ai.support.product_matcher`).

A bare five-digit number is either an order number or a French postcode. The words around
it decide ("commande 12345", "#12345" -> order; "code postal 69003", "69003 Lyon", inside an
address, "j'habite au 69003" -> postcode); then a postcode word anywhere in the message;
then what the assistant just asked for (``expecting``); and otherwise an order number,
because shoppers quote order numbers far more often than postcodes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from shopkeeper.ai.support.addresses import AddressMatch, find_addresses
from shopkeeper.ai.support.dates import find_dates
from shopkeeper.ai.support.folding import Token, fold, tokenize, word_set
from shopkeeper.ai.support.product_matcher import (
    ProductVocabulary,
    builtin_vocabulary,
    catalogue_vocabulary,
    find_products,
)

ENTITY_TYPES = ("order_number", "email", "postcode", "product", "date", "amount", "address")
# A 10 MB message is read as its first 20,000 characters: nobody types more than that.
MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity: its type, its value as written, and its character span in the message.

    Examples
    --------
    >>> Entity("order_number", "12345", 12, 18)
    Entity(type='order_number', value='12345', start=12, end=18)
    """

    type: str
    value: str
    start: int
    end: int


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+")
# French numbers ("06 12 34 56 78", "+33 6 12 34 56 78") and long international ones: they
# are not order numbers, whatever they look like.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{2,3}[\s.-]?(?:\(0\)[\s.-]?)?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}(?!\d)"
    r"|(?<![\w+])07\d{3}\s?\d{6}(?!\d)"  # British mobiles: 07700 900123
)
_NUM = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCY_AFTER = (
    r"€(?:\d{2}(?!\d))?|euros?\b|eur\b|balles\b|dollars?\b|usd\b|\$|£|pounds?\b|gbp\b|chf\b"
    r"|francs?(?:\s+suisses?)?\b"
)
_AMOUNT = re.compile(
    rf"(?<![\d.,])(?:{_NUM})\s?(?:{_CURRENCY_AFTER})"
    rf"|(?:€|\$|£|\beur\b|\busd\b|\bgbp\b|\bchf\b)\s?(?:{_NUM})(?![\d])"
)
_NUMBER = re.compile(
    r"(?:(?<![\w@.,/])|(?<=order)|(?<=purchase)|(?<=commande)|(?<=cmd))"
    r"(o?\d{4,15})(?![\w@/%]|[.,]\d)"
)
# What may stand right before an order number: "#", "n°", "no.", "number", "numéro".
_ORDER_PREFIX = re.compile(
    r"(?:#|\bn\s?[°º]|\bno\.?|\bnr\.?|\bnum\.?|\bnumero|\bnumber|\bref\.?|\breference)\s*:?\s*$"
)
_ORDER_WORDS = word_set(
    "commande commandes cmd cmde cde commandee order orders ordr oder odrer ordre purchase "
    "purchases achat colis parcel package pkg"
)
_POSTCODE_WORDS = word_set("postal cp postcode zip zipcode npa")
_RESIDENCE_WORDS = word_set("habite jhabite habites habitons vis live lives living domicilie")
# Numbers that are something else: an invoice, a customer account, a tracking number.
_OTHER_NUMBER_WORDS = word_set(
    "facture factures invoice invoices bill bills receipt client customer account compte "
    "suivi tracking siret tva vat iban"
)
_POSTCODE_ANYWHERE = re.compile(r"\b(?:code postal|postal code|post code|postcode|zip|cp)\b")
_LOOK_BACK = 4
_SENTENCE_END = frozenset(".!?\n")
# Cities that follow a postcode in lowercase too ("69003 lyon").
_CITIES = word_set(
    "paris lyon marseille toulouse nice nantes strasbourg montpellier bordeaux lille rennes "
    "reims toulon grenoble dijon angers nimes brest metz tours limoges amiens perpignan caen "
    "rouen nancy orleans mulhouse besancon poitiers pau avignon annecy versailles nanterre "
    "bruxelles liege namur charleroi anvers gand mons luxembourg geneve lausanne berne bale "
    "zurich fribourg neuchatel sion lugano"
)
# Capitalised words after a number that are not a city: the next sentence starts.
_NOT_CITIES = word_set(
    "merci thanks thank please svp stp je i il elle on nous vous mais but and et est is pour "
    "for ok bonjour hello cordialement regards"
)


def _overlaps(span: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _is_order_word(word: str) -> bool:
    """ "commande", "order" and their misspellings ("commade", "oredr") or gluings
    ("theorder", "ispurchase")."""
    if word in _ORDER_WORDS or word.endswith(("order", "purchase", "commande")):
        return True
    if len(word) >= 6 and word.startswith("com"):
        return OSA.distance(word, "commande") <= 1
    return len(word) == 5 and word.startswith("or") and OSA.distance(word, "order") <= 1


def _is_other_number_word(word: str) -> bool:
    """Words before a number that is not an order's: "facture", "invoice" (and typos)."""
    if word in _OTHER_NUMBER_WORDS:
        return True
    if len(word) >= 5 and word.startswith("in"):
        return OSA.distance(word, "invoice") <= 2
    return len(word) >= 6 and word.startswith("fac") and OSA.distance(word, "facture") <= 1


def _context_before(folded: str, tokens: Sequence[Token], start: int) -> str | None:
    """What the words just before a number say it is: order, postcode, other or nothing."""
    before = [t for t in tokens if t.end <= start][-_LOOK_BACK - 2 :]
    seen = 0
    for token in reversed(before):
        if token.text in _SENTENCE_END or token.is_number:
            break
        if not token.is_word:
            continue
        word = token.text
        if _is_order_word(word):
            return "order_number"
        if word in _POSTCODE_WORDS or word in _RESIDENCE_WORDS:
            return "postcode"
        if _is_other_number_word(word):
            return "other"
        seen += 1
        if seen == _LOOK_BACK:
            break
    return None


def _year_like(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


def _city_after(text: str, tokens: Sequence[Token], end: int, *, year_like: bool) -> bool:
    """A city name right after the number; for "2018 World Cup" only a known city counts."""
    after = next((t for t in tokens if t.start >= end), None)
    if after is None or not after.is_word or after.start - end > 2:
        return False
    if after.text in _CITIES:
        return True
    return not year_like and text[after.start].isupper() and after.text not in _NOT_CITIES


def _valid_postcode(digits: str) -> bool:
    """A French postcode (01000-95999, 97xxx, 98xxx) or a Belgian/Swiss/Luxembourg one."""
    if len(digits) == 4:
        return digits[0] != "0"
    department = int(digits[:2])
    return len(digits) == 5 and (1 <= department <= 95 or department in (97, 98))


def _classify_number(
    text: str,
    folded: str,
    tokens: Sequence[Token],
    span: tuple[int, int],
    addresses: Sequence[AddressMatch],
    expecting: str | None,
) -> str | None:
    start, end = span
    digits = folded[start:end]
    if digits.startswith("o"):
        return "order_number"
    if _ORDER_PREFIX.search(folded[max(0, start - 20) : start]):
        before = _context_before(folded, tokens, start)
        return None if before == "other" else "order_number"
    if any(a.postcode == span for a in addresses):
        return "postcode"
    context = _context_before(folded, tokens, start)
    if context == "other":
        return None
    if context == "order_number":
        return "order_number"
    could_be_postcode = len(digits) in (4, 5) and _valid_postcode(digits)
    if context == "postcode":
        return "postcode" if could_be_postcode else None
    if could_be_postcode and _city_after(text, tokens, end, year_like=_year_like(digits)):
        return "postcode"
    if len(digits) == 4:
        # Years, quantities, prices without a currency: only the dialogue can tell.
        if expecting in ("postcode", "order_number"):
            return expecting if expecting == "order_number" or could_be_postcode else None
        return None
    if len(digits) == 5:
        if could_be_postcode and _POSTCODE_ANYWHERE.search(folded):
            return "postcode"
        if expecting == "postcode" and could_be_postcode:
            return "postcode"
        return "order_number"
    # Six digits and more: an order number, unless it is as long as a card number.
    return "order_number" if len(digits) <= 12 or expecting == "order_number" else None


def extract_entities(
    text: str, *, products: Sequence[str] = (), expecting: str | None = None
) -> tuple[Entity, ...]:
    """The entities in ``text``, in reading order.

    Parameters
    ----------
    text
        The shopper's message, as written.
    products
        Catalogue titles or product words to recognise; when empty, the built-in French
        and English product words are used.
    expecting
        The entity type the assistant just asked for ("order_number", "postcode"), which
        settles a number that could be either.

    Examples
    --------
    >>> for e in extract_entities("slt ma cmd #48213 😡 les baskets sont arrivées cassées hier"):
    ...     print(e.type, e.value)
    order_number 48213
    product baskets
    date hier
    >>> [e.type for e in extract_entities("75011")], [
    ...     e.type for e in extract_entities("75011", expecting="postcode")]
    (['order_number'], ['postcode'])
    >>> [(e.type, e.value) for e in extract_entities("nouvelle adresse: 3 rue Foch 69003 Lyon")]
    [('address', '3 rue Foch 69003 Lyon'), ('postcode', '69003')]
    """
    text = text[:MAX_CHARS]
    folded = fold(text)
    found: list[Entity] = []

    def add(kind: str, start: int, end: int, value: str | None = None) -> None:
        found.append(Entity(kind, text[start:end] if value is None else value, start, end))

    emails = [m.span() for m in _EMAIL.finditer(folded)]
    for start, end in emails:
        add("email", start, end)
    taken = emails + [m.span() for m in _URL.finditer(folded)]
    taken += [m.span() for m in _PHONE.finditer(folded) if not _overlaps(m.span(), taken)]

    for match in _AMOUNT.finditer(folded):
        if not _overlaps(match.span(), taken):
            add("amount", *match.span())
            taken.append(match.span())
    for span in find_dates(folded):
        if not _overlaps(span, taken):
            add("date", *span)
            taken.append(span)

    tokens = tokenize(folded)
    addresses = [a for a in find_addresses(tokens, text) if not _overlaps((a.start, a.end), taken)]
    for address in addresses:
        add("address", address.start, address.end)

    for match in _NUMBER.finditer(folded):
        span = match.span(1)
        if _overlaps(span, taken):
            continue
        kind = _classify_number(text, folded, tokens, span, addresses, expecting)
        if kind is not None:
            add(kind, *span)

    vocab: ProductVocabulary = (
        catalogue_vocabulary(tuple(products)) if products else builtin_vocabulary()
    )
    blocked = taken + [(a.start, a.end) for a in addresses]
    for start, end in find_products(tokens, text, vocab, blocked):
        add("product", start, end)
    found.sort(key=lambda e: (e.start, -e.end))
    return tuple(found)
