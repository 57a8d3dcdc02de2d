"""Spike detection for preventive restock: right day, no false alarms, guards and bad input."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.inventory.spikes import SearchSpikeDetector
from shopkeeper.core.errors import ErrorCode, InvalidInputError

START = date(2025, 1, 1)


def frame(counts: np.ndarray, key: str = "parapluie", start: date = START) -> pd.DataFrame:
    days = pd.date_range(start, periods=len(counts), freq="D")
    return pd.DataFrame({"key": key, "day": days, "count": np.asarray(counts, dtype=float)})


def with_spike(
    base: float, n_days: int, at: int, peak: float, length: int, seed: int
) -> np.ndarray:
    """Poisson counts around ``base`` with a triangular rise to ``peak``× starting at ``at``."""
    rng = np.random.default_rng(seed)
    level = np.full(n_days, float(base))
    shape = 1 - np.abs(np.linspace(-1, 1, length + 2)[1:-1])
    level[at : at + length] *= 1 + (peak - 1) * shape
    return rng.poisson(level).astype(float)


@pytest.mark.parametrize("seed", range(5))
def test_planted_spike_is_found_within_two_days_of_its_start(seed: int) -> None:
    counts = with_spike(base=50, n_days=150, at=100, peak=3.0, length=10, seed=seed)
    alerts = SearchSpikeDetector().detect(frame(counts))
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.key == "parapluie"
    assert START + timedelta(days=100) <= alert.detected_on <= START + timedelta(days=102)
    assert alert.since <= alert.detected_on
    assert alert.ratio >= 1.5
    assert alert.uplift > 1.0
    assert alert.count == counts[(alert.detected_on - START).days]
    assert "'parapluie'" in alert.explanation.summary
    assert f"{alert.ratio:.1f}×" in alert.explanation.summary
    assert {f.name for f in alert.explanation.factors} >= {"ratio_to_usual", "planned_uplift"}


@pytest.mark.parametrize("seed", range(5))
def test_flat_poisson_and_overdispersed_series_give_no_alert(seed: int) -> None:
    rng = np.random.default_rng(seed)
    poisson = rng.poisson(40, 400).astype(float)
    # Negative binomial with the same mean and twice the variance: noisier than Poisson.
    overdispersed = rng.negative_binomial(40, 0.5, 400).astype(float)
    counts = pd.concat([frame(poisson, "a"), frame(overdispersed, "b")])
    assert SearchSpikeDetector().detect(counts) == ()


def test_low_counts_do_not_trigger_however_large_the_ratio() -> None:
    counts = np.full(60, 1.0)
    counts[45:48] = [8.0, 9.0, 8.0]  # eight times the usual level, but a handful of searches
    assert SearchSpikeDetector().detect(frame(counts)) == ()
    # Even with a laxer surprise threshold, the volume floor is what holds it back:
    # lowered, the same series alerts.
    assert SearchSpikeDetector(min_z=4.0).detect(frame(counts)) == ()
    [alert] = SearchSpikeDetector(min_z=4.0, min_count=5).detect(frame(counts))
    assert alert.detected_on == START + timedelta(days=45)


def test_one_spike_is_one_alert_and_the_cooldown_sets_how_often_it_repeats() -> None:
    counts = np.full(120, 40.0)
    counts[60:80] = 120.0  # a surge that lasts 20 days

    # A 56-day window keeps the usual level at 40 all through the surge: every surge day
    # qualifies, and only the cooldown stops them from all alerting.
    def alert_days(cooldown: int) -> list[int]:
        detector = SearchSpikeDetector(window_days=56, cooldown_days=cooldown)
        return [(a.detected_on - START).days for a in detector.detect(frame(counts))]

    assert alert_days(21) == [60]
    assert alert_days(5) == [60, 65, 70, 75]
    assert alert_days(0) == list(range(60, 80))


def test_each_key_is_judged_on_its_own_history() -> None:
    quiet = np.full(80, 30.0)
    spiking = np.full(80, 30.0)
    spiking[50:55] = 100.0
    counts = pd.concat([frame(quiet, "gants"), frame(spiking, "bonnets")])
    alerts = SearchSpikeDetector().detect(counts)
    assert [(a.key, a.detected_on) for a in alerts] == [("bonnets", START + timedelta(days=50))]


def test_a_yearly_rush_seen_last_year_is_not_a_spike_with_seasonal_scaling() -> None:
    # Every year searches double for the whole of August (back to school), then fall back.
    days = pd.date_range("2024-01-01", "2025-12-31", freq="D")
    counts = np.where(days.month == 8, 80.0, 40.0)
    data = pd.DataFrame({"key": "cartables", "day": days, "count": counts})
    plain = SearchSpikeDetector(season_days=None).detect(data)
    seasonal = SearchSpikeDetector().detect(data)
    assert [a.detected_on.year for a in plain] == [2024, 2025]
    # The first August has no year behind it; the second is expected.
    assert [a.detected_on for a in seasonal] == [date(2024, 8, 1)]


def test_multipliers_cover_the_duration_from_the_detection_day() -> None:
    counts = np.full(60, 40.0)
    counts[40:45] = 120.0
    [alert] = SearchSpikeDetector(uplift_days=7).detect(frame(counts))
    days = pd.date_range(START, periods=80, freq="D")
    multipliers = alert.multipliers(days)
    boosted = np.flatnonzero(multipliers > 1)
    assert len(boosted) == 7
    assert boosted[0] == 40
    assert np.allclose(multipliers[boosted], alert.uplift)
    assert alert.until == START + timedelta(days=46)
    assert alert.as_dict()["explanation"]["summary"] == alert.explanation.summary


def test_uplift_is_capped() -> None:
    counts = np.full(60, 20.0)
    counts[40] = 2000.0
    [alert] = SearchSpikeDetector(demand_pass_through=1.0, max_uplift=2.5).detect(frame(counts))
    assert alert.ratio > 50
    assert alert.uplift == 2.5


def test_timezone_aware_days_and_missing_days() -> None:
    counts = np.full(60, 40.0)
    counts[50] = 150.0
    data = frame(counts)
    data["day"] = data["day"].dt.tz_localize("UTC")
    data = data.drop(index=[10, 11])  # days without a row inside the span count as zero
    [alert] = SearchSpikeDetector().detect(data)
    assert alert.detected_on == START + timedelta(days=50)


def test_a_key_needs_a_full_window_of_history() -> None:
    counts = np.full(20, 40.0)
    counts[15] = 200.0
    assert SearchSpikeDetector(window_days=28).detect(frame(counts)) == ()


@pytest.mark.parametrize(
    "data",
    [
        pd.DataFrame({"key": [], "day": [], "count": []}),
        frame(np.array([3.0, -1.0, 4.0])),
        frame(np.array([3.0, np.nan, 4.0])),
        frame(np.array([3.0, 2.0])).drop(columns="count"),
        pd.DataFrame({"key": ["a"], "day": ["not a day"], "count": [1.0]}),
    ],
    ids=["empty", "negative", "nan", "no_count_column", "bad_day"],
)
def test_bad_input_is_refused(data: pd.DataFrame) -> None:
    with pytest.raises(InvalidInputError) as info:
        SearchSpikeDetector().detect(data)
    assert info.value.code == ErrorCode.INVALID_INPUT


def test_bad_hyperparameters_are_refused_at_detection() -> None:
    data = frame(np.full(40, 10.0))
    for params in ({"window_days": 2}, {"min_ratio": 1.0}, {"confirm_days": 0}):
        with pytest.raises(InvalidInputError):
            SearchSpikeDetector(**params).detect(data)
