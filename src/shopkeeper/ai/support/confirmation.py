"""Yes or no: the answer to "Do you confirm?", in French or English, typed any old way."""

from __future__ import annotations

import re
import unicodedata

_YES = {
    "oui",
    "ouais",
    "ouai",
    "ui",
    "wi",
    "yes",
    "yep",
    "yeah",
    "ya",
    "y",
    "ok",
    "okay",
    "oki",
    "okk",
    "dac",
    "daccord",
    "d'accord",
    "confirme",
    "confirm",
    "confirmed",
    "je confirme",
    "vas-y",
    "vas y",
    "allez-y",
    "allez y",
    "go",
    "go ahead",
    "sure",
    "of course",
    "bien sur",
    "carrement",
    "parfait",
    "exactement",
    "c'est ca",
    "cest ca",
    "please do",
    "yes please",
    "oui merci",
    "oui svp",
    "oui stp",
    "absolument",
    "tout a fait",
    "👍",
    "✅",
}
_NO = {
    "non",
    "nan",
    "no",
    "nope",
    "nah",
    "n",
    "pas du tout",
    "surtout pas",
    "laisse tomber",
    "laissez tomber",
    "annule",
    "finalement non",
    "non merci",
    "no thanks",
    "don't",
    "do not",
    "stop",
    "cancel that",
    "never mind",
    "nevermind",
    "plus besoin",
    "👎",
    "❌",
}

# Words people put before their answer: "actually no", "euh oui", "ben non".
_FILLERS = {
    "actually",
    "well",
    "hmm",
    "hm",
    "oh",
    "ah",
    "erm",
    "um",
    "uh",
    "so",
    "finally",
    "euh",
    "bah",
    "ben",
    "bon",
    "alors",
    "finalement",
    "en",
    "fait",
    "hum",
    "eh",
}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s!.?,;:]+", " ", stripped.replace("’", "'")).strip()


def yes_or_no(text: str) -> bool | None:
    """``True`` for a yes, ``False`` for a no, ``None`` when the message is neither.

    A message is read as an answer only when it starts with one, after fillers such as
    "actually" or "euh": "oui allez-y" is yes, "actually no, I'll keep it" is no, "is it
    shipped yet?" is neither.

    Examples
    --------
    >>> yes_or_no("Oui, allez-y !"), yes_or_no("nan laisse tomber"), yes_or_no("où est mon colis")
    (True, False, None)
    """
    plain = _plain(text)
    if not plain:
        return None
    words = plain.split(" ")
    while len(words) > 1 and words[0] in _FILLERS:
        words = words[1:]
    for size in (3, 2, 1):
        head = " ".join(words[:size])
        if head in _NO:
            return False
        if head in _YES:
            return True
    return None
