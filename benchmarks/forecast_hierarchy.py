"""Does hierarchical reconciliation beat forecasting every level on its own? Per level.

    nice -n 10 .venv/bin/python benchmarks/forecast_hierarchy.py            # about 17 minutes
    nice -n 10 .venv/bin/python benchmarks/forecast_hierarchy.py --no-ets   # about 3 minutes
    .venv/bin/python benchmarks/forecast_hierarchy.py --small               # about 20 seconds

Every level is forecast on its own (the *base* forecasts), then
:func:`shopkeeper.ai.forecast.reconcile.reconcile` makes them add up with BottomUp,
MinTrace ``ols`` and MinTrace ``mint_shrink``; each is scored per level on the held-out
periods.

- **Walmart** (``../shared/data/walmart_store_sales``; ``--small``: stores 1-5): bottom =
  store×department (weekly dollars, returns make some negative: ``nonnegative=False``),
  middle = store, top = total. The last 39 weeks are held out, as in
  ``benchmarks/forecast_walmart.py``: a series exists from its first week, missing weeks
  before the cut count 0, the 25 series first seen in the held-out weeks are left out
  (no history, no node), and the bottom level is scored on the rows the file holds (the
  aggregates sum them). Base: statsforecast's SeasonalNaive(52) and AutoETS(52) (fitted on
  series of at least 13 weeks; about 14 minutes; ``--no-ets`` leaves it out) on every node; a node it cannot forecast (shorter
  than a season) gets its historic mean with empirical 80% bounds, in base and residuals
  alike. Residuals for ``mint_shrink``: in-sample one-step errors of the same model.
  Metrics per level: WMAE (weight 5 in holiday weeks), mean over series of MASE (in-sample
  seasonal naive scale, season 52), 80% coverage.
- **Demo shop** (``--seeds``, default 42,43,44; ``--products``; ``--small``: 150 products
  and the first seed only): 18 months of
  daily units ordered per SKU (cancelled orders are not demand; shop-local days; a SKU
  from its creation day, as ``services/sales_history.py`` reads it), bottom = SKU,
  middle = category, top = shop. The last 28 days are held out. Base:
  :class:`~shopkeeper.ai.forecast.local.LocalForecaster` (``season_length=7, horizon=28``)
  fitted on each level separately (its interval bounds are pooled per fit). Residuals:
  the same forecaster fitted on the history minus its last 28 days (its own model choice)
  forecasting those 28 days, actual minus forecast. ``nonnegative=True``; the share of
  SKU-days that MinT pushed below zero (then cut to 0) is reported. Metrics per level: MAE
  in units, mean over series of MASE (season 7), 80% coverage; then their mean over seeds.

Intervals are each node's base 80% interval moved with its reconciled mean (see
:mod:`shopkeeper.ai.forecast.reconcile`). ``gain_pct`` is the (W)MAE's fall against the base
forecasts, per method and level (negative: worse).

Writes ``results/forecast_hierarchy.json`` (``--small``: ``forecast_hierarchy_small.json``)
and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import AutoETS, SeasonalNaive

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.demo_sales import local_day, sold_per_day
from benchmarks.forecast_walmart import dense_weeks, load_rows, weeks_of
from benchmarks.machine import machine_info

from shopkeeper.ai.forecast.intervals import error_bounds
from shopkeeper.ai.forecast.local import LocalForecaster
from shopkeeper.ai.forecast.metrics import coverage, mase
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.reconcile import METHODS, Hierarchy, reconcile
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.data.importers.demo import DemoShopConfig, generate_shop

RESULTS = Path(__file__).resolve().parent / "results"
WEEKS_OUT, WEEKLY_SEASON, WEEKLY = 39, 52, "W-FRI"
DAYS_OUT, DAILY_SEASON = 28, 7
HOLIDAY_WEIGHT = 5.0
ETS_MIN_WEEKS = 13
SMALL_STORES, SMALL_PRODUCTS = 5, 150


# ---------------------------------------------------------------- scoring


def score_levels(
    forecast: pd.DataFrame,
    actual: pd.DataFrame,
    history: pd.DataFrame,
    tree: Hierarchy,
    season: int,
    weight: pd.Series | None = None,
) -> dict[str, dict[str, float]]:
    """Per level: (W)MAE over the rows of ``actual``, mean MASE over series, 80% coverage."""
    joined = actual.merge(forecast, on=["unique_id", "ds"], how="left")
    if joined["mean"].isna().any():
        raise RuntimeError("a scored row has no forecast")
    joined["level"] = joined["unique_id"].map(tree.level_of())
    joined["w"] = 1.0 if weight is None else joined["ds"].map(weight).fillna(1.0)
    past = {str(u): y.to_numpy() for u, y in history.groupby("unique_id")["y"]}
    found: dict[str, dict[str, float]] = {}
    for level in tree.levels:
        part = joined[joined["level"] == level]
        errors = (part["y"] - part["mean"]).abs()
        mases = [
            mase(g["y"].to_numpy(), g["mean"].to_numpy(), past[str(uid)], season)
            for uid, g in part.groupby("unique_id")
        ]
        finite = [m for m in mases if math.isfinite(m)]
        found[level] = {
            "mae": round(float((part["w"] * errors).sum() / part["w"].sum()), 4),
            "mase": round(float(np.mean(finite)), 4) if finite else float("nan"),
            "coverage_80": round(
                coverage(part["y"].to_numpy(), part["lo-80"].to_numpy(), part["hi-80"].to_numpy()),
                4,
            ),
        }
    return found


def reconcile_all(
    base: pd.DataFrame,
    residuals: pd.DataFrame,
    tree: Hierarchy,
    *,
    nonnegative: bool,
) -> tuple[dict[str, pd.DataFrame], dict[str, float], dict[str, float]]:
    """Base and every method's forecasts, reconcile seconds, share of negatives cut."""
    frames = {"base": base}
    seconds: dict[str, float] = {}
    cut: dict[str, float] = {}
    bottom = set(tree.bottom)
    for method in METHODS:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = reconcile(
                base,
                tree,
                method=method,
                residuals=residuals,
                levels=(80,),
                nonnegative=nonnegative,
            ).frame
        seconds[method] = round(time.perf_counter() - start, 2)
        frames[method] = out
        if nonnegative:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                raw = reconcile(
                    base, tree, method=method, residuals=residuals, nonnegative=False
                ).frame
            rows = raw[raw["unique_id"].isin(bottom)]
            cut[method] = round(float((rows["mean"] < -1e-9).mean()), 4)
    return frames, seconds, cut


# ---------------------------------------------------------------- Walmart


def walmart_history(raw: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Weeks before ``end``, each series from its first week, missing weeks as 0 sales."""
    return dense_weeks(raw, end)


def statsforecast_base(
    model: Any, history: pd.DataFrame, horizon: int, min_length: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame, float, int]:
    """Forecasts with 80% bounds and in-sample residuals of every node, seconds, fallbacks.

    A node the model cannot forecast (too short for it, or for a season) gets its historic
    mean, with the empirical 80% bounds and residuals of that mean.
    """
    start = time.perf_counter()
    lengths = history.groupby("unique_id")["y"].transform("size")
    fitted_part = history[lengths >= min_length]
    engine = StatsForecast(models=[model], freq=WEEKLY, n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = engine.forecast(df=fitted_part, h=horizon, level=[80], fitted=True)
        insample = engine.forecast_fitted_values()
    alias = str(model)
    out = out.rename(columns={alias: "mean", f"{alias}-lo-80": "lo-80", f"{alias}-hi-80": "hi-80"})
    out["unique_id"] = out["unique_id"].astype(str)
    insample["unique_id"] = insample["unique_id"].astype(str)
    residuals = insample.assign(residual=insample["y"] - insample[alias])
    residuals = residuals[["unique_id", "ds", "residual"]]
    dates = pd.date_range(history["ds"].max(), periods=horizon + 1, freq=WEEKLY)[1:]
    grid = pd.MultiIndex.from_product(
        [sorted(history["unique_id"].unique()), dates], names=["unique_id", "ds"]
    ).to_frame(index=False)
    base = grid.merge(out[["unique_id", "ds", "mean", "lo-80", "hi-80"]], how="left")
    failed = set(base.loc[base["mean"].isna(), "unique_id"])
    kept = residuals.groupby("unique_id")["residual"].count()
    failed |= set(kept[kept < 2].index) | (set(grid["unique_id"]) - set(kept.index))
    if failed:
        past = history[history["unique_id"].isin(failed)]
        means = past.groupby("unique_id")["y"].mean()
        rows = base["unique_id"].isin(failed)
        mean = base.loc[rows, "unique_id"].map(means)
        bounds = {
            str(u): error_bounds(y.to_numpy() - y.mean(), 80)
            for u, y in past.groupby("unique_id")["y"]
        }
        base.loc[rows, "mean"] = mean
        base.loc[rows, "lo-80"] = mean + base.loc[rows, "unique_id"].map(lambda u: bounds[u][0])
        base.loc[rows, "hi-80"] = mean + base.loc[rows, "unique_id"].map(lambda u: bounds[u][1])
        residuals = pd.concat(
            [
                residuals[~residuals["unique_id"].isin(failed)],
                past.assign(residual=past["y"] - past["unique_id"].map(means))[
                    ["unique_id", "ds", "residual"]
                ],
            ],
            ignore_index=True,
        )
    return base, residuals, time.perf_counter() - start, len(failed)


def run_walmart(small: bool, *, ets: bool) -> dict[str, Any]:
    raw = load_rows()
    if small:
        raw = raw[raw["Store"] <= SMALL_STORES]
    weeks = weeks_of(raw)
    cut = weeks[-WEEKS_OUT]
    bottom = walmart_history(raw, cut)
    store = raw.drop_duplicates("unique_id").set_index("unique_id")["Store"]
    ids = sorted(bottom["unique_id"].unique())
    tree = Hierarchy.from_groups(
        {"store": {uid: f"store {store[uid]}" for uid in ids}},
        total="total",
        bottom_level="store_dept",
    )
    history = tree.aggregate(bottom)
    test = raw[(raw["Date"] >= cut) & raw["unique_id"].isin(ids)]
    test = test.rename(columns={"Date": "ds", "Weekly_Sales": "y"})[["unique_id", "ds", "y"]]
    actual = tree.aggregate(test)
    holiday = raw.groupby("Date")["IsHoliday"].max()
    weight = pd.Series(np.where(holiday, HOLIDAY_WEIGHT, 1.0), index=holiday.index)
    new = int(raw.loc[raw["Date"] >= cut, "unique_id"].nunique() - test["unique_id"].nunique())
    print(
        f"Walmart: {len(ids)} store×dept series, {len(tree.levels['store'])} stores, "
        f"{len(history)} training rows, {len(actual)} scored rows; {new} new series left out",
        flush=True,
    )
    models: dict[str, tuple[Any, int]] = {
        # Shorter series have no seasonal naive forecast (statsforecast fails on them when
        # asked for in-sample intervals) and fewer than 2 residuals: they take the fallback.
        "seasonal_naive": (SeasonalNaive(season_length=WEEKLY_SEASON), WEEKLY_SEASON + 2)
    }
    if ets:
        models["auto_ets"] = (AutoETS(season_length=WEEKLY_SEASON), ETS_MIN_WEEKS)
    found: dict[str, Any] = {}
    for name, (model, min_length) in models.items():
        base, residuals, fit_s, fallbacks = statsforecast_base(
            model, history, WEEKS_OUT, min_length
        )
        frames, seconds, _ = reconcile_all(base, residuals, tree, nonnegative=False)
        scores = {
            method: score_levels(frame, actual, history, tree, WEEKLY_SEASON, weight)
            for method, frame in frames.items()
        }
        found[name] = {
            "fit_seconds": round(fit_s, 1),
            "reconcile_seconds": seconds,
            "fallback_series": fallbacks,
            "scores": scores,
            "gain_pct": gains(scores),
        }
        print(table(f"Walmart, base {name}", scores, "WMAE"), flush=True)
        print(table("WMAE fall against base (%)", gains(scores), "WMAE", pct=True), flush=True)
    return {
        "data": {
            "stores": len(tree.levels["store"]),
            "bottom_series": len(ids),
            "new_series_left_out": new,
            "train_weeks": int((weeks < cut).sum()),
            "holdout_weeks": WEEKS_OUT,
            "scored_rows": len(actual),
            "holiday_weight": HOLIDAY_WEIGHT,
        },
        "bases": found,
    }


# ---------------------------------------------------------------- demo shop


def demo_demand(seed: int, n_products: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """Daily units per SKU from its creation day (long format) and each SKU's category."""
    shop = generate_shop(
        DemoShopConfig(
            seed=seed,
            n_products=n_products,
            n_customers=10 * n_products,
            months=18,
            sessions_per_day=0,
            events_days=1,
        )
    )
    zone = shop.truth["time_zone"]
    sold = sold_per_day(shop).set_index(["sku", "ds"])["quantity"]
    days = pd.date_range(shop.truth["period"]["start"], shop.truth["period"]["end"], freq="D")
    created = pd.to_datetime(shop.products.set_index("sku")["created_at"], utc=True)
    first = local_day(created, zone).clip(lower=days[0])
    parts = [
        pd.DataFrame({"unique_id": sku, "ds": days[days >= start]}) for sku, start in first.items()
    ]
    frame = pd.concat(parts, ignore_index=True)
    units = sold.rename("y").rename_axis(["unique_id", "ds"]).reset_index()
    frame = frame.merge(units, on=["unique_id", "ds"], how="left").fillna({"y": 0.0})
    category = shop.products.set_index("sku")["category"].astype(str).to_dict()
    return frame, category


def local_forecasts(history: pd.DataFrame, tree: Hierarchy) -> tuple[pd.DataFrame, float]:
    """One LocalForecaster per level, 28 days ahead; seconds spent."""
    start = time.perf_counter()
    frames = []
    for ids in tree.levels.values():
        part = history[history["unique_id"].isin(ids)]
        model = LocalForecaster(season_length=DAILY_SEASON, horizon=DAYS_OUT)
        model.fit(SalesSeries.from_frame(part, freq="D"))
        frames.append(model.predict(ForecastQuery(horizon=DAYS_OUT)).frame)
    out = pd.concat(frames, ignore_index=True)
    return out[["unique_id", "ds", "mean", "lo-80", "hi-80", "model"]], time.perf_counter() - start


def run_demo(seed: int, n_products: int) -> dict[str, Any]:
    bottom, category = demo_demand(seed, n_products)
    days = pd.DatetimeIndex(sorted(bottom["ds"].unique()))
    cut, check = days[-DAYS_OUT], days[-2 * DAYS_OUT]
    ids = sorted(bottom.loc[bottom["ds"] < cut, "unique_id"].unique())
    tree = Hierarchy.from_groups(
        {"category": {sku: f"category {category[sku]}" for sku in ids}},
        total="shop",
        bottom_level="sku",
    )
    every = tree.aggregate(bottom[bottom["unique_id"].isin(ids)])
    history, actual = every[every["ds"] < cut], every[every["ds"] >= cut]
    print(
        f"Demo shop (seed {seed}): {len(ids)} SKUs, {len(tree.levels['category'])} categories, "
        f"{history['ds'].nunique()} training days, {len(actual)} scored rows",
        flush=True,
    )
    # Residuals: the forecaster as it stood 28 days before the cut, on the 28 days after.
    earlier = history[history["ds"] < check]
    early_ids = set(earlier["unique_id"])
    missing = set(tree.ids) - early_ids
    validation, check_s = local_forecasts(earlier, tree_without(tree, missing))
    seen = history[(history["ds"] >= check)].merge(validation, on=["unique_id", "ds"], how="left")
    residuals = seen.assign(residual=seen["y"] - seen["mean"])[["unique_id", "ds", "residual"]]
    # SKUs launched inside the validation window: their in-window errors against a zero
    # forecast (they had no history to forecast from).
    residuals["residual"] = residuals["residual"].fillna(seen["y"])
    base, fit_s = local_forecasts(history, tree)
    frames, seconds, cut_share = reconcile_all(base, residuals, tree, nonnegative=True)
    scores = {
        method: score_levels(frame, actual, history, tree, DAILY_SEASON)
        for method, frame in frames.items()
    }
    print(table(f"Demo shop seed {seed}", scores, "MAE"), flush=True)
    return {
        "data": {
            "seed": seed,
            "products": n_products,
            "skus_with_history": len(ids),
            "categories": len(tree.levels["category"]),
            "train_days": int(history["ds"].nunique()),
            "holdout_days": DAYS_OUT,
            "skus_launched_in_validation_window": len(missing),
        },
        "fit_seconds": round(fit_s, 1),
        "residual_fit_seconds": round(check_s, 1),
        "reconcile_seconds": seconds,
        "sku_days_cut_to_zero": cut_share,
        "base_models": base.groupby("unique_id")["model"].first().value_counts().to_dict(),
        "scores": scores,
    }


def tree_without(tree: Hierarchy, missing: set[str]) -> Hierarchy:
    """The hierarchy over the bottom series not in ``missing``."""
    kept = [b for b in tree.bottom if b not in missing]
    index = {b: i for i, b in enumerate(tree.bottom)}
    return Hierarchy.from_groups(
        {level: {b: labels[index[b]] for b in kept} for level, labels in tree.parents.items()},
        total=tree.total,
        bottom_level=tree.bottom_level,
    )


# ---------------------------------------------------------------- report


def gains(scores: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per method and level, the (W)MAE's fall against the base forecasts, in percent."""
    base = scores["base"]
    return {
        method: {
            level: round(100.0 * (1.0 - row["mae"] / base[level]["mae"]), 2)
            for level, row in by_level.items()
        }
        for method, by_level in scores.items()
        if method != "base"
    }


def mean_scores(
    runs: list[dict[str, dict[str, dict[str, float]]]],
) -> dict[str, dict[str, dict[str, float]]]:
    """Every figure's mean over runs (demo shop seeds)."""
    first = runs[0]
    return {
        method: {
            level: {
                key: round(float(np.mean([run[method][level][key] for run in runs])), 4)
                for key in row
            }
            for level, row in by_level.items()
        }
        for method, by_level in first.items()
    }


def table(title: str, scores: dict[str, Any], mae_name: str, *, pct: bool = False) -> str:
    """Markdown: one row per method; per level (W)MAE, MASE and coverage, or the gains."""
    levels = list(next(iter(scores.values())))
    if pct:
        head = " | ".join(f"{lv} {mae_name} fall" for lv in levels)
        rule = "|---" * (1 + len(levels)) + "|"
    else:
        head = " | ".join(f"{lv} {mae_name} | {lv} MASE | {lv} cov80" for lv in levels)
        rule = "|---" * (1 + 3 * len(levels)) + "|"
    lines = [f"\n{title}\n", f"| method | {head} |", rule]
    for method, by_level in scores.items():
        if pct:
            cells = " | ".join(f"{by_level[lv]:+.1f} %" for lv in levels)
        else:
            cells = " | ".join(
                f"{by_level[lv]['mae']:,.2f} | {by_level[lv]['mase']:.3f} | "
                f"{100 * by_level[lv]['coverage_80']:.0f} %"
                for lv in levels
            )
        lines.append(f"| {method} | {cells} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="5 stores, 150 products, 1 seed")
    parser.add_argument("--no-ets", action="store_true", help="no AutoETS base on Walmart")
    parser.add_argument("--seeds", default="42,43,44", help="demo shop seeds")
    parser.add_argument("--products", type=int, default=1000, help="demo shop products")
    parser.add_argument("--skip-walmart", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or RESULTS / (
        "forecast_hierarchy_small.json" if args.small else "forecast_hierarchy.json"
    )
    report: dict[str, Any] = {
        "command": "python benchmarks/forecast_hierarchy.py "
        + shlex.join(argv if argv is not None else sys.argv[1:]),
        **machine_info(),
        "methods": ["base", *METHODS],
    }
    started = time.perf_counter()
    if not args.skip_walmart:
        report["walmart"] = run_walmart(args.small, ets=not (args.no_ets or args.small))
    if not args.skip_demo:
        products = SMALL_PRODUCTS if args.small else args.products
        seeds = [int(s) for s in args.seeds.split(",")][: 1 if args.small else None]
        shops = {str(seed): run_demo(seed, products) for seed in seeds}
        mean = mean_scores([shop["scores"] for shop in shops.values()])
        print(table(f"Demo shop, mean over seeds {', '.join(shops)}", mean, "MAE"))
        print(table("Demo shop, MAE fall against base (%)", gains(mean), "MAE", pct=True))
        report["demo"] = {"seeds": shops, "mean_scores": mean, "gain_pct": gains(mean)}
    report["seconds"] = round(time.perf_counter() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out} in {report['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
