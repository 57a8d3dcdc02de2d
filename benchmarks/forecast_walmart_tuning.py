"""Choosing the Walmart blend's settings on the training part only (``forecast_walmart.py --tune``).

Two validation windows are cut from the 104 training weeks: forecast weeks 66-104 from
weeks 1-65 (39 weeks ahead, as the test) and weeks 79-104 from weeks 1-78 (26 ahead). No
earlier origin leaves the global model rows with a year-ago lag to learn from. Each
setting is scored by its WMAE (holiday weeks ×5) over each window's rows divided by the
seasonal naive's WMAE on the same window, averaged over the two windows. The search runs
in stages: the denoising rank of the season-ago baseline (no shift), then its shift window
and shrinkage at that rank, then the global model's variants, then the blend weight of
each variant with the best baseline (blending the forecasts already made). Writes
``results/forecast_walmart_tuning.json``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from benchmarks.forecast import RESULTS
from benchmarks.forecast_walmart import FREQ, GROUP, HOLIDAY_WEIGHT, SEASON, SETTINGS

from shopkeeper.ai.forecast.blend import blend_frames
from shopkeeper.ai.forecast.future import FutureQuery
from shopkeeper.ai.forecast.global_model import GlobalForecaster
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.season_ago import SeasonAgoForecaster
from shopkeeper.ai.forecast.series import SalesSeries

WINDOWS = ((65, 39), (78, 26))
RANKS = (0, 4, 8, 12, 16)
SHIFT_WINDOWS = (4, 8, 13)
SHRINKS = (0.25, 0.5, 0.75, 1.0)
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
DYNAMIC = ("Temperature", "Fuel_Price", "CPI", "Unemployment")
MARKDOWNS = tuple(f"MarkDown{i}" for i in range(1, 6))
GLOBAL_VARIANTS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    # name: (GlobalForecaster params, exogenous columns dropped)
    "lags 1+52, rolling mean (first version)": ({}, ()),
    "lag 52 only, missing lags kept": (SETTINGS["global_params"], ()),
    "lag 52 only, without markdowns and economy": (
        SETTINGS["global_params"],
        (*DYNAMIC, *MARKDOWNS),
    ),
}
Forecaster = Callable[[SalesSeries, pd.DataFrame, int], pd.DataFrame]


class Window:
    """One validation cut: the history before it, the rows to forecast, their weights."""

    def __init__(self, series: SalesSeries, exog: pd.DataFrame, origin: int, horizon: int):
        frame = series.frame
        weeks = pd.DatetimeIndex(sorted(frame["ds"].unique()))
        cut, last = weeks[origin], weeks[origin + horizon - 1]
        self.name = f"weeks {origin + 1}-{origin + horizon} from weeks 1-{origin}"
        self.horizon = horizon
        self.series = SalesSeries.from_frame(
            frame[frame["ds"] < cut], freq=FREQ, allow_negative=True
        )
        self.actual = frame[(frame["ds"] >= cut) & (frame["ds"] <= last)][
            ["unique_id", "ds", "y", "IsHoliday"]
        ].reset_index(drop=True)
        self.future = exog[(exog["ds"] >= cut) & (exog["ds"] <= last)]
        self.weight = np.where(self.actual["IsHoliday"] > 0, HOLIDAY_WEIGHT, 1.0)

    def wmae(self, forecast: pd.DataFrame) -> float:
        joined = self.actual.merge(forecast[["unique_id", "ds", "mean"]], how="left")
        errors = np.abs(joined["y"] - joined["mean"].fillna(0.0)).to_numpy()
        return float((self.weight * errors).sum() / self.weight.sum())


def season_ago(params: dict[str, Any]) -> Forecaster:
    def run(series: SalesSeries, future: pd.DataFrame, horizon: int) -> pd.DataFrame:
        model = SeasonAgoForecaster(season_length=SEASON, horizon=horizon, **params)
        return model.fit(series).predict(ForecastQuery(horizon=horizon)).frame

    return run


def global_model(params: dict[str, Any], dropped: tuple[str, ...]) -> Forecaster:
    extra = {**params, "lags": tuple(params["lags"])} if params.get("lags") else dict(params)
    extra.setdefault("conformal_windows", 4)
    extra.setdefault("conformal_horizon", 1)

    def run(series: SalesSeries, future: pd.DataFrame, horizon: int) -> pd.DataFrame:
        kept = SalesSeries(
            frame=series.frame.drop(columns=list(dropped)),
            freq=series.freq,
            allow_negative=series.allow_negative,
        )
        model = GlobalForecaster(season_length=SEASON, horizon=horizon, **extra).fit(kept)
        query = FutureQuery(horizon=horizon, future=future.drop(columns=list(dropped)))
        return model.predict(query).frame

    return run


def evaluate(windows: list[Window], run: Forecaster) -> tuple[list[float], list[pd.DataFrame]]:
    frames = [run(w.series, w.future, w.horizon) for w in windows]
    return [w.wmae(f) for w, f in zip(windows, frames, strict=True)], frames


def tune(series: SalesSeries, exog: pd.DataFrame) -> int:
    windows = [Window(series, exog, origin, horizon) for origin, horizon in WINDOWS]
    naive, _ = evaluate(windows, season_ago({"level_shrink": 0.0}))
    rows: list[dict[str, Any]] = []

    def record(stage: str, setting: dict[str, Any], scores: list[float]) -> float:
        relative = float(np.mean([s / n for s, n in zip(scores, naive, strict=True)]))
        rows.append(
            {
                "stage": stage,
                **setting,
                "wmae": [round(s, 1) for s in scores],
                "relative_to_seasonal_naive": round(relative, 4),
            }
        )
        print(f"{stage:10s} {setting} {[round(s) for s in scores]} {relative:.4f}", flush=True)
        return relative

    best_rank = min(
        RANKS,
        key=lambda rank: record(
            "rank",
            {"denoise_rank": rank},
            evaluate(
                windows,
                season_ago({"group_column": GROUP, "denoise_rank": rank, "level_shrink": 0.0}),
            )[0],
        ),
    )
    found: dict[tuple[int, float], tuple[float, list[pd.DataFrame]]] = {}
    for shift_window, shrink in itertools.product(SHIFT_WINDOWS, SHRINKS):
        params = {
            "group_column": GROUP,
            "denoise_rank": best_rank,
            "level_window": shift_window,
            "level_shrink": shrink,
        }
        scores, frames = evaluate(windows, season_ago(params))
        found[(shift_window, shrink)] = (
            record("shift", {"level_window": shift_window, "level_shrink": shrink}, scores),
            frames,
        )
    (best_window, best_shrink), (_, base_frames) = min(found.items(), key=lambda kv: kv[1][0])
    blends: dict[tuple[str, float], float] = {}
    for name, (params, dropped) in GLOBAL_VARIANTS.items():
        scores, frames = evaluate(windows, global_model(params, dropped))
        record("global", {"variant": name}, scores)
        for weight in WEIGHTS:
            mixed = [
                blend_frames(b, f, weight, (80, 95))
                for b, f in zip(base_frames, frames, strict=True)
            ]
            blends[(name, weight)] = record(
                "blend",
                {"variant": name, "global_weight": weight},
                [w.wmae(m) for w, m in zip(windows, mixed, strict=True)],
            )
    (variant, weight), relative = min(blends.items(), key=lambda kv: kv[1])
    chosen = {
        "season_ago_params": {
            "group_column": GROUP,
            "denoise_rank": best_rank,
            "level_window": best_window,
            "level_shrink": best_shrink,
        },
        "global_variant": variant,
        "global_weight": weight,
        "relative_to_seasonal_naive": round(relative, 4),
    }
    report = {
        "command": "python benchmarks/forecast_walmart.py --tune",
        "protocol": __doc__.strip().split("\n\n")[1].replace("\n", " "),
        "windows": [w.name for w in windows],
        "seasonal_naive_wmae": [round(n, 1) for n in naive],
        "chosen": chosen,
        "search": rows,
    }
    out = RESULTS / "forecast_walmart_tuning.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"chosen: {chosen}\nwrote {out}")
    return 0
