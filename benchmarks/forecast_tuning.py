"""Choosing LocalForecaster's defaults on the training part only (never the test weeks).

    nice -n 10 python benchmarks/forecast_tuning.py --from-walmart 200

Runs rolling-origin validation once (three windows of ``--validation-horizon`` periods at
the end of the training part), then replays the forecaster's choice on the first two
windows and scores it on the third, which played no part in the choice: per selection
rule (margin towards seasonal naive, with or without the combination), mean sMAPE and
mean MAE relative to seasonal naive on that window; per interval rule (per-series pooled
errors as before, per-step scaled errors now), the 80 % and 95 % coverage on that window.
Writes ``results/forecast_tuning_<name>.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.forecast import RESULTS, WALMART_TEST_WEEKS, walmart_sample

from shopkeeper.ai.forecast.candidates import (
    COMBINATION,
    combination_members,
    default_model,
    regular_models,
)
from shopkeeper.ai.forecast.demand_class import classify
from shopkeeper.ai.forecast.intervals import error_bounds, validated_offsets
from shopkeeper.ai.forecast.local import DEFAULT_MARGIN
from shopkeeper.ai.forecast.selection import choose, validate

MARGINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7)


def smape_rows(y: np.ndarray, error: np.ndarray) -> np.ndarray:
    forecast = y - error
    denominator = np.abs(y) + np.abs(forecast)
    return np.where(denominator > 0, 200 * np.abs(error) / np.where(denominator, denominator, 1), 0)


def selection_rules(errors: pd.DataFrame, season_length: int) -> dict[str, dict[str, float]]:
    fit, held = errors[errors["window"] < 2], errors[errors["window"] == 2].copy()
    scores = (
        fit.assign(abs_error=fit["error"].abs().fillna(np.inf))
        .groupby(["unique_id", "model"])["abs_error"]
        .mean()
        .rename("mae")
        .reset_index()
    )
    held["smape"] = smape_rows(held["y"].to_numpy(), held["error"].to_numpy())
    held["abs_error"] = held["error"].abs()
    per = held.groupby(["unique_id", "model"])[["smape", "abs_error"]].mean()
    base = default_model(season_length)
    base_mae = per.xs(base, level="model")["abs_error"]
    regular = tuple(regular_models(season_length))
    rules: dict[str, dict[str, float]] = {}
    for with_combination in (False, True):
        order = (*regular, COMBINATION) if with_combination else regular
        pool = scores[scores["model"].isin(order)]
        for margin in MARGINS:
            chosen = choose(pool, order, default=base, margin=margin)
            rows = per.loc[list(chosen.items())]
            ids = [u for u, _ in chosen.items()]
            relative = rows["abs_error"].to_numpy() / base_mae.loc[ids].to_numpy()
            name = f"{'combination' if with_combination else 'no_combination'} margin {margin}"
            rules[name] = {
                "smape": round(float(rows["smape"].mean()), 3),
                "relative_mae": round(float(np.nanmean(relative[np.isfinite(relative)])), 4),
                "chosen_default": sum(m == base for m in chosen.values()),
                "chosen_combination": sum(m == COMBINATION for m in chosen.values()),
            }
    for model in (*regular, COMBINATION, "CombinationMedian"):
        rows = per.xs(model, level="model")
        rules[f"always {model}"] = {
            "smape": round(float(rows["smape"].mean()), 3),
            "relative_mae": round(float((rows["abs_error"] / base_mae).mean()), 4),
        }
    return rules


def interval_rules(
    errors: pd.DataFrame, chosen: dict[str, str], horizon: int
) -> dict[str, dict[str, float]]:
    fit, held = errors[errors["window"] < 2], errors[errors["window"] == 2]
    held = held[held["model"] == held["unique_id"].map(chosen)]
    out: dict[str, dict[str, float]] = {}
    pooled_own = fit[fit["model"] == fit["unique_id"].map(chosen)]
    per_step = validated_offsets(fit, chosen, levels=(80, 95), horizon=horizon)
    for level in (80, 95):
        pooled = {
            u: error_bounds(e.to_numpy(), level)
            for u, e in pooled_own.groupby("unique_id")["error"]
        }
        lo = np.array([pooled[u][0] for u in held["unique_id"]])
        hi = np.array([pooled[u][1] for u in held["unique_id"]])
        e = held["error"].to_numpy()
        out.setdefault("pooled per series (before)", {})[f"coverage{level}"] = round(
            float(np.mean((e >= lo) & (e <= hi))), 4
        )
        bounds = np.array(
            [
                per_step[u][level][s - 1]
                for u, s in zip(held["unique_id"], held["step"], strict=True)
            ]
        )
        inside = (e >= bounds[:, 0]) & (e <= bounds[:, 1])
        row = out.setdefault("per step, scaled (now)", {})
        row[f"coverage{level}"] = round(float(inside.mean()), 4)
        steps = held["step"].to_numpy()
        row[f"coverage{level}_steps_1_4"] = round(float(inside[steps <= 4].mean()), 4)
        row[f"coverage{level}_steps_10_plus"] = round(float(inside[steps >= 10].mean()), 4)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from-walmart", type=int, default=200, metavar="N")
    parser.add_argument("--season-length", type=int, default=52)
    parser.add_argument("--freq", default="W-FRI")
    parser.add_argument("--validation-horizon", type=int, default=WALMART_TEST_WEEKS // 3)
    parser.add_argument("--name", default="walmart200")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        train_csv, _ = walmart_sample(args.from_walmart, Path(tmp))  # test CSV never read
        train = pd.read_csv(train_csv, parse_dates=["ds"])
    train["unique_id"] = train["unique_id"].astype(str)
    regular = [
        str(u)
        for u, y in train.groupby("unique_id")["y"]
        if not classify(y.to_numpy()).is_intermittent
    ]
    part = train[train["unique_id"].isin(regular)]
    found = validate(
        part,
        regular_models(args.season_length),
        freq=args.freq,
        horizon=args.validation_horizon,
        n_windows=3,
        combination=combination_members(args.season_length),
    )
    # The median of the members, for comparison with the mean the forecaster uses.
    members = found.errors[found.errors["model"].isin(combination_members(args.season_length))]
    mean = members.groupby(["unique_id", "window", "step"], as_index=False).agg(
        y=("y", "first"), error=("error", "median")
    )
    errors = pd.concat([found.errors, mean.assign(model="CombinationMedian")], ignore_index=True)
    rules = selection_rules(errors, args.season_length)
    fit = found.errors[found.errors["window"] < 2]
    fit_scores = (
        fit.assign(abs_error=fit["error"].abs()).groupby(["unique_id", "model"])["abs_error"].mean()
    )
    order = (*regular_models(args.season_length), COMBINATION)
    chosen = choose(
        fit_scores.rename("mae").reset_index(),
        order,
        default=default_model(args.season_length),
        margin=DEFAULT_MARGIN,
    )
    intervals = interval_rules(found.errors, chosen, args.validation_horizon)
    report: dict[str, Any] = {
        "command": "python benchmarks/forecast_tuning.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "protocol": "choose on validation windows 1-2 of the training part, score on window 3",
        "series": len(regular),
        "selection": rules,
        "intervals_with_default_margin_and_combination": intervals,
    }
    for name, row in rules.items():
        print(f"{name:32s} {row}")
    for name, row in intervals.items():
        print(f"{name:32s} {row}")
    out = RESULTS / f"forecast_tuning_{args.name}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
