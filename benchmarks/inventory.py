"""Inventory simulation: a small shop's habit, a textbook (s, S) and ours, on two demand sets.

    nice -n 10 python benchmarks/inventory.py --data both --seed 42
    nice -n 10 python benchmarks/inventory.py --data demo --seed 7 --tune   # choose ours' knobs
    python benchmarks/inventory.py --small                                   # a fast check

The simulator (:mod:`shopkeeper.ai.inventory.simulator`) replays 90 warm-up and 365 scored
days with daily review, lost sales, holding cost 25 % a year (doubled for bulky items) and
EUR 20 per purchase order, for three policies:

(a) ``small_shop``: every 14 days, order up to 4 weeks of the last 30 days' mean demand;
(b) ``textbook_ss``: (s, S), 95 % normal safety stock from the last 8 weeks, S = s + EOQ;
(c) ``ours``: :func:`~shopkeeper.ai.inventory.policy.plan_reorders` fed by
    :class:`~shopkeeper.ai.forecast.local.LocalForecaster` forecasts as the shop runs them:
    models chosen weekly and refitted every day on that choice
    (:class:`~shopkeeper.ai.inventory.forecast_feed.DailyLocalFeed`; Walmart: a weekly
    model refitted every 28 days), one review cycle per supplier
    (:class:`~shopkeeper.ai.inventory.forecast_policy.ForecastPolicy`).

Data sets:

- ``demo``: the demo shop (``--products``, default 1000) over 21 months (18 would leave too
  little history before the warm-up), true daily demand per product, suppliers' lead time,
  MOQ and pack size, products' cost and bulkiness. The last 56 days serve only the
  overstock measure; the days before the warm-up are history.
- ``walmart``: ``--series`` store×department series (default 200, drawn with ``--seed``
  among the 2,660 with all 143 weeks); negative weekly sales clipped to 0, dollars divided
  by a unit price per department drawn log-uniformly between 5 and 50 (seeded), units
  rounded and spread evenly over the week's 7 days (remainder on its first days). Unit cost
  is 60 % of the price; per department (one supplier each): lead time 3-21 days, pack size
  1/4/6/12/24 and MOQ 2-10 packs as in the demo, bulky with chance 10 %, all seeded.
  Ours forecasts weekly (season 52) and spreads each week over its days; the daily
  interval half-width is the weekly one over sqrt(7), so that seven independent days add
  up to the weekly error.

Ours runs at the shop's defaults (service level 95 %, safety factor 1, review cycles of at
most 14 days). ``--tune`` grids these knobs on demo seed 7 and names the cheapest setting
that stocks out on at most 3 % of product-days and serves at least the textbook policy's
fill rate; seed 42 and Walmart are never tuned on.

Also reported, to show what the targets hinge on: (a') policy (a) with its cover stretched
week by week until it stocks out no more than ours, and the three policies again on the
same demand with the MOQ cut to one pack, and with no MOQ or pack size at all.
Writes ``results/inventory.json`` (``--tune``: ``results/inventory_tuning.json``).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import replace
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine

from shopkeeper.ai.forecast.local import LocalForecaster
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.ai.inventory.forecast_feed import DailyLocalFeed, RefitFeed
from shopkeeper.ai.inventory.forecast_policy import DemandForecast, ForecastFeed, ForecastPolicy
from shopkeeper.ai.inventory.metrics import FORWARD_DAYS, forward_demand, score
from shopkeeper.ai.inventory.policies import SmallShopPolicy, TextbookSSPolicy
from shopkeeper.ai.inventory.simulator import InventorySetup, Policy, simulate
from shopkeeper.data.importers.demo import DemoShopConfig, generate_shop

RESULTS = Path(__file__).resolve().parent / "results"
WALMART = Path(__file__).resolve().parents[2] / "shared" / "data" / "walmart_store_sales"
# The demo's models are chosen weekly and refitted daily on that choice, as in the shop.
SELECT_EVERY = 7
# Weekly season-52 fits are slow (about 10 s for 40 series); a weekly model gains little
# from a refit every two weeks anyway.
WALMART_REFIT_EVERY = 28
MAX_REVIEW_DAYS = 14
# The shop's defaults. On demo seed 7 (--tune, results/inventory_tuning.json) all 18 grid
# settings met the service targets and the cheapest cost 1.7 % less; never tuned on seed 42.
OURS = {"safety_factor": 1.0, "service_level": 0.95, "max_review_days": MAX_REVIEW_DAYS}
ARTICLE = {"stockout_pct": (12.0, 3.0), "overstock_pct": (28.0, 8.0), "storage_cost": (100, 55)}
SIMULATED = 90 + 365


def horizon(refit_every: int = 1) -> int:
    """Forecast days needed: staleness between refits + longest lead time + longest cycle."""
    return refit_every + 21 + MAX_REVIEW_DAYS + 1


def initial_stock(demand: np.ndarray, start: int, lead: np.ndarray) -> np.ndarray:
    """The same opening stock for every policy: the last 4 weeks' rate × (lead time + 14)."""
    rate = demand[max(start - 28, 0) : start].mean(axis=0)
    return np.asarray(np.ceil(rate * (lead + 14)), dtype="float64")


def demo_setup(seed: int, n_products: int) -> tuple[InventorySetup, dict[str, Any]]:
    shop = generate_shop(
        DemoShopConfig(
            seed=seed,
            n_products=n_products,
            n_customers=10 * n_products,
            months=21,
            sessions_per_day=0,
            events_days=1,
        )
    )
    moves = shop.stock_moves[shop.stock_moves["reason"] == "sale"]
    day = moves["occurred_at"].dt.tz_convert("Europe/Paris").dt.tz_localize(None).dt.normalize()
    products = shop.products.reset_index(drop=True)
    daily = (-moves["quantity"]).groupby([day, moves["sku"]]).sum().unstack(fill_value=0)
    days = pd.date_range(daily.index.min(), daily.index.max(), freq="D")
    demand = daily.reindex(index=days, columns=products["sku"], fill_value=0).to_numpy("float64")
    suppliers = shop.suppliers.set_index("supplier_ref").loc[products["supplier_ref"]]
    lead = suppliers["lead_time_days"].to_numpy(np.int64)
    start = len(days) - SIMULATED - FORWARD_DAYS
    setup = InventorySetup(
        demand=demand,
        unit_cost=products["cost"].to_numpy("float64"),
        lead_time=lead,
        supplier=pd.factorize(products["supplier_ref"])[0].astype(np.int64),
        moq=suppliers["moq"].to_numpy(np.int64),
        pack_size=suppliers["pack_size"].to_numpy(np.int64),
        is_bulky=products["is_bulky"].to_numpy(bool),
        start=start,
        initial_on_hand=initial_stock(demand, start, lead),
        skus=tuple(products["sku"]),
    )
    info = {
        "seed": seed,
        "products": n_products,
        "suppliers": int(shop.suppliers.shape[0]),
        "days": len(days),
        "history_days_before_warmup": start,
        "first_scored_day": str(days[start + 90].date()),
        "months_generated": 21,
    }
    return setup, info


def walmart_setup(n_series: int, seed: int) -> tuple[InventorySetup, dict[str, Any]]:
    raw = pd.read_csv(WALMART / "train.csv.zip", parse_dates=["Date"])
    raw["unique_id"] = raw["Store"].astype(str) + "_" + raw["Dept"].astype(str)
    counts = raw.groupby("unique_id").size()
    complete = sorted(counts[counts == counts.max()].index)
    rng = np.random.default_rng(seed)
    chosen = sorted(rng.choice(complete, size=min(n_series, len(complete)), replace=False))
    rows = raw[raw["unique_id"].isin(chosen)]
    weekly = rows.pivot(index="Date", columns="unique_id", values="Weekly_Sales")[chosen]
    dept = np.array([int(u.split("_")[1]) for u in chosen])
    departments = np.unique(raw["Dept"])
    terms = np.random.default_rng([seed, 1])
    price = dict(
        zip(
            departments,
            np.exp(terms.uniform(np.log(5), np.log(50), len(departments))),
            strict=False,
        )
    )
    lead = dict(zip(departments, terms.integers(3, 22, len(departments)), strict=False))
    pack = dict(zip(departments, terms.choice([1, 4, 6, 12, 24], len(departments)), strict=False))
    moq = {
        d: pack[d] * m
        for d, m in zip(departments, terms.integers(2, 11, len(departments)), strict=False)
    }
    bulky = dict(zip(departments, terms.random(len(departments)) < 0.1, strict=False))
    unit_price = np.array([price[d] for d in dept])
    units = np.round(weekly.clip(lower=0).to_numpy() / unit_price).astype(np.int64)
    base, extra = units // 7, units % 7
    demand = (
        (base[:, None, :] + (np.arange(7)[None, :, None] < extra[:, None, :]))
        .reshape(-1, len(chosen))
        .astype("float64")
    )
    lead_time = np.array([lead[d] for d in dept], dtype=np.int64)
    start = len(demand) - SIMULATED - FORWARD_DAYS
    setup = InventorySetup(
        demand=demand,
        unit_cost=0.6 * unit_price,
        lead_time=lead_time,
        supplier=pd.factorize(dept)[0].astype(np.int64),
        moq=np.array([moq[d] for d in dept], dtype=np.int64),
        pack_size=np.array([pack[d] for d in dept], dtype=np.int64),
        is_bulky=np.array([bulky[d] for d in dept]),
        start=start,
        initial_on_hand=initial_stock(demand, start, lead_time),
        skus=tuple(chosen),
    )
    info = {
        "seed": seed,
        "series": len(chosen),
        "departments": len(np.unique(dept)),
        "days": len(demand),
        "history_days_before_warmup": start,
        "unit_price_per_department": {str(d): round(float(price[d]), 2) for d in np.unique(dept)},
    }
    return setup, info


def weekly_forecast(history: np.ndarray) -> DemandForecast:
    """Forecast complete weeks with season 52, spread each week evenly over its days."""
    weeks = len(history) // 7
    totals = history[: weeks * 7].reshape(weeks, 7, -1).sum(axis=1)
    into_week = len(history) - weeks * 7  # days of the current week already past
    n_weeks = -(-(horizon(WALMART_REFIT_EVERY) + into_week) // 7) + 1
    n = totals.shape[1]
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat([f"{i:05d}" for i in range(n)], weeks),
            "ds": np.tile(pd.date_range("2000-01-07", periods=weeks, freq="W-FRI"), n),
            "y": totals.T.reshape(-1),
        }
    )
    model = LocalForecaster(
        season_length=52, horizon=n_weeks, validation_horizon=4, levels=(80,)
    ).fit(SalesSeries.from_frame(frame, freq="W-FRI"))
    out = model.predict(ForecastQuery(horizon=n_weeks)).frame.sort_values(["unique_id", "ds"])

    def daily(values: np.ndarray) -> np.ndarray:
        return np.repeat(values.reshape(n, n_weeks), 7, axis=1)[:, into_week:]

    mean = out["mean"].to_numpy("float64")
    lower = (mean - out["lo-80"].to_numpy("float64")) / np.sqrt(7)
    upper = (out["hi-80"].to_numpy("float64") - mean) / np.sqrt(7)
    lo, hi = daily(mean / 7 - lower), daily(mean / 7 + upper)
    return DemandForecast(daily(mean / 7), np.maximum(lo, 0), hi, 0.8)


def run(setup: InventorySetup, policy: Policy) -> tuple[dict[str, float], float]:
    began = time.perf_counter()
    result = simulate(setup, policy)
    seconds = time.perf_counter() - began
    metrics = score(result, setup).as_dict()
    metrics["overstock_pct_moq_fits_8_weeks"] = round(moq_fitting_overstock(result, setup), 4)
    return metrics, seconds


def moq_fitting_overstock(result: Any, setup: InventorySetup) -> float:
    """Overstock among SKUs whose smallest order (MOQ in packs) is at most 8 weeks of demand."""
    first = setup.start + setup.warmup_days
    rate = setup.demand[first : first + setup.scored_days].mean(axis=0)
    smallest = -(-setup.moq_units // setup.packs) * setup.packs
    fits = smallest <= rate * FORWARD_DAYS
    stock = result.start_stock[setup.warmup_days :][:, fits]
    ahead = forward_demand(setup.demand, first, setup.scored_days)[:, fits]
    cost = setup.unit_cost[fits]
    held = (stock * cost).sum(axis=1)
    above = (np.maximum(stock - ahead, 0) * cost).sum(axis=1)
    days = held > 0
    return 100.0 * float(np.mean(above[days] / held[days])) if days.any() else 0.0


def policies(feed: ForecastFeed, knobs: dict[str, Any]) -> dict[str, Policy]:
    return {
        "small_shop": SmallShopPolicy(),
        "textbook_ss": TextbookSSPolicy(),
        "ours": ForecastPolicy(feed, **knobs),
    }


def small_shop_at_service(setup: InventorySetup, stockout_pct: float) -> dict[str, float]:
    """Policy (a) with its cover stretched week by week until it stocks out no more than ours.

    The target compares storage cost with (a) as the issue defines it, which stocks out
    more; this row answers the fairer question of what (a) costs at ours' service.
    """
    metrics: dict[str, float] = {}
    for weeks in range(4, 27):
        metrics, _ = run(setup, SmallShopPolicy(cover_days=7 * weeks))
        metrics["cover_weeks"] = weeks
        if metrics["stockout_pct"] <= stockout_pct:
            break
    return metrics


# What the supplier terms do to every policy: the demo's MOQs of 2-10 packs bind on slow
# movers, so the same demand is replayed with one pack as the smallest order, and with
# neither MOQ nor pack size. Ours reuses its forecasts (the feed keeps them by day).
TERMS = {
    "moq_one_pack": lambda s: replace(s, moq=s.pack_size.copy()),
    "no_moq_no_pack": lambda s: replace(
        s, moq=np.ones_like(s.moq), pack_size=np.ones_like(s.pack_size)
    ),
}
TERMS_KEYS = ("stockout_pct", "overstock_pct", "storage_cost", "total_cost", "service_level_pct")


def terms_sensitivity(
    setup: InventorySetup, feed: ForecastFeed, knobs: dict[str, Any]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, change in TERMS.items():
        varied = change(setup)
        rows = {p: run(varied, policy)[0] for p, policy in policies(feed, knobs).items()}
        out[name] = {p: {k: m[k] for k in TERMS_KEYS} for p, m in rows.items()}
        out[name]["storage_cost_reduction_pct"] = round(
            100.0 * (1.0 - rows["ours"]["storage_cost"] / rows["small_shop"]["storage_cost"]), 2
        )
        print(f"  terms {name}: {out[name]}", flush=True)
    return out


def evaluate(
    setup: InventorySetup, feed: ForecastFeed, knobs: dict[str, Any], *, sensitivity: bool = False
) -> dict[str, Any]:
    """Every policy on one setup, with ours' reductions and the targets."""
    rows: dict[str, dict[str, float]] = {}
    for name, policy in policies(feed, knobs).items():
        began = time.perf_counter()
        rows[name], seconds = run(setup, policy)
        rows[name]["seconds"] = round(time.perf_counter() - began, 1)
        print(f"  {name}: {rows[name]} (simulation {seconds:.1f} s)", flush=True)
    rows["small_shop_at_ours_service"] = small_shop_at_service(setup, rows["ours"]["stockout_pct"])
    ours, small, textbook = rows["ours"], rows["small_shop"], rows["textbook_ss"]
    reduction = 100.0 * (1.0 - ours["storage_cost"] / small["storage_cost"])
    targets = {
        "stockout_pct <= 3": ours["stockout_pct"] <= 3.0,
        "overstock_pct <= 8": ours["overstock_pct"] <= 8.0,
        "storage_cost >= 45% below small_shop": reduction >= 45.0,
        "total_cost below textbook_ss at equal or better service": bool(
            ours["total_cost"] < textbook["total_cost"]
            and ours["service_level_pct"] >= textbook["service_level_pct"]
        ),
    }
    at_service = rows["small_shop_at_ours_service"]["storage_cost"]
    block: dict[str, Any] = {
        "policies": rows,
        "storage_cost_reduction_pct": round(reduction, 2),
        "storage_cost_reduction_vs_small_shop_at_ours_service_pct": round(
            100.0 * (1.0 - ours["storage_cost"] / at_service), 2
        ),
        "total_cost_vs_textbook_pct": round(
            100.0 * (ours["total_cost"] / textbook["total_cost"] - 1.0), 2
        ),
        "targets_met": targets,
    }
    if sensitivity:
        block["supplier_terms"] = terms_sensitivity(setup, feed, knobs)
    return block


def table(name: str, block: dict[str, Any]) -> str:
    rows = block["policies"]
    small = rows["small_shop"]
    lines = [
        f"### {name}",
        "| policy | stockout | avg overstock | yearly storage cost | vs (a) | order cost | "
        "total cost | service (fill rate) | capital tied up |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    stretched = rows["small_shop_at_ours_service"]["cover_weeks"]
    for label, key in (
        ("(a) small shop", "small_shop"),
        (f"(a') small shop, {stretched:.0f} weeks' cover", "small_shop_at_ours_service"),
        ("(b) textbook (s, S)", "textbook_ss"),
        ("(c) ours", "ours"),
    ):
        r = rows[key]
        change = 100.0 * (r["storage_cost"] / small["storage_cost"] - 1.0)
        lines.append(
            f"| {label} | {r['stockout_pct']:.1f} % | {r['overstock_pct']:.1f} % | "
            f"{r['storage_cost']:,.0f} | {change:+.0f} % | {r['order_cost']:,.0f} | "
            f"{r['total_cost']:,.0f} | {r['service_level_pct']:.1f} % | "
            f"{r['capital_tied_up']:,.0f} |"
        )
    before, after = ARTICLE["storage_cost"]
    lines.append(
        f"| article before -> after | {ARTICLE['stockout_pct'][0]:.0f} % -> "
        f"{ARTICLE['stockout_pct'][1]:.0f} % | {ARTICLE['overstock_pct'][0]:.0f} % -> "
        f"{ARTICLE['overstock_pct'][1]:.0f} % | {before} k -> {after} k | -45 % | | | | |"
    )
    met = ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in block["targets_met"].items())
    lines.append(f"targets: {met}")
    for terms, varied in block.get("supplier_terms", {}).items():
        cells = ", ".join(
            f"{p} {varied[p]['stockout_pct']:.1f} % / {varied[p]['overstock_pct']:.1f} % / "
            f"{varied[p]['storage_cost']:,.0f}"
            for p in ("small_shop", "textbook_ss", "ours")
        )
        lines.append(f"{terms} (stockout / overstock / storage): {cells}")
    return "\n".join(lines)


def tune(setup: InventorySetup, feed: ForecastFeed) -> dict[str, Any]:
    """Grid over ours' knobs; the best is the lowest total cost that meets the service targets.

    Those are the issue's: stockout at most 3 % and a fill rate at least the textbook's on
    the same demand (its own row is measured first). Without such knobs, the cheapest
    with stockout at most 3 %.
    """
    textbook, _ = run(setup, TextbookSSPolicy())
    print(f"  textbook_ss: {textbook}", flush=True)
    trials = []
    for safety, service, cycle in product((0.7, 1.0, 1.3), (0.9, 0.95, 0.98), (7, 14)):
        knobs: dict[str, Any] = {
            "safety_factor": safety,
            "service_level": service,
            "max_review_days": cycle,
        }
        metrics, _ = run(setup, ForecastPolicy(feed, **knobs))
        trials.append({**knobs, **metrics})
        print(f"  {knobs}: {metrics}", flush=True)
    fine = [t for t in trials if t["stockout_pct"] <= 3.0]
    served = [t for t in fine if t["service_level_pct"] >= textbook["service_level_pct"]]
    best = min(served or fine or trials, key=lambda t: t["total_cost"])
    return {"textbook_ss": textbook, "trials": trials, "best": best}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", choices=("demo", "walmart", "both"), default="both")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--small", action="store_true", help="120 products, 40 series")
    parser.add_argument("--tune", action="store_true", help="grid over ours' knobs (demo only)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.small:
        args.products, args.series = 120, 40
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    command = "python benchmarks/inventory.py " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    report: dict[str, Any] = {
        "command": command,
        "machine": machine(),
        "measured_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "fixed": {
            "review": "daily",
            "warmup_days": 90,
            "scored_days": 365,
            "lost_sales": True,
            "holding_rate_per_year": 0.25,
            "bulky_factor": 2.0,
            "order_cost": 20.0,
            "overstock_window_days": FORWARD_DAYS,
            "forecast_refit_every_days": {"demo": 1, "walmart": WALMART_REFIT_EVERY},
            "model_selection_every_days": {"demo": SELECT_EVERY, "walmart": WALMART_REFIT_EVERY},
        },
        "ours": OURS,
    }
    feed: ForecastFeed
    if args.tune:
        setup, info = demo_setup(args.seed, args.products)
        feed = DailyLocalFeed(horizon=horizon(), select_every=SELECT_EVERY)
        report["demo"] = {"data": info, **tune(setup, feed)}
        out = args.out or RESULTS / "inventory_tuning.json"
    else:
        sets = ("demo", "walmart") if args.data == "both" else (args.data,)
        for name in sets:
            began = time.perf_counter()
            if name == "demo":
                setup, info = demo_setup(args.seed, args.products)
                feed = DailyLocalFeed(horizon=horizon(), select_every=SELECT_EVERY)
            else:
                setup, info = walmart_setup(args.series, args.seed)
                feed = RefitFeed(weekly_forecast, every=WALMART_REFIT_EVERY)
            print(f"{name}: {setup.n_skus} SKUs, {len(setup.demand)} days", flush=True)
            report[name] = {
                "data": info,
                **evaluate(setup, feed, OURS, sensitivity=name == "demo"),
            }
            report[name]["seconds"] = round(time.perf_counter() - began, 1)
        for name in sets:
            print()
            print(table(name, report[name]))
        out = args.out or RESULTS / "inventory.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
