"""Forecasting at shop scale: the weekly model selection and the daily run, timed apart.

    nice -n 10 python benchmarks/forecast_scale.py --skus 10000 --days 730 --jobs 2
    nice -n 10 python benchmarks/forecast_scale.py --skus 500          # a quick check

The sales are synthetic (seeded, ``--seed``), daily, ``--days`` of history per SKU plus 28
days to score on. Kinds of SKU, drawn at random with these shares:

- **smooth** (40 %): a level (log-normal, median 20 a day), a weekday profile, a yearly wave
  (amplitude up to 50 %), a slow trend, about four promotions a year (3-8 days, x1.5-3) and,
  for one SKU in five, a stock-out of 5-20 days; sales are gamma-Poisson (over-dispersed)
  around that mean. One in 200 has a single absurd day (x100, a typing error).
- **erratic** (10 %): the same shapes, a lower level and much larger dispersion.
- **intermittent** (25 %): Poisson sales at 0.05-0.6 a day, with weekday and yearly waves.
- **lumpy** (10 %): a sale on 3-30 % of days, of 1 + a heavy-tailed quantity.
- **zero** (5 %): listed, never sold.
- **new** (10 %): launched in the last 120 days (smooth or intermittent from then on).

Three SKUs in ten are exported the way shops export: days without a sale left out (the
checks fill them as zero). The weekly selection runs on the history as it was six days
before the daily run (the oldest a weekly choice gets); the daily run reuses that choice
on the full history and is scored on the next 28 days against seasonal naive fitted on the
same history (sMAPE and MASE per SKU, M4 definitions, averaged; 80 % interval coverage).
SKUs launched in those six days, and those that became long enough to validate, are new to
the daily run. Each phase runs in its own process, so its peak memory (``ru_maxrss`` of the
process and of its largest statsforecast worker) is its own. The load averages before and
after say whether other work shared the machine. Writes ``results/<name>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import SeasonalNaive

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine_info

from shopkeeper.ai.forecast.local import DEFAULT_MARGIN, LocalForecaster
from shopkeeper.ai.forecast.metrics import coverage, mase, smape
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.series import SalesSeries

RESULTS = Path(__file__).resolve().parent / "results"
HORIZON, SEASON, WEEKLY_LAG = 28, 7, 6
KINDS = {"smooth": 0.40, "erratic": 0.10, "intermittent": 0.25, "lumpy": 0.10,
         "zero": 0.05, "new": 0.10}  # fmt: skip
TARGETS_S = {"daily": 600.0, "weekly": 2700.0}
LAST_DAY = pd.Timestamp("2026-03-31")


def _gamma_poisson(rng: np.random.Generator, mean: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Over-dispersed counts: Poisson with a gamma-distributed rate (negative binomial)."""
    rate = rng.gamma(np.broadcast_to(size, mean.shape), np.maximum(mean, 1e-9) / size)
    return rng.poisson(rate).astype("float64")


def _shapes(rng: np.random.Generator, n: int, t: np.ndarray, dates: pd.DatetimeIndex) -> np.ndarray:
    """Mean multipliers of ``n`` SKUs over days ``t``: weekday profile, yearly wave, trend."""
    weekday = np.exp(rng.normal(0, 0.3, (n, 7)))
    weekday /= weekday.mean(axis=1, keepdims=True)
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    yearly = 1 + rng.uniform(0, 0.5, (n, 1)) * np.sin(2 * np.pi * t / 365.25 + phase)
    trend = np.exp(rng.normal(0, 0.2, (n, 1)) * (t - t[-1]) / 365.0)
    return np.asarray(weekday[:, dates.dayofweek] * yearly * trend)


def _events(rng: np.random.Generator, mean: np.ndarray, stockouts: bool) -> np.ndarray:
    """Promotions (about four a year) and, for one SKU in five, a stock-out."""
    n, days = mean.shape
    for i in range(n):
        for _ in range(rng.poisson(4 * days / 365)):
            start = rng.integers(0, days)
            mean[i, start : start + rng.integers(3, 9)] *= rng.uniform(1.5, 3.0)
        if stockouts and rng.random() < 0.2:
            start = rng.integers(0, days)
            mean[i, start : start + rng.integers(5, 21)] = 0.0
    return mean


def synthetic_sales(skus: int, days: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Daily sales of ``skus`` SKUs over ``days + 28`` days, as a shop would export them.

    Returns the long frame (``unique_id, ds, y``; the last 28 days are the future) and each
    SKU's kind.
    """
    rng = np.random.default_rng(seed)
    total = days + HORIZON
    dates = pd.date_range(end=LAST_DAY, periods=total, freq="D")
    t = np.arange(total, dtype="float64")
    kinds = rng.choice(list(KINDS), size=skus, p=list(KINDS.values()))
    y = np.zeros((skus, total))
    start = np.zeros(skus, dtype="int64")
    for kind in KINDS:
        rows = np.flatnonzero(kinds == kind)
        n = len(rows)
        if not n or kind == "zero":
            continue
        shape = _shapes(rng, n, t, dates)
        if kind in ("smooth", "erratic", "new"):
            level = rng.lognormal(np.log(20 if kind != "erratic" else 6), 1.0, (n, 1))
            spread = (
                rng.uniform(5, 30, (n, 1)) if kind != "erratic" else rng.uniform(0.3, 1, (n, 1))
            )
            mean = _events(rng, level * shape, stockouts=kind != "new")
            y[rows] = _gamma_poisson(rng, mean, spread)
        elif kind == "intermittent":
            y[rows] = rng.poisson(rng.uniform(0.05, 0.6, (n, 1)) * shape)
        else:  # lumpy
            sold = rng.random((n, total)) < np.clip(rng.uniform(0.03, 0.3, (n, 1)) * shape, 0, 1)
            size = 1 + _gamma_poisson(rng, rng.uniform(2, 15, (n, 1)) * np.ones((1, total)),
                                      rng.uniform(0.3, 1, (n, 1)))  # fmt: skip
            y[rows] = sold * size
        if kind == "new":
            start[rows] = days - rng.integers(1, 121, n)
            half = rows[rng.random(n) < 0.5]
            y[half] = rng.poisson(rng.uniform(0.1, 0.8, (len(half), 1)), (len(half), total))
    smooth = np.flatnonzero(kinds == "smooth")
    typo = smooth[rng.random(len(smooth)) < 0.005]
    y[typo, rng.integers(0, days, len(typo))] *= 100
    keep = np.arange(total)[None, :] >= start[:, None]
    # Shops export only days with a sale: three SKUs in ten lose their zero days (the
    # first and last day stay, so the series still spans the history).
    sparse = rng.random(skus) < 0.3
    edge = (np.arange(total)[None, :] == start[:, None]) | (np.arange(total)[None, :] >= days - 1)
    keep &= ~(sparse[:, None] & (y == 0) & ~edge & (kinds != "zero")[:, None])
    ids = np.array([f"SKU-{i:05d}" for i in range(skus)])
    sku, day = np.nonzero(keep)
    frame = pd.DataFrame({"unique_id": ids[sku], "ds": dates[day], "y": y[sku, day]})
    return frame, pd.Series(kinds, index=ids, name="kind")


def _cpu_s() -> float:
    """CPU seconds of this process and its finished workers: what contention cannot inflate."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime, 1)


def _peak_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"process_mb": round(own, 1), "largest_worker_mb": round(workers, 1)}


def run_phase(phase: str, folder: Path, jobs: int, margin: float) -> None:
    """One phase in this process: ``weekly`` (select) or ``daily`` (reuse), timed."""
    export = pd.read_parquet(folder / "history.parquet")
    end = export["ds"].max() - pd.Timedelta(days=WEEKLY_LAG if phase == "weekly" else 0)
    started = time.perf_counter()
    series = SalesSeries.from_frame(export[export["ds"] <= end], freq="D")
    checked = time.perf_counter()
    if phase == "daily":
        chosen = json.loads((folder / "selection.json").read_text())
        model = LocalForecaster(
            season_length=SEASON, horizon=HORIZON, margin=margin, chosen=chosen, n_jobs=jobs
        )
    else:
        model = LocalForecaster(season_length=SEASON, horizon=HORIZON, margin=margin, n_jobs=jobs)
    model.fit(series)
    forecast = model.predict(ForecastQuery(horizon=HORIZON)).frame
    done = time.perf_counter()
    report = {
        "seconds": round(done - started, 1),
        "checks_s": round(checked - started, 1),
        "fit_s": round(done - checked, 1),
        "cpu_s": _cpu_s(),
        "series": len(model.choices_),
        "reused": len(model.reused_),
        "models": dict(sorted(Counter(model.choices_.values()).items())),
        "issues": dict(sorted(Counter(i.kind for i in series.issues).items())),
        "peak_memory": _peak_mb(),
    }
    if phase == "weekly":
        text = json.dumps(model.selection_)
        (folder / "selection.json").write_text(text)
        report["selection_json_mb"] = round(len(text) / 1e6, 2)
    forecast.to_parquet(folder / f"{phase}_forecast.parquet")
    series.frame.to_parquet(folder / f"{phase}_history.parquet")
    (folder / f"{phase}.json").write_text(json.dumps(report))


def _in_subprocess(phase: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", phase, "--folder", str(folder)]
    command += ["--jobs", str(args.jobs), "--margin", str(args.margin)]
    subprocess.run(command, check=True)
    found: dict[str, Any] = json.loads((folder / f"{phase}.json").read_text())
    return found


def seasonal_naive(history: pd.DataFrame) -> pd.DataFrame:
    engine = StatsForecast(models=[SeasonalNaive(season_length=SEASON)], freq="D", n_jobs=1)
    out = engine.forecast(df=history[["unique_id", "ds", "y"]], h=HORIZON)
    return out.rename(columns={"SeasonalNaive": "mean"})


def rmsse(actual: np.ndarray, forecast: np.ndarray, history: np.ndarray) -> float:
    """Root mean squared error over that of the in-sample naive (M5's measure).

    Squared errors reward forecasting the mean rate of a slow seller; sMAPE and MASE reward
    forecasting zero, which never restocks anything.
    """
    scale = float(np.mean(np.diff(history) ** 2)) if len(history) > 1 else 0.0
    if scale == 0:
        return float("nan")
    return float(np.sqrt(np.mean((actual - forecast) ** 2) / scale))


def accuracy(
    forecast: pd.DataFrame, future: pd.DataFrame, history: pd.DataFrame, kinds: pd.Series
) -> dict[str, dict[str, float]]:
    """Mean sMAPE, MASE and RMSSE per SKU (80 % coverage with intervals), overall and by kind."""
    joined = future.merge(forecast, on=["unique_id", "ds"], how="inner")
    past = {uid: y.to_numpy() for uid, y in history.groupby("unique_id")["y"]}
    rows = []
    for uid, part in joined.groupby("unique_id"):
        y, f = part["y"].to_numpy(), part["mean"].to_numpy()
        row = {
            "kind": kinds[uid],
            "smape": smape(y, f),
            "mase": mase(y, f, past[uid], SEASON),
            "rmsse": rmsse(y, f, past[uid]),
        }
        if "lo-80" in part:
            row["coverage_80"] = coverage(y, part["lo-80"].to_numpy(), part["hi-80"].to_numpy())
        rows.append(row)
    table = pd.DataFrame(rows)
    found = {"all": table.drop(columns="kind").mean().round(3).to_dict()}
    for kind, part in table.groupby("kind"):
        found[str(kind)] = part.drop(columns="kind").mean().round(3).to_dict()
    found["all"]["series"] = len(table)
    return found


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    if args.phase:
        run_phase(args.phase, Path(args.folder), args.jobs, args.margin)
        return {}
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        frame, kinds = synthetic_sales(args.skus, args.days, args.seed)
        cut = frame["ds"].max() - pd.Timedelta(days=HORIZON)
        frame[frame["ds"] <= cut].to_parquet(folder / "history.parquet")
        future = frame[frame["ds"] > cut]
        rows = len(frame) - len(future)
        weekly = _in_subprocess("weekly", folder, args)
        daily = _in_subprocess("daily", folder, args)
        history = pd.read_parquet(folder / "daily_history.parquet")
        ours = pd.read_parquet(folder / "daily_forecast.parquet")
        started = time.perf_counter()
        naive = seasonal_naive(history)
        naive_s = time.perf_counter() - started
        # Dates the export left out are days without a sale.
        future = future.merge(ours[["unique_id", "ds"]], how="right", on=["unique_id", "ds"])
        future["y"] = future["y"].fillna(0.0)
        result = {
            "command": "python benchmarks/forecast_scale.py " + shlex.join(argv or sys.argv[1:]),
            **machine_info(),
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "data": {
                "skus": args.skus,
                "days": args.days,
                "seed": args.seed,
                "rows": rows,
                "kinds": dict(sorted(Counter(kinds).items())),
            },
            "jobs": args.jobs,
            "margin": args.margin,
            "weekly": {**weekly, "target_s": TARGETS_S["weekly"]},
            "daily": {**daily, "target_s": TARGETS_S["daily"]},
            "seasonal_naive_s": round(naive_s, 1),
            "accuracy": {
                "daily": accuracy(ours, future, history, kinds),
                "seasonal_naive": accuracy(naive, future, history, kinds),
            },
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    return result


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['data']['skus']} SKUs x {result['data']['days']} days, "
        f"{result['jobs']} jobs, load {result['load_average_before']} -> "
        f"{result['load_average_after']}",
        f"{'phase':<8} {'seconds':>8} {'target':>7} {'checks':>7} {'fit':>7} {'CPU s':>7} "
        f"{'peak MB':>8} {'reused':>7}",
    ]
    for phase in ("weekly", "daily"):
        p = result[phase]
        lines.append(
            f"{phase:<8} {p['seconds']:>8.1f} {p['target_s']:>7.0f} {p['checks_s']:>7.1f} "
            f"{p['fit_s']:>7.1f} {p.get('cpu_s', float('nan')):>7.1f} "
            f"{p['peak_memory']['process_mb']:>8.0f} {p['reused']:>7}"
        )
    lines.append(f"{'method':<16} {'kind':<13} {'sMAPE':>7} {'MASE':>7} {'RMSSE':>7} {'cov80':>6}")
    for method, by_kind in result["accuracy"].items():
        for kind, m in by_kind.items():
            cov = f"{m['coverage_80']:>6.2f}" if "coverage_80" in m else f"{'':>6}"
            lines.append(
                f"{method:<16} {kind:<13} {m['smape']:>7.2f} {m['mase']:>7.3f} "
                f"{m['rmsse']:>7.3f} {cov}"
            )
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=500)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="statsforecast processes")
    parser.add_argument(
        "--margin", type=float, default=DEFAULT_MARGIN, help="LocalForecaster's margin"
    )
    parser.add_argument("--name", default=None, help="results file (default by size)")
    parser.add_argument("--phase", choices=("weekly", "daily"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.name is None:
        args.name = "forecast_scale" if args.skus >= 10_000 else f"forecast_scale_{args.skus}"
    return args


if __name__ == "__main__":
    main()
