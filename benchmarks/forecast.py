"""Forecast accuracy on any long-format data: our automatic forecaster against baselines.

    nice -n 10 python benchmarks/forecast.py --train train.csv --test test.csv \
        --horizon 39 --season-length 52 --freq W-FRI [--exog exog.csv] [--name walmart200]
    nice -n 10 python benchmarks/forecast.py --from-walmart 200 --name walmart200

CSV columns: ``unique_id, ds, y`` (and exogenous columns keyed by ``unique_id, ds`` in
``--exog``). Methods: ``local`` (:class:`~shopkeeper.ai.forecast.local.LocalForecaster`,
model chosen per series by rolling-origin validation inside the training part) and the
statsforecast baselines ``naive``, ``seasonal_naive``, ``auto_ets``, ``auto_theta`` with
their own 80% intervals. Per method: mean over series of sMAPE and MASE (M4 definitions;
MASE scaled by the in-sample seasonal naive MAE), share of test values inside the 80%
interval, and fit+predict seconds. Writes ``results/forecast_<name>.json`` and a table.

``--from-walmart N`` draws N store×department series with all 143 weeks from
``../shared/data/walmart_store_sales`` (seeded), holds out the last 39 weeks and writes the
two CSVs to a temporary folder first, with an exogenous CSV (temperature, fuel price, the
five markdowns with "no markdown" as 0, CPI, unemployment, holiday flag, store size) unless
``--exog`` is given. Only ``global``
(:class:`~shopkeeper.ai.forecast.global_model.GlobalForecaster`, one LightGBM model over all
series) uses the exogenous columns; their test-period values are its future inputs.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import AutoETS, AutoTheta, Naive, SeasonalNaive

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine

from shopkeeper.ai.forecast.future import FutureQuery
from shopkeeper.ai.forecast.global_model import GlobalForecaster
from shopkeeper.ai.forecast.local import LocalForecaster
from shopkeeper.ai.forecast.metrics import coverage, mase, smape
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.series import SalesSeries

RESULTS = Path(__file__).resolve().parent / "results"
WALMART = Path(__file__).resolve().parents[2] / "shared" / "data" / "walmart_store_sales"
WALMART_WEEKS, WALMART_TEST_WEEKS = 143, 39


def walmart_sample(n_series: int, folder: Path, seed: int = 0) -> tuple[Path, Path, Path]:
    """Write train/test/exogenous CSVs of ``n_series`` complete store×dept series."""
    raw = pd.read_csv(WALMART / "train.csv.zip", parse_dates=["Date"])
    raw["unique_id"] = raw["Store"].astype(str) + "_" + raw["Dept"].astype(str)
    counts = raw.groupby("unique_id").size()
    complete = sorted(counts[counts == WALMART_WEEKS].index)
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(complete, size=min(n_series, len(complete)), replace=False))
    data = raw[raw["unique_id"].isin(chosen)].rename(columns={"Date": "ds", "Weekly_Sales": "y"})
    data = data[["unique_id", "ds", "y"]].sort_values(["unique_id", "ds"])
    cut = data["ds"].drop_duplicates().sort_values().iloc[-WALMART_TEST_WEEKS]
    train, test, exog = folder / "train.csv", folder / "test.csv", folder / "exog.csv"
    data[data["ds"] < cut].to_csv(train, index=False)
    data[data["ds"] >= cut].to_csv(test, index=False)
    walmart_exogenous(raw[raw["unique_id"].isin(chosen)]).to_csv(exog, index=False)
    return train, test, exog


def walmart_exogenous(rows: pd.DataFrame) -> pd.DataFrame:
    """Store-week regressors for the chosen store×dept rows (missing markdown: none, 0)."""
    features = pd.read_csv(WALMART / "features.csv", parse_dates=["Date"])
    markdowns = [f"MarkDown{i}" for i in range(1, 6)]
    features[markdowns] = features[markdowns].fillna(0.0)
    features["IsHoliday"] = features["IsHoliday"].astype(float)
    stores = pd.read_csv(WALMART / "stores.csv")[["Store", "Size"]]
    keys = rows[["unique_id", "Store", "Date"]].drop_duplicates()
    exog = keys.merge(features, on=["Store", "Date"], how="left").merge(stores, on="Store")
    return exog.drop(columns="Store").rename(columns={"Date": "ds"})


def baselines(season_length: int) -> dict[str, Any]:
    return {
        "naive": Naive(),
        "seasonal_naive": SeasonalNaive(season_length=season_length),
        "auto_ets": AutoETS(season_length=season_length),
        "auto_theta": AutoTheta(season_length=season_length),
    }


def run_baseline(model: Any, series: SalesSeries, horizon: int) -> tuple[pd.DataFrame, float]:
    start = time.perf_counter()
    engine = StatsForecast(models=[model], freq=series.freq, n_jobs=1)
    out = engine.forecast(df=series.frame[["unique_id", "ds", "y"]], h=horizon, level=[80])
    seconds = time.perf_counter() - start
    alias = str(model)
    out = out.rename(columns={alias: "mean", f"{alias}-lo-80": "lo-80", f"{alias}-hi-80": "hi-80"})
    out["unique_id"] = out["unique_id"].astype(str)
    return out[["unique_id", "ds", "mean", "lo-80", "hi-80"]], seconds


def run_local(
    series: SalesSeries, horizon: int, season_length: int, validation_horizon: int
) -> tuple[pd.DataFrame, float, dict[str, int]]:
    start = time.perf_counter()
    model = LocalForecaster(
        season_length=season_length, horizon=horizon, validation_horizon=validation_horizon
    ).fit(series)
    frame = model.predict(ForecastQuery(horizon=horizon)).frame
    seconds = time.perf_counter() - start
    mix: dict[str, int] = {}
    for name in model.choices_.values():
        mix[name] = mix.get(name, 0) + 1
    return frame, seconds, dict(sorted(mix.items()))


def run_global(
    series: SalesSeries, future: pd.DataFrame | None, horizon: int, season_length: int
) -> tuple[pd.DataFrame, float, dict[str, int]]:
    """Fit and forecast the global model, with as many conformal windows (1-4) as fit."""
    start = time.perf_counter()
    # Series shorter than the median length fall back to their historic mean. Too short for
    # two windows of the horizon (Walmart: 104 weeks, lag 52, horizon 39), calibrate on
    # one-step errors.
    room = int(series.frame.groupby("unique_id").size().median()) - season_length - 2
    window = horizon if room // horizon >= 2 else 1
    windows = max(2, min(4, room // window))
    model = GlobalForecaster(
        season_length=season_length,
        horizon=horizon,
        conformal_windows=windows,
        conformal_horizon=window,
    ).fit(series)
    frame = model.predict(FutureQuery(horizon=horizon, future=future)).frame
    seconds = time.perf_counter() - start
    counts = frame.groupby("unique_id")["model"].first().value_counts().sort_index()
    mix = {str(name): int(n) for name, n in counts.items()}
    return frame, seconds, {**mix, "conformal_windows": windows, "conformal_horizon": window}


def score(
    forecast: pd.DataFrame, test: pd.DataFrame, history: pd.DataFrame, season_length: int
) -> dict[str, float]:
    joined = test.merge(forecast, on=["unique_id", "ds"], how="left")
    if joined["mean"].isna().any():
        missing = joined.loc[joined["mean"].isna(), "unique_id"].unique()[:5]
        raise SystemExit(f"no forecast for some test rows, e.g. series {', '.join(missing)}")
    by_history = dict(tuple(history.groupby("unique_id")["y"]))
    smapes, mases = [], []
    for uid, part in joined.groupby("unique_id", sort=True):
        y, yhat = part["y"].to_numpy(), part["mean"].to_numpy()
        smapes.append(smape(y, yhat))
        mases.append(mase(y, yhat, by_history[uid].to_numpy(), season_length))
    finite = [m for m in mases if math.isfinite(m)]
    return {
        "smape": round(float(np.mean(smapes)), 4),
        "mase": round(float(np.mean(finite)), 4) if finite else float("nan"),
        "coverage80": round(
            coverage(
                joined["y"].to_numpy(), joined["lo-80"].to_numpy(), joined["hi-80"].to_numpy()
            ),
            4,
        ),
    }


def table(methods: dict[str, dict[str, float]]) -> str:
    lines = ["| method | sMAPE | MASE | coverage 80% | seconds |", "|---|---|---|---|---|"]
    for name, row in methods.items():
        lines.append(
            f"| {name} | {row['smape']:.2f} | {row['mase']:.3f} | "
            f"{100 * row['coverage80']:.1f} % | {row['seconds']:.1f} |"
        )
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=Path)
    parser.add_argument("--test", type=Path)
    parser.add_argument("--horizon", type=int)
    parser.add_argument("--season-length", type=int)
    parser.add_argument("--freq")
    parser.add_argument("--exog", type=Path)
    parser.add_argument("--name", default="custom")
    parser.add_argument("--validation-horizon", type=int, help="default: ceil(horizon / 3)")
    parser.add_argument("--from-walmart", type=int, metavar="N")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.from_walmart:
        args.horizon = args.horizon or WALMART_TEST_WEEKS
        args.season_length = args.season_length or 52
        args.freq = args.freq or "W-FRI"
    elif not (args.train and args.test and args.horizon and args.season_length and args.freq):
        parser.error("--train, --test, --horizon, --season-length and --freq are required")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.from_walmart:
            args.train, args.test, walmart_exog = walmart_sample(args.from_walmart, Path(tmp))
            args.exog = args.exog or walmart_exog
        train = pd.read_csv(args.train, parse_dates=["ds"])
        test = pd.read_csv(args.test, parse_dates=["ds"])
        exog = pd.read_csv(args.exog, parse_dates=["ds"]) if args.exog else None
    test["unique_id"] = test["unique_id"].astype(str)
    train["unique_id"] = train["unique_id"].astype(str)
    if exog is not None:
        missing = {"unique_id", "ds"} - set(exog.columns)
        if missing:
            raise SystemExit(f"--exog needs columns unique_id and ds; missing {sorted(missing)}")
        exog["unique_id"] = exog["unique_id"].astype(str)
        train = train[["unique_id", "ds", "y"]].merge(exog, on=["unique_id", "ds"], how="left")
    # Returns make some sales negative (Walmart): forecast them as they are.
    allow_negative = bool((train["y"] < 0).any())
    series = SalesSeries.from_frame(train, freq=args.freq, allow_negative=allow_negative)
    test = test[
        test["ds"]
        <= series.frame.groupby("unique_id")["ds"].max().max()
        + pd.tseries.frequencies.to_offset(args.freq) * args.horizon
    ]
    validation_horizon = args.validation_horizon or math.ceil(args.horizon / 3)
    print(
        f"{len(series.ids)} series, {len(series.frame)} training rows, {len(test)} test rows, "
        f"horizon {args.horizon}, season {args.season_length}, freq {args.freq}"
    )
    methods: dict[str, dict[str, float]] = {}
    local, seconds, mix = run_local(series, args.horizon, args.season_length, validation_horizon)
    methods["local"] = {
        **score(local, test, series.frame, args.season_length),
        "seconds": round(seconds, 2),
    }
    print(f"  local: {methods['local']} models {mix}")
    global_forecast, seconds, global_mix = run_global(
        series, exog, args.horizon, args.season_length
    )
    methods["global"] = {
        **score(global_forecast, test, series.frame, args.season_length),
        "seconds": round(seconds, 2),
    }
    print(f"  global: {methods['global']} models {global_mix}")
    for name, model in baselines(args.season_length).items():
        forecast, seconds = run_baseline(model, series, args.horizon)
        methods[name] = {
            **score(forecast, test, series.frame, args.season_length),
            "seconds": round(seconds, 2),
        }
        print(f"  {name}: {methods[name]}")
    print()
    print(table(methods))
    command = "python benchmarks/forecast.py " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    report: dict[str, Any] = {
        "command": command,
        "machine": machine(),
        "measured_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "data": {
            "series": len(series.ids),
            "train_rows": len(series.frame),
            "test_rows": len(test),
            "horizon": args.horizon,
            "season_length": args.season_length,
            "freq": args.freq,
            "validation_horizon": validation_horizon,
            "negative_values_kept": allow_negative,
            "exogenous_columns": list(series.exogenous),
            "exogenous_used_by": ["global"] if series.exogenous else [],
        },
        "local_models_chosen": mix,
        "global_models": global_mix,
        "methods": methods,
    }
    out = args.out or RESULTS / f"forecast_{args.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
