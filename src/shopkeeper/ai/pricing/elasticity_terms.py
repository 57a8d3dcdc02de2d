"""The design of the elasticity model: sales rows checked and turned into regression terms.

Kept apart from :mod:`.elasticity` so the model reads as the method (fit, pool, refit) and
this module as the bookkeeping (columns, reference prices, calendar terms).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from shopkeeper.core.errors import InvalidInputError

Array = NDArray[np.float64]
REQUIRED = ("sku", "day", "units", "price")
_YEAR = 365.25


@dataclass(frozen=True, slots=True)
class Terms:
    """Everything the Poisson fit needs, one entry per row or per product."""

    skus: tuple[str, ...]
    categories: tuple[str, ...]
    category: NDArray[np.intp]  # per product: index into categories
    product: NDArray[np.intp]  # per row: index into skus
    # per row: its product, day, promotion and competitor price; a cell's rows share their
    # shared terms and the day's demand shock
    cell: NDArray[np.intp]
    units: Array
    censored: NDArray[np.bool_]  # per row: the stock ran out, units is a floor of demand
    x: Array  # log(price / reference), centred per product
    x_centre: Array  # per product: the centre taken off
    z: Array  # shared terms, rows x k
    shared_names: tuple[str, ...]
    offset: Array
    reference_price: Array
    start_intercept: Array
    observations: NDArray[np.int64]
    units_per_product: Array


def calendar_names(yearly_terms: int) -> tuple[str, ...]:
    """Names of the calendar terms, in the column order of :func:`calendar`.

    Examples
    --------
    >>> calendar_names(1)
    ('dow_1', 'dow_2', 'dow_3', 'dow_4', 'dow_5', 'dow_6', 'year_sin_1', 'year_cos_1')
    """
    weekly = tuple(f"dow_{d}" for d in range(1, 7))  # Monday is the baseline
    yearly = tuple(f"year_{f}_{k}" for k in range(1, yearly_terms + 1) for f in ("sin", "cos"))
    return (*weekly, *yearly)


def shared_names(yearly_terms: int, seasonal_categories: Sequence[str] = ()) -> tuple[str, ...]:
    """Names of the shared terms, in the column order of :attr:`Terms.z`: the shop's calendar,
    promotion, competitor, then each seasonal category's calendar deviation as ``cat:name``.

    Examples
    --------
    >>> shared_names(0, ["toys"])[6:9]
    ('promotion', 'competitor', 'toys:dow_1')
    """
    own = calendar_names(yearly_terms)
    deviations = tuple(f"{c}:{name}" for c in seasonal_categories for name in own)
    return (*own, "promotion", "competitor", *deviations)


def read_sales(data: pd.DataFrame) -> pd.DataFrame:
    """A checked copy of the sales rows with every optional column filled in."""
    missing = [c for c in REQUIRED if c not in data.columns]
    if missing:
        raise InvalidInputError(
            f"sales rows need the columns {', '.join(REQUIRED)}; missing {', '.join(missing)}"
        )
    out = pd.DataFrame(
        {
            "sku": data["sku"].astype(str),
            "category": data["category"].astype(str) if "category" in data else "all",
            "day": pd.to_datetime(data["day"]).dt.normalize(),
            "units": pd.to_numeric(data["units"]).astype(float),
            "price": pd.to_numeric(data["price"]).astype(float),
        }
    )
    for name, default in (("ref_price", np.nan), ("competitor_price", np.nan), ("exposure", 1.0)):
        out[name] = pd.to_numeric(data[name]).astype(float) if name in data else default
    for flag in ("promotion", "censored"):
        out[flag] = (data[flag].notna() & data[flag].astype(bool)) if flag in data else False
    if out.empty:
        raise InvalidInputError("no sales rows to learn elasticities from")
    if (out["units"] < 0).any() or out["units"].isna().any():
        raise InvalidInputError("units must be 0 or more in every row")
    if not (out["price"] > 0).all():
        raise InvalidInputError("price must be positive in every row")
    # A stock-out row with no sale says only that demand was at least zero.
    kept = (out["exposure"] > 0) & ~(out["censored"] & (out["units"] == 0))
    if not kept.any():
        raise InvalidInputError(
            "no row to learn from: every row has no exposure or sold out without a sale"
        )
    return out[kept].reset_index(drop=True)


def calendar(days: pd.Series | pd.DatetimeIndex, yearly_terms: int) -> Array:
    """Day-of-week dummies and yearly Fourier terms, one row per day."""
    stamps = pd.DatetimeIndex(days)
    dow = stamps.dayofweek.to_numpy()
    columns = [(dow == d).astype(float) for d in range(1, 7)]
    angle = 2 * np.pi * stamps.dayofyear.to_numpy() / _YEAR
    for k in range(1, yearly_terms + 1):
        columns += [np.sin(k * angle), np.cos(k * angle)]
    return np.column_stack(columns) if columns else np.zeros((len(stamps), 0))


def build_terms(sales: pd.DataFrame, yearly_terms: int, category_seasons: int = 0) -> Terms:
    """Turn checked sales rows (:func:`read_sales`) into the terms of the model.

    The ``category_seasons`` categories selling most units get their own deviation from the
    shop's calendar: seasons differ between categories (garden furniture and ski wax), and a
    season the model misses is read as a price effect wherever prices move with it.
    """
    codes, uniques = pd.factorize(sales["sku"], sort=True)
    product = codes.astype(np.intp)
    n = len(uniques)
    last = sales.groupby(product).tail(1).sort_values("sku")
    categories = tuple(sorted(last["category"].unique()))
    category = np.searchsorted(np.array(categories), last["category"].to_numpy()).astype(np.intp)

    exposure = sales["exposure"].to_numpy()
    log_price = np.log(sales["price"].to_numpy())
    weight = np.bincount(product, exposure, n)
    mean_log_price = np.bincount(product, exposure * log_price, n) / weight
    given_ref = sales.groupby(product)["ref_price"].last().to_numpy()
    reference = np.where(
        np.isfinite(given_ref) & (given_ref > 0), given_ref, np.exp(mean_log_price)
    )

    x = log_price - np.log(reference[product])
    centre = np.bincount(product, exposure * x, n) / weight
    competitor = sales["competitor_price"].to_numpy()
    gap = np.where(
        np.isfinite(competitor) & (competitor > 0), np.log(competitor / reference[product]), 0.0
    )
    units = sales["units"].to_numpy(dtype=np.float64)
    cal = calendar(sales["day"], yearly_terms)
    by_units = sales.groupby("category")["units"].sum().sort_values(ascending=False, kind="stable")
    seasonal = sorted(by_units.index[:category_seasons]) if len(by_units) > 1 else []
    row_category = sales["category"].to_numpy()
    deviations = [cal * (row_category == c)[:, None] for c in seasonal]
    z = np.column_stack([cal, sales["promotion"].to_numpy(dtype=float), gap, *deviations])
    units_per_product = np.bincount(product, units, n).astype(np.float64)
    # One integer key per (product, day, promotion, gap): factorising it is many times
    # faster than factorising the tuples.
    key = product.astype(np.int64)
    for part in (sales["day"], sales["promotion"], pd.Series(gap)):
        codes, levels = pd.factorize(part)
        key = key * len(levels) + codes
    cell = pd.factorize(key)[0].astype(np.intp)
    # Start at each product's own mean rate, a little pulled toward selling, so a product
    # that sold nothing starts finite.
    start = np.log((units_per_product + 0.5) / (weight + 1.0))
    return Terms(
        skus=tuple(str(s) for s in uniques),
        categories=categories,
        category=category,
        product=product,
        cell=cell,
        units=units,
        censored=sales["censored"].to_numpy(dtype=bool),
        x=x - centre[product],
        x_centre=centre,
        z=z,
        shared_names=shared_names(yearly_terms, seasonal),
        offset=np.log(exposure),
        reference_price=reference,
        start_intercept=start,
        observations=np.bincount(product, minlength=n).astype(np.int64),
        units_per_product=units_per_product,
    )


def context_terms(
    shared: Mapping[str, float],
    day: date | None,
    categories: Sequence[str],
    competitor_gap: Array,
    promoted: Array,
    yearly_terms: int,
) -> Array:
    """The shared terms' part of each product's log rate on ``day`` (``None``: an average
    day, i.e. the mean of the week's multipliers and no season).

    Examples
    --------
    >>> shared = dict.fromkeys(shared_names(0, ["toys"]), 0.0)
    >>> shared |= {"dow_5": 0.2, "toys:dow_5": 0.1, "competitor": 0.5}
    >>> context_terms(shared, date(2026, 1, 10), ["toys", "books"], np.array([0.1, 0.1]),
    ...               np.zeros(2), 0).round(2)
    array([0.35, 0.25])
    """
    names = calendar_names(yearly_terms)
    out = np.empty(len(categories))
    values = (
        None if day is None else calendar(pd.DatetimeIndex([pd.Timestamp(day)]), yearly_terms)[0]
    )
    for category in set(categories):
        effects = np.array(
            [shared[n] + shared.get(f"{category}:{n}", 0.0) for n in names], dtype=float
        )
        if values is None:
            weekly = np.concatenate([[0.0], effects[:6]])
            part = math.log(float(np.mean(np.exp(weekly))))
        else:
            part = float(effects @ values)
        out[[i for i, c in enumerate(categories) if c == category]] = part
    return np.asarray(
        out + shared["promotion"] * promoted + shared["competitor"] * competitor_gap, dtype=float
    )
