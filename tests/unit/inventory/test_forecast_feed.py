"""Forecasts in a simulation: products launched in the history or between two refits."""

from __future__ import annotations

import numpy as np

from shopkeeper.ai.inventory.forecast_feed import DailyLocalFeed, RefitFeed, local_forecast
from shopkeeper.ai.inventory.forecast_policy import DemandForecast, ForecastPolicy
from shopkeeper.ai.inventory.simulator import InventorySetup, simulate


def test_a_recent_launch_is_forecast_from_its_first_sale_not_from_before() -> None:
    history = np.zeros((120, 2))
    history[:, 0] = 5.0
    history[100:, 1] = 3.0  # launched 20 days ago, three a day since
    forecast = local_forecast(history, horizon=7)
    assert np.allclose(forecast.mean[0], 5.0, atol=0.5)
    # Counting the 100 days before the launch as zero sales would forecast 0.5 a day.
    assert np.allclose(forecast.mean[1], 3.0, atol=0.5)


def test_a_product_launched_between_refits_is_ordered_when_it_first_sells() -> None:
    days, start, launch = 150, 30, 70
    demand = np.full((days, 2), 4.0)
    demand[:launch, 1] = 0.0
    setup = InventorySetup(
        demand=demand,
        unit_cost=np.array([10.0, 10.0]),
        lead_time=np.array([5, 5]),
        supplier=np.array([0, 1]),
        start=start,
        warmup_days=10,
        scored_days=days - start - 10,
        initial_on_hand=np.array([80.0, 0.0]),
    )
    fits: list[int] = []

    def fit(history: np.ndarray) -> DemandForecast:
        fits.append(history.shape[1])
        rate = history[-7:].mean(axis=0)
        return DemandForecast(np.repeat(rate[:, None], 80, axis=1))

    # Refits on days 30, 58, 86, ...: the launch on day 70 falls between two of them.
    result = simulate(setup, ForecastPolicy(RefitFeed(fit, every=28)))
    ordered = np.flatnonzero(result.orders[:, 1]) + start
    assert ordered[0] == launch
    assert 1 in fits  # the launched product alone was fitted on its launch day
    # Once its first delivery is in, it does not run out again.
    assert result.lost[launch + 6 - start :, 1].sum() == 0


def test_the_daily_feed_follows_a_jump_the_fortnightly_refit_misses() -> None:
    rng = np.random.default_rng(3)
    history = rng.poisson(np.where(np.arange(120) < 100, 2.0, 8.0), size=(1, 120)).T.astype(float)
    daily = DailyLocalFeed(horizon=10, select_every=14)
    fortnightly = RefitFeed(lambda h: local_forecast(h, horizon=24), every=14)
    for day in (98, 106):  # a selection before the jump, then six days into it
        followed = daily(day, history[: day + 1]).mean[0, :7].mean()
        stale = fortnightly(day, history[: day + 1]).mean[0, :7].mean()
    assert daily.selected_on == [98]  # day 106 refitted day 98's choice
    assert stale < 3.5 < followed
