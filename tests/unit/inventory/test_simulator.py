"""The simulator's books: stock, sales, lost sales, purchase orders and holding cost."""

from __future__ import annotations

import numpy as np
import pytest

from shopkeeper.ai.inventory.metrics import score
from shopkeeper.ai.inventory.simulator import (
    BULKY_FACTOR,
    HOLDING_RATE,
    ORDER_COST,
    InventorySetup,
    StockView,
    simulate,
    supplier_terms,
)
from shopkeeper.core.errors import ErrorCode, InvalidInputError


class Fixed:
    """Orders ``amounts[day % len(amounts)]`` of every SKU each evening."""

    def __init__(self, amounts: list[float]) -> None:
        self.amounts = amounts
        self.views: list[StockView] = []

    def start(self, setup: InventorySetup) -> None:
        self.views = []

    def order(self, view: StockView) -> np.ndarray:
        self.views.append(view)
        return np.full(view.setup.n_skus, self.amounts[view.day % len(self.amounts)])


def setup_of(demand: np.ndarray, **overrides: object) -> InventorySetup:
    n = demand.shape[1]
    values: dict[str, object] = {
        "demand": demand,
        "unit_cost": np.full(n, 10.0),
        "lead_time": np.full(n, 2),
        "supplier": np.zeros(n, dtype=np.int64),
        "start": 5,
        "warmup_days": 0,
        "scored_days": len(demand) - 5,
    }
    values.update(overrides)
    return InventorySetup(**values)  # type: ignore[arg-type]


def test_stock_never_negative_and_lost_is_demand_minus_sales() -> None:
    rng = np.random.default_rng(3)
    demand = rng.poisson(3.0, (60, 4)).astype(float)
    setup = setup_of(demand, initial_on_hand=np.array([0.0, 5.0, 20.0, 100.0]))
    result = simulate(setup, Fixed([0, 0, 9]))
    served = setup.demand[setup.start : setup.start + setup.simulated_days]
    assert (result.start_stock >= 0).all()
    assert (result.end_stock >= 0).all()
    np.testing.assert_allclose(result.lost, served - result.sales)
    assert (result.sales <= result.start_stock + 1e-9).all()
    assert result.lost.sum() > 0  # the trace does run short


def test_orders_arrive_after_the_lead_time() -> None:
    demand = np.zeros((20, 1))
    setup = setup_of(demand, lead_time=np.array([3]))
    result = simulate(setup, Fixed([4.0]))  # orders 4 every evening
    # Ordered on the evening of simulated day 0, on hand on the morning of day 3.
    assert result.start_stock[:3, 0].tolist() == [0.0, 0.0, 0.0]
    assert result.start_stock[3, 0] == 4.0
    assert result.on_order[0, 0] == 4.0
    assert result.on_order[5, 0] == 12.0


def test_one_purchase_order_per_supplier_and_day() -> None:
    demand = np.ones((12, 5))
    supplier = np.array([0, 0, 1, 1, 2])
    setup = setup_of(demand, supplier=supplier)

    class SomeSkus:
        def start(self, setup: InventorySetup) -> None:
            pass

        def order(self, view: StockView) -> np.ndarray:
            # Day parity picks SKUs 0, 1 (supplier 0) or SKUs 0, 2, 3 (suppliers 0 and 1).
            return np.array([1, 1, 0, 0, 0] if view.day % 2 else [1, 0, 1, 1, 0], dtype=float)

    result = simulate(setup, SomeSkus())
    days = np.arange(setup.start, setup.start + setup.simulated_days)
    assert result.purchase_orders.tolist() == [1 if d % 2 else 2 for d in days]
    assert score(result, setup).order_cost == ORDER_COST * result.purchase_orders.sum()


def test_supplier_terms_round_up_to_packs_and_moq() -> None:
    setup = setup_of(np.ones((8, 3)), moq=np.array([10, 1, 7]), pack_size=np.array([4, 6, 3]))
    assert supplier_terms(np.array([1.0, 7.0, 0.0]), setup).tolist() == [12, 12, 0]
    assert supplier_terms(np.array([13.0, -3.0, 8.0]), setup).tolist() == [16, 0, 9]


def test_holding_cost_is_doubled_for_bulky_items() -> None:
    demand = np.zeros((10, 2))
    setup = setup_of(demand, is_bulky=np.array([False, True]), initial_on_hand=np.array([3.0, 3.0]))
    result = simulate(setup, Fixed([0.0]))
    daily = 3 * 10.0 * HOLDING_RATE / 365
    per_sku = (result.end_stock * setup.holding_per_day).sum(axis=0)
    np.testing.assert_allclose(per_sku, [daily * 5, daily * 5 * BULKY_FACTOR])
    assert score(result, setup).storage_cost == pytest.approx(per_sku.sum())


def test_policy_sees_only_the_past() -> None:
    demand = np.arange(40.0).reshape(20, 2)
    policy = Fixed([0.0])
    simulate(setup_of(demand), policy)
    assert all(len(v.history) == v.day + 1 for v in policy.views)


def test_scores_only_the_scored_days() -> None:
    demand = np.ones((30, 1))
    setup = setup_of(demand, warmup_days=10, scored_days=15)
    # Empty through the warm-up, then stocked: the warm-up's stockouts do not count.
    result = simulate(setup, Fixed([0.0] * 14 + [40.0] * 1))
    metrics = score(result, setup)
    assert result.lost[:10].sum() == 10
    assert metrics.stockout_pct < 100.0


def test_bad_setup_is_refused() -> None:
    with pytest.raises(InvalidInputError) as err:
        setup_of(-np.ones((10, 1)))
    assert err.value.code is ErrorCode.INVALID_INPUT
    with pytest.raises(InvalidInputError):
        setup_of(np.ones((10, 2)), lead_time=np.array([0, 2]))
    with pytest.raises(InvalidInputError):
        setup_of(np.ones((10, 2)), unit_cost=np.ones(3))
    with pytest.raises(InvalidInputError):
        setup_of(np.ones((10, 1)), scored_days=20)


def test_stockout_days_count_from_a_products_first_demand() -> None:
    demand = np.zeros((25, 2))
    demand[:, 0] = 1.0
    demand[15:, 1] = 1.0  # launched on day 15, never stocked
    setup = setup_of(demand, initial_on_hand=np.array([100.0, 0.0]))
    metrics = score(simulate(setup, Fixed([0.0])), setup)
    # SKU 1 is out of stock on its 10 live days only; SKU 0 never: 10 of 20 + 10 SKU-days.
    assert metrics.stockout_pct == pytest.approx(100.0 * 10 / 30)
