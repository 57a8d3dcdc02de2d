"""Competitors' titles and ours in one form, and what they say about quantity.

Scrapers and shop owners write one product many ways: "Huile d'Olive BIO 0,5 L - PROMO
-20%" and "huile olive bio 500 ml". :func:`normalise_title` folds case and accents, writes
quantities in one unit (millilitres, grams), marks pack counts ("6x") and clothing sizes
("sizel" for "taille L", which is not a litre) and drops marketing and little words.
:class:`Sizes` reads the quantities of a normalised title, so that two titles alike in every
word but the pack size can be told apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Penalties multiply a match's text score: a pack size that differs is a different product
# to price against, even when every word agrees; a count or model number less so.
SIZE_PENALTY = 0.6
NUMBER_PENALTY = 0.8

_UNITS = {
    "ml": ("ml", Decimal(1)),
    "cl": ("ml", Decimal(10)),
    "dl": ("ml", Decimal(100)),
    "l": ("ml", Decimal(1000)),
    "lt": ("ml", Decimal(1000)),
    "ltr": ("ml", Decimal(1000)),
    "litre": ("ml", Decimal(1000)),
    "litres": ("ml", Decimal(1000)),
    "liter": ("ml", Decimal(1000)),
    "liters": ("ml", Decimal(1000)),
    "g": ("g", Decimal(1)),
    "gr": ("g", Decimal(1)),
    "grs": ("g", Decimal(1)),
    "gramme": ("g", Decimal(1)),
    "grammes": ("g", Decimal(1)),
    "gram": ("g", Decimal(1)),
    "grams": ("g", Decimal(1)),
    "kg": ("g", Decimal(1000)),
    "kilo": ("g", Decimal(1000)),
    "kilos": ("g", Decimal(1000)),
}
_QUANTITY = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\b"
)
_MULTIPACK = re.compile(r"\b(\d+)\s*[x×*]\s*(?=\d)")
_PERCENT = re.compile(r"[-+]?\d+(?:[.,]\d+)?\s*%")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Clothing and shoe sizes follow a keyword; "taille L" must not read as a litre.
_APPAREL_SIZE = re.compile(
    r"\b(?:taille|size|pointure|tg)\s*[:.]?\s*(xxxl|xxl|xl|xxs|xs|s|m|l|\d{1,2}(?:[.,]5)?)\b"
)
_MEASURE = re.compile(r"^\d+(?:\.\d+)?(?:ml|g)$")
_PACK = re.compile(r"^\d+x$")
_APPAREL = re.compile(r"^size[a-z0-9]+$")


def _word_set(text: str) -> frozenset[str]:
    # Word lists written as prose read better than a list literal of fifty strings.
    return frozenset(text.split())


# Words that sell rather than describe; dropped on both sides so "PROMO -20% livraison
# gratuite" adds nothing to a title. Kept short: a word that names products must not be here.
_MARKETING = _word_set(
    "promo promotion promotions new nouveau nouvelle neuf offre offer sale soldes deal deals "
    "hot bestseller best seller vente flash exclusive exclusif exclusivite limited limite "
    "free shipping livraison gratuite gratuit offert offerte discount remise reduction cher "
    "buy now achetez ideal cadeau gift qualite quality original officiel official "
    "authentique genuine top"
)
_LITTLE_WORDS = _word_set(
    "a au aux avec d de des du en et l la le les par pour sur un une and by for of the with in on"
)


def fold(text: str) -> str:
    """``text`` lowercased without accents or ligatures.

    Examples
    --------
    >>> fold("Crème BRÛLÉE Œuf")
    'creme brulee oeuf'
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _quantity_token(number: str, unit: str) -> str:
    base, factor = _UNITS[unit]
    try:
        amount = Decimal(number.replace(",", ".")) * factor
    except InvalidOperation:
        return f"{number} {unit}"
    return f"{amount.normalize():f}{base}"


def is_size(word: str) -> bool:
    """True for the quantity words :func:`normalise_title` writes: ``500ml``, ``6x``, ``sizel``."""
    return bool(_MEASURE.match(word) or _PACK.match(word) or _APPAREL.match(word))


def normalise_title(text: str) -> str:
    """One spelling for titles that say the same thing.

    Examples
    --------
    >>> normalise_title("Huile d'Olive BIO 0,5 L - PROMO -20% !")
    'huile olive bio 500ml'
    >>> normalise_title("6 x 33 cl Limonade"), normalise_title("1.5kg croquettes")
    ('6x 330ml limonade', '1500g croquettes')
    """
    folded = _PERCENT.sub(" ", fold(text))
    folded = _MULTIPACK.sub(r" \1x ", folded)
    folded = _APPAREL_SIZE.sub(lambda m: f" size{m[1].replace(',', '')} ", folded)
    folded = _QUANTITY.sub(lambda m: f" {_quantity_token(m[1], m[2])} ", folded)
    words = []
    for word in folded.split():
        if is_size(word):
            words.append(word)
            continue
        for part in _NOT_WORD.split(word):
            if part and part not in _MARKETING and part not in _LITTLE_WORDS:
                words.append(part)
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Sizes:
    """What a normalised title says about quantity: contents, pack count, size, other numbers.

    Examples
    --------
    >>> Sizes.of(normalise_title("3 x 64 lingettes")).compare(Sizes.of("64 lingettes"))
    (0.6, 'pack differs (3x vs 1x)')
    >>> Sizes.of("creme 50ml").compare(Sizes.of("creme 50ml"))
    (1.0, 'same size 50ml')
    """

    measures: frozenset[str]
    packs: frozenset[str]
    apparel: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Sizes:
        words = text.split()
        return cls(
            frozenset(w for w in words if _MEASURE.match(w)),
            # No pack count written is one item: a 3-pack is not the single one.
            frozenset(w for w in words if _PACK.match(w)) or frozenset({"1x"}),
            frozenset(w for w in words if _APPAREL.match(w)),
            frozenset(w for w in words if w[:1].isdigit() and not is_size(w)),
        )

    def compare(self, other: Sizes) -> tuple[float, str]:
        """A penalty factor (1.0: none) and the reason, read against ``other``."""
        for label, mine, theirs in (
            ("size", self.measures, other.measures),
            ("pack", self.packs, other.packs),
            ("size", self.apparel, other.apparel),
        ):
            if mine and theirs and not mine & theirs:
                shown = f"{' '.join(sorted(mine))} vs {' '.join(sorted(theirs))}"
                return SIZE_PENALTY, f"{label} differs ({shown})"
        # Counts ("52 couches") and model numbers: each side naming one the other lacks.
        if self.numbers - other.numbers and other.numbers - self.numbers:
            return NUMBER_PENALTY, "numbers differ"
        same = self.measures & other.measures or self.apparel & other.apparel
        return 1.0, f"same size {' '.join(sorted(same))}" if same else ""
