"""Daily selling prices: list-price updates, planted promotions, and demand's response to price."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .catalogue import Catalogue, charm_price
from .config import DemoShopConfig
from .seasonality import french_calendar
from .timeline import ShopCalendar, local_to_utc
from .vocabulary import CATEGORIES

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_SALE_CATEGORIES = ("clothing", "shoes", "home decor", "jewellery")


@dataclass(frozen=True)
class PricePlan:
    """Selling price per (day, product) and the demand multiplier it implies.

    ``demand`` = (price / opening list price) ** elasticity * promotion display uplift,
    with the first factor dropped when price response is off.

    Examples
    --------
    >>> from shopkeeper.data.importers.demo.catalogue import build_catalogue
    >>> config = DemoShopConfig(n_products=60, months=2)
    >>> cal = ShopCalendar.from_config(config)
    >>> cat = build_catalogue(config, cal, np.random.default_rng(0))
    >>> plan = build_prices(config, cat, cal, np.random.default_rng(1))
    >>> plan.price.shape == (cal.n_days, 60), bool((plan.price > cat.cost).all())
    (True, True)
    """

    price: FloatArray
    list_price: FloatArray  # list price per (day, product), promotions excluded
    demand: FloatArray
    elasticity: FloatArray  # as planted (zeros when price response is off)
    promotions: list[dict[str, Any]]
    changes: pd.DataFrame


def _list_updates(
    cat: Catalogue,
    cal: ShopCalendar,
    rng: np.random.Generator,
    list_price: FloatArray,
    changes: list[tuple[int, int, float, float, str]],
) -> None:
    n_products = len(cat.cost)
    n_updates = rng.poisson(0.5 * cal.n_days / 365, size=n_products)
    for p in np.repeat(np.arange(n_products), n_updates):
        day = int(rng.integers(min(30, cal.n_days - 1), cal.n_days))
        if day <= cat.launch_day[p]:  # a product is priced anew only once it is on sale
            continue
        old = float(list_price[day, p])
        # Mostly supplier-driven increases, sometimes a cut to stay competitive.
        target = old * float(np.exp(rng.normal(0.03, 0.05)))
        target = float(np.clip(target, cat.cost[p] * 1.6, cat.cost[p] * 2.6))
        new = float(charm_price(np.array([target]), rng)[0])
        if new != old:
            list_price[day:, p] = new
            changes.append((int(p), day, old, new, "list price update"))


def _promotion_windows(
    config: DemoShopConfig, cat: Catalogue, cal: ShopCalendar, rng: np.random.Generator
) -> list[tuple[int, int, int, float, str]]:
    """Candidate (product, first day, last day, discount, kind) before overlap checks."""
    n_products, n_days = len(cat.cost), cal.n_days
    names = np.array([CATEGORIES[k].name for k in cat.category])
    out: list[tuple[int, int, int, float, str]] = []
    n_flash = rng.poisson(0.3 * n_days / 365, size=n_products)
    for p in np.repeat(np.arange(n_products), n_flash):
        start = int(rng.integers(0, n_days))
        out.append(
            (
                int(p),
                start,
                start + int(rng.integers(4, 21)),
                float(rng.choice([0.1, 0.15, 0.2, 0.25, 0.3, 0.35])),
                "flash",
            )
        )
    for holiday in (
        h for y in range(cal.days[0].year, cal.days[-1].year + 1) for h in french_calendar(y)
    ):
        a, b = cal.index_of_date(holiday.start), cal.index_of_date(holiday.end)
        if holiday.name.startswith("Soldes"):
            share = np.where(np.isin(names, _SALE_CATEGORIES), 0.35, 0.0)
            kind, depth = "soldes", (0.2, 0.5)
        elif holiday.name == "Black Friday":
            b = a + 3  # through Cyber Monday
            share = np.where(names == "electronics", 0.3, 0.08)
            kind, depth = "black_friday", (0.15, 0.4)
        else:
            continue
        picked = rng.random(n_products) < share
        if b < 0 or a >= n_days:
            continue
        chosen = np.flatnonzero(picked)
        for p in chosen:
            d = round(float(rng.uniform(*depth)) * 20) / 20
            out.append((int(p), a, b, d, kind))
    return out


def build_prices(
    config: DemoShopConfig, cat: Catalogue, cal: ShopCalendar, rng: np.random.Generator
) -> PricePlan:
    """Price paths, promotions (if on), and the elasticity-driven demand multiplier."""
    n_products, n_days = len(cat.cost), cal.n_days
    elasticity = -np.clip(np.exp(rng.normal(np.log(1.8), 0.3, size=n_products)), 0.5, 4.0)
    list_price = np.tile(cat.list_price, (n_days, 1))
    changes: list[tuple[int, int, float, float, str]] = []
    _list_updates(cat, cal, rng, list_price, changes)
    price = list_price.copy()
    uplift = np.ones((n_days, n_products))
    promotions: list[dict[str, Any]] = []
    on_promo = np.zeros((n_days, n_products), dtype=bool)
    update_days = np.zeros((n_days, n_products), dtype=bool)
    for p, day, *_ in changes:
        update_days[day, p] = True
    windows = _promotion_windows(config, cat, cal, rng)
    displays = rng.uniform(1.05, 1.35, size=len(windows))
    ending = rng.random(len(windows))
    for (p, a, b, discount, kind), display, u in zip(windows, displays, ending, strict=True):
        a, b = max(a, 0), min(b, n_days - 1)
        clash = on_promo[a : b + 1, p].any() or update_days[a : b + 1, p].any()
        # Promotions never overlap each other or a list-price change, and never precede launch.
        if not config.promotions or a > b or clash or a <= cat.launch_day[p]:
            continue
        base = float(list_price[a, p])
        promo = float(np.floor(max(base * (1 - discount), cat.cost[p] * 1.05))) + (
            0.99 if u < 0.75 else 0.9
        )
        promo = round(min(promo, base - 0.5), 2)
        if promo <= cat.cost[p]:
            continue
        price[a : b + 1, p] = promo
        uplift[a : b + 1, p] = display
        on_promo[a : b + 1, p] = True
        changes.append((p, a, base, promo, "promotion"))
        if b + 1 < n_days:
            changes.append((p, b + 1, promo, float(list_price[b + 1, p]), "promotion end"))
        response = (promo / cat.list_price[p]) ** elasticity[p] if config.price_response else 1.0
        promotions.append(
            {
                "sku": cat.skus[p],
                "kind": kind,
                "start": cal.days[a].date().isoformat(),
                "end": cal.days[b].date().isoformat(),
                "list_price": base,
                "promo_price": promo,
                "discount_pct": round(100 * (1 - promo / base), 1),
                "display_uplift": round(float(display), 4),
                "expected_multiplier": round(float(display * response), 4),
            }
        )
    response_all = (price / cat.list_price[None, :]) ** elasticity[None, :]
    demand = uplift * (response_all if config.price_response else 1.0)
    promotions.sort(key=lambda x: (x["start"], x["sku"]))
    return PricePlan(
        price,
        list_price,
        demand,
        elasticity if config.price_response else np.zeros(n_products),
        promotions,
        _change_frame(changes, cat, cal),
    )


def _change_frame(
    changes: list[tuple[int, int, float, float, str]], cat: Catalogue, cal: ShopCalendar
) -> pd.DataFrame:
    changes = sorted(changes, key=lambda c: (c[1], c[0], c[4]))
    days = np.array([c[1] for c in changes], dtype=np.int64)
    # List prices move overnight (06:00); promotions switch at midnight.
    seconds = np.array([6 * 3600.0 if c[4] == "list price update" else 0.0 for c in changes])
    changed = local_to_utc(days, seconds, cal) if changes else pd.DatetimeIndex([], tz="UTC")
    skus = cat.skus
    return pd.DataFrame(
        {
            "sku": [skus[c[0]] for c in changes],
            "old_price": [round(c[2], 2) for c in changes],
            "new_price": [round(c[3], 2) for c in changes],
            "reason": [c[4] for c in changes],
            "changed_at": changed,
        }
    )
