"""The ``signals`` table: weather, local events, search trends and competitor prices."""

from __future__ import annotations

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
                "competitor_price",
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
    rows: list[tuple[pd.Timestamp, str, float, dict[str, Any]]] = []
    for e in events:
        a = max(cal.index_of_date(e.start), 0)
        b = min(cal.index_of_date(e.end), n_days - 1)
        for d in range(a, b + 1):
            rows.append(
                (
                    ts[d],
                    e.region,
                    e.attendance_k,
                    {"event_name": e.name, "event_type": e.type, "city": e.city},
                )
            )
    if rows:
        parts.append(
            _frame(
                "local_event",
                pd.DatetimeIndex([r[0] for r in rows]),
                np.array([r[2] for r in rows]),
                [r[1] for r in rows],
                [None] * len(rows),
                [r[3] for r in rows],
            )
        )
    n_cat = len(CATEGORIES)
    names = [c.name for c in CATEGORIES]
    parts.append(
        _frame(
            "search_trend",
            ts.repeat(n_cat),
            trends.searches.ravel(),
            [None] * (n_days * n_cat),
            [None] * (n_days * n_cat),
            [{"category": names[k]} for _ in range(n_days) for k in range(n_cat)],
        )
    )
    parts.append(competitor)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["ts", "name"], kind="stable").reset_index(drop=True)
