"""Rolling-origin validation: each candidate forecasts the last windows of the history.

The history is cut ``n_windows`` times, ``horizon`` periods apart; at each cut every
candidate is fitted on what came before and forecasts the next ``horizon`` periods. The
candidate with the lowest mean absolute error over all windows wins, per series. Its
errors are kept: they make the prediction intervals (:mod:`.intervals`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast


@dataclass(frozen=True)
class Validation:
    """What rolling-origin validation found for a group of series.

    ``scores`` has one row per series and candidate (``unique_id, model, mae``);
    ``errors`` one row per series, candidate and validated period (``y - forecast``).
    """

    scores: pd.DataFrame
    errors: pd.DataFrame


def validate(
    history: pd.DataFrame, models: dict[str, Any], *, freq: str, horizon: int, n_windows: int
) -> Validation:
    """Score every candidate on every series of ``history`` (``unique_id, ds, y``)."""
    engine = StatsForecast(models=list(models.values()), freq=freq, n_jobs=1)
    cv = engine.cross_validation(
        df=history[["unique_id", "ds", "y"]], h=horizon, n_windows=n_windows, step_size=horizon
    )
    long = cv.melt(
        id_vars=["unique_id", "ds", "cutoff", "y"],
        value_vars=list(models),
        var_name="model",
        value_name="forecast",
    )
    long["unique_id"] = long["unique_id"].astype(str)
    long["error"] = long["y"] - long["forecast"]
    # A candidate that failed to fit leaves NaN forecasts: it can never win.
    long["abs_error"] = long["error"].abs().fillna(np.inf)
    scores = (
        long.groupby(["unique_id", "model"], sort=True)["abs_error"]
        .mean()
        .rename("mae")
        .reset_index()
    )
    return Validation(scores=scores, errors=long[["unique_id", "model", "error"]])


def choose(scores: pd.DataFrame, order: tuple[str, ...]) -> dict[str, str]:
    """The best candidate per series; ties go to the earlier (simpler) one in ``order``."""
    rank = {name: i for i, name in enumerate(order)}
    ranked = scores.assign(rank=scores["model"].map(rank)).sort_values(
        ["unique_id", "mae", "rank"], kind="stable"
    )
    best = ranked.drop_duplicates("unique_id", keep="first")
    return dict(zip(best["unique_id"], best["model"], strict=True))
