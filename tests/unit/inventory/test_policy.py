"""plan_reorders: order-up-to levels, supplier terms, budget and capacity cuts, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.ai.inventory.policy import ReorderInput, days_of_cover, plan_reorders
from shopkeeper.core.errors import ErrorCode, InvalidInputError


def item(sku: str = "A", **overrides: object) -> ReorderInput:
    values: dict[str, object] = {
        "sku": sku,
        "on_hand": 10.0,
        "on_order": 0.0,
        "lead_time_days": 7,
        "demand_mean": np.full(30, 3.0),
        "demand_lo": None,
        "demand_hi": None,
        "unit_cost": 5.0,
    }
    values.update(overrides)
    return ReorderInput(**values)  # type: ignore[arg-type]


def test_orders_the_gap_to_the_order_up_to_level() -> None:
    decision = plan_reorders([item()], review_days=3)[0]
    assert decision.order_up_to == pytest.approx(30.0 + decision.safety_stock)
    assert decision.safety_stock > 0
    assert decision.quantity == int(np.ceil(decision.order_up_to - 10.0))
    assert decision.position == 10.0
    assert decision.reorder_point < decision.order_up_to


def test_enough_stock_orders_nothing() -> None:
    decision = plan_reorders([item(on_hand=60.0, on_order=20.0)])[0]
    assert decision.quantity == 0
    assert "no order" in decision.explanation.summary


def test_stock_on_order_counts() -> None:
    alone = plan_reorders([item()])[0].quantity
    helped = plan_reorders([item(on_order=12.0)])[0].quantity
    assert helped == alone - 12


def test_moq_and_pack_rounding() -> None:
    small = plan_reorders([item(on_hand=30.0, moq=24, pack_size=12)])[0]
    assert small.quantity == 24  # a small gap still orders the MOQ
    big = plan_reorders([item(on_hand=0.0, moq=5, pack_size=12)])[0]
    assert big.quantity % 12 == 0
    assert big.quantity >= big.order_up_to
    assert big.quantity - 12 < big.order_up_to
    odd = plan_reorders([item(on_hand=30.0, moq=10, pack_size=4)])[0]
    assert odd.quantity == 12  # the MOQ rounded up to whole packs
    assert "MOQ 10, packs of 4" in odd.explanation.summary


def test_higher_service_and_wider_interval_hold_more() -> None:
    low, high = (plan_reorders([item()], service_level=s)[0] for s in (0.8, 0.99))
    assert high.safety_stock > low.safety_stock
    narrow = item(demand_lo=np.full(30, 2.5), demand_hi=np.full(30, 3.5))
    wide = item(demand_lo=np.full(30, 0.0), demand_hi=np.full(30, 8.0))
    assert plan_reorders([wide])[0].safety_stock > plan_reorders([narrow])[0].safety_stock


def test_budget_cuts_the_least_urgent_first() -> None:
    urgent = item("URGENT", on_hand=0.0)
    calm = item("CALM", on_hand=20.0)
    free = plan_reorders([urgent, calm])
    cost = sum(d.quantity * 5.0 for d in free)
    cut = plan_reorders([urgent, calm], budget=cost - 5.0 * 10)
    assert cut[0].quantity == free[0].quantity
    assert not cut[0].cut
    assert cut[1].quantity < free[1].quantity
    assert cut[1].cut
    assert sum(d.quantity * 5.0 for d in cut) <= cost - 50.0
    assert "budget" in cut[1].explanation.summary
    nothing = plan_reorders([urgent, calm], budget=0.0)
    assert all(d.quantity == 0 for d in nothing)


def test_cut_respects_the_moq() -> None:
    decisions = plan_reorders([item(on_hand=0.0, moq=30)], budget=5.0 * 29)
    assert decisions[0].quantity == 0


def test_capacity_counts_stock_held() -> None:
    full = plan_reorders([item(on_hand=0.0, volume_l=2.0)], capacity_l=0.0)[0]
    assert full.quantity == 0
    assert "storage" in full.explanation.summary
    roomy = plan_reorders([item(on_hand=0.0, volume_l=2.0)], capacity_l=1e6)[0]
    assert roomy.quantity > 0
    assert not roomy.cut


@pytest.mark.parametrize(
    ("overrides", "call"),
    [
        ({"on_hand": -1.0}, {}),
        ({"on_order": -2.0}, {}),
        ({"demand_mean": np.array([])}, {}),
        ({"demand_mean": np.full(5, 1.0)}, {}),  # shorter than lead time + review
        ({"demand_mean": np.full(30, -1.0)}, {}),
        ({"demand_lo": np.zeros(30)}, {}),  # a lower bound without an upper one
        ({"demand_lo": np.zeros(30), "demand_hi": np.full(30, np.nan)}, {}),
        ({"demand_lo": np.zeros(30), "demand_hi": np.ones(12)}, {}),
        ({"pack_size": 0}, {}),
        ({}, {"service_level": 1.0}),
        ({}, {"service_level": 0.0}),
        ({}, {"review_days": 0}),
        ({}, {"budget": -1.0}),
    ],
)
def test_bad_input_is_refused(overrides: dict[str, object], call: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError) as err:
        plan_reorders([item(**overrides)], **call)  # type: ignore[arg-type]
    assert err.value.code is ErrorCode.INVALID_INPUT


def test_days_of_cover() -> None:
    assert days_of_cover(0.0, np.ones(5)) == 0.0
    assert days_of_cover(6.0, np.array([1.0, 2.0, 3.0])) == 3.0
    assert days_of_cover(5.0, np.zeros(4)) == float("inf")


@settings(max_examples=80, deadline=None)
@given(
    on_hand=st.floats(0, 500),
    on_order=st.floats(0, 200),
    lead=st.integers(0, 21),
    rate=st.floats(0, 40),
    moq=st.integers(1, 60),
    pack=st.integers(1, 24),
    service=st.floats(0.5, 0.995),
    budget=st.none() | st.floats(0, 5000),
)
def test_orders_are_whole_packs_at_least_the_moq(
    on_hand: float,
    on_order: float,
    lead: int,
    rate: float,
    moq: int,
    pack: int,
    service: float,
    budget: float | None,
) -> None:
    items = [
        item(
            "X",
            on_hand=on_hand,
            on_order=on_order,
            lead_time_days=lead,
            demand_mean=np.full(lead + 3, rate),
            moq=moq,
            pack_size=pack,
        ),
        item("Y", on_hand=0.0, lead_time_days=lead, demand_mean=np.full(lead + 3, rate + 1)),
    ]
    for decision in plan_reorders(items, service_level=service, review_days=3, budget=budget):
        size = 1 if decision.sku == "Y" else pack
        smallest = 1 if decision.sku == "Y" else moq
        assert decision.quantity >= 0
        assert decision.quantity % size == 0
        assert decision.quantity == 0 or decision.quantity >= smallest
        if budget is None and decision.quantity > 0:
            assert decision.position + decision.quantity >= decision.order_up_to - 1e-6
