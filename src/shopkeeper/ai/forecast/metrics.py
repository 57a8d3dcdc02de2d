"""Forecast accuracy as the M4 competition defines it, plus interval coverage."""

from __future__ import annotations

import numpy as np


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """``200/h * sum |y - yhat| / (|y| + |yhat|)``; a period where both are 0 counts 0.

    Examples
    --------
    >>> smape(np.array([100.0, 0.0]), np.array([110.0, 0.0]))
    4.761904761904762
    """
    denominator = np.abs(actual) + np.abs(forecast)
    ratio = np.divide(
        np.abs(actual - forecast),
        denominator,
        out=np.zeros_like(denominator, dtype="float64"),
        where=denominator > 0,
    )
    return float(200.0 * ratio.mean())


def mase(
    actual: np.ndarray, forecast: np.ndarray, history: np.ndarray, season_length: int
) -> float:
    """MAE over the MAE of the in-sample seasonal naive (``nan`` if that is 0 or undefined).

    Examples
    --------
    >>> mase(np.array([3.0]), np.array([2.0]), np.array([1.0, 2.0, 3.0, 4.0]), 1)
    1.0
    """
    lag = season_length if len(history) > season_length else 1
    if len(history) <= lag:
        return float("nan")
    scale = float(np.mean(np.abs(history[lag:] - history[:-lag])))
    if scale == 0:
        return float("nan")
    return float(np.mean(np.abs(actual - forecast)) / scale)


def coverage(actual: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Share of ``actual`` inside ``[low, high]``.

    Examples
    --------
    >>> coverage(np.array([1.0, 5.0]), np.array([0.0, 0.0]), np.array([2.0, 2.0]))
    0.5
    """
    return float(np.mean((actual >= low) & (actual <= high)))
