"""Forecasting at shop scale: the nightly job's weekly and daily runs with signals, timed apart.

    nice -n 10 python benchmarks/forecast_scale.py --skus 10000 --days 730 --jobs 2
    nice -n 10 python benchmarks/forecast_scale.py --skus 500          # a quick check

The sales are synthetic (seeded, ``--seed``), daily, ``--days`` of history per SKU plus 28
days to score on. Kinds of SKU, drawn at random with these shares:

- **smooth** (40 %): a level (log-normal, median 20 a day), a weekday profile, a yearly wave
  (amplitude up to 50 %), a slow trend, about four promotions a year (3-8 days, 15-35 % off,
  sales x(1 - discount)^-elasticity with an elasticity of 1.5-3, so x1.3-3.6) and, for one
  SKU in five, a stock-out of 5-20 days; sales are gamma-Poisson (over-dispersed) around
  that mean. One in 200 has a single absurd day (x100, a typing error).
- **erratic** (10 %): the same shapes, a lower level and much larger dispersion.
- **intermittent** (25 %): Poisson sales at 0.05-0.6 a day, with weekday and yearly waves.
- **lumpy** (10 %): a sale on 3-30 % of days, of 1 + a heavy-tailed quantity.
- **zero** (5 %): listed, never sold.
- **new** (10 %): launched in the last 120 days (smooth or intermittent from then on).

Every SKU has the regressors the service builds (``shopkeeper.ai.forecast.regressors``) on
every day from its launch: ``price_index`` (1 - discount on promotion days, else 1),
``temp_c`` (a yearly wave with persistent noise, shared by all SKUs; three smooth, erratic or
new SKUs in ten sell ±10-30 % more per 10 °C above the year's mean), ``precip_mm`` (rain on
35 % of days), ``event_k`` (thousands of visitors on about a dozen event days a year, else
0), ``search_index`` (per group of 50 SKUs a noisy ratio around 1; for half of the promoted
SKUs their own searches, which rise over the five days before each promotion and stay up
during it) and ``competitor_gap`` (our price over a drifting competitor price, minus one,
for a third of SKUs; missing for the others). Rain, events and competitors have no planted
effect: they are noise the global model must not be fooled by.

Three SKUs in ten are exported the way shops export: days without a sale left out. Each
phase first builds what ``services.forecasting.run_forecasts`` fits on: every SKU on every
day from its launch (``services.sales_history``: missing days are zero sales) with its
regressors, and the forecast days' regressors as a forecast day knows them:
``persist(history, forget_future(rows))`` (last price, no event, recent level of the rest).

The **first** phase is a shop's first selection, a week before the weekly one:
``SignalForecaster(season_length=7, horizon=28, n_jobs=--jobs)`` searches every regular
SKU's AutoETS and AutoTheta structure. The **weekly** phase is the refresh the nightly job
runs every week after that (``first.reselecting()``): the same forecaster on the history as
it was six days before the daily run (the oldest a weekly choice gets), which searches again
only the structures due (about a quarter), then runs the local selection, three global
LightGBM validation fits, and a final global fit with conformal intervals when some SKU
chose it. The **daily** phase fits
``SignalForecaster(..., chosen=weekly.selection_)`` (``reusing_choice()``) on the full
history. Both then predict with ``FutureQuery(horizon=28, future=...)`` and compute every
SKU's explanation, as the service does before saving. The daily forecast is scored on the
next 28 days against seasonal naive fitted on the same history (sMAPE and MASE per SKU, M4
definitions, averaged; RMSSE; 80 % interval coverage), and against its own local choice
alone (the same fit without the global model), which tells what the signals add.

Each phase runs in its own process, so its peak memory (``ru_maxrss`` of the process and of
its largest statsforecast worker) is its own; the time of each step (densifying, checks,
local selection and refit, global validation and fits, predict, explanations) is recorded
apart. The load averages before and after say whether other work shared the machine.
Writes ``results/<name>.json``. ``--profile FILE`` writes each phase's cProfile to
``FILE.<phase>``; ``--keep DIR`` keeps the phases' files and ``--keep DIR --resume``
finishes a run whose later phase failed without redoing the earlier ones.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import hashlib
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import SeasonalNaive

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine_info

from shopkeeper.ai.forecast import global_model as global_model_module
from shopkeeper.ai.forecast import local as local_module
from shopkeeper.ai.forecast import with_signals as signals_module
from shopkeeper.ai.forecast.future import FutureQuery
from shopkeeper.ai.forecast.global_model import GlobalForecaster
from shopkeeper.ai.forecast.metrics import coverage, mase, smape
from shopkeeper.ai.forecast.regressors import REGRESSORS, forget_future, persist
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.ai.forecast.with_signals import DEFAULT_MARGIN, MODEL_NAME, SignalForecaster

RESULTS = Path(__file__).resolve().parent / "results"
HORIZON, SEASON, WEEKLY_LAG = 28, 7, 6
KINDS = {"smooth": 0.40, "erratic": 0.10, "intermittent": 0.25, "lumpy": 0.10,
         "zero": 0.05, "new": 0.10}  # fmt: skip
TARGETS_S = {"daily": 600.0, "weekly": 2700.0}
LAST_DAY = pd.Timestamp("2026-03-31")
SEARCH_GROUP = 50  # SKUs sharing one category's search index
SEARCH_LEAD_DAYS = 5


def _gamma_poisson(rng: np.random.Generator, mean: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Over-dispersed counts: Poisson with a gamma-distributed rate (negative binomial)."""
    rate = rng.gamma(np.broadcast_to(size, mean.shape), np.maximum(mean, 1e-9) / size)
    return rng.poisson(rate).astype("float64")


def _ar1(rng: np.random.Generator, shape: tuple[int, int], phi: float, sd: float) -> np.ndarray:
    """Persistent noise along the last axis: weather and searches drift, they do not jump."""
    shocks = rng.normal(0, sd * np.sqrt(1 - phi**2), shape)
    out = np.empty(shape)
    out[:, 0] = rng.normal(0, sd, shape[0])
    for day in range(1, shape[1]):
        out[:, day] = phi * out[:, day - 1] + shocks[:, day]
    return out


def _shapes(rng: np.random.Generator, n: int, t: np.ndarray, dates: pd.DatetimeIndex) -> np.ndarray:
    """Mean multipliers of ``n`` SKUs over days ``t``: weekday profile, yearly wave, trend."""
    weekday = np.exp(rng.normal(0, 0.3, (n, 7)))
    weekday /= weekday.mean(axis=1, keepdims=True)
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    yearly = 1 + rng.uniform(0, 0.5, (n, 1)) * np.sin(2 * np.pi * t / 365.25 + phase)
    trend = np.exp(rng.normal(0, 0.2, (n, 1)) * (t - t[-1]) / 365.0)
    return np.asarray(weekday[:, dates.dayofweek] * yearly * trend)


def _promotions(rng: np.random.Generator, n: int, days: int) -> np.ndarray:
    """Discount of ``n`` SKUs each day: about four promotions a year, 3-8 days, 15-35 % off."""
    discount = np.zeros((n, days))
    for i in range(n):
        for _ in range(rng.poisson(4 * days / 365)):
            start = rng.integers(0, days)
            discount[i, start : start + rng.integers(3, 9)] = rng.uniform(0.15, 0.35)
    return discount


def _stockouts(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """One SKU in five runs out of stock for 5-20 days once."""
    n, days = mean.shape
    for i in np.flatnonzero(rng.random(n) < 0.2):
        start = rng.integers(0, days)
        mean[i, start : start + rng.integers(5, 21)] = 0.0
    return mean


def _weather(rng: np.random.Generator, dates: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Shop-wide daily temperature, rain and event visitors."""
    doy = np.asarray(dates.dayofyear, dtype="float64")
    wave = 11 + 9 * np.sin(2 * np.pi * (doy - 105) / 365.25)
    temp = wave + _ar1(rng, (1, len(dates)), 0.7, 2.5)[0]
    rain = np.where(rng.random(len(dates)) < 0.35, rng.gamma(0.8, 6.0, len(dates)), 0.0)
    events = np.where(rng.random(len(dates)) < 12 / 365, rng.uniform(2, 60, len(dates)), 0.0)
    return {"temp_c": temp.round(1), "precip_mm": rain.round(1), "event_k": events.round(1)}


def _searches(rng: np.random.Generator, discount: np.ndarray, leads: np.ndarray) -> np.ndarray:
    """Search index per SKU: its group's noisy ratio around 1, or its own, leading promotions."""
    skus, days = discount.shape
    groups = -(-skus // SEARCH_GROUP)
    group_index = np.clip(1 + _ar1(rng, (groups, days), 0.8, 0.08), 0.3, None)
    index = group_index[np.arange(skus) // SEARCH_GROUP].copy()
    promoted = discount > 0
    ramp = promoted.astype("float64")
    for ahead in range(1, SEARCH_LEAD_DAYS + 1):
        coming = np.zeros_like(ramp)
        coming[:, :-ahead] = promoted[:, ahead:]
        ramp = np.maximum(ramp, coming * (SEARCH_LEAD_DAYS + 1 - ahead) / (SEARCH_LEAD_DAYS + 1))
    own = index * (1 + rng.uniform(0.3, 0.8, (skus, 1)) * ramp)
    own *= np.exp(rng.normal(0, 0.05, (skus, days)))
    return np.where(leads[:, None], own, index).round(3)


def synthetic_sales(
    skus: int, days: int, seed: int
) -> tuple[pd.DataFrame, pd.Series, dict[str, int]]:
    """Daily sales and regressors of ``skus`` SKUs over ``days + 28`` days.

    Returns the long frame (``unique_id, ds, y``, the regressors and ``exported``: whether
    the shop's export lists the row; the last 28 days are the future), each SKU's kind and
    the counts of SKUs given each planted effect.
    """
    rng = np.random.default_rng(seed)
    total = days + HORIZON
    dates = pd.date_range(end=LAST_DAY, periods=total, freq="D")
    t = np.arange(total, dtype="float64")
    kinds = rng.choice(list(KINDS), size=skus, p=list(KINDS.values()))
    weather = _weather(rng, dates)
    y = np.zeros((skus, total))
    discount = np.zeros((skus, total))
    start = np.zeros(skus, dtype="int64")
    warm = np.zeros(skus, dtype=bool)
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
            discount[rows] = _promotions(rng, n, total)
            elasticity = rng.uniform(1.5, 3.0, (n, 1))
            mean = level * shape * (1 - discount[rows]) ** -elasticity
            # Some products sell more on warm days (drinks, garden), others on cold ones.
            sensitive = rng.random(n) < 0.3
            warm[rows[sensitive]] = True
            beta = np.where(sensitive, rng.choice([-1, 1], n) * rng.uniform(0.1, 0.3, n), 0.0)
            mean *= np.exp(beta[:, None] * (weather["temp_c"][None, :] - 11) / 10)
            if kind != "new":
                mean = _stockouts(rng, mean)
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
            discount[half] = 0.0
    smooth = np.flatnonzero(kinds == "smooth")
    typo = smooth[rng.random(len(smooth)) < 0.005]
    y[typo, rng.integers(0, days, len(typo))] *= 100
    promoted = (discount > 0).any(axis=1)
    leads = promoted & (rng.random(skus) < 0.5)
    search = _searches(rng, discount, leads)
    watched = rng.random(skus) < 1 / 3
    competitor = np.exp(rng.normal(0, 0.05, (skus, 1)) + _ar1(rng, (skus, total), 0.95, 0.04))
    gap = np.where(watched[:, None], (1 - discount) / competitor - 1, np.nan).round(4)
    keep = np.arange(total)[None, :] >= start[:, None]
    # Shops export only days with a sale: three SKUs in ten lose their zero days (the
    # first and last day stay, so the series still spans the history).
    sparse = rng.random(skus) < 0.3
    edge = (np.arange(total)[None, :] == start[:, None]) | (np.arange(total)[None, :] >= days - 1)
    exported = ~(sparse[:, None] & (y == 0) & ~edge & (kinds != "zero")[:, None])
    ids = np.array([f"SKU-{i:05d}" for i in range(skus)])
    sku, day = np.nonzero(keep)
    frame = pd.DataFrame(
        {
            "unique_id": ids[sku],
            "ds": dates[day],
            "y": y[sku, day],
            "price_index": (1 - discount[sku, day]).round(4),
            "event_k": weather["event_k"][day],
            "temp_c": weather["temp_c"][day],
            "precip_mm": weather["precip_mm"][day],
            "search_index": search[sku, day],
            "competitor_gap": gap[sku, day],
            "exported": exported[sku, day],
        }
    )
    planted = {
        "promoted": int(promoted.sum()),
        "temperature_sensitive": int(warm.sum()),
        "searches_lead_promotions": int(leads.sum()),
        "competitor_watched": int(watched.sum()),
    }
    return frame, pd.Series(kinds, index=ids, name="kind"), planted


def _cpu_s() -> float:
    """CPU seconds of this process and its finished workers: what contention cannot inflate."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime, 1)


def _peak_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"process_mb": round(own, 1), "largest_worker_mb": round(workers, 1)}


class StepTimer:
    """Wall seconds of each call of some library functions, to see where a fit spends them.

    The functions are wrapped in this process only (a phase's own subprocess); nothing in
    ``src`` changes.
    """

    def __init__(self) -> None:
        self.calls: dict[str, list[float]] = defaultdict(list)

    def wrap(self, owner: Any, name: str, label: str | Callable[..., str]) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                key = label if isinstance(label, str) else label(*args)
                self.calls[key].append(round(time.perf_counter() - started, 2))

        setattr(owner, name, timed)

    def report(self) -> dict[str, Any]:
        return {
            label: {"calls": len(times), "seconds": round(sum(times), 1), "each": times[:8]}
            for label, times in sorted(self.calls.items())
        }


def _instrument() -> StepTimer:
    timer = StepTimer()
    timer.wrap(local_module, "select", "local_selection")
    timer.wrap(local_module, "refit_forecast", "local_refit")
    timer.wrap(SignalForecaster, "_validate", "global_validation")
    timer.wrap(GlobalForecaster, "fit", "global_fit")
    timer.wrap(GlobalForecaster, "predict", "global_predict")
    timer.wrap(signals_module, "persist", "persist_in_validation")
    # The local part's statsforecast calls by model: which candidates the time goes to.
    for method in ("fit", "forecast", "cross_validation"):
        timer.wrap(StatsForecast, method, functools.partial(_statsforecast_label, method))
    return timer


def _statsforecast_label(method: str, engine: StatsForecast, *_: Any) -> str:
    models = "+".join(type(m).__name__ for m in engine.models)
    return f"statsforecast.{method}:{models}"


def _source_hashes() -> dict[str, str]:
    """Short hashes of the forecaster's modules: which version of them a result measured."""
    found = {}
    for module in (signals_module, local_module, global_model_module):
        path = Path(str(module.__file__))
        found[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return found


# Read when the modules are imported, not after the run: others may edit them meanwhile.
SOURCES = _source_hashes()


def service_frames(folder: Path, end: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the service fits on up to ``end`` and the forecast days' regressors.

    ``sales_history.daily_sales`` lists every SKU on every day from its launch (days the
    export left out are zero sales) and ``forecast_inputs.regressor_frames`` adds the
    regressors: here they come from the synthetic ``signals.parquet``.
    """
    export = pd.read_parquet(folder / "history.parquet")
    signals = pd.read_parquet(folder / "signals.parquet")
    grid = signals[signals["ds"] <= end]
    known = grid.merge(export[export["ds"] <= end], on=["unique_id", "ds"], how="left")
    known["y"] = known["y"].fillna(0.0)
    known = known[["unique_id", "ds", "y", *REGRESSORS]].reset_index(drop=True)
    ahead = signals[(signals["ds"] > end) & (signals["ds"] <= end + pd.Timedelta(days=HORIZON))]
    return known, ahead.reset_index(drop=True)


def run_phase(phase: str, folder: Path, jobs: int, margin: float) -> None:
    """One phase in this process: ``first`` (select), ``weekly`` (select again, reusing the
    first's structures) or ``daily`` (reuse the weekly choice), timed by step."""
    timer = _instrument()
    load_before = [round(x, 2) for x in os.getloadavg()]
    last = pd.read_parquet(folder / "history.parquet", columns=["ds"])["ds"].max()
    lag = {"first": WEEKLY_LAG + 7, "weekly": WEEKLY_LAG, "daily": 0}[phase]
    end = last - pd.Timedelta(days=lag)
    marks = [("start", time.perf_counter())]
    known, ahead = service_frames(folder, end)
    marks.append(("dense_s", time.perf_counter()))
    series = SalesSeries.from_frame(known, freq="D")
    marks.append(("checks_s", time.perf_counter()))
    chosen = json.loads((folder / "selection.json").read_text()) if phase == "daily" else None
    searched = (
        json.loads((folder / "first_searched.json").read_text()) if phase == "weekly" else None
    )
    model = SignalForecaster(
        season_length=SEASON,
        horizon=HORIZON,
        margin=margin,
        n_jobs=jobs,
        chosen=chosen,
        searched=searched,
    )
    model.fit(series)
    marks.append(("fit_s", time.perf_counter()))
    # As services.forecasting: regressors not posted ahead are filled as validation did.
    future = persist(known, forget_future(ahead))
    query = FutureQuery(horizon=HORIZON, future=future)
    forecast = model.predict(query).frame
    marks.append(("predict_s", time.perf_counter()))
    explained = model.explanations(query)
    marks.append(("explain_s", time.perf_counter()))
    steps = {name: round(at - marks[i][1], 1) for i, (name, at) in enumerate(marks[1:])}
    report: dict[str, Any] = {
        "seconds": round(marks[-1][1] - marks[0][1], 1),
        **steps,
        "cpu_s": _cpu_s(),
        "inside": timer.report(),
        "series": len(model.choices_),
        "reused": len(model.local_.reused_),
        "global_validated": len(model.validation_),
        "global_chosen": len(model.global_ids_),
        # The forecaster is young: what its version kept, read defensively.
        "global_model": getattr(model, "global_name_", MODEL_NAME),
        "regressors_kept": list(getattr(model, "regressors_", series.exogenous)),
        "signal_check": getattr(model, "signal_check_", None),
        "source_sha256": SOURCES,
        "explained": len(explained),
        "models": dict(sorted(Counter(model.choices_.values()).items())),
        "issues": dict(sorted(Counter(i.kind for i in series.issues).items())),
        "peak_memory": _peak_mb(),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    if phase == "first":
        searched_now = model.selection_["local"]["searched"]
        (folder / "first_searched.json").write_text(json.dumps(searched_now))
        report["structures_searched"] = len(searched_now)
        (folder / f"{phase}.json").write_text(json.dumps(report))
        return
    if phase == "weekly":
        report["structures_searched"] = sum(
            entry["age"] == 0 for entry in model.selection_["local"]["searched"].values()
        )
        text = json.dumps(model.selection_)
        (folder / "selection.json").write_text(text)
        report["selection_json_mb"] = round(len(text) / 1e6, 2)
    forecast.to_parquet(folder / f"{phase}_forecast.parquet")
    model.local_.predict(query).frame.to_parquet(folder / f"{phase}_local_forecast.parquet")
    choices = pd.DataFrame({"unique_id": list(model.choices_), "model": model.choices_.values()})
    choices["global"] = choices["unique_id"].isin(model.global_ids_)
    choices.to_parquet(folder / f"{phase}_choices.parquet")
    series.frame[["unique_id", "ds", "y"]].to_parquet(folder / f"{phase}_history.parquet")
    (folder / f"{phase}.json").write_text(json.dumps(report))


def _in_subprocess(phase: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", phase, "--folder", str(folder)]
    command += ["--jobs", str(args.jobs), "--margin", str(args.margin)]
    if args.profile:
        command += ["--profile", f"{args.profile}.{phase}"]
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
    forecast: pd.DataFrame, future: pd.DataFrame, history: pd.DataFrame, groups: pd.Series
) -> dict[str, dict[str, float]]:
    """Mean sMAPE, MASE and RMSSE per SKU (80 % coverage with intervals), overall and by group."""
    joined = future.merge(forecast, on=["unique_id", "ds"], how="inner")
    past = {uid: y.to_numpy() for uid, y in history.groupby("unique_id")["y"]}
    rows = []
    for uid, part in joined.groupby("unique_id"):
        y, f = part["y"].to_numpy(), part["mean"].to_numpy()
        row = {
            "group": groups[uid],
            "smape": smape(y, f),
            "mase": mase(y, f, past[uid], SEASON),
            "rmsse": rmsse(y, f, past[uid]),
        }
        if "lo-80" in part:
            row["coverage_80"] = coverage(y, part["lo-80"].to_numpy(), part["hi-80"].to_numpy())
        rows.append(row)
    table = pd.DataFrame(rows)
    found = {"all": table.drop(columns="group").mean().round(3).to_dict()}
    for group, part in table.groupby("group"):
        found[str(group)] = part.drop(columns="group").mean().round(3).to_dict()
        found[str(group)]["series"] = len(part)
    found["all"]["series"] = len(table)
    return found


def scores(folder: Path, future: pd.DataFrame, kinds: pd.Series) -> dict[str, Any]:
    """The daily run against seasonal naive and its own local choice, by kind and by choice."""
    history = pd.read_parquet(folder / "daily_history.parquet")
    ours = pd.read_parquet(folder / "daily_forecast.parquet")
    local = pd.read_parquet(folder / "daily_local_forecast.parquet")
    choices = pd.read_parquet(folder / "daily_choices.parquet")
    started = time.perf_counter()
    naive = seasonal_naive(history)
    naive_s = time.perf_counter() - started
    on_global = pd.Index(choices.loc[choices["global"], "unique_id"])
    return {
        "seasonal_naive_s": round(naive_s, 1),
        "accuracy": {
            "daily": accuracy(ours, future, history, kinds),
            "daily_local_only": accuracy(local, future, history, kinds),
            "seasonal_naive": accuracy(naive, future, history, kinds),
        },
        # Where the global model was chosen: did it beat the local choice it replaced?
        "accuracy_where_global_chosen": {
            "daily": accuracy(ours[ours["unique_id"].isin(on_global)], future, history, kinds),
            "local_only": accuracy(
                local[local["unique_id"].isin(on_global)], future, history, kinds
            ),
        },
        "global_chosen_by_kind": dict(sorted(Counter(kinds[on_global]).items())),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    if args.phase:
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(run_phase, args.phase, Path(args.folder), args.jobs, args.margin)
            profiler.dump_stats(args.profile)
        else:
            run_phase(args.phase, Path(args.folder), args.jobs, args.margin)
        return {}
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        frame, kinds, planted = synthetic_sales(args.skus, args.days, args.seed)
        cut = frame["ds"].max() - pd.Timedelta(days=HORIZON)
        past = frame["ds"] <= cut
        if not args.resume:
            frame.loc[past & frame["exported"], ["unique_id", "ds", "y"]].to_parquet(
                folder / "history.parquet"
            )
            frame[["unique_id", "ds", *REGRESSORS]].to_parquet(folder / "signals.parquet")
        future = frame.loc[~past, ["unique_id", "ds", "y"]]
        rows = int(past.sum())
        exported = int((past & frame["exported"]).sum())
        del frame
        generated_s = time.perf_counter() - started
        # --resume (with --keep) reruns only the phases a failed run left without results.
        phases = ("first", "weekly", "daily")
        done = {p for p in phases if args.resume and (folder / f"{p}.json").exists()}
        first, weekly, daily = (
            json.loads((folder / f"{p}.json").read_text())
            if p in done
            else _in_subprocess(p, folder, args)
            for p in phases
        )
        scored = scores(folder, future, kinds)
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
                "rows_exported": exported,
                "kinds": dict(sorted(Counter(kinds).items())),
                "planted": planted,
                "generated_s": round(generated_s, 1),
            },
            "jobs": args.jobs,
            "margin": args.margin,
            "resumed_phases": sorted(done),
            "first": first,
            "weekly": {**weekly, "target_s": TARGETS_S["weekly"]},
            "daily": {**daily, "target_s": TARGETS_S["daily"]},
            **scored,
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
        f"{'phase':<7} {'seconds':>8} {'target':>7} {'dense':>6} {'checks':>7} {'local':>7} "
        f"{'glob.val':>8} {'glob.fit':>8} {'predict':>8} {'explain':>8} {'CPU s':>7} "
        f"{'peak MB':>8} {'reused':>7} {'global':>7}",
    ]
    for phase in ("first", "weekly", "daily"):
        if phase not in result:  # results written before the first phase existed
            continue
        p = {"target_s": float("nan"), **result[phase]}
        inside = p["inside"]
        local = sum(
            inside.get(k, {}).get("seconds", 0.0) for k in ("local_selection", "local_refit")
        )
        validation = inside.get("global_validation", {}).get("seconds", 0.0)
        fits = inside.get("global_fit", {}).get("seconds", 0.0)
        lines.append(
            f"{phase:<7} {p['seconds']:>8.1f} {p['target_s']:>7.0f} {p['dense_s']:>6.1f} "
            f"{p['checks_s']:>7.1f} {local:>7.1f} {validation:>8.1f} {fits:>8.1f} "
            f"{p['predict_s']:>8.1f} {p['explain_s']:>8.1f} {p['cpu_s']:>7.1f} "
            f"{p['peak_memory']['process_mb']:>8.0f} {p['reused']:>7} {p['global_chosen']:>7}"
        )
    lines.append("(glob.val includes its global fits; glob.fit is every global fit)")
    weekly = result["weekly"]
    lines.append(
        f"weekly choice: {weekly['global_model']} for {weekly['global_chosen']} SKUs, "
        f"regressors kept {weekly['regressors_kept']}, validation MAE totals "
        f"{weekly['signal_check']}"
    )
    lines.append(f"{'method':<17} {'kind':<13} {'sMAPE':>7} {'MASE':>7} {'RMSSE':>7} {'cov80':>6}")
    blocks = [*result["accuracy"].items()]
    blocks += [(f"{m} @global", v) for m, v in result["accuracy_where_global_chosen"].items()]
    for method, by_kind in blocks:
        for kind, m in by_kind.items():
            cov = f"{m['coverage_80']:>6.2f}" if "coverage_80" in m else f"{'':>6}"
            lines.append(
                f"{method:<17} {kind:<13} {m['smape']:>7.2f} {m['mase']:>7.3f} "
                f"{m['rmsse']:>7.3f} {cov}"
            )
    lines.append(f"global model chosen by kind: {result['global_chosen_by_kind']}")
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=500)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="statsforecast processes")
    parser.add_argument(
        "--margin",
        type=float,
        default=DEFAULT_MARGIN,
        help="SignalForecaster's margin (share of the local MAE the global model must save)",
    )
    parser.add_argument("--name", default=None, help="results file (default by size)")
    parser.add_argument("--profile", help="write each phase's cProfile to PROFILE.<phase>")
    parser.add_argument("--keep", help="keep the phases' files in this folder")
    parser.add_argument("--resume", action="store_true", help="with --keep: finish a failed run")
    parser.add_argument("--phase", choices=("first", "weekly", "daily"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.name is None:
        args.name = "forecast_scale" if args.skus >= 10_000 else f"forecast_scale_{args.skus}"
    return args


if __name__ == "__main__":
    main()
