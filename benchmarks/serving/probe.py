"""Freshness probes: does one event change the very next recommendation response?

A probe session views two products of one category, asks for recommendations, views a
product of another category, and asks again on a new connection (so the second answer may
come from the other worker: only the shared session store can make it fresh).
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

import httpx
import numpy as np
from benchmarks.serving.load import view_event
from benchmarks.serving.shop import title_of
from benchmarks.serving.synthetic import Catalogue, sku_of

POLL_FOR_S = 2.0


def _ask(base: str, key: str, session_id: str) -> list[dict[str, Any]]:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=10) as c:
        response = c.get("/v1/recommendations", params={"session_id": session_id, "k": 10})
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["items"]
        return items


def _post(base: str, key: str, events: list[dict[str, Any]]) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=10) as c:
        c.post("/v1/events", json={"events": events}).raise_for_status()


def one_probe(
    base: str, public: str, secret: str, catalogue: Catalogue, rng: np.random.Generator
) -> dict[str, Any]:
    """One ask / view / ask cycle; what changed and how long after the event it showed."""
    session = f"probe-{uuid.uuid4().hex[:12]}"
    first = catalogue.draw(float(rng.random()))
    second = catalogue.next_product(first, rng)
    _post(base, secret, [view_event(session, first), view_event(session, second)])
    before = [item["sku"] for item in _ask(base, public, session)]
    seen = {sku_of(first), sku_of(second), *before}
    new = catalogue.draw(float(rng.random()))
    while sku_of(new) in seen or catalogue.category[new] == catalogue.category[first]:
        new = catalogue.draw(float(rng.random()))
    posted = time.perf_counter()
    _post(base, secret, [view_event(session, new)])
    acknowledged = time.perf_counter()
    deadline = acknowledged + POLL_FOR_S
    asks = 0
    while True:
        asks += 1
        items = _ask(base, public, session)
        answered = time.perf_counter()
        after = [item["sku"] for item in items]
        if after != before or answered > deadline:
            break
    title = title_of(catalogue, new)
    return {
        "changed": after != before,
        "asks_after_event": asks,
        "event_to_answer_ms": round((answered - posted) * 1000, 1),
        "ack_to_answer_ms": round((answered - acknowledged) * 1000, 1),
        "items_replaced": len(set(before) - set(after)),
        "reasons_citing_new_view": sum(1 for i in items if title in (i.get("reason") or "")),
        "before": before,
        "after": after,
        "new_view": sku_of(new),
    }


def run_probes(
    base: str, public: str, secret: str, catalogue: Catalogue, count: int, spacing_s: float
) -> dict[str, Any]:
    """``count`` probes, ``spacing_s`` apart; a summary plus the first probe in full."""
    rng = np.random.default_rng(4242)
    probes = []
    for _ in range(count):
        probes.append(one_probe(base, public, secret, catalogue, rng))
        time.sleep(spacing_s)
    delays = [p["event_to_answer_ms"] for p in probes]
    return {
        "probes": count,
        "changed": sum(p["changed"] for p in probes),
        "items_replaced_mean": round(statistics.mean(p["items_replaced"] for p in probes), 1),
        "probes_with_reason_citing_new_view": sum(
            1 for p in probes if p["reasons_citing_new_view"]
        ),
        "changed_on_first_ask": sum(
            1 for p in probes if p["changed"] and p["asks_after_event"] == 1
        ),
        "event_to_changed_answer_ms_p50": round(statistics.median(delays), 1),
        "event_to_changed_answer_ms_max": max(delays),
        "example": {k: probes[0][k] for k in ("new_view", "before", "after")},
    }
