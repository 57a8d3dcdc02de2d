"""Serving latency of ``GET /v1/recommendations`` under load, and freshness after an event.

The script builds a synthetic shop (5,000 products, 100,000 browsing sessions with skewed
popularity), fits the recommenders with ``fit_recommenders`` before the server starts, then
runs the real server (``python -m shopkeeper serve --workers 2``) on a fresh database with
Redis as the shared session store. Two client processes on 127.0.0.1 then load it, open
loop: 200 recommendation requests/s from 50 clients (plus baseline requests under the same
load), and 500 events/s in batches through ``POST /v1/events``. Meanwhile probe sessions
show that one event changes the next answer.

Usage::

    python benchmarks/recommend_serving.py [--duration 60] [--postgres-url URL | --sqlite]
        [--redis-url redis://127.0.0.1:6379]

Writes ``benchmarks/results/recommend_serving.json`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
# Run as a script, only benchmarks/ is on the path; the helpers are imported as a package.
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from benchmarks.machine import machine_info  # noqa: E402
from benchmarks.serving.infra import free_redis_db, fresh_database, server  # noqa: E402
from benchmarks.serving.load import LoadPlan, client_process, warm_live_sessions  # noqa: E402
from benchmarks.serving.probe import run_probes  # noqa: E402
from benchmarks.serving.profile import fold, start_recording, worker_pids  # noqa: E402
from benchmarks.serving.shop import load_shop  # noqa: E402
from benchmarks.serving.stats import percentile  # noqa: E402
from benchmarks.serving.synthetic import Catalogue, sku_of  # noqa: E402

RESULT = HERE / "results" / "recommend_serving.json"
TARGET_P99_MS = 20.0
WARM_REQUESTS = 400
SEQUENTIAL_REQUESTS = 300


def warm_up(plan: LoadPlan) -> dict[str, Any]:
    """Both workers serve some requests; then one client, one at a time, for the floor.

    The sequential figures are each request's own cost on an otherwise idle server (apart
    from whatever else the machine runs): the load figures add queueing to them.
    """
    headers = {"Authorization": f"Bearer {plan.public_key}"}
    for start in range(0, WARM_REQUESTS, 20):
        # A fresh connection now and then, so the kernel hands some to each worker.
        with httpx.Client(base_url=plan.base, headers=headers, timeout=30) as client:
            for n in range(start, start + 20):
                client.get("/v1/recommendations", params={"session_id": f"live-{n}"})
    floor: dict[str, Any] = {}
    targets: dict[str, Callable[[int], str]] = {
        "recommendations": lambda n: f"/v1/recommendations?session_id=live-{n}&k=10",
        "get_product": lambda n: f"/v1/products/{sku_of(n)}",
    }
    for name, target in targets.items():
        key = plan.public_key if name == "recommendations" else plan.secret_key
        headers = {"Authorization": f"Bearer {key}"}
        timings = []
        with httpx.Client(base_url=plan.base, headers=headers, timeout=30) as client:
            for n in range(SEQUENTIAL_REQUESTS):
                started = time.perf_counter()
                client.get(target(n)).raise_for_status()
                timings.append(time.perf_counter() - started)
        timings.sort()
        floor[f"{name}_p50_ms"] = round(percentile(timings, 50) * 1000, 2)
        floor[f"{name}_p99_ms"] = round(percentile(timings, 99) * 1000, 2)
    return floor


def run_load(plan: LoadPlan, catalogue: Catalogue, probes: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = context.Value("d", 0.0)
    go = context.Event()
    processes = [
        context.Process(target=client_process, args=(kind, plan, queue, start_at, go), name=kind)
        for kind in ("recommendations", "events")
    ]
    for process in processes:
        process.start()
    for _ in processes:
        queue.get(timeout=300)  # ("ready", kind)
    start_at.value = time.time() + 1.0
    go.set()
    plan = replace(plan, start_at=start_at.value)
    # Probes run a third of the way in, while both loads are at full rate.
    time.sleep(max(0.0, plan.start_at + plan.duration / 3 - time.time()))
    spacing = min(1.0, plan.duration / 3 / max(1, probes))
    freshness = run_probes(plan.base, plan.public_key, plan.secret_key, catalogue, probes, spacing)
    results: dict[str, Any] = {}
    for _ in processes:
        kind, summary = queue.get(timeout=plan.duration + 300)
        results[kind] = summary
    for process in processes:
        process.join(timeout=30)
    merged: dict[str, Any] = dict(results["recommendations"])
    merged["events"] = results["events"]
    merged["freshness"] = freshness
    return merged


def print_table(result: dict[str, Any]) -> None:
    columns = [
        ("recommendations", "GET /v1/recommendations"),
        ("baseline_get_product", "GET /v1/products/{sku}"),
        ("baseline_healthz", "GET /healthz"),
    ]
    rows = [
        ("requests", "requests"),
        ("achieved/s", "achieved_per_s"),
        ("errors", "errors"),
        ("p50 ms", "p50_ms"),
        ("p90 ms", "p90_ms"),
        ("p99 ms", "p99_ms"),
        ("max ms", "max_ms"),
        ("service p99 ms", "service_p99_ms"),
    ]
    print("| metric | " + " | ".join(title for _, title in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for label, key in rows:
        cells = [str(result.get(name, {}).get(key, "-")) for name, _ in columns]
        print(f"| {label} | " + " | ".join(cells) + " |")
    events = result.get("events", {})
    fresh = result.get("freshness", {})
    print()
    print(
        f"events: {events.get('events_accepted')} accepted, "
        f"{events.get('achieved_events_per_s')}/s, batch p99 {events.get('batch_p99_ms')} ms, "
        f"{events.get('batch_errors')} failed batches"
    )
    print(
        f"freshness: {fresh.get('changed')}/{fresh.get('probes')} probes changed after one view "
        f"({fresh.get('changed_on_first_ask')} on the first ask), event to changed answer "
        f"p50 {fresh.get('event_to_changed_answer_ms_p50')} ms"
    )
    print(
        f"p99 {result['recommendations'].get('p99_ms')} ms vs target {TARGET_P99_MS} ms; "
        f"ratio to GET product p50 {result.get('ratio_p50_to_get_product')}, "
        f"p99 {result.get('ratio_p99_to_get_product')}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--rate", type=float, default=200.0, help="recommendation requests/s")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--event-rate", type=float, default=500.0, help="events/s")
    parser.add_argument("--batch", type=int, default=50, help="events per POST /v1/events")
    parser.add_argument("--baseline-rate", type=float, default=10.0, help="per baseline kind")
    parser.add_argument("--sessions", type=int, default=100_000, help="history sessions")
    parser.add_argument("--products", type=int, default=5_000)
    parser.add_argument("--categories", type=int, default=50)
    parser.add_argument("--live-sessions", type=int, default=5_000)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--postgres-url", default=os.environ.get("SHOPKEEPER_TEST_POSTGRES_URL"))
    parser.add_argument("--sqlite", action="store_true", help="use a SQLite file instead")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--no-redis", action="store_true", help="in-process session store")
    parser.add_argument("--profile", action="store_true", help="py-spy one worker under load")
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args()
    if args.no_redis and args.workers > 1:
        parser.error("several workers only share live sessions through Redis")

    catalogue = Catalogue(products=args.products, categories=args.categories, seed=args.seed)
    result: dict[str, Any] = {"machine": machine_info()}
    result["command"] = "python benchmarks/recommend_serving.py " + shlex.join(sys.argv[1:])
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-serving-")))
        postgres = None if args.sqlite else args.postgres_url
        url = stack.enter_context(fresh_database(postgres, workdir))
        redis_url = None if args.no_redis else stack.enter_context(free_redis_db(args.redis_url))
        models = workdir / "models"
        print(f"loading {args.sessions:,} sessions into {url.split('://')[0]} ...", flush=True)
        shop = load_shop(url, models, redis_url, catalogue, args.sessions, args.seed)
        print(f"loaded {shop.counts} in {shop.seconds} s", flush=True)
        base, process = stack.enter_context(server(url, redis_url, args.workers, workdir, models))
        plan = LoadPlan(
            base=base,
            public_key=shop.public_key,
            secret_key=shop.secret_key,
            start_at=0.0,
            duration=args.duration,
            rate=args.rate,
            clients=args.clients,
            baseline_rate=args.baseline_rate,
            baseline_clients=5,
            event_rate=args.event_rate,
            batch_size=args.batch,
            live_sessions=args.live_sessions,
            products=args.products,
            categories=args.categories,
            seed=args.seed,
        )
        warmed = warm_live_sessions(plan, catalogue)
        result["sequential_one_client"] = warm_up(plan)
        print(
            f"load: {args.duration:.0f} s at {args.rate:.0f} req/s + {args.event_rate:.0f} "
            "events/s ...",
            flush=True,
        )
        before = os.getloadavg()[0]
        spy = None
        if args.profile:
            # Starts with the load (client processes need a few seconds to be ready).
            pid = worker_pids(process.pid)[0]
            spy = start_recording(pid, args.duration, workdir / "profile.txt")
        result.update(run_load(plan, catalogue, args.probes))
        if spy is not None:
            spy.wait(timeout=120)
            raw = (
                (workdir / "profile.txt").read_text() if (workdir / "profile.txt").exists() else ""
            )
            result["profile_one_worker"] = fold(raw)
        # Other work on a shared machine shows up in the tail; the load average tells.
        result["machine"]["load_average_1min_before"] = round(before, 2)
        result["machine"]["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    recs = result["recommendations"]
    product = result["baseline_get_product"]
    result["setup"] = {
        "database": "postgresql" if postgres else "sqlite",
        "session_store": "redis" if redis_url else "in-process",
        "workers": args.workers,
        **shop.counts,
        "live_sessions": args.live_sessions,
        "live_warmup_events": warmed,
        **{f"{step}_seconds": value for step, value in shop.seconds.items()},
    }
    result["load"] = {
        "duration_s": args.duration,
        "target_requests_per_s": args.rate,
        "clients": args.clients,
        "target_events_per_s": args.event_rate,
        "baseline_requests_per_s_each": args.baseline_rate,
    }
    recs["target_p99_ms"] = TARGET_P99_MS
    recs["meets_target"] = recs.get("p99_ms", 1e9) < TARGET_P99_MS and recs.get("errors") == 0
    if product.get("p50_ms"):
        result["ratio_p50_to_get_product"] = round(recs["p50_ms"] / product["p50_ms"], 2)
        result["ratio_p99_to_get_product"] = round(recs["p99_ms"] / product["p99_ms"], 2)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print_table(result)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
