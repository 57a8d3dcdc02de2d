"""The price optimiser: only guarded prices, and each objective behaving as a shop expects."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.ai.pricing.guardrails import apply_guardrails
from shopkeeper.ai.pricing.optimiser import (
    Goal,
    Objective,
    PriceQuestion,
    candidate_prices,
    optimise_price,
    outlook,
)
from shopkeeper.domain.price_guard import PriceRefusedError
from shopkeeper.domain.pricing import LockReason, PriceLock, PricingContext, PricingRules

NOW = datetime(2026, 5, 4, 10, tzinfo=UTC)
D = Decimal


def wide_rules(**kw: object) -> PricingRules:
    """Guardrails that leave the optimum free: no margin floor, 90% moves, cent grid."""
    base: dict[str, object] = {
        "min_margin": D("0"),
        "max_change_per_update": D("0.9"),
        "max_change_per_day": D("0.9"),
        "prices_include_vat": False,
    }
    return PricingRules("EUR", **(base | kw))  # type: ignore[arg-type]


def question(cost: str = "10", current: str = "19.00", **kw: object) -> PriceQuestion:
    rules = kw.pop("rules", wide_rules())
    fields: dict[str, object] = {"elasticity": -2.0, "base_units": 10.0} | kw
    return PriceQuestion(
        PricingContext("SKU-1", cost=D(cost), current_price=D(current)),
        rules,  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


@st.composite
def questions(draw: st.DrawFn) -> PriceQuestion:
    cost = D(draw(st.integers(100, 20_000))).scaleb(-2)
    margin = draw(st.decimals(D("0"), D("0.5"), places=2))
    current = (cost * D(draw(st.integers(80, 300))) / 100).quantize(D("0.01"))
    vat = draw(st.sampled_from([D(0), D("0.2")]))
    rules = PricingRules(
        "EUR",
        min_margin=margin,
        max_change_per_update=draw(st.decimals(D("0.01"), D("0.3"), places=2)),
        max_change_per_day=draw(st.decimals(D("0.02"), D("0.5"), places=2)),
        ending=draw(st.sampled_from(["none", ".99", ".90", "9"])),
        prices_include_vat=draw(st.booleans()),
        vat_rate=vat,
        cap=draw(st.none() | st.just((current * 2).quantize(D("0.01")))),
    )
    opening = draw(st.none() | st.just((current * D("1.03")).quantize(D("0.01"))))
    stock = draw(st.none() | st.floats(0, 500))
    return PriceQuestion(
        PricingContext("SKU-1", cost=cost, current_price=current, day_start_price=opening),
        rules,
        # Above zero too: an estimate of demand rising with the price must obey them as well.
        elasticity=draw(st.floats(-6, 1.0)),
        elasticity_sd=draw(st.floats(0, 1.5)),
        base_units=draw(st.floats(0, 200)),
        stock=stock,
        stock_days=draw(st.none() | st.floats(0.5, 60)),
        holding_cost=D(draw(st.integers(0, 100))).scaleb(-2),
        locks=tuple(draw(st.lists(st.just(PriceLock("SKU-1", LockReason.MANUAL)), max_size=1))),
    )


def obeys_every_rule(price: Decimal, q: PriceQuestion) -> bool:
    """The rules restated in exact arithmetic, independently of the guardrails module."""
    r, c = q.rules, q.context
    p = Fraction(price)
    net = p / (1 + Fraction(r.vat_rate)) if r.prices_include_vat else p
    ok = (net - Fraction(c.cost)) >= Fraction(r.min_margin) * net
    ok &= abs(p - Fraction(c.current_price)) <= Fraction(r.max_change_per_update) * Fraction(
        c.current_price
    )
    ok &= abs(p - Fraction(c.opening_price)) <= Fraction(r.max_change_per_day) * Fraction(
        c.opening_price
    )
    step, tail = r.ending_grid
    ok &= (p - Fraction(tail)) % Fraction(step) == 0
    return ok and (r.cap is None or price <= r.cap)


@settings(max_examples=150, deadline=None)
@given(questions(), st.sampled_from(list(Objective)))
def test_the_optimiser_only_returns_prices_the_guardrails_allow(
    q: PriceQuestion, objective: Objective
) -> None:
    goal = Goal(objective, clear_within_days=14.0, margin_floor=D("0.3"))
    if objective is Objective.SELL_THROUGH and q.stock is None:
        q = replace(q, stock=50.0)
    try:
        quote = optimise_price(q, goal, now=NOW)
    except PriceRefusedError:
        # Refused exactly when the guardrails refuse every price (a lock, an empty interval).
        with pytest.raises(PriceRefusedError):
            apply_guardrails(q.context.current_price, q.context, q.rules, q.locks, NOW)
        return
    assert not q.locks
    again = apply_guardrails(quote.price, q.context, q.rules, q.locks, NOW)
    assert again.price == quote.price
    assert again.adjustments == ()
    assert obeys_every_rule(quote.price, q)
    assert quote.reason.startswith(f"elasticity {q.elasticity:.2f}")


@pytest.mark.parametrize(
    ("elasticity", "optimum"), [(-2.0, "20.00"), (-3.0, "15.00"), (-1.5, "30.00")]
)
def test_unconstrained_profit_optimum_is_cost_e_over_1_plus_e(
    elasticity: float, optimum: str
) -> None:
    q = question(elasticity=elasticity)
    quote = optimise_price(q, now=NOW, max_candidates=5000)
    assert abs(quote.price - D(optimum)) <= D("0.01")
    assert quote.binding is None


def test_a_move_limited_by_the_guardrails_names_the_limit() -> None:
    q = question(rules=wide_rules(max_change_per_update=D("0.05")))
    quote = optimise_price(q, now=NOW)
    assert quote.price == D("19.95")
    assert quote.binding is not None
    assert "5%" in quote.reason


def test_overstock_with_sell_through_lowers_the_price() -> None:
    q = question(current="20.00", elasticity=-2.0, base_units=5.0, stock=600.0, stock_days=30.0)
    profit = optimise_price(q, now=NOW, max_candidates=2000)
    clear = optimise_price(
        q, Goal(Objective.SELL_THROUGH, clear_within_days=30), now=NOW, max_candidates=2000
    )
    assert clear.price < q.context.current_price
    assert clear.price < profit.price
    # It sells the stock in time: at least 600 / 30 units a day expected.
    assert clear.expected.units * 30 >= 600 - 1e-6
    # ...at about the highest price that does (candidates are ~2 cents apart here).
    goal = Goal(Objective.SELL_THROUGH, clear_within_days=30)
    assert outlook(q, clear.price + D("0.05"), goal).units * 30 < 600


def test_high_demand_and_low_stock_raise_the_price() -> None:
    plenty = question(current="15.00", elasticity=-3.0, base_units=20.0)
    scarce = replace(plenty, stock=40.0, stock_days=7.0)
    free = optimise_price(plenty, now=NOW, max_candidates=2000)
    tight = optimise_price(scarce, now=NOW, max_candidates=2000)
    assert free.price == D("15.00")
    assert tight.price > free.price
    # Raised until demand just fits the stock: about 40 / 7 units a day.
    assert tight.expected.units == pytest.approx(40 / 7, rel=0.02)
    assert "stock covers 7 days" in tight.reason


def test_holding_cost_of_overstock_lowers_the_profit_price() -> None:
    q = question(current="20.00", elasticity=-2.0, base_units=2.0, stock=2000.0, stock_days=60.0)
    cheap = optimise_price(q, now=NOW, max_candidates=2000)
    costly = optimise_price(replace(q, holding_cost=D("0.20")), now=NOW, max_candidates=2000)
    assert costly.price < cheap.price


def test_revenue_follows_the_elasticity_side_of_minus_one() -> None:
    rules = wide_rules(max_change_per_update=D("0.1"))
    elastic = optimise_price(
        question(rules=rules, elasticity=-2.0), Goal(Objective.REVENUE), now=NOW
    )
    inelastic = optimise_price(
        question(rules=rules, elasticity=-0.5), Goal(Objective.REVENUE), now=NOW
    )
    assert elastic.price < D("19.00") < inelastic.price


def test_share_at_margin_floor_takes_the_lowest_price_keeping_the_margin() -> None:
    q = question(current="15.00", rules=wide_rules(max_change_per_update=D("0.2")))
    quote = optimise_price(
        q,
        Goal(Objective.SHARE_AT_MARGIN_FLOOR, margin_floor=D("0.25")),
        now=NOW,
        max_candidates=1000,
    )
    # 25% margin over cost 10 needs at least 13.34.
    assert quote.price == D("13.34")


def test_a_locked_price_is_refused() -> None:
    q = replace(question(), locks=(PriceLock("SKU-1", LockReason.PROMOTION),))
    with pytest.raises(PriceRefusedError) as refused:
        optimise_price(q, now=NOW)
    assert refused.value.rule.value == "price_lock"


def test_candidates_start_with_the_current_price_and_stay_inside_the_interval() -> None:
    q = question(current="24.99", rules=wide_rules(ending=".99", max_change_per_update=D("0.05")))
    found = candidate_prices(q, NOW)
    prices = [g.price for g in found.prices]
    assert prices[0] == D("24.99")
    assert sorted(prices) == [D("23.99"), D("24.99"), D("25.99")]


def test_the_quote_explains_itself() -> None:
    q = question(
        competitor_prices=(D("18.50"), D("21.00")), stock=100.0, stock_days=14.0, elasticity_sd=0.3
    )
    quote = optimise_price(q, now=NOW, max_candidates=500)
    names = [f.name for f in quote.explanation().factors]
    assert names[:4] == [
        "elasticity",
        "units_change_per_day",
        "profit_change_per_day",
        "revenue_change_per_day",
    ]
    assert "cheapest competitor (18.50)" in quote.reason
    assert quote.expected.profit >= quote.at_current.profit


def test_a_binding_limit_names_the_price_in_the_currency_unit() -> None:
    # Prices read back from the database carry four decimals.
    question = PriceQuestion(
        PricingContext("MUG-1", cost=D("8"), current_price=D("24.9900")),
        PricingRules(
            "EUR", ending=".99", prices_include_vat=False, max_change_per_update=D("0.05")
        ),
        elasticity=-1.4,
        elasticity_sd=0.3,
        base_units=10.0,
    )
    reason = optimise_price(question, now=NOW).reason
    assert "the limit of 5% from the current price 24.99 holds it there" in reason
    assert "24.9900" not in reason


@pytest.mark.parametrize("objective", list(Objective))
def test_an_estimate_of_demand_rising_with_the_price_holds_the_price(
    objective: Objective,
) -> None:
    # Followed, such an estimate would take every objective to the cap.
    q = question(elasticity=0.4, elasticity_sd=0.3, stock=400.0, stock_days=30.0)
    quote = optimise_price(q, Goal(objective), now=NOW, max_candidates=500)
    assert quote.price == q.context.current_price
    assert "demand rising with the price" in quote.reason
    assert "19.00 stays until price tests measure it" in quote.reason


def test_a_held_price_still_moves_where_a_guardrail_requires() -> None:
    # 10.50 over a cost of 10 breaks a 20% minimum margin: the guardrails lift it anyway.
    q = question(current="10.50", elasticity=0.4, rules=wide_rules(min_margin=D("0.2")))
    quote = optimise_price(q, now=NOW, max_candidates=500)
    assert quote.price > q.context.current_price
    assert obeys_every_rule(quote.price, q)
    assert "stays until price tests" not in quote.reason
