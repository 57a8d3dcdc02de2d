"""Do the shop's signals improve its daily forecasts? Four forecasters on demo shops.

On demo shops (each seed a different one; the generator plants price, promotion, weather,
local-event and search-trend effects in demand), the last ``--test-days`` days are held
out. Every arm fits on the days before:

- ``local``: :class:`~shopkeeper.ai.forecast.local.LocalForecaster`, a statistical model
  chosen per product (the nightly run before this benchmark);
- ``pooled``: :class:`~shopkeeper.ai.forecast.with_signals.SignalForecaster` with a
  constant in place of the regressors: one LightGBM over all products where it validated
  better than the product's own model, no signals;
- ``signals``: the same with the regressors of :mod:`shopkeeper.ai.forecast.regressors`,
  kept only if they validate better than without (what the nightly run does); nothing is
  known ahead: prices at their last value, no event, weather, searches and competitors at
  their recent level (:func:`~shopkeeper.ai.forecast.regressors.persist`);
- ``announced``: the same, but the shop's promotions are scheduled and local events
  announced, so the held-out days' prices and events are known (validation assumes it too).

``--effects-off`` builds the same shops with the planted price, promotion, weather, event
and trend effects switched off: there the signals carry no information and their gain
over ``pooled`` should vanish.

Scores per product over the held-out days, pooled: MAE, RMSE, MASE (scaled by the
product's in-sample weekly seasonal-naive MAE) and the total-units bias; the gains are MAE
reductions in percent with a 95% bootstrap interval over products.

    nice -n 10 python benchmarks/forecast_signals.py [--seeds 1,2,3] [--effects-off]
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from benchmarks.demo_sales import local_day, sold_per_day  # noqa: E402
from benchmarks.machine import machine_info  # noqa: E402

from shopkeeper.ai.forecast.future import FutureQuery  # noqa: E402
from shopkeeper.ai.forecast.local import LocalForecaster  # noqa: E402
from shopkeeper.ai.forecast.prediction import ForecastQuery  # noqa: E402
from shopkeeper.ai.forecast.regressors import (  # noqa: E402
    REGRESSORS,
    ShopInputs,
    daily_regressors,
    forget_future,
    persist,
    signal_days,
)
from shopkeeper.ai.forecast.series import SalesSeries  # noqa: E402
from shopkeeper.ai.forecast.with_signals import SignalForecaster  # noqa: E402
from shopkeeper.data.importers.demo import DemoShopConfig, generate_shop  # noqa: E402
from shopkeeper.data.importers.demo.shop import GeneratedShop  # noqa: E402

RESULTS = HERE / "results"
SIGNAL_EFFECTS = ("promotions", "price_response", "weather_effect", "local_events", "trends")
BOOTSTRAP = 2000


def daily_units(shop: GeneratedShop) -> pd.DataFrame:
    """Units per product and local day, cancelled orders out, from each product's first sale."""
    sold = sold_per_day(shop).rename(columns={"sku": "unique_id"})
    end = pd.Timestamp(shop.truth["period"]["end"])
    first = sold.groupby("unique_id")["ds"].min()
    grid = pd.concat(
        [
            pd.DataFrame({"unique_id": uid, "ds": pd.date_range(start, end, freq="D")})
            for uid, start in first.items()
        ],
        ignore_index=True,
    )
    out = grid.merge(sold, on=["unique_id", "ds"], how="left")
    return out.assign(y=out.pop("quantity").fillna(0.0).astype("float64"))


def shop_inputs(shop: GeneratedShop) -> ShopInputs:
    timezone = shop.truth["time_zone"]
    products = shop.products.set_index("sku")
    changes = shop.price_changes.assign(day=local_day(shop.price_changes["changed_at"], timezone))
    signals = shop.signals
    points = pd.DataFrame(
        {
            "name": signals["name"],
            "sku": signals["sku"],
            "category": [(m or {}).get("category") for m in signals["meta"]],
            "day": local_day(signals["ts"], timezone),
            "value": signals["value"],
        }
    )
    return ShopInputs(
        categories=products["category"],
        price_changes=changes[["sku", "day", "old_price", "new_price"]],
        current_price=products["price"].astype("float64"),
        signals=signal_days(points),
    )


def scores(truth: pd.DataFrame, forecast: pd.DataFrame, train: pd.DataFrame) -> pd.DataFrame:
    """Per product: absolute and squared error sums, units, forecast units, MASE scale."""
    merged = truth.merge(forecast[["unique_id", "ds", "mean"]], on=["unique_id", "ds"])
    merged["abs"] = (merged["y"] - merged["mean"]).abs()
    merged["sq"] = (merged["y"] - merged["mean"]) ** 2
    per = merged.groupby("unique_id").agg(
        abs=("abs", "mean"), sq=("sq", "mean"), units=("y", "sum"), forecast=("mean", "sum")
    )
    naive = train.groupby("unique_id")["y"].apply(lambda y: float(y.diff(7).abs().mean()))
    per["scale"] = naive.reindex(per.index)
    return per


def promotion_day_error(test: pd.DataFrame, forecast: pd.DataFrame) -> dict[str, float]:
    """MAE and bias on the held-out product-days sold at least 10% below the usual price.

    There the planted price response lifts demand; only a model that knows the price can
    follow it, so this is where the signals show (or not) beyond the noise of all days.
    """
    merged = test.merge(forecast[["unique_id", "ds", "mean"]], on=["unique_id", "ds"])
    promoted = merged[merged["price_index"] <= 0.9]
    if promoted.empty:
        return {"product_days": 0}
    return {
        "product_days": len(promoted),
        "mae": round(float((promoted["y"] - promoted["mean"]).abs().mean()), 4),
        "bias_pct": round(100 * float(promoted["mean"].sum() / promoted["y"].sum() - 1), 2),
    }


def summary(per: pd.DataFrame) -> dict[str, float]:
    scaled = per[per["scale"] > 0]
    return {
        "mae": round(float(per["abs"].mean()), 4),
        "rmse": round(float(np.sqrt(per["sq"].mean())), 4),
        "mase": round(float((scaled["abs"] / scaled["scale"]).mean()), 4),
        "bias_pct": round(100 * float(per["forecast"].sum() / per["units"].sum() - 1), 2),
    }


def gain_interval(local: pd.Series, ours: pd.Series, seed: int) -> dict[str, float]:
    """MAE reduction in percent with a bootstrap over products."""
    rng = np.random.default_rng(seed)
    a, b = local.to_numpy(), ours.to_numpy()
    draws = rng.integers(0, len(a), size=(BOOTSTRAP, len(a)))
    ratios = 100 * (1 - b[draws].mean(axis=1) / a[draws].mean(axis=1))
    low, high = np.percentile(ratios, [2.5, 97.5])
    return {
        "gain_pct": round(100 * (1 - b.mean() / a.mean()), 2),
        "low": round(float(low), 2),
        "high": round(float(high), 2),
    }


# Regressors a shop knows ahead once it schedules its promotions and events are announced.
ANNOUNCED = ("price_index", "event_k")
ARMS = ("local", "pooled", "signals", "announced")


def fit_arm(arm: str, train: pd.DataFrame, test: pd.DataFrame, horizon: int) -> Any:
    """One arm's model fitted on ``train`` and its forecast of the ``test`` days."""
    if arm == "local":
        model: Any = LocalForecaster(horizon=horizon)
        model.fit(SalesSeries.from_frame(train[["unique_id", "ds", "y"]], freq="D"))
        return model, model.predict(ForecastQuery(horizon=horizon)).frame
    if arm == "pooled":
        # A constant in place of the signals: what one model over all products gives alone.
        plain = train[["unique_id", "ds", "y"]].assign(constant=0.0)
        model = SignalForecaster(horizon=horizon, unknown_ahead=())
        model.fit(SalesSeries.from_frame(plain, freq="D"))
        future = test[["unique_id", "ds"]].assign(constant=0.0)
        return model, model.predict(FutureQuery(horizon=horizon, future=future)).frame
    unknown = tuple(c for c in REGRESSORS if arm == "signals" or c not in ANNOUNCED)
    model = SignalForecaster(horizon=horizon, unknown_ahead=unknown)
    model.fit(SalesSeries.from_frame(train, freq="D"))
    future = persist(train, forget_future(test.drop(columns="y"), unknown), unknown)
    return model, model.predict(FutureQuery(horizon=horizon, future=future)).frame


def run_seed(seed: int, args: argparse.Namespace) -> dict[str, Any]:
    switches = dict.fromkeys(SIGNAL_EFFECTS, False) if args.effects_off else {}
    shop = generate_shop(DemoShopConfig(seed=seed, months=args.months, events_days=7, **switches))
    units = daily_units(shop)
    regressors = daily_regressors(shop_inputs(shop), units[["unique_id", "ds"]])
    frame = units.merge(regressors, on=["unique_id", "ds"])
    cut = frame["ds"].max() - pd.Timedelta(days=args.test_days)
    train, test = frame[frame["ds"] <= cut], frame[frame["ds"] > cut]
    # Products sold only in the held-out days have no history to forecast from.
    test = test[test["unique_id"].isin(set(train["unique_id"]))]
    row: dict[str, Any] = {"seed": seed, "arms": {}}
    errors: dict[str, pd.Series] = {}
    for arm in ARMS:
        started = time.perf_counter()
        model, forecast = fit_arm(arm, train, test, args.test_days)
        per = scores(test, forecast, train)
        errors[arm] = per["abs"]
        row["arms"][arm] = {
            **summary(per),
            "promotion_days": promotion_day_error(test, forecast),
            "global_chosen": len(getattr(model, "global_ids_", ())),
            "seconds": round(time.perf_counter() - started, 1),
        }
    row["products"] = len(errors["local"])
    row["gains"] = gains(errors, seed)
    row["_errors"] = errors
    return row


def gains(errors: dict[str, pd.Series], seed: int) -> dict[str, dict[str, float]]:
    """Each arm's MAE reduction against local models, and the signals' against pooling."""
    out = {f"{arm}_vs_local": gain_interval(errors["local"], errors[arm], seed) for arm in ARMS[1:]}
    for arm in ("signals", "announced"):
        out[f"{arm}_vs_pooled"] = gain_interval(errors["pooled"], errors[arm], seed)
    return out


def arms_mean(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each arm's figures averaged over the seeds (promotion days pooled by count)."""
    out: dict[str, dict[str, float]] = {}
    for arm in ARMS:
        figures = [r["arms"][arm] for r in rows]
        out[arm] = {
            key: round(float(np.mean([f[key] for f in figures])), 4)
            for key in ("mae", "rmse", "mase", "bias_pct", "global_chosen", "seconds")
        }
        promo = [f["promotion_days"] for f in figures if f["promotion_days"].get("product_days")]
        days = sum(p["product_days"] for p in promo)
        if days:
            out[arm]["promotion_days"] = days
            out[arm]["promotion_days_mae"] = round(
                sum(p["mae"] * p["product_days"] for p in promo) / days, 4
            )
    return out


def table(rows: list[dict[str, Any]], pooled: dict[str, dict[str, float]]) -> str:
    lines = [
        "| seed | products | " + " | ".join(f"{a} MAE (with signals)" for a in ARMS) + " |",
        "|---|---|" + "---|" * len(ARMS),
    ]
    for r in rows:
        cells = [f"{r['arms'][a]['mae']} ({r['arms'][a]['global_chosen']})" for a in ARMS]
        lines.append(f"| {r['seed']} | {r['products']} | " + " | ".join(cells) + " |")
    lines += ["", "| MAE reduction, all seeds | % [95% CI] |", "|---|---|"]
    for name, g in pooled.items():
        lines.append(f"| {name} | {g['gain_pct']:+.1f} [{g['low']:+.1f}, {g['high']:+.1f}] |")
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="demo shop seeds, comma separated")
    parser.add_argument("--months", type=int, default=18, help="months of shop history")
    parser.add_argument("--test-days", type=int, default=28, help="held-out days")
    parser.add_argument(
        "--effects-off", action="store_true", help="switch the signal effects off (control)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    rows = []
    for seed in seeds:
        row = run_seed(seed, args)
        rows.append(row)
        print(f"seed {seed}: {row['gains']}", flush=True)
    together = {a: pd.concat([r["_errors"][a] for r in rows], ignore_index=True) for a in ARMS}
    pooled = gains(together, seeds[0])
    for r in rows:
        del r["_errors"]
    print(table(rows, pooled))
    argv_text = " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    report = {
        "command": f"python benchmarks/forecast_signals.py {argv_text}".strip(),
        **machine_info(),
        "data": {
            "seeds": seeds,
            "months": args.months,
            "test_days": args.test_days,
            "effects": "signal effects off" if args.effects_off else "all planted effects on",
        },
        "gains_all_seeds": pooled,
        "arms_mean_over_seeds": arms_mean(rows),
        "seeds": {str(r["seed"]): r for r in rows},
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"forecast_signals{'_effects_off' if args.effects_off else ''}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
