"""How money, percentages and dates read in each dashboard language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from shopkeeper.core.money import minor_units

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF"}
_NARROW_NBSP = "\u202f"


def number(value: Decimal | int, lang: str, places: int = 0) -> str:
    """Group thousands and use the language's decimal mark.

    Examples
    --------
    >>> number(Decimal("1234.5"), "fr", 2), number(Decimal("1234.5"), "en", 2)
    ('1\u202f234,50', '1,234.50')
    """
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_EVEN):,.{places}f}"
    if lang == "fr":
        text = text.replace(",", _NARROW_NBSP).replace(".", ",")
    return text


def money(amount: Decimal | None, currency: str, lang: str) -> str:
    """An amount with its currency, e.g. ``€1,234.50`` or ``1 234,50 €``.

    Examples
    --------
    >>> money(Decimal("19.9"), "EUR", "en"), money(None, "EUR", "en")
    ('€19.90', '—')
    """
    if amount is None:
        return "—"
    shown = number(amount, lang, minor_units(currency))
    symbol = _SYMBOLS.get(currency, currency)
    return f"{shown}\u00a0{symbol}" if lang == "fr" else f"{symbol}{shown}"


def percent(ratio: Decimal | None, lang: str) -> str:
    """A ratio as a percentage with one decimal.

    Examples
    --------
    >>> percent(Decimal(1) / Decimal(3), "en"), percent(Decimal("0.5"), "fr")
    ('33.3%', '50,0\u00a0%')
    """
    if ratio is None:
        return "—"
    shown = number(ratio * 100, lang, 1)
    return f"{shown}\u00a0%" if lang == "fr" else f"{shown}%"


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """A UTC timestamp shown in the shop's time zone, minute precision."""
    if moment is None:
        return "—"
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def day(value: date) -> str:
    return value.isoformat()
