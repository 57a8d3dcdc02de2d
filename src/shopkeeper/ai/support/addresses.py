"""Postal addresses in a message: French, Belgian, Swiss and simple English forms.

"12 rue des Lilas 69003 Lyon", "8 av. Jean Jaurès, 31000 Toulouse", "Rue Haute 15, 4000
Liège", "14 rue Victor Hugo", "221B Baker Street". A street number and a street type are
required, so "rue Victor Hugues" alone (a street named in passing) is not an address.
Works on tokens (:func:`~shopkeeper.ai.support.folding.tokenize`) of the folded text; the
original text is read only to see capital letters in city names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shopkeeper.ai.support.folding import Token, word_set

STREET_TYPES = word_set(
    "rue avenue av ave bd boulevard blvd chemin allee impasse imp place pl route rte quai cours "
    "square passage chaussee voie sentier lotissement residence hameau lieu-dit faubourg "
    "parvis promenade esplanade street road rd lane drive way close court crescent terrace "
    "strasse chaussee rampe ruelle venelle"
)
_EN_STREET_TYPES = word_set("street st road rd lane drive avenue ave way close court")
# Words that end a street or city name: the sentence goes on after the address.
_STOP = word_set(
    "et pas au lieu mais svp stp merci pour car parce comme a and not instead please thanks "
    "thank for but because as to au aux lieu plutot rather or ou si if je j' i il elle on nous "
    "vous you we he she it c' c est is jai suis habite depuis maintenant now since from "
    "svp stp pls plz thx merci"
)
# Street types that are also everyday words ("2 places de libre", "3 cours de yoga"): with
# no postcode after them, the street name must be capitalised.
_AMBIGUOUS_TYPES = word_set("place pl route rte cours passage voie square sentier way close court")
_NAME_PARTICLES = word_set("de du des la le l' d' les of the saint sainte st ste")
_NUMBER_SUFFIXES = frozenset({"bis", "ter", "b", "a"})
_ORDINALS = frozenset({"st", "nd", "rd", "th", "e", "er", "eme", "ere"})
_MAX_NAME = 6
_MAX_CITY = 4


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """An address span and the postcode inside it, if any (character offsets)."""

    start: int
    end: int
    postcode: tuple[int, int] | None


def _is_postcode(token: Token) -> bool:
    return token.is_number and len(token.text) in (4, 5)


def _is_name_word(token: Token) -> bool:
    return token.is_word and token.text not in _STOP


def _name_end(tokens: Sequence[Token], i: int) -> int:
    """End (exclusive) of a street name starting at ``i``; ``i`` if there is none."""
    j = i
    while j < len(tokens) and j - i < _MAX_NAME and _is_name_word(tokens[j]):
        j += 1
    # A name ends on a real word, not on "de" or "la".
    while j > i and tokens[j - 1].text in _NAME_PARTICLES:
        j -= 1
    return j


def _city_end(tokens: Sequence[Token], original: str, i: int) -> int:
    """End (exclusive) of a city name starting at ``i``: one word, then capitalised ones."""
    if i >= len(tokens) or not _is_name_word(tokens[i]):
        return i
    j = i + 1
    while j < len(tokens) and j - i < _MAX_CITY:
        token = tokens[j]
        if token.text == "-" and j + 1 < len(tokens) and tokens[j + 1].is_word:
            j += 2
            continue
        if not _is_name_word(token) or not original[token.start].isupper():
            # "Aix en Provence": a particle joins two capitalised words.
            linked = (
                token.text in {"en", "sur", "les", "le", "la", "de"}
                and j + 1 < len(tokens)
                and original[tokens[j + 1].start].isupper()
            )
            if not linked:
                break
        j += 1
    return j


def _trim_name(tokens: Sequence[Token], original: str, i: int, end: int) -> int:
    """A street name with no postcode after it: at most three words, and none in lowercase
    after a capitalised one ("14 rue Victor Hugo et", "5 rue Pasteur jai demenage")."""
    content, capitalised = 0, False
    for j in range(i, end):
        if tokens[j].text in _NAME_PARTICLES:
            continue
        upper = original[tokens[j].start].isupper()
        if (capitalised and not upper) or content == 3:
            end = j
            break
        capitalised = capitalised or upper
        content += 1
    while end > i and tokens[end - 1].text in _NAME_PARTICLES:
        end -= 1
    return end


def _capitalised_name(tokens: Sequence[Token], original: str, i: int) -> bool:
    """The first word of the name after its particles starts with a capital letter."""
    while i < len(tokens) and tokens[i].text in _NAME_PARTICLES:
        i += 1
    return i < len(tokens) and tokens[i].is_word and original[tokens[i].start].isupper()


def _postcode_city(
    tokens: Sequence[Token], original: str, i: int
) -> tuple[int, tuple[int, int] | None]:
    """After a street: an optional "," then postcode and city. Returns the new end."""
    j = i
    if j < len(tokens) and tokens[j].text == ",":
        j += 1
    if j < len(tokens) and _is_postcode(tokens[j]):
        city = _city_end(tokens, original, j + 1)
        if city > j + 1:
            return city, (tokens[j].start, tokens[j].end)
    return i, None


def find_addresses(tokens: Sequence[Token], original: str) -> list[AddressMatch]:
    """The addresses among ``tokens`` (of ``fold(original)``), left to right.

    Examples
    --------
    >>> from shopkeeper.ai.support.folding import fold, tokenize
    >>> text = "c'est 12 rue des Lilas 69003 Lyon et pas Rue Haute 15, 4000 Liège!"
    >>> [text[a.start : a.end] for a in find_addresses(tokenize(fold(text)), text)]
    ['12 rue des Lilas 69003 Lyon', 'Rue Haute 15, 4000 Liège']
    """
    found: list[AddressMatch] = []
    i, n = 0, len(tokens)
    while i < n:
        match = _number_first(tokens, original, i) or _type_first(tokens, original, i)
        if match is None:
            i += 1
            continue
        found.append(match)
        while i < n and tokens[i].start < match.end:
            i += 1
    return found


def _number_first(tokens: Sequence[Token], original: str, i: int) -> AddressMatch | None:
    """ "12 rue des Lilas [69003 Lyon]", "3 bis avenue Foch", "221B Baker Street"."""
    if not tokens[i].is_number or len(tokens[i].text) > 4:
        return None
    j = i + 1
    if j < len(tokens) and tokens[j].start == tokens[i].end and tokens[j].text in _ORDINALS:
        return None  # "3rd floor", "2e étage"
    if j < len(tokens) and tokens[j].text in _NUMBER_SUFFIXES:
        j += 1
    if j < len(tokens) and tokens[j].text == ",":
        j += 1
    english = False
    street_type = tokens[j].text if j < len(tokens) else ""
    if street_type in STREET_TYPES:
        if j + 1 < len(tokens) and tokens[j + 1].text == ".":
            j += 1
        name = _name_end(tokens, j + 1)
        if name == j + 1:
            return None
    else:
        english = True
        # English order: number, capitalised name words, then the street type.
        k = j
        while k < len(tokens) and k - j < 3 and tokens[k].is_word:
            if tokens[k].text in _EN_STREET_TYPES and k > j:
                break
            if not original[tokens[k].start].isupper():
                return None
            k += 1
        if k == j or k >= len(tokens) or tokens[k].text not in _EN_STREET_TYPES:
            return None
        name = k + 1
    end, postcode = _postcode_city(tokens, original, name)
    if postcode is None and not english:
        if street_type in _AMBIGUOUS_TYPES and not _capitalised_name(tokens, original, j + 1):
            return None
        end = _trim_name(tokens, original, j + 1, name)
    return AddressMatch(tokens[i].start, tokens[end - 1].end, postcode)


def _type_first(tokens: Sequence[Token], original: str, i: int) -> AddressMatch | None:
    """Belgian and Swiss order: "Rue Haute 15, 4000 Liège"."""
    if tokens[i].text not in STREET_TYPES:
        return None
    name = _name_end(tokens, i + 1)
    if name == i + 1 or name >= len(tokens):
        return None
    number = tokens[name]
    if not number.is_number or len(number.text) > 3:
        return None
    end = name + 1
    if end < len(tokens) and tokens[end].text in _NUMBER_SUFFIXES:
        end += 1
    end, postcode = _postcode_city(tokens, original, end)
    return AddressMatch(tokens[i].start, tokens[end - 1].end, postcode)
