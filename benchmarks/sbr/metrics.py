"""Accuracy and single-request latency of a session recommender on :class:`SbrData`.

P@20 is the share of samples whose target is among the 20 answers (the field calls it
precision although it is a hit rate, i.e. recall with one relevant item); MRR@20 averages
``1 / rank`` of the target, counting 0 when it is missing. Both are reported in percent, as
the papers do, so figures compare directly.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

import numpy as np
from benchmarks.sbr.datasets import SbrData

from shopkeeper.ai.recommend.ranking import Ranking
from shopkeeper.ai.recommend.sessions import SessionQuery


class SessionRecommender(Protocol):
    """Anything that answers a session with a ranking: registered models and baselines."""

    def predict(self, query: SessionQuery) -> Ranking: ...


def evaluate(
    model: SessionRecommender, data: SbrData, *, k: int = 20, limit: int | None = None
) -> dict[str, Any]:
    """Score a fitted ``model`` on the first ``limit`` test samples of ``data`` (all if None).

    Each sample is one ``predict`` call from this thread, timed alone with
    ``time.perf_counter`` so the latency is what one visitor would wait.

    Examples
    --------
    >>> from shopkeeper.ai.recommend.ranking import ScoredSku
    >>> from shopkeeper.ai.recommend.sessions import SessionLog
    >>> class Echo:
    ...     def predict(self, query):
    ...         return (ScoredSku("x", 1.0), ScoredSku(query.items[-1], 0.5))
    >>> data = SbrData(SessionLog(sessions=()), [("a",), ("b",)], ["a", "y"], "toy")
    >>> result = evaluate(Echo(), data)
    >>> result["p@20"], result["mrr@20"], result["samples"]
    (50.0, 25.0, 2)
    """
    count = data.n_test if limit is None else min(limit, data.n_test)
    if count == 0:
        raise ValueError(f"{data.name} has no test samples to evaluate on")
    hits = 0
    reciprocal = 0.0
    latencies = np.empty(count, dtype="float64")
    times = data.test_times
    for index in range(count):
        query = SessionQuery(
            items=data.test_prefixes[index],
            k=k,
            at=times[index] if times is not None else None,
        )
        started = time.perf_counter()
        ranking = model.predict(query)
        latencies[index] = time.perf_counter() - started
        target = data.test_targets[index]
        for rank, scored in enumerate(ranking[:k], start=1):
            if scored.sku == target:
                hits += 1
                reciprocal += 1.0 / rank
                break
    return {
        f"p@{k}": round(100.0 * hits / count, 2),
        f"mrr@{k}": round(100.0 * reciprocal / count, 2),
        "samples": count,
        "latency_mean_ms": round(float(latencies.mean()) * 1000, 3),
        "latency_p99_ms": round(float(np.percentile(latencies, 99)) * 1000, 3),
    }
