"""Category lifts per context bucket, learned from orders, and their recent average.

A lift is the log of observed over expected orders of a category in one bucket (a rainy
day, an evening, October), smoothed with pseudo-orders so a bucket seen a few times cannot
invent an effect. What "expected" means depends on the dimension:

- time of day, weekday and month: the category's overall share of the bucket's orders;
- rain, heat and local events: the category's share of the orders *of the same calendar
  month*, summed over months. Rain falls more in November, when umbrellas sell anyway:
  compared with the whole year, rainy days would also carry the season; compared within
  each month they carry only the weather.

The popularity generator already reflects the context of the weeks it counted (the
season, the usual weather). What it cannot know is how *now* differs from them, so the
features subtract :func:`window_baseline`: each lift averaged over the buckets the orders
of those weeks fell in, weighted by age as popularity weighs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Dimensions with a lift, and how many buckets each has.
DIMENSIONS: dict[str, int] = {
    "rain": 4,
    "heat": 4,
    "hour": 4,
    "weekday": 7,
    "season": 12,
    "event": 2,
}
# Regional dimensions, compared within the calendar month (see the module docstring).
WITHIN_MONTH = ("rain", "heat", "event")
# Pseudo-orders pulling each bucket's count towards its expected count.
PRIOR_ORDERS = 50.0


def estimate_lifts(
    category: IntArray,
    buckets: Mapping[str, IntArray],
    month: IntArray,
    n_categories: int,
) -> dict[str, FloatArray]:
    """(categories, buckets) smoothed log-lifts per dimension, one order line per entry.

    ``category``, each ``buckets[dim]`` and ``month`` (any integer per calendar month,
    e.g. ``12 * year + month``) have one entry per order line.

    Examples
    --------
    >>> cat = np.array([0, 0, 0, 1, 1, 1])
    >>> rain = {d: np.zeros(6, dtype=np.int64) for d in DIMENSIONS}
    >>> rain["rain"] = np.array([2, 2, 2, 0, 0, 0])
    >>> lifts = estimate_lifts(cat, rain, np.zeros(6, dtype=np.int64), 2)
    >>> bool(lifts["rain"][0, 2] > 0 > lifts["rain"][1, 2])
    True
    """
    overall = np.bincount(category, minlength=n_categories).astype(np.float64) + 1.0
    overall /= overall.sum()
    months, stratum = np.unique(month, return_inverse=True)
    in_month = np.zeros((len(months), n_categories))
    np.add.at(in_month, (stratum, category), 1.0)
    # The category's share within each month, smoothed towards its overall share.
    month_share = (in_month + overall) / (in_month.sum(axis=1, keepdims=True) + 1.0)
    prior = PRIOR_ORDERS * overall[:, None]
    lifts: dict[str, FloatArray] = {}
    for dim, n_buckets in DIMENSIONS.items():
        counts = np.zeros((n_categories, n_buckets))
        np.add.at(counts, (category, buckets[dim]), 1.0)
        if dim in WITHIN_MONTH:
            per_month = np.zeros((len(months), n_buckets))
            np.add.at(per_month, (stratum, buckets[dim]), 1.0)
            expected = month_share.T @ per_month
        else:
            expected = overall[:, None] * counts.sum(axis=0)[None, :]
        lifts[dim] = np.log((counts + prior) / (expected + prior))
    return lifts


def daily_buckets(
    buckets: Mapping[str, IntArray], day_offset: IntArray, n_days: int
) -> dict[str, FloatArray]:
    """Per dimension, (days, buckets) order lines counted per local day."""
    out: dict[str, FloatArray] = {}
    for dim, n_buckets in DIMENSIONS.items():
        counts = np.zeros((n_days, n_buckets))
        np.add.at(counts, (day_offset, buckets[dim]), 1.0)
        out[dim] = counts
    return out


def window_baseline(
    lifts: Mapping[str, FloatArray],
    by_day: Mapping[str, FloatArray],
    first_day: date,
    as_of: date,
    half_life_days: float,
    window_days: float,
) -> dict[str, FloatArray]:
    """Per dimension, each category's lift averaged over the orders before ``as_of``.

    Orders count ``0.5 ** (age / half_life_days)`` up to ``window_days`` old, as in the
    popularity model; an ``as_of`` after the data reads the last days there are. Without
    any order in the window the baseline is zero (features keep the plain lifts).

    Examples
    --------
    >>> lifts = {d: np.zeros((1, n)) for d, n in DIMENSIONS.items()}
    >>> lifts["rain"] = np.array([[0.0, 0.0, 0.5, 1.0]])
    >>> by_day = {d: np.zeros((3, n)) for d, n in DIMENSIONS.items()}
    >>> by_day["rain"][:, 0] = 1.0; by_day["rain"][2, 3] = 1.0  # one wet day in three
    >>> b = window_baseline(lifts, by_day, date(2026, 1, 1), date(2026, 1, 4), 1e9, 90)
    >>> round(float(b["rain"][0]), 3)
    0.25
    """
    out: dict[str, FloatArray] = {}
    for dim, lift in lifts.items():
        counts = by_day[dim]
        end = min(max((as_of - first_day).days, 0), counts.shape[0])
        age = end - np.arange(end) - 0.5
        weight = np.where(age <= window_days, np.power(0.5, age / half_life_days), 0.0)
        mix = weight @ counts[:end]
        total = float(mix.sum())
        out[dim] = lift @ (mix / total) if total > 0 else np.zeros(lift.shape[0])
    return out
