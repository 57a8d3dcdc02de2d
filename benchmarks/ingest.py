"""Ingestion throughput of ``POST /v1/events`` and latency of ``GET /v1/products/{sku}``.

For each database (a fresh SQLite file; a fresh PostgreSQL database created and dropped
here when a server URL is given) the script starts the real server as a subprocess
(``uvicorn --workers 2``), loads it from this process over 127.0.0.1 with a few
concurrent connections, and measures in the same run a baseline: the same number of rows
inserted by a plain SQLAlchemy ``executemany``, so the API overhead reads as a ratio.

Usage::

    python benchmarks/ingest.py [--postgres-url postgresql+psycopg://postgres@127.0.0.1/postgres]

Writes ``benchmarks/results/ingest.json`` and prints a table. Every load loop is bounded in
count and in time, and only talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, insert, select, text

from shopkeeper.core.config import Settings
from shopkeeper.data.database import make_engine, make_session_factory, transaction, upgrade
from shopkeeper.data.tables import EventRow
from shopkeeper.domain.access import KeyKind
from shopkeeper.domain.shops import ShopCreate
from shopkeeper.services.access import api_keys
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import create_shop, ensure_default_shop

# Run as a script, only benchmarks/ is on the path; shared helpers are imported as a package.
if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine_info

HERE = Path(__file__).resolve().parent
RESULT = HERE / "results" / "ingest.json"
TARGETS = {"sqlite": 2_000, "postgres": 5_000}
TYPES = ("view", "view", "view", "click", "add_to_cart", "search", "scroll")


def make_event(n: int, now: datetime) -> dict[str, Any]:
    kind = TYPES[n % len(TYPES)]
    event: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "session_id": f"s-{n % 5000}",
        "sku": f"SKU-{n % 1000:04d}",
        "occurred_at": (now - timedelta(seconds=n % 3600)).isoformat().replace("+00:00", "Z"),
        "dwell_ms": 1000 + n % 9000,
        "context": {"page_type": "product", "device": "mobile" if n % 2 else "desktop"},
    }
    if kind == "search":
        event["query"] = "red shoes"
    if kind == "add_to_cart":
        event["quantity"] = 1
    return event


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def fresh_database(kind: str, postgres_url: str | None, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    assert postgres_url
    name = f"shopkeeper_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str) -> tuple[str, str, int]:
    """Schema, default shop and keys; returns (publishable, secret, shop id)."""
    engine = make_engine(url)
    upgrade(engine)
    runtime = Runtime.from_settings(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    with transaction(make_session_factory(engine)) as session:
        shop = ensure_default_shop(session, ShopCreate(slug="default", name="Bench"), runtime.clock)
        create_shop(session, ShopCreate(slug="baseline", name="Baseline"), runtime.clock)
        public = api_keys.create_key(
            session, runtime.clock, shop_id=shop.id, name="b", kind=KeyKind.PUBLISHABLE
        )
        secret = api_keys.create_key(
            session, runtime.clock, shop_id=shop.id, name="b", kind=KeyKind.SECRET
        )
    engine.dispose()
    runtime.engine.dispose()
    return public.raw, secret.raw, shop.id


@contextmanager
def server(url: str, workers: int, workdir: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "SHOPKEEPER_DATABASE_URL": url,
        "SHOPKEEPER_MODEL_DIR": str(workdir / "models"),
        # The benchmark measures the ingestion path, not the storefront budget.
        "SHOPKEEPER_RATE_LIMIT_PER_MINUTE": "1000000000",
        "SHOPKEEPER_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "uvicorn", "shopkeeper.api.app:create_app", "--factory",
        "--workers", str(workers), "--host", "127.0.0.1", "--port", str(port),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not become ready within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def load_events(
    base: str, key: str, batches: int, batch_size: int, concurrency: int, max_s: float
) -> dict[str, Any]:
    now = datetime.now(UTC)
    # Bodies are encoded before the clock starts: the client must not be what is measured.
    bodies = [
        json.dumps({"events": [make_event(b * batch_size + i, now) for i in range(batch_size)]})
        for b in range(batches)
    ]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    lock = threading.Lock()
    accepted = [0]
    failures = [0]
    latencies: list[float] = []
    next_batch = iter(range(batches))
    deadline = time.perf_counter() + max_s

    def worker() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            while time.perf_counter() < deadline:
                with lock:
                    index = next(next_batch, None)
                if index is None:
                    return
                start = time.perf_counter()
                response = client.post("/v1/events", content=bodies[index])
                took = time.perf_counter() - start
                with lock:
                    latencies.append(took)
                    if response.status_code == 200:
                        accepted[0] += len(response.json()["accepted"])
                    else:
                        failures[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "events_accepted": accepted[0],
        "failed_requests": failures[0],
        "seconds": round(elapsed, 3),
        "events_per_s": round(accepted[0] / elapsed, 1),
        "batch_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
    }


def product_latency(base: str, secret: str, products: int, lookups: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for n in range(products):
            body = {"sku": f"SKU-{n:04d}", "title": f"Product {n}", "price": "19.90"}
            response = client.post("/v1/products", json=body)
            if response.status_code != 201:
                raise RuntimeError(f"seeding failed: {response.status_code} {response.text}")
        for n in range(50):  # warm the connection pools of both workers
            client.get(f"/v1/products/SKU-{n:04d}")
        timings = []
        for n in range(lookups):
            start = time.perf_counter()
            response = client.get(f"/v1/products/SKU-{(n * 7919) % products:04d}")
            timings.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"lookup failed: {response.status_code}")
    timings.sort()
    return {
        "requests": lookups,
        "p50_ms": round(timings[len(timings) // 2] * 1000, 2),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1] * 1000, 2),
    }


def baseline_insert(url: str, rows: int, batch_size: int) -> dict[str, Any]:
    """The same rows through a plain SQLAlchemy executemany: the floor the API adds to."""
    engine = make_engine(url)
    with engine.connect() as connection:
        shop_id = connection.scalar(text("SELECT id FROM shops WHERE slug = 'baseline'"))
    now = datetime.now(UTC)
    batches = []
    for b in range(rows // batch_size):
        batch = []
        for i in range(batch_size):
            e = make_event(b * batch_size + i, now)
            batch.append(
                {
                    "shop_id": shop_id,
                    "event_id": e["event_id"],
                    "type": e["type"],
                    "session_id": e["session_id"],
                    "sku": e["sku"],
                    "occurred_at": now,
                    "received_at": now,
                    "dwell_ms": e["dwell_ms"],
                    "query": e.get("query"),
                    "quantity": e.get("quantity"),
                    "context": e["context"],
                }
            )
        batches.append(batch)
    started = time.perf_counter()
    for batch in batches:
        with engine.begin() as connection:
            connection.execute(insert(EventRow), batch)
    elapsed = time.perf_counter() - started
    engine.dispose()
    inserted = len(batches) * batch_size
    return {"rows": inserted, "seconds": round(elapsed, 3), "rows_per_s": round(inserted / elapsed)}


def stored_events(url: str, shop_id: int) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(
            select(func.count(EventRow.id)).where(EventRow.shop_id == shop_id)
        )
    engine.dispose()
    return int(count or 0)


def run_backend(kind: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with fresh_database(kind, args.postgres_url, workdir) as url:
        public, secret, shop_id = prepare(url)
        with server(url, args.workers, workdir) as base:
            load_events(base, public, 4, args.batch, 2, 30)  # warm-up, not counted
            warm = stored_events(url, shop_id)
            ingest = load_events(
                base, public, args.batches, args.batch, args.concurrency, args.max_seconds
            )
            ingest["events_stored"] = stored_events(url, shop_id) - warm
            latency = product_latency(base, secret, args.products, args.lookups)
        baseline = baseline_insert(url, ingest["events_stored"] or args.batch, args.batch)
    ingest["batch_size"] = args.batch
    ingest["concurrency"] = args.concurrency
    ingest["workers"] = args.workers
    ingest["target_events_per_s"] = TARGETS[kind]
    ingest["baseline_executemany_rows_per_s"] = baseline["rows_per_s"]
    ingest["api_vs_baseline_ratio"] = round(ingest["events_per_s"] / baseline["rows_per_s"], 3)
    ingest["get_product"] = latency
    return ingest


def print_table(results: dict[str, Any]) -> None:
    header = f"{'backend':<10} {'events/s':>10} {'target':>8} {'baseline rows/s':>16} "
    header += f"{'ratio':>6} {'GET p50 ms':>11} {'GET p99 ms':>11}"
    print(header)
    for kind in ("sqlite", "postgres"):
        r = results.get(kind)
        if not isinstance(r, dict) or "events_per_s" not in r:
            print(f"{kind:<10} skipped: {r.get('skipped') if isinstance(r, dict) else ''}")
            continue
        print(
            f"{kind:<10} {r['events_per_s']:>10,.0f} {r['target_events_per_s']:>8,} "
            f"{r['baseline_executemany_rows_per_s']:>16,} {r['api_vs_baseline_ratio']:>6.2f} "
            f"{r['get_product']['p50_ms']:>11.2f} {r['get_product']['p99_ms']:>11.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default=os.environ.get("SHOPKEEPER_TEST_POSTGRES_URL"))
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--batches", type=int, default=200, help="at most this many batches")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="and at most this long")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()

    results: dict[str, Any] = {"machine": machine_info()}
    results["command"] = "python benchmarks/ingest.py " + " ".join(sys.argv[1:])
    for kind in ("sqlite", "postgres"):
        if args.only and kind != args.only:
            continue
        if kind == "postgres" and not args.postgres_url:
            results[kind] = {"skipped": "no --postgres-url / SHOPKEEPER_TEST_POSTGRES_URL"}
            continue
        with tempfile.TemporaryDirectory(prefix=f"bench-{kind}-") as tmp:
            results[kind] = run_backend(kind, args, Path(tmp))
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    print(f"wrote {RESULT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
