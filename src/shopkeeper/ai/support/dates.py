"""Dates and relative days in French and English, found by regular expressions.

"hier", "aujourd'hui", "lundi dernier", "le 12 mars", "12/03", "yesterday", "last monday",
"3 May", "May 3rd". Durations ("il y a 3 jours", "for two weeks") and habits ("le samedi",
"on Saturdays") are not dates. ``dateparser`` was measured at 1.5 ms a message on this
machine and finds dates in "et je" and "ma"; these patterns take a few microseconds.
Patterns run on the folded text (:func:`~shopkeeper.ai.support.folding.fold`).
"""

from __future__ import annotations

import re

_WEEKDAY_FR = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_WEEKDAY_EN = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH_FR = (
    r"(?:janvier|janv\.?|fevrier|fevr?\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|aout"
    r"|septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|decembre|dec\.?)"
)
_MONTH_EN = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?)"
)
_MONTH = rf"(?:{_MONTH_FR}|{_MONTH_EN})"
_DAY = r"(?:1er|[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:\s+(?:19|20)\d{2})"
_PART_FR = r"(?:\s+(?:matin|soir|midi|apres-midi|apres midi|aprem|dernier|derniere|prochain))"
_PART_EN = r"(?:\s+(?:morning|afternoon|evening|night))"

_PATTERNS = (
    # a range: "1er au 15 août", "from 3 to 10 May"
    rf"{_DAY}\s+(?:au|-|to)\s+{_DAY}\s+{_MONTH}{_YEAR}?",
    # "le lundi 12 mars 2024", "12 mars", "3rd of May", "15 avril"
    rf"(?:le\s+)?(?:(?:{_WEEKDAY_FR}|{_WEEKDAY_EN}),?\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}"
    rf"{_YEAR}?",
    # "May 3rd", "March 12, 2024"
    rf"{_MONTH_EN}\s+{_DAY}(?:,?{_YEAR})?",
    # "12/03", "le 12/03/2024", "12-03-2024", "12.03.2024"
    # (without a year, one side has two digits: "3/5" is a rating, not the 3rd of May)
    r"(?:le\s+)?(?:(?:[12]\d|3[01]|0[1-9])/(?:1[0-2]|0?[1-9])|[1-9]/(?:1[0-2]|0[1-9]))"
    r"(?:/(?:\d{4}|\d{2}))?|(?:le\s+)?[1-9]/[1-9]/(?:\d{4}|\d{2})",
    r"(?:le\s+)?(?:[12]\d|3[01]|0?[1-9])[.-](?:1[0-2]|0?[1-9])[.-](?:\d{4}|\d{2})",
    # relative days
    r"avant[- ]hier|apres[- ]demain|(?:hier|demain)(?:\s+(?:matin|soir|midi|apres-midi))?",
    r"aujourd'? ?hui|ce\s+(?:matin|soir|midi|week-?end)|cet\s+apres-midi|cette\s+semaine",
    r"(?:la\s+)?semaine\s+(?:derniere|passee|prochaine)|(?:le\s+)?mois\s+(?:dernier|passe|prochain)",
    r"(?:le\s+)?week-?end\s+(?:dernier|passe|prochain)",
    r"the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tonight"
    r"|tomorrow",
    r"(?:last|next|this)\s+(?:week|month|weekend|night|morning|afternoon|evening)",
    rf"(?:last|next|this)\s+{_WEEKDAY_EN}",
    # a weekday: "lundi dernier", "vendredi", "Monday"; not "le samedi" (a habit)
    rf"(?<!\ble\s){_WEEKDAY_FR}{_PART_FR}?",
    rf"{_WEEKDAY_EN}(?!s){_PART_EN}?",
    # a month alone: "depuis janvier", "in March"
    rf"(?<=depuis\s)(?:{_MONTH_FR}){_YEAR}?|(?<=\sen\s)(?:{_MONTH_FR}){_YEAR}?",
    rf"(?<=since\s)(?:{_MONTH_EN}){_YEAR}?|(?<=\sin\s)(?:january|february|march|april|june"
    rf"|july|august|september|october|november|december){_YEAR}?",
)
_DATE = re.compile("|".join(rf"(?:{p})" for p in _PATTERNS))
_BOUNDED = re.compile(rf"(?<![\w/.,-])(?:{_DATE.pattern})(?![\w/])")


def find_dates(folded: str) -> list[tuple[int, int]]:
    """Character spans of the dates in a folded message, left to right.

    Examples
    --------
    >>> text = "j'ai commande lundi dernier, livre le 12/03 ? sinon demain matin"
    >>> [text[s:e] for s, e in find_dates(text)]
    ['lundi dernier', 'le 12/03', 'demain matin']
    >>> text = "absent du 1er au 15 aout"
    >>> [text[s:e] for s, e in find_dates(text)]
    ['1er au 15 aout']
    >>> text = "ordered on 3rd may, ouvert le samedi, 2-4 jours, 19.90 eur"
    >>> [text[s:e] for s, e in find_dates(text)]
    ['3rd may']
    """
    return [(m.start(), m.end()) for m in _BOUNDED.finditer(folded)]
