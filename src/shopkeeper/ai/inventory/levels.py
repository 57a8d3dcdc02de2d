"""Order-up-to levels, safety stock and days of cover for many SKUs at once.

The arithmetic behind :func:`~.policy.plan_reorders`, on arrays: forecasts are stacked
into one matrix (shorter ones padded with zero demand), and per-SKU sums over the
protection period are read off cumulative sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.stats import norm  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from shopkeeper.ai.inventory.policy import ReorderInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Levels:
    """Per SKU: the order before any budget cut and the figures it came from."""

    quantity: IntArray
    reorder_point: FloatArray
    order_up_to: FloatArray
    safety_stock: FloatArray
    position: FloatArray
    days_of_cover: FloatArray
    demand: FloatArray  # forecast demand over lead time + review


@cache
def _z(level: float) -> float:
    """The standard normal quantile of a central interval's upper bound."""
    return float(norm.ppf(0.5 + level / 2.0))


def smallest_order(moq: IntArray, pack: IntArray) -> IntArray:
    """The MOQ rounded up to whole packs.

    Examples
    --------
    >>> smallest_order(np.array([10, 24, 1]), np.array([4, 12, 6])).tolist()
    [12, 24, 6]
    """
    return np.asarray(-(-moq // pack) * pack, dtype=np.int64)


def order_levels(
    items: Sequence[ReorderInput], *, z: float, review_days: int, safety_factor: float
) -> Levels:
    """Order-up-to levels and orders of ``items`` (checked beforehand) at safety ``z``."""
    n = len(items)
    lengths = np.array([len(i.demand_mean) for i in items], dtype=np.int64)
    width = int(lengths.max()) if n else 0
    mean, variance = np.zeros((n, width)), np.zeros((n, width))
    for row, item in enumerate(items):
        values = np.asarray(item.demand_mean, dtype="float64")
        mean[row, : len(values)] = values
        if item.demand_lo is None or item.demand_hi is None:
            variance[row, : len(values)] = values  # Poisson: variance = mean
        else:
            spread = np.asarray(item.demand_hi, "float64") - np.asarray(item.demand_lo, "float64")
            sigma = np.maximum(spread, 0.0) / (2.0 * _z(item.interval_level))
            # Unit sales are at least as dispersed as Poisson counts: an 80 % interval of an
            # item that sells one day in ten is [0, 0], which would mean no error at all.
            variance[row, : len(values)] = np.maximum(sigma**2, values)
    zero = np.zeros((n, 1))
    demand_sum = np.hstack([zero, np.cumsum(mean, axis=1)])
    # Day-to-day errors taken as independent: variances add over the protection period.
    variance_sum = np.hstack([zero, np.cumsum(variance, axis=1)])
    rows = np.arange(n)
    lead = np.array([i.lead_time_days for i in items], dtype=np.int64)
    protection = lead + review_days
    factor = max(z, 0.0) * safety_factor
    safety = factor * np.sqrt(variance_sum[rows, protection])
    demand = demand_sum[rows, protection]
    order_up_to = demand + safety
    position = np.array([i.on_hand + i.on_order for i in items], dtype="float64")
    pack = np.array([i.pack_size for i in items], dtype=np.int64)
    smallest = smallest_order(np.array([i.moq for i in items], dtype=np.int64), pack)
    gap = order_up_to - position
    packs = np.ceil(np.maximum(gap, 0.0) / pack - 1e-9).astype(np.int64)
    quantity = np.where(gap > 0, np.maximum(packs * pack, smallest), 0).astype(np.int64)
    return Levels(
        quantity=quantity,
        reorder_point=demand_sum[rows, lead] + factor * np.sqrt(variance_sum[rows, lead]),
        order_up_to=order_up_to,
        safety_stock=safety,
        position=position,
        days_of_cover=cover(position, mean, lengths),
        demand=demand,
    )


def cover(stock: FloatArray, mean: FloatArray, lengths: IntArray) -> FloatArray:
    """Days until forecast demand uses up ``stock``, per row of ``mean`` (its first
    ``lengths`` days; past them at the rate of their last week; ``inf`` without demand).

    Examples
    --------
    >>> cover(np.array([10.0, 3.0, 5.0, 0.0]), np.array([[2.0, 2, 2, 2], [2, 2, 0, 0],
    ...       [0, 0, 0, 0], [1, 1, 1, 1]]), np.array([4, 2, 4, 4])).tolist()
    [5.0, 1.5, inf, 0.0]
    """
    n = len(stock)
    rows = np.arange(n)
    used = np.cumsum(mean, axis=1)
    total = used[rows, lengths - 1] if mean.shape[1] else np.zeros(n)
    inside = total >= stock
    day = np.minimum((used < stock[:, None]).sum(axis=1), max(mean.shape[1] - 1, 0))
    before = np.where(day > 0, used[rows, np.maximum(day - 1, 0)], 0.0) if n else np.zeros(0)
    today = mean[rows, day] if mean.shape[1] else np.zeros(n)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        within = day + (stock - before) / today
        last = np.minimum(lengths, 7)
        start = np.maximum(lengths - last, 0)
        earlier = np.where(start > 0, used[rows, np.maximum(start - 1, 0)], 0.0)
        rate = (total - earlier) / np.maximum(last, 1)
        beyond = np.where(rate > 0, lengths + (stock - total) / rate, np.inf)
    days = np.where(inside, within, beyond)
    return np.asarray(np.where(stock <= 0, 0.0, days), dtype="float64")
