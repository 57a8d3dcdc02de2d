"""The ``signals`` table: weather, local events, search trends and competitor prices."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .catalogue import Catalogue
from .local_events import LocalEvent
from .places import REGION_NAMES
from .timeline import ShopCalendar
from .trends import Trends
from .vocabulary import CATEGORIES
from .weather import Weather

FloatArray = npt.NDArray[np.float64]

COMPETITORS = ("PrixMalin", "MegaBoutique")
_COMPETITOR_BIAS = (-0.03, 0.02)  # PrixMalin undercuts, MegaBoutique sits a little above
MAX_WATCHED_PRODUCTS = 200


def _frame(
    name: str,
    ts: pd.DatetimeIndex,
    value: FloatArray,
    region: list[str | None],
    sku: list[str | None],
    meta: list[dict[str, Any]],
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": name,
            "region": region,
            "sku": sku,
            "ts": ts,
            "value": value.astype(np.float64),
            "meta": meta,
        }
    )


def series_slug(text: str) -> str:
    """A label usable in a signal name: lowercase letters, digits and underscores.

    Examples
    --------
    >>> series_slug("Coffee & tea")
    'coffee_tea'
    """
    return "_".join(re.findall(r"[a-z0-9]+", text.lower()))


def competitor_prices(
    cat: Catalogue, list_price: FloatArray, cal: ShopCalendar, rng: np.random.Generator
) -> tuple[list[str], pd.DataFrame]:
    """Daily prices of two competitors for a watched subset of products.

    Each competitor holds a price level around ours, moves it every month or so,
    and sometimes runs a short promotion.

    Examples
    --------
    >>> from shopkeeper.data.importers.demo.catalogue import build_catalogue
    >>> from shopkeeper.data.importers.demo.config import DemoShopConfig
    >>> cal = ShopCalendar.from_config(DemoShopConfig(months=1))
    >>> cat = build_catalogue(DemoShopConfig(n_products=60), cal, np.random.default_rng(0))
    >>> prices = np.tile(cat.list_price, (cal.n_days, 1))
    >>> skus, frame = competitor_prices(cat, prices, cal, np.random.default_rng(1))
    >>> len(skus), len(frame) == 60 * 2 * cal.n_days
    (60, True)
    """
    n_days, n_products = cal.n_days, len(cat.cost)
    watched = np.sort(
        rng.choice(n_products, size=min(MAX_WATCHED_PRODUCTS, n_products), replace=False)
    )
    n = len(watched)
    ts = pd.DatetimeIndex(cal.days).tz_localize("UTC")
    parts = []
    for name, bias in zip(COMPETITORS, _COMPETITOR_BIAS, strict=True):
        moves = rng.random((n_days, n)) < 1 / 35
        level = np.cumsum(moves, axis=0, dtype=np.int64)
        base = rng.normal(bias, 0.06, size=n)
        offsets = base[None, :] + rng.normal(0, 0.04, size=(int(level.max()) + 1, n))
        promo = rng.random((int(level.max()) + 1, n)) < 0.05
        offsets = np.where(promo, offsets - 0.15, offsets)
        offset = np.take_along_axis(offsets, level, axis=0)
        raw = list_price[:, watched] * np.exp(offset)
        price = np.round(np.maximum(np.floor(raw), 1.0) + 0.99, 2)
        skus = np.asarray(cat.products["sku"])[watched]
        parts.append(
            _frame(
                # One series per competitor: the table keeps one value per name, sku and day.
                f"competitor_price.{series_slug(name)}",
                ts.repeat(n),
                price.ravel(),
                [None] * price.size,
                np.tile(skus, n_days).tolist(),
                [{"competitor": name} for _ in range(price.size)],
            )
        )
    return np.asarray(cat.products["sku"])[watched].tolist(), pd.concat(parts, ignore_index=True)


def build_signals(
    weather: Weather,
    events: list[LocalEvent],
    trends: Trends,
    competitor: pd.DataFrame,
    cal: ShopCalendar,
) -> pd.DataFrame:
    """All external time series, one row per (signal, region or sku, day)."""
    n_days, n_regions = weather.temp_c.shape
    ts = pd.DatetimeIndex(cal.days).tz_localize("UTC")
    regions: list[str | None] = list(np.tile(np.array(REGION_NAMES), n_days))
    none: list[str | None] = [None] * (n_days * n_regions)
    parts = [
        _frame(
            "weather.temp_c",
            ts.repeat(n_regions),
            weather.temp_c.ravel(),
            regions,
            none,
            [{"unit": "°C"} for _ in range(n_days * n_regions)],
        ),
        _frame(
            "weather.precip_mm",
            ts.repeat(n_regions),
            weather.precip_mm.ravel(),
            regions,
            none,
            [{"unit": "mm"} for _ in range(n_days * n_regions)],
        ),
    ]
    # Events overlapping in one region and day become one point: total attendance, all names.
    merged: dict[tuple[int, str], tuple[float, list[dict[str, Any]]]] = {}
    for e in events:
        a = max(cal.index_of_date(e.start), 0)
        b = min(cal.index_of_date(e.end), n_days - 1)
        for d in range(a, b + 1):
            total, listed = merged.get((d, e.region), (0.0, []))
            listed.append({"event_name": e.name, "event_type": e.type, "city": e.city})
            merged[(d, e.region)] = (total + e.attendance_k, listed)
    if merged:
        keys = sorted(merged)
        parts.append(
            _frame(
                "local_event",
                pd.DatetimeIndex([ts[d] for d, _ in keys]),
                np.array([merged[k][0] for k in keys]),
                [region for _, region in keys],
                [None] * len(keys),
                [
                    {**merged[k][1][0], "events": merged[k][1]}
                    if len(merged[k][1]) > 1
                    else merged[k][1][0]
                    for k in keys
                ],
            )
        )
    n_cat = len(CATEGORIES)
    searches = trends.searches.reshape(n_days, n_cat)
    for k, category in enumerate(CATEGORIES):
        parts.append(
            _frame(
                f"search_trend.{series_slug(category.name)}",
                ts,
                searches[:, k],
                [None] * n_days,
                [None] * n_days,
                [{"category": category.name} for _ in range(n_days)],
            )
        )
    parts.append(competitor)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["ts", "name"], kind="stable").reset_index(drop=True)
