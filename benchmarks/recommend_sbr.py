"""Session-based recommenders on public splits: P@20, MRR@20, fit time, answer latency.

Usage::

    python benchmarks/recommend_sbr.py --data ../shared/data/sbr_benchmark_splits/diginetica
    python benchmarks/recommend_sbr.py --data ../shared/data/sbr_yoochoose_100k
    python benchmarks/recommend_sbr.py --data DIR --tune [--models transitions] [--limit N]

Every model known here is fitted with the committed settings (:mod:`benchmarks.sbr.settings`)
on the training sessions and asked every test prefix once, from one thread; the hybrid is
built from the members just fitted. ``--tune`` instead searches the grids (and the hybrid's
weights) on a validation split cut from the end of the training sessions
(:func:`benchmarks.sbr.datasets.tune_split`) and only prints the best settings: the test
file never chooses a hyperparameter. Results: ``benchmarks/results/recommend_sbr_<dataset>.json``.
"""

from __future__ import annotations

import argparse
import functools
import json
import shlex
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Run as a script, only benchmarks/ is on the path; the harness is imported as a package.
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402
from benchmarks.machine import machine  # noqa: E402
from benchmarks.sbr.baselines import SessionPopularity  # noqa: E402
from benchmarks.sbr.datasets import SbrData, load, tune_split  # noqa: E402
from benchmarks.sbr.metrics import evaluate  # noqa: E402
from benchmarks.sbr.output import grid, table  # noqa: E402
from benchmarks.sbr.settings import (  # noqa: E402
    COMMITTED,
    GRIDS,
    HYBRID_MEMBERS,
    PUBLISHED,
    REGISTERED,
)

from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery  # noqa: E402

RESULTS = HERE / "results"

Factory = Callable[[dict[str, Any]], Any]


def _builder(cls: type[Any]) -> Factory:
    def build(params: dict[str, Any]) -> Any:
        return cls(**params)

    return build


@functools.cache
def registered_classes() -> dict[str, type[Any]]:
    """Registered model classes by name (importing every model module once)."""
    from shopkeeper.ai.registry import registered_models

    return {spec.name: spec.cls for spec in registered_models()}


def available_models(with_hybrid: bool = True) -> dict[str, tuple[Factory, tuple[str, ...]]]:
    """Short name -> (build from params, names of its hyperparameters), for what exists."""
    found: dict[str, tuple[Factory, tuple[str, ...]]] = {
        "popularity": (lambda params: SessionPopularity(), ()),
    }
    by_name = registered_classes()
    for short, class_name in REGISTERED.items():
        cls = by_name.get(class_name)
        if short == "hybrid" and not with_hybrid:
            continue
        if cls is not None:
            found[short] = (_builder(cls), cls.param_names())
    return found


def settings_for(short: str, dataset: str, names: tuple[str, ...]) -> dict[str, Any]:
    chosen = COMMITTED.get(short, {})
    params = dict(chosen.get(dataset, chosen.get("default", {})))
    if short == "hybrid":
        members = hybrid_members(dataset)
        params["members"] = [[REGISTERED[m], p] for m, p in members.items()]
        weights = params.get("weights")
        if weights is not None and len(weights) != len(members):
            # A member is missing here (e.g. no torch): learn weights in fit instead.
            params.pop("weights")
    return {key: value for key, value in params.items() if key in names}


def hybrid_members(dataset: str) -> dict[str, dict[str, Any]]:
    """The hybrid's members available here, each with its committed settings."""
    models = available_models(with_hybrid=False)
    return {
        short: settings_for(short, dataset, models[short][1])
        for short in HYBRID_MEMBERS
        if short in models
    }


def fit_and_score(
    build: Factory,
    params: dict[str, Any],
    train: SessionLog,
    test: SbrData,
    limit: int | None,
    keep: dict[str, Any] | None = None,
) -> dict[str, Any]:
    model = build(params)
    started = time.perf_counter()
    model.fit(train)
    fit_s = time.perf_counter() - started
    scored = evaluate(model, test, limit=limit)
    # Registered models report every setting, defaults included; the baseline has none.
    used = model.params() if hasattr(model, "params") else params
    row = {"params": used, "fit_s": round(fit_s, 2), **scored}
    if keep is not None:
        row["model"] = model  # the caller keeps it (for the hybrid) and drops it from the row
    return row


def assembled_hybrid(
    build: Factory,
    params: dict[str, Any],
    dataset: str,
    fitted: dict[str, Any],
    results: dict[str, dict[str, Any]],
    data: SbrData,
    limit: int | None,
) -> dict[str, Any]:
    """Score the hybrid from members fitted in this run (same settings, same data).

    Its fit time is the sum of the members' fit times: the blend itself learns nothing when
    its weights are given. A member not scored alone in this run is fitted here, once.
    """
    members = hybrid_members(dataset)
    models = available_models(with_hybrid=False)
    fit_s = 0.0
    for short, wanted in members.items():
        # Members report every setting, defaults included; committed ones must all match.
        if short in fitted and all(results[short]["params"].get(k) == v for k, v in wanted.items()):
            fit_s += results[short]["fit_s"]
            continue
        # Not scored alone in this run (e.g. --models neural,hybrid): fit it once here.
        started = time.perf_counter()
        fitted[short] = models[short][0](wanted).fit(data.train)
        fit_s += time.perf_counter() - started
    model = build(params).assemble([fitted[short] for short in members])
    scored = evaluate(model, data, limit=limit)
    return {"params": model.params(), "fit_s": round(fit_s, 2), "fit": "members", **scored}


def tune(
    models: dict[str, tuple[Factory, tuple[str, ...]]],
    data: SbrData,
    limit: int | None,
    dataset: str = "default",
) -> None:
    validation = tune_split(data.train)
    print(f"validation: {len(validation.train):,} sessions, {validation.n_test:,} samples")
    for short, (build, names) in models.items():
        if short == "hybrid":
            tune_hybrid(build, names, validation, limit, dataset)
            continue
        candidates = grid(GRIDS.get(short, {}), names) or [{}]
        rows = []
        for params in candidates:
            row = fit_and_score(build, params, validation.train, validation, limit)
            rows.append(row)
            print(f"  {short} {params}: P@20 {row['p@20']:.2f} MRR@20 {row['mrr@20']:.2f}")
        best = max(rows, key=lambda r: (r["p@20"] + r["mrr@20"], r["mrr@20"]))
        print(
            f"best {short}: {best['params']} (P@20 {best['p@20']:.2f}, MRR@20 {best['mrr@20']:.2f})"
        )


def tune_hybrid(
    build: Factory, names: tuple[str, ...], validation: SbrData, limit: int | None, dataset: str
) -> dict[str, Any]:
    """Blend weights for the committed members, searched on the validation split.

    Members are fitted once on the validation training sessions; every normalisation of
    the grid then searches weights on their cached answers (corners = one member alone).
    """
    from shopkeeper.ai.recommend.hybrid_weights import best_weights

    params = settings_for("hybrid", dataset, names)
    params.pop("weights", None)
    members = available_models(with_hybrid=False)
    fitted = []
    for short, member_params in hybrid_members(dataset).items():
        started = time.perf_counter()
        fitted.append(members[short][0](member_params).fit(validation.train))
        print(f"  fitted {short} {member_params} in {time.perf_counter() - started:.1f}s")
    count = validation.n_test if limit is None else min(limit, validation.n_test)
    times = validation.test_times or [None] * count
    queries = [SessionQuery(validation.test_prefixes[i], at=times[i]) for i in range(count)]
    targets = validation.test_targets[:count]
    best: dict[str, Any] = {}
    for normalisation in GRIDS["hybrid"].get("normalisation", ["minmax"]):
        hybrid = build({**params, "normalisation": normalisation})
        cached = hybrid.candidate_scores(fitted, queries, targets)
        corners = [cached.metrics(row) for row in np.eye(len(fitted))]
        for short, (p20, mrr) in zip(hybrid_members(dataset), corners, strict=True):
            print(f"  hybrid {normalisation} {short} alone: P@20 {p20:.2f} MRR@20 {mrr:.2f}")
        weights, (p20, mrr) = best_weights(cached, hybrid.step)
        print(f"  hybrid {normalisation} {list(weights)}: P@20 {p20:.2f} MRR@20 {mrr:.2f}")
        if not best or p20 + mrr > best["p@20"] + best["mrr@20"]:
            best = {"normalisation": normalisation, "weights": list(weights)}
            best.update({"p@20": round(float(p20), 2), "mrr@20": round(float(mrr), 2)})
    print(f"best hybrid: {best}")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="dataset folder")
    parser.add_argument("--format", choices=["srgnn", "session-rec"], default=None)
    parser.add_argument("--models", default=None, help="comma-separated short names")
    parser.add_argument("--tune", action="store_true", help="grid search on validation only")
    parser.add_argument("--limit", type=int, default=None, help="score the first N samples")
    parser.add_argument("--out", type=Path, default=None, help="results file to write")
    args = parser.parse_args(argv)

    data = load(args.data, args.format)
    dataset = data.name.removeprefix("sbr_")
    models = available_models()
    if args.models:
        wanted = [name.strip() for name in args.models.split(",") if name.strip()]
        missing = [name for name in wanted if name not in models]
        if missing:
            print(f"not available here: {', '.join(missing)}; known: {', '.join(models)}")
        models = {name: models[name] for name in wanted if name in models}
    skipped = [short for short in REGISTERED if short not in available_models()]
    if skipped:
        print(f"skipped (not registered yet): {', '.join(skipped)}")
    print(
        f"{dataset}: {len(data.train):,} train sessions, {data.n_test:,} test samples, "
        f"{len(data.train.items()):,} items"
    )
    if args.tune:
        tune(models, data, args.limit, dataset)
        return 0

    results: dict[str, dict[str, Any]] = {}
    fitted: dict[str, Any] = {}
    for short, (build, names) in models.items():
        params = settings_for(short, dataset, names)
        if short == "hybrid" and "weights" in params:
            results[short] = assembled_hybrid(
                build, params, dataset, fitted, results, data, args.limit
            )
        if short not in results:
            results[short] = fit_and_score(build, params, data.train, data, args.limit, fitted)
            fitted[short] = results[short].pop("model")
        row = results[short]
        print(
            f"  {short}: P@20 {row['p@20']:.2f} MRR@20 {row['mrr@20']:.2f} fit {row['fit_s']:.1f}s"
        )
    print()
    print(table(results))
    command = "python benchmarks/recommend_sbr.py " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    report: dict[str, Any] = {
        "command": command,
        "machine": machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": {
            "train_sessions": len(data.train),
            "test_samples": data.n_test,
            "items": len(data.train.items()),
        },
        "models": results,
    }
    if dataset in PUBLISHED:
        report["published"] = PUBLISHED[dataset]
    out = args.out or RESULTS / f"recommend_sbr_{dataset}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
