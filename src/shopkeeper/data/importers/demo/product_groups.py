"""Families and ranges in the demo catalogue, the way pricing reads them.

Sizes of one product form a *family*; comparable products of different brand tiers form a
*range*. Both are derived from the drawn catalogue without randomness, so the rest of the
demo is the same with or without them.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from shopkeeper.domain.pricing import BRAND_TIERS, FAMILY_KEY, RANGE_KEY

from .catalogue import TIERS, Catalogue, FloatArray, IntArray
from .vocabulary import CATEGORIES

# About this share of the catalogue in families, and as much in ranges: seen, not everywhere.
_GROUPED_SHARE = 0.1


def group_attributes(cat: Catalogue, price: FloatArray) -> list[dict[str, str]]:
    """Each product's attributes with its ``family`` and ``range``, at the prices in force.

    A family is the sizes of one product: same brand, noun and qualifier, a different size
    (a second product of the same title, "modèle 2", is another product, not a size). A range
    takes, within a category, products of one noun and size (when the category has sizes)
    from different brand tiers, one per tier, whose ``price`` rises strictly with the tier:
    pricing keeps that order, so a range that broke it already would hold its products back.
    Ranges take no family member, so each shows on its own. About a tenth of the catalogue
    goes in families and as much in ranges, taken from every category in turn. Derived from
    the drawn catalogue without randomness: the same catalogue and prices give the same groups.

    Examples
    --------
    >>> from shopkeeper.data.importers.demo.catalogue import build_catalogue
    >>> from shopkeeper.data.importers.demo.config import DemoShopConfig
    >>> from shopkeeper.data.importers.demo.timeline import ShopCalendar
    >>> config = DemoShopConfig(n_products=300)
    >>> cat = build_catalogue(config, ShopCalendar.from_config(config), np.random.default_rng(1))
    >>> attrs = group_attributes(cat, cat.list_price)
    >>> rows = list(zip(cat.products["title"], cat.list_price, attrs, strict=True))
    >>> [title for title, _, a in rows if a.get("family") == "COS-F1"]
    ['DouxPrix Crème mains Nourrissant 50 ml', 'DouxPrix Crème mains Nourrissant 250 ml']
    >>> sorted((float(price), a["brand_tier"]) for _, price, a in rows if a.get("range") == "COS-R1")
    [(12.9, 'budget'), (14.99, 'mid'), (41.99, 'premium')]
    """
    n = len(cat.category)
    limit = max(round(n * _GROUPED_SHARE), 2)
    sizes = [None if s is None else str(s) for s in cat.products["size"]]
    members = [
        range(int(cat.category_start[k]), int(cat.category_start[k + 1]))
        for k in range(len(CATEGORIES))
    ]
    family = _take([_families(m, cat, sizes) for m in members], limit, "F")
    cents = np.round(np.asarray(price, dtype=np.float64) * 100).astype(np.int64)
    ranges: list[list[list[int]]] = []
    for category in members:
        comparable: defaultdict[tuple[str, str | None], list[int]] = defaultdict(list)
        for i in category:
            if i not in family:
                comparable[(cat.noun[i], sizes[i])].append(i)
        ladders = (_ladder(c, cat.tier, cents) for c in comparable.values())
        ranges.append([ladder for ladder in ladders if len(ladder) > 1])
    range_of = _take(ranges, limit, "R")
    attributes = cat.products["attributes"].to_list()
    out = [dict(a) for a in attributes]  # new dicts: the catalogue's own stay as drawn
    for i, name in family.items():
        out[i][FAMILY_KEY] = name
    for i, name in range_of.items():
        out[i][RANGE_KEY] = name
    return out


def _families(members: range, cat: Catalogue, sizes: list[str | None]) -> list[list[int]]:
    """The products of one category that are sizes of one product, two or more a family."""
    by_stem: defaultdict[tuple[int, str, str], dict[str, int]] = defaultdict(dict)
    for i in members:
        size = sizes[i]
        if size is not None:
            # The first product of each title; a later one of the same size is a "modèle N".
            by_stem[(int(cat.tier[i]), cat.noun[i], cat.qualifier[i])].setdefault(size, i)
    return [list(by_size.values()) for by_size in by_stem.values() if len(by_size) > 1]


def _ladder(candidates: list[int], tier: IntArray, cents: IntArray) -> list[int]:
    """One product per brand tier, each dearer than the one below (greedy from the lowest
    tier: each takes its cheapest product dearer than the last, leaving the most room)."""

    def rank(i: int) -> int:
        return BRAND_TIERS[TIERS[int(tier[i])]]

    chosen: list[int] = []
    for i in sorted(candidates, key=lambda i: (rank(i), int(cents[i]), i)):
        last = chosen[-1] if chosen else None
        if last is None or (rank(i) > rank(last) and cents[i] > cents[last]):
            chosen.append(i)
    return chosen


def _take(groups: list[list[list[int]]], limit: int, letter: str) -> dict[int, str]:
    """Name groups (listed per category) round the categories until ``limit`` products are
    in one: ``{code}-{letter}{n}``, the ``n``-th group of its category."""
    named: dict[int, str] = {}
    for n in range(max((len(g) for g in groups), default=0)):
        for k, listed in enumerate(groups):
            if n < len(listed) and len(named) < limit:
                named.update((i, f"{CATEGORIES[k].code}-{letter}{n + 1}") for i in listed[n])
    return named
