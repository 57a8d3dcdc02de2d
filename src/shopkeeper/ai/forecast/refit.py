"""The forecast of every series by its chosen model, refitted on the whole history.

Each series' chosen model is refitted with the structures its choice keeps (no search),
its members' forecasts averaged where it is the combination, and its interval is its scale
times the pooled bounds of its family of demand (:mod:`.intervals`). Series too short to
validate get their historic mean with the spread of their history as interval; series that
never sold, zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from shopkeeper.ai.forecast.candidates import (
    SHORT_HISTORY_MODEL,
    combine,
    default_model,
    members_of,
)
from shopkeeper.ai.forecast.chosen import Choice
from shopkeeper.ai.forecast.grouped import run_plan
from shopkeeper.ai.forecast.intervals import error_bounds


@dataclass(frozen=True)
class Settings:
    """What every refit of one forecaster shares."""

    freq: str
    season_length: int
    horizon: int
    levels: tuple[int, ...]
    n_jobs: int = 1


def refit_forecast(
    history: pd.DataFrame,
    choices: dict[str, str],
    choice: Choice,
    settings: Settings,
    *,
    allow_negative: bool = False,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Forecasts ``unique_id, ds, mean, model, lo-L, hi-L`` and the models that made them.

    ``choices`` names each series' model; a series on which every member failed (NaN) gets
    the benchmark model instead, and the returned choices say so.
    """
    points, made = _points(history, choices, choice, settings)
    ids, series_at = np.unique(points["unique_id"].to_numpy(dtype=str), return_inverse=True)
    step = points.groupby("unique_id", sort=False).cumcount().to_numpy()
    offsets = _offsets(history, made, choice, ids, settings)
    for level in settings.levels:
        bounds = offsets[level][series_at, step]
        points[f"lo-{level}"] = points["mean"].to_numpy() + bounds[:, 0]
        points[f"hi-{level}"] = points["mean"].to_numpy() + bounds[:, 1]
    if not allow_negative:
        # Demand is never negative; neither are its forecast or interval bounds.
        numeric = [c for c in points.columns if c not in ("unique_id", "ds", "model")]
        points[numeric] = points[numeric].clip(lower=0.0)
    return points, made


def _points(
    history: pd.DataFrame, choices: dict[str, str], choice: Choice, settings: Settings
) -> tuple[pd.DataFrame, dict[str, str]]:
    plan = {}
    for uid, name in choices.items():
        kept = choice.series[uid].structures if uid in choice.series else {}
        plan[uid] = {m: kept.get(m, "") for m in members_of(name, settings.season_length)}
    wide = _run(history, plan, settings).sort_values(["unique_id", "ds"], kind="stable")
    model = wide["unique_id"].map(choices)
    mean = np.full(len(wide), np.nan)
    for name in model.unique():
        rows = (model == name).to_numpy()
        columns = list(members_of(name, settings.season_length))
        mean[rows] = combine(wide.loc[rows, columns].to_numpy(dtype="float64"))
    points = wide[["unique_id", "ds"]].assign(mean=mean, model=model.to_numpy())
    failed = sorted(points.loc[points["mean"].isna(), "unique_id"].unique())
    if not failed:
        return points.reset_index(drop=True), dict(choices)
    # Every member failed on these series: the benchmark model stands in.
    fallback = default_model(settings.season_length)
    again = _run(
        history[history["unique_id"].isin(failed)],
        {uid: {fallback: ""} for uid in failed},
        settings,
    )
    points = pd.concat(
        [
            points[~points["unique_id"].isin(failed)],
            again.rename(columns={fallback: "mean"}).assign(model=fallback),
        ]
    ).sort_values(["unique_id", "ds"], kind="stable")
    return points.reset_index(drop=True), {**choices, **dict.fromkeys(failed, fallback)}


def _run(
    history: pd.DataFrame, plan: dict[str, dict[str, str]], settings: Settings
) -> pd.DataFrame:
    return run_plan(
        history,
        plan,
        freq=settings.freq,
        season_length=settings.season_length,
        horizon=settings.horizon,
        n_jobs=settings.n_jobs,
    )


def _offsets(
    history: pd.DataFrame,
    choices: dict[str, str],
    choice: Choice,
    ids: np.ndarray,
    settings: Settings,
) -> dict[int, np.ndarray]:
    """Interval offsets per level, shape ``(len(ids), horizon, 2)``."""
    found = {level: np.zeros((len(ids), settings.horizon, 2)) for level in settings.levels}
    short: list[int] = []
    for i, uid in enumerate(ids):
        one = choice.series.get(uid)
        if choices[uid] == SHORT_HISTORY_MODEL:
            short.append(i)
        elif one is not None and choices[uid] == one.model:
            family = choice.bounds.get(one.family, {})
            for level in settings.levels:
                found[level][i] = one.scale * family.get(level, 0.0)
        # Never sold, or a stand-in after a failure: no width to go on.
    if short:
        part = history[history["unique_id"].isin(ids[short])]
        values = {uid: y.to_numpy(dtype="float64") for uid, y in part.groupby("unique_id")["y"]}
        for i in short:
            # Too short to validate: the spread around the mean is all there is to go on.
            y = values[ids[i]]
            for level in settings.levels:
                found[level][i] = error_bounds(y - y.mean(), level)
    return found
