"""Suppliers and products of the demo shop, with the hidden traits that drive their demand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .config import DemoShopConfig
from .places import LAST_NAMES
from .timeline import ShopCalendar
from .vocabulary import CATEGORIES

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

TIERS = ("premium", "mid", "mid", "budget")  # index matches CategorySpec.brands
_TIER_COST = np.array([1.8, 1.0, 1.0, 0.6])
_TIER_POPULARITY = np.array([0.7, 1.0, 1.0, 1.25])
_SUPPLIER_KINDS = ("Distribution", "Comptoir", "Grossiste", "Manufacture", "Import", "Atelier")
_SUPPLIER_FORMS = ("SARL", "SAS", "& Fils", "SA")
MIN_PER_CATEGORY = 2
MIN_PRODUCTS = MIN_PER_CATEGORY * len(CATEGORIES)


@dataclass(frozen=True)
class Catalogue:
    """The catalogue frames plus per-product arrays the demand model reads.

    Products are ordered by category, so ``category_start[k]:category_start[k + 1]``
    slices category ``k``; every array is indexed like ``products``.

    Examples
    --------
    >>> config = DemoShopConfig(n_products=60)
    >>> rng = np.random.default_rng(1)
    >>> cat = build_catalogue(config, ShopCalendar.from_config(config), rng)
    >>> len(cat.products), bool(cat.products["sku"].is_unique)
    (60, True)
    """

    suppliers: pd.DataFrame
    products: pd.DataFrame
    category: IntArray
    tier: IntArray  # 0 premium, 1-2 mid, 3 budget
    popularity: FloatArray
    cost: FloatArray
    list_price: FloatArray  # at the start of the history
    consumable: npt.NDArray[np.bool_]
    interval_days: IntArray  # true repurchase interval, 0 for durables
    launch_day: IntArray  # index in the calendar; negative means before the history
    category_start: IntArray
    noun: tuple[str, ...]  # the words of each title, which group products
    qualifier: tuple[str, ...]

    @property
    def skus(self) -> list[str]:
        return [str(s) for s in self.products["sku"]]


def charm_price(raw: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Shop prices ending in .99 (mostly) or .90, never below one euro."""
    ending = np.where(rng.random(len(raw)) < 0.75, 0.99, 0.90)
    return np.round(np.maximum(np.floor(raw), 1.0) + ending, 2)


def _category_counts(n: int) -> IntArray:
    """Products per category, proportional to weight with at least two each."""
    weights = np.array([c.weight for c in CATEGORIES])
    # Two products per category keep every category sellable (one may launch late).
    spare = n - MIN_PER_CATEGORY * len(CATEGORIES)
    share = weights / weights.sum() * spare
    counts = MIN_PER_CATEGORY + np.floor(share).astype(np.int64)
    leftover = n - int(counts.sum())
    counts[np.argsort(-(share - np.floor(share)))[:leftover]] += 1
    return np.asarray(counts, dtype=np.int64)


def _suppliers(n: int, rng: np.random.Generator) -> pd.DataFrame:
    names = [
        f"{_SUPPLIER_KINDS[i % len(_SUPPLIER_KINDS)]} {LAST_NAMES[j]} {_SUPPLIER_FORMS[i % 4]}"
        for i, j in enumerate(rng.choice(len(LAST_NAMES), size=n, replace=False))
    ]
    slugs = [n_.split()[1].lower().replace("è", "e").replace("é", "e") for n_ in names]
    pack = rng.choice(np.array([1, 4, 6, 12, 24]), size=n)
    return pd.DataFrame(
        {
            "supplier_ref": [f"SUP-{i + 1:03d}" for i in range(n)],
            "name": names,
            "email": [f"commandes@{s}-{i + 1}.fr" for i, s in enumerate(slugs)],
            "lead_time_days": rng.integers(3, 22, size=n),
            "moq": pack * rng.integers(2, 11, size=n),
            "pack_size": pack,
        }
    )


def build_catalogue(
    config: DemoShopConfig, cal: ShopCalendar, rng: np.random.Generator
) -> Catalogue:
    """Draw suppliers and ``config.n_products`` products across every category."""
    n = config.n_products
    counts = _category_counts(n)
    category = np.repeat(np.arange(len(CATEGORIES)), counts).astype(np.int64)
    category_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    tier = rng.choice(4, size=n, p=[0.2, 0.3, 0.25, 0.25]).astype(np.int64)

    lo = np.array([CATEGORIES[k].cost[0] for k in category])
    hi = np.array([CATEGORIES[k].cost[1] for k in category])
    raw_cost = np.exp(rng.uniform(np.log(lo), np.log(hi))) * _TIER_COST[tier]
    cost = np.round(np.maximum(raw_cost, 1.0), 2)
    list_price = charm_price(cost * rng.uniform(1.7, 2.4, size=n), rng)
    popularity = np.exp(rng.normal(0.0, 0.9, size=n)) * _TIER_POPULARITY[tier]
    consumable = np.array([CATEGORIES[k].consumable for k in category])
    ilo = np.array([CATEGORIES[k].interval_days[0] for k in category])
    ihi = np.array([CATEGORIES[k].interval_days[1] for k in category])
    interval_days = np.where(consumable, np.round(rng.uniform(ilo, ihi + 0.999)), 0).astype(
        np.int64
    )

    # Most products predate the history; some launch during it (demand starts at launch).
    launch_day = np.where(
        rng.random(n) < 0.88,
        -rng.integers(30, 1500, size=n),
        rng.integers(0, max(cal.n_days * 9 // 10, 1), size=n),
    ).astype(np.int64)
    launch_day[category_start[:-1]] = -365  # each category sells from day one

    n_suppliers = int(np.clip(n // 60, 6, 40))
    suppliers = _suppliers(n_suppliers, rng)
    # A category is sourced from one or two suppliers.
    primary = np.arange(len(CATEGORIES)) % n_suppliers
    secondary = rng.integers(0, n_suppliers, size=len(CATEGORIES))
    use_second = rng.random(n) < 0.3
    supplier_idx = np.where(use_second, secondary[category], primary[category])

    frame, noun, qualifier = _product_frame(
        category, tier, cost, list_price, consumable, launch_day, supplier_idx, suppliers, cal, rng
    )
    return Catalogue(
        suppliers,
        frame,
        category,
        tier,
        popularity,
        cost,
        list_price,
        consumable,
        interval_days,
        launch_day,
        category_start,
        noun,
        qualifier,
    )


def _product_frame(
    category: IntArray,
    tier: IntArray,
    cost: FloatArray,
    price: FloatArray,
    consumable: npt.NDArray[np.bool_],
    launch_day: IntArray,
    supplier_idx: IntArray,
    suppliers: pd.DataFrame,
    cal: ShopCalendar,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    """The product rows, with each product's noun and qualifier (they are not columns)."""
    n = len(category)
    titles: list[str] = []
    nouns: list[str] = []
    qualifiers: list[str] = []
    descriptions: list[str] = []
    sizes: list[str | None] = []
    attributes: list[dict[str, str]] = []
    weights = np.empty(n)
    volumes = np.empty(n)
    picks = rng.random((n, 8))
    for i in range(n):  # one pass per product: a thousand rows, words need Python anyway
        spec = CATEGORIES[category[i]]
        brand = spec.brands[tier[i]]
        noun = spec.nouns[int(picks[i, 0] * len(spec.nouns))]
        qualifier = spec.qualifiers[int(picks[i, 1] * len(spec.qualifiers))]
        size = spec.sizes[int(picks[i, 2] * len(spec.sizes))] if spec.sizes else None
        attrs = {
            key: opts[int(picks[i, 3 + j] * len(opts))]
            for j, (key, opts) in enumerate(spec.attributes[:3])
        }
        attrs["brand_tier"] = TIERS[tier[i]]
        if spec.consumable:
            attrs["pack_size"] = str(1 + int(picks[i, 6] * 3))
        title = f"{brand} {noun} {qualifier}" + (f" {size}" if size else "")
        titles.append(title)
        nouns.append(noun)
        qualifiers.append(qualifier)
        sizes.append(size)
        attributes.append(attrs)
        detail = ", ".join(f"{k.replace('_', ' ')} : {v}" for k, v in attrs.items())
        descriptions.append(
            f"{noun} {qualifier.lower()} signé {brand}. {detail.capitalize()}. "
            f"Expédié depuis notre entrepôt en France sous 48 h."
        )
        wlo, whi = spec.weight_kg
        vlo, vhi = spec.volume_l
        weights[i] = wlo + (whi - wlo) * picks[i, 7]
        volumes[i] = vlo + (vhi - vlo) * (0.7 * picks[i, 7] + 0.3 * picks[i, 5])
    frame = pd.DataFrame({"title": titles})
    dup = frame.groupby("title").cumcount().to_numpy()
    frame["title"] = [
        t if d == 0 else f"{t} – modèle {d + 1}" for t, d in zip(titles, dup, strict=True)
    ]
    bulky_category = np.array([CATEGORIES[k].bulky for k in category])
    # Listed the morning before the launch day, so the first orders find it in the catalogue.
    created_local = cal.days[0] + pd.to_timedelta(launch_day - 1, unit="D") + pd.Timedelta(hours=10)
    products = pd.DataFrame(
        {
            "sku": [f"{CATEGORIES[k].code}-{i + 1:05d}" for i, k in enumerate(category)],
            "title": frame["title"].to_list(),
            "description": descriptions,
            "category": [CATEGORIES[k].name for k in category],
            "brand": [CATEGORIES[k].brands[t] for k, t in zip(category, tier, strict=True)],
            "cost": cost,
            "price": price,
            "size": sizes,
            "weight_kg": np.round(weights, 3),
            "volume_l": np.round(volumes, 2),
            "is_consumable": consumable,
            "is_bulky": (bulky_category & (volumes > 12)) | (volumes > 25) | (weights > 12),
            "supplier_ref": suppliers["supplier_ref"].to_numpy()[supplier_idx],
            "attributes": attributes,
            "created_at": created_local.tz_localize("Europe/Paris").tz_convert("UTC"),
        }
    )
    return products, tuple(nouns), tuple(qualifiers)
