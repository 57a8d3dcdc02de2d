"""Daily regressors for the global forecaster, from a shop's prices and external signals.

One row per (product, day), history and forecast days alike:

- ``price_index``: the price in force that day over the product's usual (median) price;
- ``event_k``: thousands of people expected at local events in the shop's regions;
- ``temp_c``, ``precip_mm``: the day's weather, averaged over the regions reporting it;
- ``search_index``: yesterday's searches for the product (or its category) over their mean
  of the four weeks before, so a rising interest reads the same in every category;
- ``competitor_gap``: our price over the competitors' mean price, minus one.

On a forecast day the future of these is mostly unknown: no promotion is scheduled yet
(the price in force is the best guess), an event counts only once announced, and weather,
searches and competitors are not posted ahead. :func:`persist` fills what is missing with
the same rule for validation and for real forecasts (the last price, no event, the recent
level of the rest), so a model is chosen on the information it will really have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from shopkeeper.core.errors import InvalidInputError

REGRESSORS = ("price_index", "event_k", "temp_c", "precip_mm", "search_index", "competitor_gap")
# How persist fills a missing future value; the other columns take their recent mean.
_LAST_VALUE = ("price_index", "competitor_gap")
_NOTHING_KNOWN = {"event_k": 0.0}
SIGNAL_KINDS = ("temp_c", "precip_mm", "event_k", "search", "competitor_price")
# Searches are read against their mean of the four weeks before, one day late: today's
# counts are not complete when the nightly run starts.
SEARCH_BASE_DAYS = 28
PERSIST_DAYS = 7


@dataclass(frozen=True)
class ShopInputs:
    """What the regressors are built from, as plain frames.

    Parameters
    ----------
    categories
        Category of each product, indexed by sku.
    price_changes
        ``sku, day, old_price, new_price``: a price change takes effect on ``day`` (the
        shop's local date).
    current_price
        Each product's price now, indexed by sku (products never changed keep it).
    signals
        ``kind, key, day, value`` with ``kind`` one of :data:`SIGNAL_KINDS`; ``key`` is the
        sku for competitor prices, the sku or the lower-case category for searches, and
        empty for weather and events (shop-wide, any region).

    Examples
    --------
    >>> inputs = ShopInputs.empty(pd.Series({"A": "Garden"}), pd.Series({"A": 9.99}))
    >>> grid = pd.DataFrame({"unique_id": ["A"], "ds": pd.to_datetime(["2026-05-01"])})
    >>> daily_regressors(inputs, grid)["price_index"].tolist()
    [1.0]
    """

    categories: pd.Series
    price_changes: pd.DataFrame
    current_price: pd.Series
    signals: pd.DataFrame

    @classmethod
    def empty(cls, categories: pd.Series, current_price: pd.Series) -> ShopInputs:
        """Inputs of a shop with no price history and no signals."""
        return cls(
            categories=categories,
            price_changes=pd.DataFrame(columns=["sku", "day", "old_price", "new_price"]),
            current_price=current_price,
            signals=pd.DataFrame(columns=["kind", "key", "day", "value"]),
        )


_KIND_OF_NAME = {
    "weather.temp_c": "temp_c",
    "weather.precip_mm": "precip_mm",
    "local_event": "event_k",
}
_KIND_OF_PREFIX = {"search_trend.": "search", "competitor_price.": "competitor_price"}


def signal_days(points: pd.DataFrame) -> pd.DataFrame:
    """The ``signals`` rows the regressors read, as ``kind, key, day, value``.

    ``points`` has ``name, sku, category, day, value`` (``category``: the point's
    ``meta.category``). Searches are keyed by sku when the point names one, else by its
    category (or the name's suffix); other names are not regressors and are left out.

    Examples
    --------
    >>> points = pd.DataFrame({"name": ["search_trend.garden", "weather.temp_c", "vat"],
    ...     "sku": [None, None, None], "category": ["Garden", None, None],
    ...     "day": ["2026-05-01"] * 3, "value": [120.0, 14.5, 20.0]})
    >>> signal_days(points)[["kind", "key"]].values.tolist()
    [['search', 'garden'], ['temp_c', '']]
    """
    names = points["name"].astype(str)
    kind = names.map(_KIND_OF_NAME)
    for prefix, named in _KIND_OF_PREFIX.items():
        kind = kind.mask(names.str.startswith(prefix), named)
    sku = points["sku"].fillna("").astype(str)
    category = points["category"].fillna("").astype(str)
    suffix = names.str.split(".", n=1).str[-1]
    search_key = sku.where(sku != "", category.where(category != "", suffix).str.lower())
    key = pd.Series("", index=points.index, dtype="object")
    key = key.mask(kind == "search", search_key).mask(kind == "competitor_price", sku)
    out = pd.DataFrame({"kind": kind, "key": key, "day": points["day"], "value": points["value"]})
    return out[out["kind"].notna()].reset_index(drop=True)


def _daily_price(inputs: ShopInputs, grid: pd.DataFrame) -> pd.Series:
    """The price in force on each grid row: the last change by then, else the next one's old."""
    changes = inputs.price_changes.copy()
    price = grid["unique_id"].map(inputs.current_price).astype("float64")
    if changes.empty:
        return price
    changes["unique_id"] = changes["sku"].astype(str)
    changes["ds"] = pd.to_datetime(changes["day"])
    changes = changes.sort_values("ds", kind="stable")
    keyed = grid[["unique_id", "ds"]].reset_index().sort_values("ds", kind="stable")
    before = pd.merge_asof(
        keyed, changes[["unique_id", "ds", "new_price"]], on="ds", by="unique_id"
    )
    after = pd.merge_asof(
        keyed,
        changes[["unique_id", "ds", "old_price"]],
        on="ds",
        by="unique_id",
        direction="forward",
        allow_exact_matches=False,
    )
    known = (
        before.set_index("index")["new_price"]
        .combine_first(after.set_index("index")["old_price"])
        .reindex(grid.index)
        .astype("float64")
    )
    return known.combine_first(price)


def _shop_wide(signals: pd.DataFrame, kind: str, how: str) -> pd.Series:
    part = signals[signals["kind"] == kind]
    if part.empty:
        return pd.Series(dtype="float64")
    days = pd.to_datetime(part["day"])
    return part["value"].astype("float64").groupby(days).agg(how)


def _search_index(signals: pd.DataFrame) -> pd.DataFrame:
    """``key, ds, search_index`` from daily search counts, one day late."""
    part = signals[signals["kind"] == "search"]
    if part.empty:
        return pd.DataFrame(columns=["key", "ds", "search_index"])
    counts = (
        part.assign(ds=pd.to_datetime(part["day"]), key=part["key"].astype(str))
        .pivot_table(index="ds", columns="key", values="value", aggfunc="sum")
        .asfreq("D")
    )
    late = counts.shift(1)
    base = late.rolling(SEARCH_BASE_DAYS, min_periods=7).mean().shift(1)
    ratio = (late / base.where(base > 0)).replace([np.inf, -np.inf], np.nan)
    stacked = cast(pd.Series, ratio.stack())
    return stacked.rename_axis(["ds", "key"]).reset_index(name="search_index")


def _competitor_mean(signals: pd.DataFrame) -> pd.DataFrame:
    part = signals[signals["kind"] == "competitor_price"]
    if part.empty:
        return pd.DataFrame(columns=["unique_id", "ds", "competitor"])
    keyed = part.assign(unique_id=part["key"].astype(str), ds=pd.to_datetime(part["day"]))
    means: pd.Series = keyed.groupby(["unique_id", "ds"])["value"].mean()
    return means.reset_index(name="competitor")


def daily_regressors(inputs: ShopInputs, grid: pd.DataFrame) -> pd.DataFrame:
    """``grid`` (``unique_id, ds``) with the :data:`REGRESSORS` columns added.

    ``price_index`` and ``event_k`` are always filled (the current price after the last
    change, no event where none is announced); the others are missing where no signal
    covers the day.
    """
    unknown = sorted(set(inputs.signals["kind"]) - set(SIGNAL_KINDS))
    if unknown:
        raise InvalidInputError(f"unknown signal kinds {', '.join(unknown)}", kinds=unknown)
    out = grid[["unique_id", "ds"]].copy().reset_index(drop=True)
    out["unique_id"] = out["unique_id"].astype(str)
    out["ds"] = pd.to_datetime(out["ds"])
    price = _daily_price(inputs, out)
    usual = price.groupby(out["unique_id"]).transform("median")
    out["price_index"] = (price / usual.where(usual > 0)).fillna(1.0)
    signals = inputs.signals
    out["event_k"] = out["ds"].map(_shop_wide(signals, "event_k", "sum")).fillna(0.0)
    for kind in ("temp_c", "precip_mm"):
        out[kind] = out["ds"].map(_shop_wide(signals, kind, "mean")).astype("float64")
    searches = _search_index(signals)
    by_sku = out.merge(
        searches.rename(columns={"key": "unique_id"}), on=["unique_id", "ds"], how="left"
    )["search_index"]
    category = out["unique_id"].map(inputs.categories).fillna("").astype(str).str.lower()
    by_category = out.assign(key=category).merge(searches, on=["key", "ds"], how="left")[
        "search_index"
    ]
    out["search_index"] = by_sku.combine_first(by_category).astype("float64")
    competitor = out.merge(_competitor_mean(signals), on=["unique_id", "ds"], how="left")
    out["competitor_gap"] = (
        price / competitor["competitor"].where(competitor["competitor"] > 0)
    ) - 1
    # Empty signals leave object columns behind; the model wants numbers throughout.
    return out.astype(dict.fromkeys(REGRESSORS, "float64"))


def persist(
    history: pd.DataFrame,
    future: pd.DataFrame,
    columns: tuple[str, ...] = REGRESSORS,
    *,
    days: int = PERSIST_DAYS,
) -> pd.DataFrame:
    """``future`` with the missing values of ``columns`` filled from each series' ``history``.

    Prices take their last value, events none; the other columns the mean of their last
    ``days`` known values. A series that never had a value stays missing (LightGBM reads
    that as its own case).

    Examples
    --------
    >>> days = pd.date_range("2026-05-01", periods=3, freq="D")
    >>> history = pd.DataFrame({"unique_id": "A", "ds": days[:2], "temp_c": [10.0, 14.0],
    ...                         "price_index": [1.0, 0.8]})
    >>> future = pd.DataFrame({"unique_id": ["A"], "ds": days[2:], "temp_c": [np.nan],
    ...                        "price_index": [np.nan]})
    >>> filled = persist(history, future, ("temp_c", "price_index"))
    >>> filled["temp_c"].tolist(), filled["price_index"].tolist()
    ([12.0], [0.8])
    """
    out = future.copy()
    ordered = history.sort_values(["unique_id", "ds"], kind="stable")
    for column in columns:
        if column in _NOTHING_KNOWN:
            out[column] = out[column].fillna(_NOTHING_KNOWN[column])
            continue
        known = ordered.dropna(subset=[column])
        recent = known.groupby("unique_id").tail(1 if column in _LAST_VALUE else days)
        level = recent.groupby("unique_id")[column].mean()
        out[column] = out[column].fillna(out["unique_id"].map(level))
    return out


def forget_future(frame: pd.DataFrame, columns: tuple[str, ...] = REGRESSORS) -> pd.DataFrame:
    """``frame`` with ``columns`` blanked, as they are before anything is posted ahead."""
    return frame.assign(**{c: np.nan for c in columns if c in frame.columns})
