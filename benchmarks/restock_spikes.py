"""Spike detection for preventive restock, scored on demo shops with planted spikes.

    nice -n 10 .venv/bin/python benchmarks/restock_spikes.py --seeds 1-10
    nice -n 10 .venv/bin/python benchmarks/restock_spikes.py --tune   # seed 0, earlier period

Each demo shop (``--months`` of history, default 30, so the last 18 months have a year
before them) plants a few category spikes: demand rises in a triangle for 6-14 days, and
searches rise ``SEARCH_LEAD_DAYS`` earlier. :class:`SearchSpikeDetector` reads the
``search_trend.<category>`` signals (``--source searches``) or the daily product views of
the ``events`` table summed per category (``--source views``, only inside the event window).

- **Match**: an alert matches a spike of its category when it comes between the first day
  of extra searches (demand start minus the search lead) and ``--match-days`` (default 3)
  days after the demand start. Precision = matching alerts / alerts (a second alert on an
  already matched spike counts as false); recall = spikes matched / spikes. The headline
  figures cover the days with a year of history behind them (the detector's seasonal
  scaling is on); ``first_year`` scores the days before, where monthly seasonal steps look
  like spikes.
- **Lead**: days from detection to the demand peak (the middle of the triangle).
- **Stock-outs**: for every alert, the category's products are replayed on their true daily
  demand (demo sales are never censored) by :func:`shopkeeper.ai.inventory.simulator.simulate`
  with :class:`~shopkeeper.ai.inventory.forecast_policy.ForecastPolicy` (lost sales,
  supplier lead times, MOQs, packs), the forecast being the mean of the last 28 days: 60
  days of warm-up, then 45 days from the alert day. The "early" run multiplies the
  forecast by the alert's uplift for its duration; the "none" run does not.
  ``stockout_days_avoided`` = product-days with lost demand, none - early, over matching
  alerts; the extra holding cost is the price, also paid on false alerts.

``--set PARAM=VALUE`` overrides a detector default for a sensitivity run. The detector's
defaults were chosen by ``--tune`` on seed 0 (a 48-month shop, days up to
2025-10-31); scored seeds must not include it. Writes ``results/restock_spikes.json``
(``--name`` adds a suffix) and prints a table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.demo_sales import sold_per_day
from benchmarks.machine import machine_info

from shopkeeper.ai.inventory.forecast_policy import DemandForecast, ForecastFeed, ForecastPolicy
from shopkeeper.ai.inventory.simulator import InventorySetup, simulate
from shopkeeper.ai.inventory.spikes import SearchSpikeDetector, SpikeAlert
from shopkeeper.data.importers.demo import DemoShopConfig, generate_shop
from shopkeeper.data.importers.demo.shop import GeneratedShop
from shopkeeper.data.importers.demo.trends import SEARCH_LEAD_DAYS

RESULTS = Path(__file__).resolve().parent / "results"
# The tuning shop is longer than the scored ones so its earlier period holds enough spikes.
TUNE_SEED, TUNE_MONTHS, TUNE_UNTIL = 0, 48, "2025-10-31"
BEFORE_DAYS, AFTER_DAYS = 60, 45
RATE_DAYS, HORIZON_DAYS, REVIEW_COVER_DAYS = 28, 60, 14


@dataclass(frozen=True)
class Spike:
    category: str
    search_start: pd.Timestamp
    start: pd.Timestamp
    peak: pd.Timestamp
    end: pd.Timestamp


@dataclass(frozen=True)
class ShopData:
    shop: GeneratedShop
    spikes: list[Spike]
    demand: pd.DataFrame  # (day, sku) units ordered, cancelled lines excluded
    category_of: pd.Series  # sku -> category
    terms: pd.DataFrame  # per sku: cost, supplier code, lead_time_days, moq, pack_size, is_bulky


def load_shop(seed: int, months: int, events_days: int) -> ShopData:
    shop = generate_shop(DemoShopConfig(seed=seed, months=months, events_days=events_days))
    spikes = []
    for s in shop.truth["trend_spikes"]:
        start, end = pd.Timestamp(s["start"]), pd.Timestamp(s["end"])
        length = (end - start).days + 1
        spikes.append(
            Spike(
                s["category"],
                start - pd.Timedelta(days=SEARCH_LEAD_DAYS),
                start,
                start + pd.Timedelta(days=(length - 1) // 2),
                end,
            )
        )
    days = pd.date_range(shop.truth["period"]["start"], shop.truth["period"]["end"], freq="D")
    demand = (
        sold_per_day(shop)
        .pivot_table(index="ds", columns="sku", values="quantity", aggfunc="sum")
        .reindex(index=days, columns=shop.products["sku"])
        .fillna(0.0)
    )
    products = shop.products.set_index("sku")
    suppliers = shop.suppliers.set_index("supplier_ref")
    terms = products[["cost", "is_bulky"]].copy()
    for column in ("lead_time_days", "moq", "pack_size"):
        terms[column] = products["supplier_ref"].map(suppliers[column])
    terms["supplier"] = pd.factorize(products["supplier_ref"])[0]
    return ShopData(shop, spikes, demand, products["category"], terms)


def counts_for(data: ShopData, source: str) -> pd.DataFrame:
    """Daily counts per category, as the detector reads them."""
    if source == "searches":
        signals = data.shop.signals
        rows = signals[signals["name"].str.startswith("search_trend.")]
        return pd.DataFrame(
            {
                "key": [m["category"] for m in rows["meta"]],
                "day": rows["ts"].dt.tz_localize(None),
                "count": rows["value"].to_numpy(),
            }
        )
    events = data.shop.events
    views = events[(events["type"] == "view") & events["sku"].notna()]
    local = views["occurred_at"].dt.tz_convert(data.shop.truth["time_zone"]).dt.tz_localize(None)
    frame = pd.DataFrame({"key": views["sku"].map(data.category_of), "day": local.dt.normalize()})
    return frame.groupby(["key", "day"]).size().rename("count").reset_index()


def score(
    alerts: tuple[SpikeAlert, ...],
    spikes: list[Spike],
    first_day: pd.Timestamp,
    last_day: pd.Timestamp,
    match_days: int,
) -> tuple[list[tuple[SpikeAlert, Spike]], list[SpikeAlert], list[Spike]]:
    """Matching alerts with their spike, false alerts, missed spikes (inside the period)."""
    scored = [s for s in spikes if first_day <= s.search_start <= last_day]
    in_period = [a for a in alerts if first_day <= pd.Timestamp(a.detected_on) <= last_day]
    matched: list[tuple[SpikeAlert, Spike]] = []
    false: list[SpikeAlert] = []
    taken: set[int] = set()
    for alert in in_period:
        day = pd.Timestamp(alert.detected_on)
        hit = next(
            (
                i
                for i, s in enumerate(scored)
                if s.category == alert.key
                and s.search_start <= day <= s.start + pd.Timedelta(days=match_days)
                and i not in taken
            ),
            None,
        )
        if hit is None:
            false.append(alert)
        else:
            taken.add(hit)
            matched.append((alert, scored[hit]))
    missed = [s for i, s in enumerate(scored) if i not in taken]
    return matched, false, missed


def flat_feed(mult: np.ndarray) -> ForecastFeed:
    """Forecast = mean of the last ``RATE_DAYS`` days, times ``mult`` of each future day."""

    def feed(day: int, history: np.ndarray) -> DemandForecast:
        rate = history[-RATE_DAYS:].mean(axis=0)
        ahead = mult[day + 1 : day + 1 + HORIZON_DAYS]
        ahead = np.concatenate([ahead, np.ones(HORIZON_DAYS - len(ahead))])
        return DemandForecast(rate[:, None] * ahead[None, :])

    return feed


def stock_effect(data: ShopData, alert: SpikeAlert) -> dict[str, float]:
    """Stock-out product-days and stock held, without and with the alert's uplift."""
    skus = data.category_of.index[data.category_of == alert.key]
    day = pd.Timestamp(alert.detected_on)
    window = data.demand.loc[
        day - pd.Timedelta(days=BEFORE_DAYS + RATE_DAYS) : day + pd.Timedelta(days=AFTER_DAYS - 1),
        skus,
    ]
    demand = window.to_numpy(dtype=np.float64)
    terms = data.terms.loc[skus]
    rate = demand[:RATE_DAYS].mean(axis=0)
    lead = terms["lead_time_days"].to_numpy(dtype=np.int64)
    setup = InventorySetup(
        demand=demand,
        unit_cost=terms["cost"].to_numpy(dtype=np.float64),
        lead_time=lead,
        supplier=terms["supplier"].to_numpy(dtype=np.int64),
        moq=terms["moq"].to_numpy(dtype=np.int64),
        pack_size=terms["pack_size"].to_numpy(dtype=np.int64),
        is_bulky=terms["is_bulky"].to_numpy(dtype=bool),
        start=RATE_DAYS,
        warmup_days=BEFORE_DAYS,
        scored_days=len(window) - RATE_DAYS - BEFORE_DAYS,
        # Two weeks above the lead time, so the warm-up does not open with a stock-out.
        initial_on_hand=np.ceil(rate * (lead + REVIEW_COVER_DAYS)),
        skus=tuple(skus),
    )
    runs = {
        "none": simulate(setup, ForecastPolicy(flat_feed(np.ones(len(window))))),
        "early": simulate(setup, ForecastPolicy(flat_feed(alert.multipliers(window.index)))),
    }
    out = {"products": float(len(skus))}
    for name, result in runs.items():
        scored = slice(BEFORE_DAYS, None)  # simulated rows from the alert day on
        out[f"stockout_days_{name}"] = float((result.lost[scored] > 0).sum())
        out[f"lost_units_{name}"] = float(result.lost[scored].sum())
        out[f"holding_eur_{name}"] = float((result.end_stock[scored] * setup.holding_per_day).sum())
        out[f"purchase_orders_{name}"] = float(result.purchase_orders[scored].sum())
    return out


def periods(detector: SearchSpikeDetector, counts: pd.DataFrame) -> dict[str, tuple[Any, Any]]:
    """The scored spans: once the seasonal scaling has a year behind it, and before."""
    first = counts["day"].min() + pd.Timedelta(days=detector.window_days)
    season = detector.season_days or 0
    with_year = first + pd.Timedelta(days=season)
    return {
        "with_year": (with_year, counts["day"].max()),
        "first_year": (first, with_year - pd.Timedelta(days=1)),
    }


def evaluate(
    detector: SearchSpikeDetector,
    shops: list[ShopData],
    source: str,
    match_days: int,
    until: pd.Timestamp | None = None,
    stock: bool = True,
) -> dict[str, Any]:
    """Scores on the days with a year of history (stock replay there), and the first year."""
    parts: dict[str, dict[str, Any]] = {
        name: {"alerts": 0, "true": 0, "spikes": 0, "leads": [], "delays": [], "false": []}
        for name in ("with_year", "first_year")
    }
    totals: dict[str, float] = {}
    per_seed = []
    for data in shops:
        counts = counts_for(data, source)
        if until is not None:
            counts = counts[counts["day"] <= until]
        alerts = detector.detect(counts)
        seed_row: dict[str, Any] = {"seed": data.shop.truth["config"]["seed"]}
        for name, (first, last) in periods(detector, counts).items():
            matched, false, missed = score(alerts, data.spikes, first, last, match_days)
            part = parts[name]
            part["alerts"] += len(matched) + len(false)
            part["true"] += len(matched)
            part["spikes"] += len(matched) + len(missed)
            for alert, spike in matched:
                part["leads"].append((spike.peak - pd.Timestamp(alert.detected_on)).days)
                part["delays"].append((pd.Timestamp(alert.detected_on) - spike.search_start).days)
            part["false"] += [f"{a.key} {a.detected_on.isoformat()}" for a in false]
            seed_row[name] = {
                "spikes": len(matched) + len(missed),
                "alerts": len(matched) + len(false),
                "true_alerts": len(matched),
            }
            if stock and name == "with_year":
                for group, chosen in (("true", [a for a, _ in matched]), ("false", false)):
                    for alert in chosen:
                        for k, v in stock_effect(data, alert).items():
                            totals[f"{group}_{k}"] = totals.get(f"{group}_{k}", 0.0) + v
        per_seed.append(seed_row)
    out = _rates(parts["with_year"])
    out["first_year"] = _rates(parts["first_year"])
    out["per_seed"] = per_seed
    if stock:
        none = totals.get("true_stockout_days_none", 0.0)
        early = totals.get("true_stockout_days_early", 0.0)
        out["stockout_days_none"] = none
        out["stockout_days_early"] = early
        out["stockout_days_avoided"] = none - early
        out["stockout_days_avoided_share"] = round((none - early) / none, 4) if none else 0.0
        for group in ("true", "false"):
            extra = totals.get(f"{group}_holding_eur_early", 0.0)
            extra -= totals.get(f"{group}_holding_eur_none", 0.0)
            out[f"extra_holding_eur_{group}_alerts"] = round(extra, 2)
        out["stockout"] = {k: round(v, 1) for k, v in sorted(totals.items())}
    return out


def _rates(part: dict[str, Any]) -> dict[str, Any]:
    precision = part["true"] / part["alerts"] if part["alerts"] else 0.0
    recall = part["true"] / part["spikes"] if part["spikes"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "spikes": part["spikes"],
        "alerts": part["alerts"],
        "true_alerts": part["true"],
        "lead_days_to_peak": _summary(part["leads"]),
        "days_after_search_start": _summary(part["delays"]),
        "false_alerts": part["false"],
    }


def _summary(values: list[int]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    a = np.asarray(values, dtype=np.float64)
    return {
        "n": len(a),
        "mean": round(float(a.mean()), 2),
        "median": float(np.median(a)),
        "min": float(a.min()),
        "max": float(a.max()),
    }


def pass_through(detector: SearchSpikeDetector, data: ShopData, until: pd.Timestamp) -> float:
    """Median share of the extra searches (ratio - 1) that showed up as extra orders."""
    counts = counts_for(data, "searches")
    counts = counts[counts["day"] <= until]
    alerts = detector.detect(counts)
    first = counts["day"].min() + pd.Timedelta(days=detector.window_days)
    matched, _, _ = score(alerts, data.spikes, first, until, 3)
    by_category = data.demand.T.groupby(data.category_of).sum().T
    shares = []
    for alert, spike in matched:
        sales = by_category[alert.key]
        usual = sales[: spike.search_start - pd.Timedelta(days=1)].tail(28).mean()
        day = pd.Timestamp(alert.detected_on)
        later = sales[day : day + pd.Timedelta(days=detector.uplift_days - 1)].mean()
        shares.append((later / usual - 1) / (alert.ratio - 1))
    return float(np.median(shares)) if shares else float("nan")


def tune(args: argparse.Namespace) -> int:
    """Grid search on the tuning seed's earlier period; prints the best settings."""
    data = load_shop(TUNE_SEED, TUNE_MONTHS, args.events_days)
    until = pd.Timestamp(TUNE_UNTIL)
    grid = itertools.product((21, 28), (1.3, 1.5, 1.8), (3.0, 4.0, 5.0), (1, 2), (10.0, 20.0))
    rows = []
    for window, ratio, z, confirm, count in grid:
        det = SearchSpikeDetector(
            window_days=window, min_ratio=ratio, min_z=z, confirm_days=confirm, min_count=count
        )
        r = evaluate(det, [data], "searches", args.match_days, until, stock=False)
        lead = r["lead_days_to_peak"].get("mean", -99.0)
        rows.append((r["f1"], lead, window, ratio, z, confirm, count, r["precision"], r["recall"]))
        n_spikes = r["spikes"]
    rows.sort(key=lambda r: (-r[0], -r[1]))
    print(
        f"seed {TUNE_SEED}, {TUNE_MONTHS} months, up to {TUNE_UNTIL}, days with a year behind "
        f"({n_spikes} spikes):"
    )
    print("  f1  lead  window  min_ratio  min_z  confirm  min_count  precision  recall")
    for row in rows[:12]:
        print("  " + "  ".join(f"{v:g}" for v in row))
    best = rows[0]
    det = SearchSpikeDetector(
        window_days=best[2],
        min_ratio=best[3],
        min_z=best[4],
        confirm_days=best[5],
        min_count=best[6],
    )
    print(f"demand pass-through on the tuning period: {pass_through(det, data, until):.3f}")
    det = SearchSpikeDetector()
    r = evaluate(det, [data], "searches", args.match_days, until, stock=False)
    print(
        f"defaults: f1 {r['f1']}, lead {r['lead_days_to_peak'].get('mean')}, "
        f"pass-through {pass_through(det, data, until):.3f}"
    )
    return 0


def table(result: dict[str, Any]) -> str:
    first = result["first_year"]
    rows = [
        ("spikes scored (a year of history behind)", result["spikes"]),
        ("alerts", result["alerts"]),
        ("precision", result["precision"]),
        ("recall", result["recall"]),
        ("lead to demand peak, mean days", result["lead_days_to_peak"].get("mean", "-")),
        ("after first extra search, mean days", result["days_after_search_start"].get("mean", "-")),
        ("stock-out product-days, no early restock", result.get("stockout_days_none", "-")),
        ("stock-out product-days, early restock", result.get("stockout_days_early", "-")),
        ("stock-out product-days avoided", result.get("stockout_days_avoided", "-")),
        ("extra holding EUR, true alerts", result.get("extra_holding_eur_true_alerts", "-")),
        ("extra holding EUR, false alerts", result.get("extra_holding_eur_false_alerts", "-")),
        ("first year: spikes / alerts", f"{first['spikes']} / {first['alerts']}"),
        ("first year: precision / recall", f"{first['precision']} / {first['recall']}"),
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        seeds += list(range(int(lo), int(hi or lo) + 1))
    return seeds


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--seeds", default="1-10", help="demo seeds to score, e.g. 1-10 or 1,4,7")
    p.add_argument("--months", type=int, default=30)
    p.add_argument("--source", choices=("searches", "views"), default="searches")
    p.add_argument("--events-days", type=int, default=90, help="event window for --source views")
    p.add_argument("--match-days", type=int, default=3)
    p.add_argument("--tune", action="store_true", help="grid search on seed 0 up to " + TUNE_UNTIL)
    p.add_argument("--name", default="", help="suffix of the results file")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PARAM=VALUE",
        help="override a detector default (a sensitivity run, not a tuning one)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.tune:
        return tune(args)
    seeds = parse_seeds(args.seeds)
    if TUNE_SEED in seeds:
        print(f"seed {TUNE_SEED} tuned the defaults; score other seeds", file=sys.stderr)
        return 2
    overrides = {k: float(v) for k, _, v in (item.partition("=") for item in args.set)}
    ints = ("window_days", "spread_days", "confirm_days", "cooldown_days", "uplift_days")
    overrides.update({k: int(v) for k, v in overrides.items() if k in ints})
    label = "Searches" if args.source == "searches" else "Views"
    detector = SearchSpikeDetector(label=label, **overrides)  # type: ignore[arg-type]
    shops = [load_shop(seed, args.months, args.events_days) for seed in seeds]
    result = evaluate(detector, shops, args.source, args.match_days)
    print(table(result))
    argv_text = " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    report = {
        "command": f"python benchmarks/restock_spikes.py {argv_text}".strip(),
        **machine_info(),
        "data": {
            "seeds": seeds,
            "months": args.months,
            "source": args.source,
            "events_days": args.events_days if args.source == "views" else None,
            "match": f"alert between the first extra search (demand start - {SEARCH_LEAD_DAYS} "
            f"days) and {args.match_days} days after the demand start, same category",
            "tuned_on": f"seed {TUNE_SEED}, {TUNE_MONTHS} months, days up to {TUNE_UNTIL} (--tune)",
            "replay": "shopkeeper.ai.inventory.simulator.simulate with ForecastPolicy "
            f"(plan_reorders), forecast = mean of the last {RATE_DAYS} days, x the alert's "
            f"uplift in the early run; {BEFORE_DAYS} days of warm-up before the alert, "
            f"scored from the alert day for {AFTER_DAYS} days; products of the category",
        },
        "detector": detector.params(),
        **result,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"restock_spikes{'_' + args.name if args.name else ''}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
