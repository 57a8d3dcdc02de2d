"""The serving benchmark's pure parts: open-loop schedules, statistics, synthetic shop, profile."""

from __future__ import annotations

import doctest
from collections import Counter
from itertools import pairwise
from types import ModuleType

import numpy as np
import pytest
from benchmarks.serving import load, profile, stats, synthetic
from benchmarks.serving.stats import Sample, client_schedule, percentile, summarize
from benchmarks.serving.synthetic import Catalogue


@pytest.mark.parametrize("module", [stats, synthetic, profile])
def test_doctests(module: ModuleType) -> None:
    assert doctest.testmod(module).failed == 0


def test_clients_together_send_the_rate_evenly() -> None:
    rate, clients, duration = 200.0, 50, 3.0
    times = sorted(t for c in range(clients) for t in client_schedule(rate, clients, duration, c))
    assert len(times) == 600
    gaps = np.diff(times)
    assert gaps == pytest.approx(np.full(len(gaps), 1 / rate))
    assert times[-1] < duration


def test_schedule_of_nothing_is_empty() -> None:
    assert client_schedule(0.0, 5, 10.0, 0) == []
    assert client_schedule(10.0, 5, 0.0, 0) == []


def test_latency_counts_from_the_due_time_not_the_send_time() -> None:
    # The second request waited 50 ms for its client to be free: that wait is latency.
    samples = [Sample(0.0, 0.0, 0.010, 200), Sample(0.0, 0.050, 0.060, 200)]
    result = summarize(samples, 1.0)
    assert result["max_ms"] == 60.0
    assert result["service_max_ms"] == 10.0
    assert result["send_lag_p99_ms"] == 50.0


def test_every_non_200_is_an_error() -> None:
    samples = [Sample(0, 0, 0.001, status) for status in (200, 201, 429, 500, 0)]
    assert summarize(samples, 1.0)["errors"] == 4


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_catalogue_is_reproducible_and_skewed() -> None:
    shop = Catalogue(products=2000, categories=20, seed=3)
    first = shop.sessions(3000, seed=1)
    assert first == Catalogue(products=2000, categories=20, seed=3).sessions(3000, seed=1)
    views = Counter(p for visit in first for p in visit)
    top_share = sum(n for _, n in views.most_common(20)) / sum(views.values())
    assert top_share > 0.15  # 1% of the products draw far more than 1% of the views


def test_sessions_mostly_stay_in_a_category_and_never_repeat_a_step() -> None:
    shop = Catalogue(products=1000, categories=10, seed=0)
    same = steps = 0
    for visit in shop.sessions(2000, seed=2):
        assert 1 <= len(visit) <= synthetic.MAX_STEPS
        for a, b in pairwise(visit):
            assert a != b
            steps += 1
            same += shop.category[a] == shop.category[b]
    # A random walk would stay in one of 10 categories a tenth of the time.
    assert same / steps > 0.4
    lengths = [len(v) for v in shop.sessions(2000, seed=4)]
    assert 0.1 < lengths.count(1) / len(lengths) < 0.3


def test_live_sessions_are_the_same_in_every_process() -> None:
    shop = Catalogue(products=500, categories=5, seed=0)
    assert load.live_histories(shop, 50, seed=0) == load.live_histories(shop, 50, seed=0)
    assert all(len(v) == load.WARM_STEPS for v in load.live_histories(shop, 50, seed=0))


def test_view_events_pass_the_api_schema() -> None:
    from shopkeeper.domain.events import EventIn

    for kind in ("view", "click", "add_to_cart"):
        event = EventIn.model_validate(load.view_event("s-1", 7, kind))
        assert event.sku == "P-00007"


def test_profile_folds_inclusive_shares_per_function() -> None:
    raw = "\n".join(
        [
            "run (uvicorn/main.py:1);recommend_for (src/shopkeeper/services/recommend.py:9) 6",
            "run (uvicorn/main.py:1);get (site-packages/redis/client.py:4) 4",
            "garbage line",
        ]
    )
    folded = profile.fold(raw)
    assert folded["samples"] == 10
    assert folded["shopkeeper_inclusive_pct"] == {
        "recommend_for (shopkeeper/services/recommend.py)": 60.0
    }
    assert folded["package_inclusive_pct"]["uvicorn"] == 100.0
    assert profile.fold("")["samples"] == 0


def test_a_run_that_fell_behind_reports_its_real_rate_and_what_it_never_sent() -> None:
    samples = [Sample(float(i), float(i), float(i) + 3.0, 200) for i in range(20)]
    samples.append(Sample(20.0, 40.0, 40.0, -1))
    result = summarize(samples, 20.0)
    assert result["not_sent"] == 1
    assert result["errors"] == 1
    assert result["achieved_per_s"] == 0.5  # 20 answered over the 40 s the run really took
    assert result["service_max_ms"] == 3000.0  # the unsent request has no service time
