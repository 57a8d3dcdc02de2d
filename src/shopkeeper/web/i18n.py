"""Dashboard labels in English and French, read from ``shopkeeper/locales/<lang>.json``."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every label of ``lang`` (unknown languages fall back to English)."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    text = resources.files("shopkeeper").joinpath("locales", f"{lang}.json").read_text("utf-8")
    labels: dict[str, str] = json.loads(text)
    return labels


def translator(lang: str) -> Callable[..., str]:
    """A ``t(key, **values)`` function for one language.

    A missing key shows the English label, then the key itself, so a forgotten
    translation is visible without breaking the page.

    Examples
    --------
    >>> t = translator("fr")
    >>> t("nav.products")
    'Produits'
    >>> t("overview.last_days", days=7)
    '7 derniers jours'
    """
    labels = catalog(lang)
    fallback = catalog(DEFAULT_LANGUAGE)

    def t(key: str, **values: Any) -> str:
        label = labels.get(key) or fallback.get(key) or key
        return label.format(**values) if values else label

    return t


def pick_language(requested: str | None, remembered: str | None, shop_locale: str) -> str:
    """The ``?lang=`` switch wins, then the language remembered in the session, then the shop's.

    Examples
    --------
    >>> pick_language(None, None, "fr"), pick_language("en", None, "fr")
    ('fr', 'en')
    """
    for choice in (requested, remembered, shop_locale):
        if choice in LANGUAGES:
            return choice
    return DEFAULT_LANGUAGE
