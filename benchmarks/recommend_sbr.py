"""Session-based recommenders on public splits: P@20, MRR@20, fit time, answer latency.

Usage::

    python benchmarks/recommend_sbr.py --data ../shared/data/sbr_benchmark_splits/diginetica
    python benchmarks/recommend_sbr.py --data ../shared/data/sbr_yoochoose_100k
    python benchmarks/recommend_sbr.py --data DIR --tune [--models transitions] [--limit N]

Every model known here is fitted with the committed settings of :data:`COMMITTED` on the
training sessions and asked every test prefix once, from one thread. ``--tune`` instead
searches :data:`GRIDS` on a validation split cut from the end of the training sessions
(:func:`benchmarks.sbr.datasets.tune_split`) and only prints the best settings: the test
file never chooses a hyperparameter. Results go to
``benchmarks/results/recommend_sbr_<dataset>.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
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

from benchmarks.sbr.baselines import SessionPopularity  # noqa: E402
from benchmarks.sbr.datasets import SbrData, load, tune_split  # noqa: E402
from benchmarks.sbr.metrics import evaluate  # noqa: E402

from shopkeeper.ai.recommend.sessions import SessionLog  # noqa: E402

RESULTS = HERE / "results"

# Short name -> registered class name. Models another change adds are picked up once they
# are registered; absent ones are skipped with a note.
REGISTERED = {
    "transitions": "ItemTransitionRecommender",
    "vsknn": "VSKNNRecommender",
    "stan": "STANRecommender",
}

# Settings chosen with --tune on the validation split (see docs/recommendations.md).
# Empty means the model's own defaults.
COMMITTED: dict[str, dict[str, dict[str, Any]]] = {
    "transitions": {
        "diginetica": {"window": 8, "history": 5, "history_decay": 0.3, "backward_weight": 0.6},
        "yoochoose_100k": {"window": 5, "history": 3, "history_decay": 0.3, "backward_weight": 0.3},
    },
    "vsknn": {"default": {}},
    "stan": {"default": {}},
}

# Small grids for --tune; a name the model does not take is ignored.
GRIDS: dict[str, dict[str, list[Any]]] = {
    "transitions": {
        "window": [3, 5, 8],
        "history": [3, 5],
        "history_decay": [0.3, 0.6],
        "backward_weight": [0.0, 0.3, 0.6],
    },
    "vsknn": {"k_neighbours": [100, 200, 500], "sample_size": [500, 1000, 2500]},
    "stan": {
        "k_neighbours": [100, 200, 500],
        "lambda_position": [1.25, 2.5],
        "lambda_neighbour": [2.0, 6.0],
    },
}

PUBLISHED = {
    "diginetica": {
        "SR-GNN": {"p@20": 50.73, "mrr@20": 17.59},
        "GCE-GNN": {"p@20": 54.22, "mrr@20": 19.04},
        "note": "quoted from the papers via the dataset README, not re-checked here",
    },
}

Factory = Callable[[dict[str, Any]], Any]


def _builder(cls: type[Any]) -> Factory:
    def build(params: dict[str, Any]) -> Any:
        return cls(**params)

    return build


def available_models() -> dict[str, tuple[Factory, tuple[str, ...]]]:
    """Short name -> (build from params, names of its hyperparameters), for what exists."""
    from shopkeeper.ai.registry import registered_models

    found: dict[str, tuple[Factory, tuple[str, ...]]] = {
        "popularity": (lambda params: SessionPopularity(), ()),
    }
    by_name = {spec.name: spec.cls for spec in registered_models()}
    for short, class_name in REGISTERED.items():
        cls = by_name.get(class_name)
        if cls is not None:
            found[short] = (_builder(cls), cls.param_names())
    return found


def settings_for(short: str, dataset: str, names: tuple[str, ...]) -> dict[str, Any]:
    chosen = COMMITTED.get(short, {})
    params = chosen.get(dataset, chosen.get("default", {}))
    return {key: value for key, value in params.items() if key in names}


def fit_and_score(
    build: Factory, params: dict[str, Any], train: SessionLog, test: SbrData, limit: int | None
) -> dict[str, Any]:
    model = build(params)
    started = time.perf_counter()
    model.fit(train)
    fit_s = time.perf_counter() - started
    scored = evaluate(model, test, limit=limit)
    # Registered models report every setting, defaults included; the baseline has none.
    used = model.params() if hasattr(model, "params") else params
    return {"params": used, "fit_s": round(fit_s, 2), **scored}


def grid(space: dict[str, list[Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    usable = {key: values for key, values in space.items() if key in names}
    keys = sorted(usable)
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(usable[key] for key in keys))
    ]


def tune(
    models: dict[str, tuple[Factory, tuple[str, ...]]], data: SbrData, limit: int | None
) -> None:
    validation = tune_split(data.train)
    print(f"validation: {len(validation.train):,} sessions, {validation.n_test:,} samples")
    for short, (build, names) in models.items():
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


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| model | P@20 % | MRR@20 % | fit s | latency mean ms | latency p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for short, row in results.items():
        lines.append(
            f"| {short} | {row['p@20']:.2f} | {row['mrr@20']:.2f} | {row['fit_s']:.2f} "
            f"| {row['latency_mean_ms']:.3f} | {row['latency_p99_ms']:.3f} |"
        )
    return "\n".join(lines)


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
        tune(models, data, args.limit)
        return 0

    results: dict[str, dict[str, Any]] = {}
    for short, (build, names) in models.items():
        params = settings_for(short, dataset, names)
        results[short] = fit_and_score(build, params, data.train, data, args.limit)
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
