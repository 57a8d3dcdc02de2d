"""Elasticity recovery on the demo shop: the pricing model against the demo's planted truth.

    nice -n 10 .venv/bin/python benchmarks/pricing_demo.py [--products 1000] [--months 18]

The simulator of ``benchmarks/pricing.py`` lets ours set the prices it learns from. A shop
that starts with Shopkeeper brings a history priced by hand instead: list-price updates and
promotions. This builds the demo shop (as ``make demo`` does, into a throwaway SQLite
database), reads its sales the way a pricing run does (``services.pricing_inputs``), fits
:class:`HierarchicalElasticityModel` once and compares each product's estimate with the
elasticity the generator planted (``truth.json``). Reported, over products with 30+ units
sold: the correlation, the coverage of the 80% intervals, the mean error, the share of
estimates above zero (demand rising with price), the median share of each estimate that
comes from its category (``pooled_share``), and how much prices moved (the median standard
deviation of a product's log price). Nothing here is tuned; it shows what a new shop's
history can teach before any price test. Writes ``results/pricing_demo.json``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from benchmarks.machine import machine_info  # noqa: E402

from shopkeeper.ai.pricing.elasticity import HierarchicalElasticityModel  # noqa: E402
from shopkeeper.api.app import prepare_database  # noqa: E402
from shopkeeper.core.config import Settings  # noqa: E402
from shopkeeper.data.importers.demo import DemoShopConfig  # noqa: E402
from shopkeeper.services.demo import build_demo_shop  # noqa: E402
from shopkeeper.services.pricing_inputs import elasticity_frame  # noqa: E402
from shopkeeper.services.runtime import Runtime  # noqa: E402

RESULTS = HERE / "results"
MIN_SALES = 30
Z80 = 1.2816  # the central 80% of a normal


def recovery(args: argparse.Namespace) -> dict[str, Any]:
    """Build the demo shop, fit the elasticities once and score them against the truth."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/demo.db", model_dir=Path(tmp) / "models")
        runtime = Runtime.from_settings(settings)
        prepare_database(runtime, settings)
        config = DemoShopConfig(
            seed=args.seed,
            n_products=args.products,
            n_customers=args.customers,
            months=args.months,
        )
        built = build_demo_shop(runtime, config=config)
        truth = json.loads(built.truth_path.read_text())
        frame = elasticity_frame(runtime, built.shop.id)
    started = time.perf_counter()
    model = HierarchicalElasticityModel().fit(frame)
    fit_seconds = time.perf_counter() - started
    skus = model.skus_
    planted = np.array([truth["elasticity"][s] for s in skus])
    mean, sd = np.asarray(model.slope_), np.asarray(model.slope_sd_)
    units = frame.groupby("sku")["units"].sum().reindex(list(skus)).to_numpy()
    moved = frame.groupby("sku")["price"].apply(lambda p: float(np.log(p).std()))
    sold = units >= MIN_SALES
    return {
        "products": len(skus),
        "products_with_30_sales": int(sold.sum()),
        "correlation": round(float(np.corrcoef(mean[sold], planted[sold])[0, 1]), 4),
        "coverage_pct": round(100 * float((np.abs(mean - planted) <= Z80 * sd)[sold].mean()), 1),
        "mean_error": round(float((mean - planted)[sold].mean()), 3),
        "positive_estimates_pct": round(100 * float((mean > 0)[sold].mean()), 1),
        "median_pooled_share": round(float(np.median(model.pooled_share_[sold])), 3),
        "median_log_price_sd": round(float(moved.median()), 4),
        "planted_sd": round(float(planted[sold].std()), 3),
        "category_spread_omega": round(float(model.prior_.omega), 3),
        "within_category_tau": round(float(model.prior_.tau), 3),
        "fit_seconds": round(fit_seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--out", default=str(RESULTS / "pricing_demo.json"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    figures = recovery(args)
    for name, value in figures.items():
        print(f"{name:>28}: {value}")
    argv_text = " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    report = {
        "command": f"python benchmarks/pricing_demo.py {argv_text}".strip(),
        **machine_info(),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "demo": {k: getattr(args, k) for k in ("seed", "products", "customers", "months")},
        **figures,
    }
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
