"""Rolling-origin validation: each candidate forecasts the last windows of the history.

The history is cut ``n_windows`` times, ``horizon`` periods apart; at each cut every
candidate is fitted on what came before and forecasts the next ``horizon`` periods. The
candidate with the lowest mean absolute error over all windows wins, per series, except
that a ``default`` candidate (seasonal naive) keeps the series unless another beats its
error by ``margin``: three short windows are a noisy judge, and on Walmart's training part
a choice made on two windows and checked on the third was more accurate when shrunk
towards seasonal naive (``benchmarks/forecast_tuning.py``). The combination
(:func:`.candidates.combine`) is scored from its members' validation forecasts, like any
candidate. The errors are kept, with the step ahead they were made at: they make the
prediction intervals (:mod:`.intervals`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast

from shopkeeper.ai.forecast.candidates import COMBINATION, combine


@dataclass(frozen=True)
class Validation:
    """What rolling-origin validation found for a group of series.

    ``scores`` has one row per series and candidate (``unique_id, model, mae``);
    ``errors`` one row per series, candidate and validated period (``unique_id, model,
    window, step, y, error`` with ``error = y - forecast``, ``window`` 0 for the oldest cut and
    ``step`` 1 for the first period after it).
    """

    scores: pd.DataFrame
    errors: pd.DataFrame


def validate(
    history: pd.DataFrame,
    models: dict[str, Any],
    *,
    freq: str,
    horizon: int,
    n_windows: int,
    combination: tuple[str, ...] = (),
) -> Validation:
    """Score every candidate on every series of ``history`` (``unique_id, ds, y``).

    ``combination`` names members of ``models`` whose mean is scored as one more
    candidate, :data:`.candidates.COMBINATION` (nothing more is fitted for it).
    """
    engine = StatsForecast(models=list(models.values()), freq=freq, n_jobs=1)
    cv = engine.cross_validation(
        df=history[["unique_id", "ds", "y"]], h=horizon, n_windows=n_windows, step_size=horizon
    )
    names = list(models)
    if combination:
        cv[COMBINATION] = combine(cv[list(combination)].to_numpy(dtype="float64"))
        names.append(COMBINATION)
    cv["unique_id"] = cv["unique_id"].astype(str)
    cv = cv.sort_values(["unique_id", "cutoff", "ds"], kind="stable")
    cv["window"] = cv.groupby("unique_id")["cutoff"].rank(method="dense").astype(int) - 1
    cv["step"] = cv.groupby(["unique_id", "cutoff"]).cumcount() + 1
    long = cv.melt(
        id_vars=["unique_id", "ds", "cutoff", "window", "step", "y"],
        value_vars=names,
        var_name="model",
        value_name="forecast",
    )
    long["error"] = long["y"] - long["forecast"]
    # A candidate that failed to fit leaves NaN forecasts: it can never win.
    long["abs_error"] = long["error"].abs().fillna(np.inf)
    scores = (
        long.groupby(["unique_id", "model"], sort=True)["abs_error"]
        .mean()
        .rename("mae")
        .reset_index()
    )
    errors = long[["unique_id", "model", "window", "step", "y", "error"]].reset_index(drop=True)
    return Validation(scores=scores, errors=errors)


def choose(
    scores: pd.DataFrame,
    order: tuple[str, ...],
    *,
    default: str | None = None,
    margin: float = 0.0,
) -> dict[str, str]:
    """The best candidate per series; ties go to the earlier (simpler) one in ``order``.

    With a ``default``, the others' errors are counted ``1 / (1 - margin)`` times larger:
    a challenger must have a validation MAE at least ``margin`` (a share) below the
    default's to be chosen.

    Examples
    --------
    >>> scores = pd.DataFrame({"unique_id": ["a", "a"], "model": ["SeasonalNaive", "AutoETS"],
    ...                        "mae": [10.0, 9.5]})
    >>> choose(scores, ("SeasonalNaive", "AutoETS"))
    {'a': 'AutoETS'}
    >>> choose(scores, ("SeasonalNaive", "AutoETS"), default="SeasonalNaive", margin=0.1)
    {'a': 'SeasonalNaive'}
    """
    rank = {name: i for i, name in enumerate(order)}
    penalised = scores["mae"]
    if default is not None and margin > 0:
        penalised = penalised.where(scores["model"] == default, penalised / (1.0 - margin))
    ranked = scores.assign(rank=scores["model"].map(rank), penalised=penalised).sort_values(
        ["unique_id", "penalised", "rank"], kind="stable"
    )
    best = ranked.drop_duplicates("unique_id", keep="first")
    return dict(zip(best["unique_id"], best["model"], strict=True))
