"""Conformal prediction intervals from validation errors, wider further ahead.

The errors a series' chosen model made on its own validation windows are the honest
measure of how wrong it will be next. They are taken per step ahead: the error one period
after a cut is usually smaller than twelve periods after it. One series has too few
errors per step (one per window), so each series' errors are divided by its own scale
(the chosen model's validation MAE) and the scaled errors of all the series fitted
together are pooled per step; consecutive steps are merged into blocks until each holds
at least :data:`MIN_PER_BLOCK` errors (a single series gets one block: its own pooled
errors, as plain split conformal would). The interval at level ``L`` for step ``h`` adds
``scale ×`` the ``(100 - L) / 2`` and ``(100 + L) / 2`` percentiles of its block to the
point forecast. Bounds never narrow with the step (a running extreme), and steps past the
validation window reuse the last block: further out than validated, the interval is a
guess that errs short.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Enough errors for a 95 % interval's 2.5th and 97.5th percentiles to be one error apart.
MIN_PER_BLOCK = 40


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


def step_blocks(counts: np.ndarray, min_count: int = MIN_PER_BLOCK) -> np.ndarray:
    """Block number of each step: consecutive steps merged until a block has ``min_count``.

    A short last block joins the one before it.

    Examples
    --------
    >>> step_blocks(np.array([30, 30, 30, 30, 10]), 50).tolist()
    [0, 0, 1, 1, 1]
    >>> step_blocks(np.array([5, 5]), 50).tolist()
    [0, 0]
    """
    blocks = np.zeros(len(counts), dtype="int64")
    block, held = 0, 0
    for i, count in enumerate(counts):
        blocks[i] = block
        held += int(count)
        if held >= min_count:
            block, held = block + 1, 0
    if 0 < held < min_count and block > 0:
        blocks[blocks == block] = block - 1
    return blocks


def step_bounds(
    steps: np.ndarray,
    scaled: np.ndarray,
    level: float,
    n_steps: int,
    min_count: int = MIN_PER_BLOCK,
) -> np.ndarray:
    """Lower and upper scaled offsets for steps ``1..n_steps``, shape ``(n_steps, 2)``.

    ``steps`` (1-based) and ``scaled`` are the validation errors of many series, each
    divided by its series' scale. Zero offsets when there is no finite error.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> steps = np.repeat(np.arange(1, 5), 200)
    >>> bounds = step_bounds(steps, rng.normal(0, 1, 800) * steps, 80, 6)
    >>> bool(np.all(np.diff(bounds[:, 1]) >= 0)), bool(bounds[3, 1] > 2 * bounds[0, 1])
    (True, True)
    """
    keep = np.isfinite(scaled) & (steps >= 1)
    steps, scaled = steps[keep].astype("int64"), scaled[keep]
    out = np.zeros((n_steps, 2), dtype="float64")
    if not len(scaled):
        return out
    validated = int(steps.max())
    counts = np.bincount(steps, minlength=validated + 1)[1:]
    blocks = step_blocks(counts, min_count)
    by_step = blocks[steps - 1]
    offsets = {b: error_bounds(scaled[by_step == b], level) for b in np.unique(blocks)}
    for h in range(n_steps):
        # Past the validated steps: the last block's spread, the widest seen.
        out[h] = offsets[int(blocks[min(h, validated - 1)])]
    # The further ahead, the less is known: bounds only ever move outwards.
    out[:, 0] = np.minimum.accumulate(out[:, 0])
    out[:, 1] = np.maximum.accumulate(out[:, 1])
    return out


def series_scales(errors: pd.DataFrame, chosen: dict[str, str]) -> pd.Series:
    """Each series' interval unit: its chosen model's validation MAE (0 with no finite error).

    ``errors`` is :attr:`.selection.Validation.errors`.
    """
    own = errors[errors["model"] == errors["unique_id"].map(chosen)]
    # The mean skips failed (NaN) forecasts, like the MAE that chose the model.
    scale = own["error"].abs().groupby(own["unique_id"], sort=True).mean()
    # A series with no finite error (every window failed) gets no interval width.
    return scale.replace([np.inf, -np.inf], np.nan).fillna(0.0).astype("float64")


def pooled_bounds(
    errors: pd.DataFrame,
    chosen: dict[str, str],
    scales: pd.Series,
    *,
    levels: tuple[int, ...],
    horizon: int,
) -> dict[int, np.ndarray]:
    """Scaled offsets per level, shape ``(horizon, 2)``, pooled over the series of ``errors``.

    Each series' errors with its ``chosen`` model are divided by its scale
    (:func:`series_scales`) and pooled per step (:func:`step_bounds`); a series' interval
    is its scale times these bounds.
    """
    own = errors[errors["model"] == errors["unique_id"].map(chosen)]
    scaled = own["error"] / own["unique_id"].map(scales).replace(0.0, np.nan)
    steps = own["step"].to_numpy(dtype="int64")
    return {
        level: step_bounds(steps, scaled.to_numpy(dtype="float64"), level, horizon)
        for level in levels
    }


def validated_offsets(
    errors: pd.DataFrame, chosen: dict[str, str], *, levels: tuple[int, ...], horizon: int
) -> dict[str, dict[int, np.ndarray]]:
    """Interval offsets per series and level, shape ``(horizon, 2)``, from validation.

    ``errors`` is :attr:`.selection.Validation.errors`; only each series' ``chosen``
    model counts: its scale (:func:`series_scales`) times the pooled bounds
    (:func:`pooled_bounds`).
    """
    scales = series_scales(errors, chosen)
    shared = pooled_bounds(errors, chosen, scales, levels=levels, horizon=horizon)
    return {
        str(uid): {level: float(size) * bounds for level, bounds in shared.items()}
        for uid, size in scales.items()
    }
