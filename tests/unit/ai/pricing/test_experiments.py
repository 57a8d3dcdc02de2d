"""Thompson-sampling experiments: within the budget, inside the guardrails, reproducible."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.ai.pricing.experiments import (
    ExperimentBudget,
    ExperimentRound,
    ThompsonPriceExperiments,
)
from shopkeeper.ai.pricing.guardrails import apply_guardrails
from shopkeeper.ai.pricing.optimiser import PriceQuestion, optimise_price
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.pricing import LockReason, PriceLock, PricingContext, PricingRules

NOW = datetime(2026, 5, 4, 10, tzinfo=UTC)
D = Decimal
RULES = PricingRules(
    "EUR",
    min_margin=D("0.1"),
    max_change_per_update=D("0.05"),
    max_change_per_day=D("0.1"),
    ending=".99",
    prices_include_vat=False,
)


def shop(n: int, sd: float = 0.8, seed: int = 0) -> list[PriceQuestion]:
    """``n`` products, uncertain elasticities, prices between 20 and 200 EUR."""
    out = []
    for i in range(n):
        current = D(20 + (i * 37 + seed * 11) % 180) + D("0.99")
        out.append(
            PriceQuestion(
                PricingContext(
                    f"SKU-{i}", cost=(current / 2).quantize(D("0.01")), current_price=current
                ),
                RULES,
                elasticity=-1.2 - (i % 7) * 0.3,
                elasticity_sd=sd,
                base_units=1.0 + i % 5,
                stock=50.0,
                stock_days=10.0,
            )
        )
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0, 1),
    st.floats(0, 0.2),
    st.integers(0, 10_000),
    st.integers(1, 40),
    st.floats(0.05, 2.0),
)
def test_exploration_stays_within_the_budget_and_the_guardrails(
    share: float, loss: float, period: int, n: int, sd: float
) -> None:
    questions = shop(n, sd=sd, seed=period)
    budget = ExperimentBudget(explore_share=share, max_loss_share=loss)
    plan = ThompsonPriceExperiments(budget=budget, seed=3).plan(questions, now=NOW, period=period)
    assert len(plan.quotes) == n
    assert len(plan.explored) <= plan.explore_limit <= math.ceil(share * n)
    assert plan.expected_loss <= plan.loss_budget + 1e-9
    greedy_profit = 0.0
    for q, quote in zip(questions, plan.quotes, strict=True):
        greedy = optimise_price(q, now=NOW)
        greedy_profit += max(greedy.expected.profit, 0.0)
        guarded = apply_guardrails(quote.price, q.context, q.rules, (), NOW)
        assert guarded.price == quote.price
        assert guarded.adjustments == ()
        if quote.explored:
            assert quote.price != greedy.price
            assert quote.reason.startswith("experiment: ")
        else:
            assert quote.price == greedy.price
    assert plan.loss_budget == pytest.approx(loss * greedy_profit)


def test_without_a_budget_every_price_is_the_greedy_one() -> None:
    questions = shop(30)
    plan = ThompsonPriceExperiments(budget=ExperimentBudget(explore_share=0.0), seed=1).plan(
        questions, now=NOW
    )
    assert plan.explored == ()
    assert [q.price for q in plan.quotes] == [optimise_price(q, now=NOW).price for q in questions]


def test_uncertain_products_get_explored_when_the_budget_allows() -> None:
    questions = shop(40, sd=1.0)
    generous = ExperimentBudget(explore_share=1.0, max_loss_share=1.0)
    plan = ThompsonPriceExperiments(budget=generous, seed=1).plan(questions, now=NOW)
    assert len(plan.explored) >= 5
    assert 0 < plan.expected_loss <= plan.loss_budget
    # Certain products have nothing to learn: the draw equals the mean, no experiment.
    sure = [replace(q, elasticity_sd=0.0) for q in questions]
    assert ThompsonPriceExperiments(budget=generous, seed=1).plan(sure, now=NOW).explored == ()


def test_the_same_seed_and_period_plan_the_same_experiments() -> None:
    questions = shop(40, sd=1.0)
    planner = ThompsonPriceExperiments(budget=ExperimentBudget(explore_share=0.5), seed=5)
    first = planner.plan(questions, now=NOW, period=7)
    again = ThompsonPriceExperiments(budget=ExperimentBudget(explore_share=0.5), seed=5).plan(
        questions, now=NOW, period=7
    )
    assert first == again
    others = [planner.plan(questions, now=NOW, period=r).explored for r in range(8, 12)]
    assert any(o != first.explored for o in others)


def _draws(plan: ExperimentRound) -> dict[str, str]:
    """The elasticity each explored product was priced for, as its reason states it."""
    return {q.sku: q.reason.split(" drawn ")[0] for q in plan.quotes if q.explored}


def test_an_experiment_holds_for_its_whole_period() -> None:
    questions = shop(40, sd=1.0)
    planner = ThompsonPriceExperiments(
        budget=ExperimentBudget(explore_share=1.0, max_loss_share=1.0), seed=5
    )
    morning = planner.plan(questions, now=NOW, period=3)
    # Four hours later the prices stand where the morning put them.
    moved = [
        replace(
            q,
            context=replace(
                q.context, current_price=quote.price, day_start_price=q.context.current_price
            ),
        )
        for q, quote in zip(questions, morning.quotes, strict=True)
    ]
    afternoon = planner.plan(moved, now=NOW + timedelta(hours=4), period=3)
    assert len(morning.explored) >= 5
    held = _draws(afternoon)
    for sku, quote, later in zip(
        (q.context.sku for q in questions), morning.quotes, afternoon.quotes, strict=True
    ):
        if quote.explored:
            # Tested again at the same draw, or left at the draw's price by the guardrails.
            assert held.get(sku) == _draws(morning)[sku] or later.price == quote.price
    # A product taken out of the run (locked, say) leaves the others' draws as they were.
    without_first = planner.plan(moved[1:], now=NOW + timedelta(hours=4), period=3)
    assert _draws(without_first) == {s: d for s, d in held.items() if s != "SKU-0"}
    next_day = planner.plan(moved, now=NOW + timedelta(days=1), period=4)
    assert _draws(next_day) != {sku: held.get(sku) for sku in next_day.explored}


def test_locked_products_are_refused_not_quoted() -> None:
    questions = shop(5)
    questions[2] = replace(questions[2], locks=(PriceLock("SKU-2", LockReason.CLEARANCE),))
    plan = ThompsonPriceExperiments().plan(questions, now=NOW)
    assert [q.sku for q in plan.quotes] == ["SKU-0", "SKU-1", "SKU-3", "SKU-4"]
    assert [r.sku for r in plan.refused] == ["SKU-2"]


def test_a_budget_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        ExperimentBudget(max_loss_share=-0.1)


def test_a_product_whose_estimate_rises_with_the_price_is_only_moved_by_a_test() -> None:
    upward = [replace(q, elasticity=0.3, elasticity_sd=0.5) for q in shop(30)]
    plan = ThompsonPriceExperiments(
        budget=ExperimentBudget(explore_share=0.5, max_loss_share=1.0), seed=3
    ).plan(upward, now=NOW)
    assert plan.explored
    for question, quote in zip(upward, plan.quotes, strict=True):
        if quote.explored:
            # Explained under the drawn, downward slope: a rise loses units.
            assert quote.elasticity < 0
            assert "more units" not in quote.reason
        else:
            assert quote.price == question.context.current_price
            assert "stays until price tests measure it" in quote.reason
