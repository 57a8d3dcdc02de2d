"""Walmart store×department weekly sales: our blend against seasonal naive and AutoETS.

    nice -n 10 python benchmarks/forecast_walmart.py            # committed settings
    nice -n 10 python benchmarks/forecast_walmart.py --tune     # search, training part only

Data: ``../shared/data/walmart_store_sales`` (Kaggle's train.csv: 143 weeks, 3,331 series).
The last 39 weeks are held out; the 104 weeks before them are the training part. Weekly
sales are dollars, returns make some negative: they are forecast as they are.

A shop's export lists only the weeks a department sold, so a series' missing weeks up to
the end of the training part count as zero sales (a series exists from its first week);
the test rows are the rows the file holds. Where a method gives no forecast (statsforecast's
seasonal naive on histories shorter than a season) the series' historic mean is used, and
the 25 series first seen in the held-out weeks (no history) get 0; every method gets the
same treatment, counted in ``fallback_rows``. AutoETS refuses series of a few weeks, so it
fits only those with at least 13 weeks (the others take the same fallback).

Metrics over the 115,588 test rows: WMAE (weight 5 in IsHoliday weeks, 1 otherwise, the
competition's metric), mean over series of MASE (scaled by the in-sample seasonal naive
MAE; series without history or with a zero scale left out) and sMAPE (``200 |y - f| /
(|y| + |f|)``: a negative sale counts by its magnitude, a week where both are 0 counts 0),
share of test values inside the 80% interval, and fit+predict seconds.

``ours`` is :class:`~shopkeeper.ai.forecast.blend.BlendForecaster`: the global LightGBM
(exogenous: temperature, fuel price, five markdowns, CPI, unemployment, holiday flag; static:
store size, store type, department) blended with the season-ago baseline (year-ago week
denoised across the stores of the department, plus a shrunk recent year-on-year shift).
``--tune`` chooses its settings on two validation windows cut from the training part (see
:mod:`benchmarks.forecast_walmart_tuning`) and writes
``results/forecast_walmart_tuning.json``; the default run uses :data:`SETTINGS`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsforecast.models import AutoETS, SeasonalNaive

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.forecast import RESULTS, WALMART, run_baseline, walmart_exogenous
from benchmarks.machine import machine

from shopkeeper.ai.forecast.blend import BlendForecaster
from shopkeeper.ai.forecast.future import FutureQuery
from shopkeeper.ai.forecast.intervals import error_bounds
from shopkeeper.ai.forecast.metrics import coverage, mase, smape
from shopkeeper.ai.forecast.series import SalesSeries

HOLDOUT, SEASON, FREQ = 39, 52, "W-FRI"
HOLIDAY_WEIGHT = 5.0
ETS_MIN_WEEKS = 13
GROUP = "dept"
# Chosen by ``--tune`` on the training part (results/forecast_walmart_tuning.json).
SETTINGS: dict[str, Any] = {
    "global_weight": 0.2,
    "global_params": {
        "lags": [52],
        "rolling_mean": False,
        "keep_missing_lags": True,
        "conformal_windows": 4,
        "conformal_horizon": 1,
    },
    "season_ago_params": {
        "group_column": GROUP,
        "denoise_rank": 8,
        "level_window": 13,
        "level_shrink": 0.5,
    },
}


def load_rows() -> pd.DataFrame:
    """Kaggle's train.csv with a ``unique_id`` per store×department."""
    raw = pd.read_csv(WALMART / "train.csv.zip", parse_dates=["Date"])
    raw["unique_id"] = raw["Store"].astype(str) + "_" + raw["Dept"].astype(str)
    return raw


def weeks_of(raw: pd.DataFrame) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(sorted(raw["Date"].unique()))


def regressors(raw: pd.DataFrame) -> pd.DataFrame:
    """Store-week regressors for every series and every week of features.csv."""
    keys = raw[["unique_id", "Store", "Dept"]].drop_duplicates("unique_id")
    features = pd.read_csv(WALMART / "features.csv", parse_dates=["Date"])[["Store", "Date"]]
    grid = keys.merge(features, on="Store")
    exog = walmart_exogenous(grid)
    stores = pd.read_csv(WALMART / "stores.csv")[["Store", "Type"]]
    kinds = keys.merge(stores, on="Store")
    kinds["store_type"] = kinds["Type"].map({"A": 0.0, "B": 1.0, "C": 2.0})
    kinds[GROUP] = kinds["Dept"].astype(float)
    return exog.merge(kinds[["unique_id", "store_type", GROUP]], on="unique_id")


def dense_weeks(raw: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """``unique_id, ds, y`` before ``end``, each series from its first week, gaps as 0 sales."""
    weeks = weeks_of(raw)
    part = raw[raw["Date"] < end]
    first = part.groupby("unique_id")["Date"].min()
    grid = pd.concat(
        [
            pd.DataFrame({"unique_id": uid, "ds": weeks[(weeks >= start) & (weeks < end)]})
            for uid, start in first.items()
        ],
        ignore_index=True,
    )
    sales = part.rename(columns={"Date": "ds", "Weekly_Sales": "y"})[["unique_id", "ds", "y"]]
    return grid.merge(sales, on=["unique_id", "ds"], how="left").fillna({"y": 0.0})


def history(raw: pd.DataFrame, exog: pd.DataFrame, end: pd.Timestamp) -> SalesSeries:
    """Weeks before ``end``, each series from its first week, missing weeks as 0 sales."""
    frame = dense_weeks(raw, end).merge(exog, on=["unique_id", "ds"], how="left")
    return SalesSeries.from_frame(frame, freq=FREQ, allow_negative=True)


def complete(forecast: pd.DataFrame, test: pd.DataFrame, past: pd.DataFrame) -> pd.DataFrame:
    """Forecasts on every test row; holes get the historic mean (0 without history)."""
    joined = test.merge(forecast[["unique_id", "ds", "mean", "lo-80", "hi-80"]], how="left")
    hole = joined["mean"].isna()
    fallback = {
        str(uid): (float(y.mean()), *error_bounds(y.to_numpy() - y.mean(), 80))
        for uid, y in past.groupby("unique_id")["y"]
    }
    for row in np.flatnonzero(hole.to_numpy()):
        mean, low, high = fallback.get(joined.at[row, "unique_id"], (0.0, 0.0, 0.0))
        joined.loc[row, ["mean", "lo-80", "hi-80"]] = [mean, mean + low, mean + high]
    joined["fallback"] = hole
    return joined


def score(joined: pd.DataFrame, past: pd.DataFrame) -> dict[str, float]:
    """WMAE, MASE, sMAPE and 80% coverage of forecasts on the test rows."""
    weight = np.where(joined["IsHoliday"], HOLIDAY_WEIGHT, 1.0)
    errors = np.abs(joined["y"].to_numpy() - joined["mean"].to_numpy())
    by_history = {str(u): y.to_numpy() for u, y in past.groupby("unique_id")["y"]}
    smapes, mases = [], []
    for uid, part in joined.groupby("unique_id", sort=True):
        y, f = part["y"].to_numpy(), part["mean"].to_numpy()
        smapes.append(smape(y, f))
        if str(uid) in by_history:
            mases.append(mase(y, f, by_history[str(uid)], SEASON))
    finite = [m for m in mases if math.isfinite(m)]
    return {
        "wmae": round(float((weight * errors).sum() / weight.sum()), 2),
        "mase": round(float(np.mean(finite)), 4),
        "smape": round(float(np.mean(smapes)), 4),
        "coverage_80": round(
            coverage(
                joined["y"].to_numpy(), joined["lo-80"].to_numpy(), joined["hi-80"].to_numpy()
            ),
            4,
        ),
        "fallback_rows": int(joined["fallback"].sum()),
    }


def fit_for(name: str, series: SalesSeries) -> SalesSeries:
    """AutoETS refuses tiny series ("tiny datasets"): those get the historic-mean fallback."""
    if name != "auto_ets":
        return series
    lengths = series.frame.groupby("unique_id")["y"].transform("size")
    kept = series.frame[lengths >= ETS_MIN_WEEKS]
    return SalesSeries(frame=kept, freq=series.freq, allow_negative=series.allow_negative)


def run_ours(
    series: SalesSeries, future: pd.DataFrame, horizon: int, settings: dict[str, Any]
) -> tuple[pd.DataFrame, float, BlendForecaster]:
    start = time.perf_counter()
    model = BlendForecaster(season_length=SEASON, horizon=horizon, **settings).fit(series)
    frame = model.predict(FutureQuery(horizon=horizon, future=future)).frame
    return frame, time.perf_counter() - start, model


def table(methods: dict[str, dict[str, float]]) -> str:
    lines = [
        "| method | WMAE | MASE | sMAPE | coverage 80% | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in methods.items():
        lines.append(
            f"| {name} | {row['wmae']:,.0f} | {row['mase']:.3f} | {row['smape']:.2f} | "
            f"{100 * row['coverage_80']:.1f} % | {row['seconds']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true", help="search settings, training part")
    parser.add_argument("--skip-ets", action="store_true", help="leave AutoETS out (14 min)")
    parser.add_argument("--out", type=Path, default=RESULTS / "forecast_walmart.json")
    args = parser.parse_args(argv)
    raw = load_rows()
    exog = regressors(raw)
    weeks = weeks_of(raw)
    cut = weeks[-HOLDOUT]
    series = history(raw, exog, cut)
    if args.tune:
        from benchmarks.forecast_walmart_tuning import tune

        return tune(series, exog)
    test = raw[raw["Date"] >= cut].rename(columns={"Date": "ds", "Weekly_Sales": "y"})
    test = test[["unique_id", "ds", "y", "IsHoliday"]].reset_index(drop=True)
    past = series.frame
    future = exog[exog["ds"] >= cut].drop(columns=["store_type", GROUP, "Size"])
    print(
        f"{len(series.ids)} series with history, {test['unique_id'].nunique()} in the test "
        f"weeks, {len(past)} training rows, {len(test)} test rows"
    )
    methods: dict[str, dict[str, float]] = {}
    baselines: dict[str, Any] = {"seasonal_naive": SeasonalNaive(season_length=SEASON)}
    if not args.skip_ets:
        baselines["auto_ets"] = AutoETS(season_length=SEASON)
    # Ours first: AutoETS takes about a quarter of an hour.
    forecast, seconds, model = run_ours(series, future, HOLDOUT, SETTINGS)
    methods["ours"] = {**score(complete(forecast, test, past), past), "seconds": round(seconds, 1)}
    print(f"  ours: {methods['ours']}", flush=True)
    for name, baseline in baselines.items():
        forecast, seconds = run_baseline(baseline, fit_for(name, series), HOLDOUT)
        methods[name] = {
            **score(complete(forecast, test, past), past),
            "seconds": round(seconds, 1),
        }
        print(f"  {name}: {methods[name]}", flush=True)
    best = min((n for n in methods if n != "ours"), key=lambda n: methods[n]["wmae"])
    gain = 100 * (1 - methods["ours"]["wmae"] / methods[best]["wmae"])
    example = model.explain(
        FutureQuery(horizon=HOLDOUT, unique_ids=("1_1",), future=future),
        model.predict(FutureQuery(horizon=HOLDOUT, unique_ids=("1_1",), future=future)),
    )
    print()
    print(table(methods))
    print(f"\nours vs best statistical baseline ({best}): {gain:.1f} % lower WMAE")
    report: dict[str, Any] = {
        "command": "python benchmarks/forecast_walmart.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "measured_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "data": {
            "series_with_history": len(series.ids),
            "series_in_test": int(test["unique_id"].nunique()),
            "train_rows": len(past),
            "test_rows": len(test),
            "holdout_weeks": HOLDOUT,
            "train_weeks": int((weeks < cut).sum()),
            "holiday_weight": HOLIDAY_WEIGHT,
            "exogenous_columns": list(series.exogenous),
        },
        "settings": SETTINGS,
        "methods": methods,
        "best_baseline": best,
        "ours_wmae_gain_pct": round(gain, 2),
        "example_explanation": example.as_dict(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
