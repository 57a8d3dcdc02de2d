"""Conformal prediction intervals from validation errors.

The errors a series' chosen model made on its own validation windows are the honest
measure of how wrong it will be next; the interval at level ``L`` adds their
``(100 - L) / 2`` and ``(100 + L) / 2`` percentiles to the point forecast. The same rule
serves every model, including Croston-type models that have no interval of their own.
Errors are pooled over the horizon, so intervals do not widen with it (a known limit).
"""

from __future__ import annotations

import numpy as np


def error_bounds(errors: np.ndarray, level: float) -> tuple[float, float]:
    """Lower and upper offsets holding ``level`` % of ``errors`` (0, 0 when there are none).

    Examples
    --------
    >>> error_bounds(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]), 80)
    (-2.0, 2.0)
    """
    finite = errors[np.isfinite(errors)]
    if not len(finite):
        return 0.0, 0.0
    tail = (100.0 - level) / 200.0
    # "lower"/"higher" rounding keeps the interval at least as wide as asked on few errors.
    low = float(np.quantile(finite, tail, method="lower"))
    high = float(np.quantile(finite, 1.0 - tail, method="higher"))
    return low, high
