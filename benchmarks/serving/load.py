"""The load: recommendation requests and an event stream, each in its own client process.

Both run open loop on an agreed wall-clock start. The recommendation process also sends the
baseline requests (``GET /v1/products/{sku}`` and ``GET /healthz``) under the same load, so
the ratio between them does not depend on how busy the machine is.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
import httpx
import numpy as np
from benchmarks.serving.stats import Sample, client_schedule, summarize
from benchmarks.serving.synthetic import Catalogue, sku_of

WARM_STEPS = 3
TIMEOUT_S = 10.0
GRACE_S = 30.0
NOT_SENT = -1
COLD_SHARE = 0.1
PRODUCT_PAGE_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """Everything a client process needs (picklable: it crosses a process boundary)."""

    base: str
    public_key: str
    secret_key: str
    start_at: float  # wall clock (time.time()), shared by every process
    duration: float
    rate: float
    clients: int
    baseline_rate: float
    baseline_clients: int
    event_rate: float
    batch_size: int
    live_sessions: int
    products: int
    categories: int
    seed: int


def live_session_id(n: int) -> str:
    return f"live-{n}"


def live_histories(catalogue: Catalogue, count: int, seed: int) -> list[list[int]]:
    """The first views of each live session, as the warm-up posts them."""
    rng = np.random.default_rng(seed + 7)
    return [catalogue.session(rng, WARM_STEPS) for _ in range(count)]


def view_event(session_id: str, product: int, kind: str = "view") -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "session_id": session_id,
        "sku": sku_of(product),
        "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "dwell_ms": 4000,
        "context": {"page_type": "product", "device": "mobile"},
    }
    if kind == "add_to_cart":
        event["quantity"] = 1
    return event


def warm_live_sessions(plan: LoadPlan, catalogue: Catalogue) -> int:
    """Post the first views of every live session (before the clock starts)."""
    events = [
        view_event(live_session_id(n), p)
        for n, visit in enumerate(live_histories(catalogue, plan.live_sessions, plan.seed))
        for p in visit
    ]
    headers = {"Authorization": f"Bearer {plan.secret_key}"}
    with httpx.Client(base_url=plan.base, headers=headers, timeout=60) as client:
        for start in range(0, len(events), 500):
            response = client.post("/v1/events", json={"events": events[start : start + 500]})
            response.raise_for_status()
    return len(events)


def _start_offset(plan: LoadPlan) -> float:
    """The plan's wall-clock start on ``time.perf_counter``.

    Not ``loop.time()``: uvloop's clock ticks in whole milliseconds and is cached per loop
    iteration, too coarse for single-digit millisecond latencies.
    """
    return time.perf_counter() + (plan.start_at - time.time())


async def _get(client: aiohttp.ClientSession, path: str) -> None:
    async with client.get(path) as response:
        await response.read()


async def _paced(
    client: aiohttp.ClientSession,
    times: list[float],
    start: float,
    target: Callable[[int], str],
    out: list[Sample],
) -> None:
    clock = time.perf_counter
    give_up = start + times[-1] + GRACE_S if times else start
    for i, offset in enumerate(times):
        due = start + offset
        if clock() > give_up:
            # An overloaded server would keep the run going for ever: what is left unsent
            # counts as failed, charged with the time it had waited so far (a lower bound).
            now = clock()
            out.extend(Sample(start + t, now, now, NOT_SENT) for t in times[i:])
            return
        delay = due - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        sent = clock()
        try:
            async with client.get(target(i)) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        out.append(Sample(due=due, sent=sent, done=clock(), status=status))


async def _recommendations(plan: LoadPlan, ready: Callable[[], float]) -> dict[str, Any]:
    rng = np.random.default_rng(plan.seed + 11)
    catalogue = Catalogue(products=plan.products, categories=plan.categories, seed=plan.seed)
    recs: list[Sample] = []
    product: list[Sample] = []
    health: list[Sample] = []

    def rec_url(_: int) -> str:
        roll = rng.random()
        if roll < COLD_SHARE:  # a visitor whose first request this is
            return f"/v1/recommendations?session_id=cold-{uuid.uuid4().hex[:12]}&k=10"
        session = live_session_id(int(rng.integers(plan.live_sessions)))
        if roll < COLD_SHARE + PRODUCT_PAGE_SHARE:
            sku = sku_of(catalogue.draw(float(rng.random())))
            return f"/v1/recommendations?session_id={session}&placement=product&sku={sku}&k=10"
        return f"/v1/recommendations?session_id={session}&k=10"

    def product_url(_: int) -> str:
        return f"/v1/products/{sku_of(int(rng.integers(plan.products)))}"

    streams = [
        (plan.rate, plan.clients, plan.public_key, rec_url, recs),
        (plan.baseline_rate, plan.baseline_clients, plan.secret_key, product_url, product),
        (plan.baseline_rate, plan.baseline_clients, plan.secret_key, lambda _: "/healthz", health),
    ]
    visitors = []
    for rate, count, key, target, out in streams:
        for c in range(count):
            # One connection per simulated visitor, kept alive as a browser would.
            client = aiohttp.ClientSession(
                base_url=plan.base,
                headers={"Authorization": f"Bearer {key}"},
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
                connector=aiohttp.TCPConnector(limit=1),
            )
            visitors.append((client, client_schedule(rate, count, plan.duration, c), target, out))
    clients = [client for client, *_ in visitors]
    # Every connection is open before the process says it is ready, as a browser's would
    # be mid-visit: otherwise the first second measures sixty handshakes, not the server.
    await asyncio.gather(*(_get(client, "/healthz") for client in clients))
    start = _start_offset(replace(plan, start_at=ready()))
    await asyncio.gather(*(_paced(c, times, start, t, out) for c, times, t, out in visitors))
    for client in clients:
        await client.close()
    return {
        "recommendations": summarize(recs, plan.duration),
        "baseline_get_product": summarize(product, plan.duration),
        "baseline_healthz": summarize(health, plan.duration),
    }


async def _events(plan: LoadPlan, ready: Callable[[], float]) -> dict[str, Any]:
    rng = np.random.default_rng(plan.seed + 13)
    catalogue = Catalogue(products=plan.products, categories=plan.categories, seed=plan.seed)
    last = [visit[-1] for visit in live_histories(catalogue, plan.live_sessions, plan.seed)]
    batch_rate = plan.event_rate / plan.batch_size
    times = client_schedule(batch_rate, 1, plan.duration, 0)
    samples: list[Sample] = []
    accepted = [0]
    clock = time.perf_counter

    def batch() -> bytes:
        events = []
        for _ in range(plan.batch_size):
            n = int(rng.integers(plan.live_sessions))
            last[n] = catalogue.next_product(last[n], rng)
            roll = rng.random()
            kind = "view" if roll < 0.8 else ("click" if roll < 0.9 else "add_to_cart")
            events.append(view_event(live_session_id(n), last[n], kind))
        return json.dumps({"events": events}).encode()

    async def post(client: aiohttp.ClientSession, due: float, body: bytes) -> None:
        sent = clock()
        try:
            async with client.post("/v1/events", data=body) as response:
                status = response.status
                if status == 200:
                    accepted[0] += len((await response.json())["accepted"])
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        samples.append(Sample(due=due, sent=sent, done=clock(), status=status))

    headers = {"Authorization": f"Bearer {plan.secret_key}", "Content-Type": "application/json"}
    pending = []
    async with aiohttp.ClientSession(
        base_url=plan.base,
        headers=headers,
        timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
        connector=aiohttp.TCPConnector(limit=8),
    ) as client:
        await _get(client, "/healthz")  # the first connection opened before the clock starts
        start = _start_offset(replace(plan, start_at=ready()))
        for offset in times:
            body = batch()  # built just before its time, so occurred_at is current
            due = start + offset
            delay = due - clock()
            if delay > 0:
                await asyncio.sleep(delay)
            # Open loop: a slow batch does not hold back the next one.
            pending.append(asyncio.ensure_future(post(client, due, body)))
        await asyncio.gather(*pending)
    summary = summarize(samples, plan.duration)
    return {
        "events_sent": len(times) * plan.batch_size,
        "events_accepted": accepted[0],
        "achieved_events_per_s": round(accepted[0] / plan.duration, 1),
        "batch_size": plan.batch_size,
        "batches": summary["requests"],
        "batch_errors": summary["errors"],
        "batch_p50_ms": summary.get("p50_ms", 0.0),
        "batch_p99_ms": summary.get("p99_ms", 0.0),
    }


def _run(kind: str, plan: LoadPlan, ready: Callable[[], float]) -> dict[str, Any]:
    work = _recommendations if kind == "recommendations" else _events
    try:
        import uvloop
    except ImportError:  # the plain loop works, only with more client overhead
        return asyncio.run(work(plan, ready))
    result: dict[str, Any] = uvloop.run(work(plan, ready))
    return result


def client_process(kind: str, plan: LoadPlan, results: Any, start_at: Any, go: Any) -> None:
    """Entry point of a client process: runs one load and puts ``(kind, summary)``.

    It opens its connections, says ``ready``, then waits for ``go``: the parent fixes the
    common start time only when every client can keep it.
    """

    def ready() -> float:
        # Blocks the client's event loop, which has nothing else to do until the start.
        results.put(("ready", kind))
        go.wait(timeout=600)
        return float(start_at.value)

    try:
        results.put((kind, _run(kind, plan, ready)))
    except Exception as exc:  # report instead of hanging the parent on an empty queue
        results.put((kind, {"failed": f"{exc.__class__.__name__}: {exc}"}))
