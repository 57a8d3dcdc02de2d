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

:func:`select` does all of it for a family of series at scale: AutoETS and AutoTheta search
their structure once per series, before the windows (:mod:`.structures`), and the windows
refit that structure; every model runs on its group of series in one statsforecast call
(:mod:`.grouped`). What it returns is what a daily run needs to reuse the choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast

from shopkeeper.ai.forecast.candidates import (
    COMBINATION,
    STRUCTURED,
    combination_members,
    combine,
    default_model,
    intermittent_models,
    members_of,
    regular_models,
)
from shopkeeper.ai.forecast.chosen import SeriesChoice, rounded
from shopkeeper.ai.forecast.grouped import run_plan
from shopkeeper.ai.forecast.intervals import pooled_bounds, series_scales
from shopkeeper.ai.forecast.structures import reusable, search_structures, searched_now


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
    n_jobs: int = 1,
) -> Validation:
    """Score every candidate on every series of ``history`` (``unique_id, ds, y``).

    ``combination`` names members of ``models`` whose mean is scored as one more
    candidate, :data:`.candidates.COMBINATION` (nothing more is fitted for it). Each model
    searches its own structure in every window; :func:`select` searches once.
    """
    engine = StatsForecast(models=list(models.values()), freq=freq, n_jobs=n_jobs)
    cv = engine.cross_validation(
        df=history[["unique_id", "ds", "y"]], h=horizon, n_windows=n_windows, step_size=horizon
    )
    return score(cv, list(models), combination)


def score(cv: pd.DataFrame, names: list[str], combination: tuple[str, ...] = ()) -> Validation:
    """Validation errors and MAE per candidate from rolling-origin forecasts.

    ``cv`` has columns ``unique_id, ds, cutoff, y`` and one per name in ``names``.
    """
    cv = cv.copy()
    names = list(names)
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


@dataclass(frozen=True)
class Selected:
    """The choice for a family of series and its pooled interval bounds per level."""

    series: dict[str, SeriesChoice]
    bounds: dict[int, np.ndarray]
    # Per regular series, the AutoETS and AutoTheta structures it used and their age.
    searched: dict[str, dict[str, Any]] = field(default_factory=dict)


def select(
    history: pd.DataFrame,
    family: str,
    *,
    freq: str,
    season_length: int,
    window: int,
    n_windows: int,
    horizon: int,
    levels: tuple[int, ...],
    margin: float,
    combination: bool,
    n_jobs: int = 1,
    searched: Mapping[str, Mapping[str, Any]] | None = None,
) -> Selected:
    """Validate the candidates of ``family`` (``"regular"`` or ``"intermittent"``) on
    ``history``, choose one per series and keep what the forecasts need.

    Regular series first search their AutoETS and AutoTheta structures on the history
    before the ``n_windows`` windows of ``window`` periods (:mod:`.structures`); the
    windows then validate those structures, and the choice keeps them. Structures in
    ``searched`` (an earlier selection's) are reused while young enough
    (:func:`.structures.reusable`).
    """
    ids = sorted(history["unique_id"].astype(str).unique())
    members: tuple[str, ...] = ()
    default: str | None = None
    if family == "regular":
        names = list(regular_models(season_length))
        used, stale = reusable(searched or {}, ids)
        if stale:
            found = search_structures(
                history[history["unique_id"].isin(stale)],
                freq=freq,
                season_length=season_length,
                held_out=window * n_windows,
                n_jobs=n_jobs,
            )
            used.update(searched_now(found, searched or {}))
        plan = {uid: {m: str(used[uid].get(m, "")) for m in names} for uid in ids}
        members = combination_members(season_length) if combination else ()
        default = default_model(season_length)
    else:
        used = {}
        names = list(intermittent_models())
        plan = {uid: dict.fromkeys(names, "") for uid in ids}
    cv = run_plan(
        history,
        plan,
        freq=freq,
        season_length=season_length,
        horizon=window,
        n_windows=n_windows,
        n_jobs=n_jobs,
    )
    found_errors = score(cv, names, members)
    order = (*names, COMBINATION) if members else tuple(names)
    chosen = choose(found_errors.scores, order, default=default, margin=margin)
    scales = series_scales(found_errors.errors, chosen)
    bounds = pooled_bounds(found_errors.errors, chosen, scales, levels=levels, horizon=horizon)
    scores: dict[str, dict[str, float]] = {}
    for uid, name, mae in found_errors.scores[["unique_id", "model", "mae"]].itertuples(
        index=False
    ):
        if np.isfinite(mae):
            scores.setdefault(str(uid), {})[str(name)] = rounded(float(mae))
    series = {
        uid: SeriesChoice(
            model=chosen[uid],
            scale=rounded(float(scales.get(uid, 0.0))),
            structures={
                m: plan[uid][m] for m in members_of(chosen[uid], season_length) if m in STRUCTURED
            },
            scores=scores.get(uid, {}),
        )
        for uid in ids
    }
    rounded_bounds = {
        level: np.vectorize(rounded, otypes=["float64"])(b) for level, b in bounds.items()
    }
    return Selected(series=series, bounds=rounded_bounds, searched=used)


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
