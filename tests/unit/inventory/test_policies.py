"""The three policies on tiny hand-made traces, and the simulator's invariants under any policy."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from shopkeeper.ai.inventory.forecast_feed import RefitFeed
from shopkeeper.ai.inventory.forecast_policy import DemandForecast, ForecastPolicy, review_periods
from shopkeeper.ai.inventory.metrics import score
from shopkeeper.ai.inventory.policies import SmallShopPolicy, TextbookSSPolicy
from shopkeeper.ai.inventory.simulator import InventorySetup, simulate


def steady(days: int = 120, rate: float = 4.0, lead: int = 5) -> InventorySetup:
    return InventorySetup(
        demand=np.full((days, 1), rate),
        unit_cost=np.array([10.0]),
        lead_time=np.array([lead]),
        supplier=np.array([0]),
        start=30,
        warmup_days=20,
        scored_days=days - 50,
        initial_on_hand=np.array([rate * (lead + 14)]),
    )


def moving_mean(day: int, history: np.ndarray) -> DemandForecast:
    rate = history[-28:].mean(axis=0)
    return DemandForecast(np.repeat(rate[:, None], 60, axis=1))


def test_small_shop_orders_every_14_days_up_to_4_weeks() -> None:
    setup = steady(lead=3)
    result = simulate(setup, SmallShopPolicy())
    days = np.flatnonzero(result.orders[:, 0])
    assert (np.diff(days) == 14).all()
    # Position before each order is 4 weeks minus two weeks sold: it orders 14 days' worth.
    assert (result.orders[days[1:], 0] == 56).all()
    assert result.lost.sum() == 0


def test_small_shop_runs_short_when_the_lead_time_is_long() -> None:
    result = simulate(steady(lead=21), SmallShopPolicy())
    assert result.lost[20:].sum() > 0  # 4 weeks cannot cover 21 days + 14 days


def test_textbook_orders_up_to_s_plus_eoq() -> None:
    rng = np.random.default_rng(5)
    demand = rng.poisson(6.0, (200, 1)).astype(float)
    setup = InventorySetup(
        demand=demand,
        unit_cost=np.array([20.0]),
        lead_time=np.array([4]),
        supplier=np.array([0]),
        start=60,
        warmup_days=30,
        scored_days=100,
    )
    result = simulate(setup, TextbookSSPolicy())
    metrics = score(result, setup)
    assert metrics.lost_sales_pct < 5.0
    # The EOQ (about sqrt(2·20·6·365/5) = 132 units) makes orders much larger than a day.
    ordered = result.orders[result.orders > 0]
    assert ordered.min() > 100


def test_forecast_policy_holds_less_than_the_small_shop_on_a_known_rate() -> None:
    setup = steady(days=200, rate=4.0, lead=3)
    ours = score(simulate(setup, ForecastPolicy(moving_mean)), setup)
    small = score(simulate(setup, SmallShopPolicy()), setup)
    assert ours.stockout_pct == 0.0
    assert ours.storage_cost < small.storage_cost


def test_forecast_policy_orders_each_supplier_on_one_cycle() -> None:
    demand = np.full((160, 4), 3.0)
    setup = InventorySetup(
        demand=demand,
        unit_cost=np.array([5.0, 5.0, 500.0, 500.0]),
        lead_time=np.array([3, 3, 6, 6]),
        supplier=np.array([0, 0, 1, 1]),
        start=30,
        warmup_days=30,
        scored_days=100,
    )
    result = simulate(setup, ForecastPolicy(moving_mean))
    scored = result.orders[30:]
    # SKUs of one supplier are ordered on the same days.
    assert ((scored[:, 0] > 0) == (scored[:, 1] > 0)).all()
    assert ((scored[:, 2] > 0) == (scored[:, 3] > 0)).all()
    # The dearer supplier's stock costs more to hold, so it is ordered more often.
    assert (scored[:, 2] > 0).sum() > (scored[:, 0] > 0).sum()
    assert result.lost[30:].sum() == 0


def test_review_period_shortens_with_carrying_cost() -> None:
    periods = review_periods(
        np.array([1.0, 1.0]), np.array([0.01, 1.0]), np.array([0, 1]), max_days=30
    )
    assert periods[0] > periods[1]


def test_refit_feed_reuses_fits_across_runs() -> None:
    fits = []

    def fit(history: np.ndarray) -> DemandForecast:
        fits.append(len(history))
        return moving_mean(len(history) - 1, history)

    feed = RefitFeed(fit, every=7)
    setup = steady()
    simulate(setup, ForecastPolicy(feed))
    first = len(fits)
    simulate(setup, ForecastPolicy(feed))
    assert len(fits) == first == -(-setup.simulated_days // 7)


@settings(max_examples=40, deadline=None)
@given(
    demand=hnp.arrays(np.int64, (70, 3), elements=st.integers(0, 12)),
    moq=hnp.arrays(np.int64, 3, elements=st.integers(1, 30)),
    pack=hnp.arrays(np.int64, 3, elements=st.integers(1, 12)),
    lead=hnp.arrays(np.int64, 3, elements=st.integers(1, 9)),
    which=st.sampled_from(["small", "textbook", "ours"]),
)
def test_any_policy_keeps_stock_non_negative_and_supplier_terms(
    demand: np.ndarray, moq: np.ndarray, pack: np.ndarray, lead: np.ndarray, which: str
) -> None:
    setup = InventorySetup(
        demand=demand.astype(float),
        unit_cost=np.array([1.0, 8.0, 30.0]),
        lead_time=lead,
        supplier=np.array([0, 1, 1]),
        moq=moq,
        pack_size=pack,
        start=20,
        warmup_days=10,
        scored_days=40,
    )
    policy = {
        "small": SmallShopPolicy(),
        "textbook": TextbookSSPolicy(),
        "ours": ForecastPolicy(moving_mean),
    }[which]
    result = simulate(setup, policy)
    assert (result.start_stock >= 0).all()
    assert (result.end_stock >= 0).all()
    assert (result.orders % pack == 0).all()
    assert ((result.orders == 0) | (result.orders >= moq)).all()
    served = setup.demand[20:70]
    np.testing.assert_allclose(result.sales + result.lost, served)
