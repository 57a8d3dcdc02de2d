"""Open-loop schedules and latency summaries: the pure parts of the load generator.

Open loop means every request has a send time fixed before the run starts. A slow answer
does not delay the schedule, so latency is measured from the *scheduled* time: a request
that had to wait for its client to be free is charged for the wait (no coordinated omission).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def client_schedule(rate: float, clients: int, duration: float, client: int) -> list[float]:
    """Send times (seconds from the start) of one of ``clients`` sharing ``rate`` requests/s.

    Each client sends every ``clients / rate`` seconds; clients are staggered by ``1 / rate``
    so together they send evenly, not in bursts.

    Examples
    --------
    >>> client_schedule(4.0, 2, 1.0, 0)
    [0.0, 0.5]
    >>> client_schedule(4.0, 2, 1.0, 1)
    [0.25, 0.75]
    """
    if rate <= 0 or clients <= 0 or duration <= 0:
        return []
    period = clients / rate
    first = client / rate
    count = max(0, math.ceil((duration - first) / period - 1e-9))
    return [round(first + i * period, 9) for i in range(count)]


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (``q`` in [0, 100]).

    Examples
    --------
    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.0
    >>> percentile([1.0, 2.0, 3.0, 4.0], 99)
    4.0
    """
    if not ordered:
        raise ValueError("no values")
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True, slots=True)
class Sample:
    """One request: when it was due, sent and answered (seconds), and its HTTP status.

    Status 0 is a transport failure or timeout; a negative status a request never sent
    because the run had to stop.
    """

    due: float
    sent: float
    done: float
    status: int


def summarize(samples: Sequence[Sample], seconds: float) -> dict[str, float | int]:
    """Latency from the due time (p50/p90/p99/max), service time, rate and errors.

    Any status but 200 is an error; errors still count in the latency figures, since a
    visitor waited for them too.

    Examples
    --------
    >>> s = [Sample(0.0, 0.0, 0.002, 200), Sample(0.1, 0.101, 0.104, 500)]
    >>> r = summarize(s, 1.0)
    >>> r["requests"], r["errors"], r["p50_ms"], r["max_ms"], r["service_max_ms"]
    (2, 1, 2.0, 4.0, 3.0)
    """
    if not samples:
        return {"requests": 0, "errors": 0}
    answered = sum(1 for s in samples if s.status >= 0)
    # A run that fell behind took longer than planned: its rate is over the real span.
    span = max(s.done for s in samples) - min(s.due for s in samples)
    latency = sorted(s.done - s.due for s in samples)
    # Service time and send lag only mean something for requests that went out.
    sent = [s for s in samples if s.status >= 0] or list(samples)
    service = sorted(s.done - s.sent for s in sent)
    lag = sorted(max(0.0, s.sent - s.due) for s in sent)

    def ms(value: float) -> float:
        return round(value * 1000, 2)

    return {
        "requests": len(samples),
        "errors": sum(1 for s in samples if s.status != 200),
        "not_sent": sum(1 for s in samples if s.status < 0),
        "achieved_per_s": round(answered / max(seconds, span), 1),
        "p50_ms": ms(percentile(latency, 50)),
        "p90_ms": ms(percentile(latency, 90)),
        "p99_ms": ms(percentile(latency, 99)),
        "max_ms": ms(latency[-1]),
        "service_p50_ms": ms(percentile(service, 50)),
        "service_p99_ms": ms(percentile(service, 99)),
        "service_max_ms": ms(service[-1]),
        "send_lag_p99_ms": ms(percentile(lag, 99)),
    }
