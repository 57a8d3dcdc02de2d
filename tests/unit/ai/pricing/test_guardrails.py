"""Pricing guardrails: every accepted price obeys every rule, refusals name a rule.

The properties check prices with their own arithmetic (``Fraction``, exact), not with the
module's bounds, and compare the result with a brute-force search of the allowed prices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.ai.pricing import apply_guardrails, check_tier_order, guard_family
from shopkeeper.core.errors import ErrorCode, InvalidInputError
from shopkeeper.domain.price_guard import GuardedPrice, GuardrailRule, PriceRefusedError
from shopkeeper.domain.pricing import (
    LockReason,
    PriceLock,
    PricingContext,
    PricingOverride,
    PricingRules,
    RangePrice,
    merge_rules,
)

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
FAST = settings(max_examples=200, deadline=None)
D = Decimal

# The endings each currency may take (fractions need as many decimals as the currency has).
ENDINGS = {
    "EUR": ["none", ".99", ".90", "9"],
    "USD": ["none", ".99", ".95"],
    "JPY": ["none", "9", "80"],
    "KWD": ["none", ".990", ".5"],
}
SCALE = {"EUR": 1, "USD": 1, "JPY": 150, "KWD": 1}


LOCKS = st.builds(
    PriceLock,
    st.sampled_from(["SKU-1", "SKU-2", "SKU-3"]),
    st.sampled_from(list(LockReason)),
    until=st.none() | st.integers(-72, 72).map(lambda h: NOW + timedelta(hours=h)),
)


@dataclass(frozen=True)
class Case:
    wanted: Decimal
    context: PricingContext
    rules: PricingRules
    locks: tuple[PriceLock, ...]
    ranges: tuple[RangePrice, ...]


def on_grid(value: Fraction, rules: PricingRules) -> Decimal:
    """``value`` rounded to the currency's minor unit (for building inputs only)."""
    q = rules.minor_units
    return D(round(value * 10**q)).scaleb(-q)


def shares(low: str, high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(high), places=3)


def share(draw: st.DrawFn, low: str, high: str) -> Decimal:
    return draw(shares(low, high))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    currency = draw(st.sampled_from(sorted(ENDINGS)))
    ending = draw(st.sampled_from(ENDINGS[currency]))
    margin = share(draw, "0", "0.6")
    vat = draw(st.sampled_from([D(0), D("0.077"), D("0.2"), D("0.25")]))
    include_vat = draw(st.booleans())
    # Supplier costs carry 4 decimals, whatever the currency's minor unit.
    cost = D(draw(st.integers(5_000, 2_000_000)) * SCALE[currency]).scaleb(-4)
    gross = 1 + Fraction(vat) if include_vat else Fraction(1)
    fair = Fraction(cost) * gross / (1 - Fraction(margin))
    probe = PricingRules(currency)
    current = on_grid(fair * Fraction(draw(st.integers(85, 170)), 100), probe)
    opening = draw(
        st.one_of(
            st.none(),
            st.integers(80, 125).map(lambda p: on_grid(Fraction(current) * p / 100, probe)),
        )
    )
    floor = cap = None
    if draw(st.booleans()):
        floor = on_grid(fair * Fraction(draw(st.integers(30, 150)), 100), probe)
    if draw(st.booleans()):
        cap = on_grid(fair * Fraction(draw(st.integers(60, 300)), 100), probe)
        if floor is not None and floor > cap:
            floor, cap = cap, floor
    if cap is not None and cap <= 0:
        cap = None
    rules = PricingRules(
        currency,
        min_margin=margin,
        floor=floor,
        cap=cap,
        max_change_per_update=share(draw, "0.01", "0.5"),
        max_change_per_day=share(draw, "0.01", "0.8"),
        ending=ending,
        prices_include_vat=include_vat,
        vat_rate=vat,
    )
    ranges: tuple[RangePrice, ...] = ()
    range_id = tier = None
    if draw(st.booleans()):
        range_id, tier = "r", 1
        ranges = tuple(
            RangePrice(
                f"OTHER-{i}",
                draw(st.sampled_from(["r", "elsewhere"])),
                draw(st.integers(0, 2)),
                on_grid(Fraction(current) * draw(st.integers(60, 150)) / 100, probe),
            )
            for i in range(draw(st.integers(1, 3)))
        )
    context = PricingContext(
        "SKU-1",
        cost=cost,
        current_price=current,
        day_start_price=opening,
        family_id=None,
        range_id=range_id,
        tier=tier,
    )
    locks = tuple(draw(st.lists(LOCKS, max_size=2)))
    # Wanted prices come from an optimiser: often near the current price, sometimes anywhere
    # from a fifth to three times it, with the currency's decimals or more.
    ratio = draw(st.one_of(st.just(D(1)), shares("0.9", "1.1"), shares("0.2", "3")))
    wanted = (D(current) * ratio).quantize(rules.quantum)
    if draw(st.booleans()):  # off the currency's grid, by up to one minor unit either way
        wanted += D(draw(st.integers(-9999, 9999))).scaleb(-4) * rules.quantum
    return Case(wanted, context, rules, locks, ranges)


# ---------------------------------------------------------------- independent oracle


def exact_bounds(case: Case) -> tuple[Fraction, Fraction]:
    """The closed interval every rule but the ending allows, in exact arithmetic."""
    r, c = case.rules, case.context
    gross = 1 + Fraction(r.vat_rate) if r.prices_include_vat else Fraction(1)
    cur, opening = Fraction(c.current_price), Fraction(c.opening_price)
    u, d = Fraction(r.max_change_per_update), Fraction(r.max_change_per_day)
    lows = [
        Fraction(c.cost) * gross / (1 - Fraction(r.min_margin)),
        cur * (1 - u),
        opening * (1 - d),
    ]
    highs = [cur * (1 + u), opening * (1 + d)]
    if r.floor is not None:
        lows.append(Fraction(r.floor))
    if r.cap is not None:
        highs.append(Fraction(r.cap))
    for other in case.ranges:
        if other.range_id == c.range_id and c.tier is not None:
            if other.tier < c.tier:
                lows.append(Fraction(other.price))
            elif other.tier > c.tier:
                highs.append(Fraction(other.price))
    return max(lows), min(highs)


def grid(rules: PricingRules) -> tuple[Fraction, Fraction]:
    if rules.ending == "none":
        return Fraction(1, 10**rules.minor_units), Fraction(0)
    if rules.ending.startswith("."):
        return Fraction(1), Fraction(D("0" + rules.ending))
    return Fraction(10 ** len(rules.ending)), Fraction(int(rules.ending))


def closest_allowed(case: Case) -> Fraction | None:
    """Brute force over the grid points around the wanted price and the two bounds."""
    low, high = exact_bounds(case)
    step, tail = grid(case.rules)
    w = Fraction(case.wanted)
    ks: set[int] = set()
    for x in (w, low, high):
        k = math.floor((x - tail) / step)
        ks.update(range(k - 2, k + 3))
    prices = [tail + k * step for k in ks]
    allowed = [p for p in prices if p > 0 and low <= p <= high]
    return min(allowed, key=lambda p: abs(p - w)) if allowed else None


def broken_rules(price: Decimal, case: Case) -> list[str]:
    """Each guardrail the price breaks, checked one by one as the issue states them."""
    r, c = case.rules, case.context
    p = Fraction(price)
    broken = []
    if r.floor is not None and p < r.floor:
        broken.append("floor")
    if r.cap is not None and p > r.cap:
        broken.append("cap")
    net = p / (1 + Fraction(r.vat_rate)) if r.prices_include_vat else p
    if (net - Fraction(c.cost)) / net < Fraction(r.min_margin):
        broken.append("margin")
    if abs(p - Fraction(c.current_price)) > Fraction(r.max_change_per_update) * Fraction(
        c.current_price
    ):
        broken.append("per update")
    if abs(p - Fraction(c.opening_price)) > Fraction(r.max_change_per_day) * Fraction(
        c.opening_price
    ):
        broken.append("per day")
    step, tail = grid(r)
    if (p - tail) % step != 0:
        broken.append("ending")
    if price.as_tuple().exponent != -r.minor_units:
        broken.append("minor units")
    for other in case.ranges:
        if other.range_id != c.range_id or c.tier is None:
            continue
        if (other.tier < c.tier and price < other.price) or (
            other.tier > c.tier and price > other.price
        ):
            broken.append("tier")
    return broken


def locked(case: Case) -> bool:
    return any(lock.sku == case.context.sku and lock.is_active(NOW) for lock in case.locks)


def guard(case: Case, wanted: Decimal | None = None) -> GuardedPrice:
    return apply_guardrails(
        case.wanted if wanted is None else wanted,
        case.context,
        case.rules,
        case.locks,
        NOW,
        range_prices=case.ranges,
    )


def outcome(case: Case) -> GuardedPrice | PriceRefusedError:
    try:
        return guard(case)
    except PriceRefusedError as refused:
        return refused


# ---------------------------------------------------------------- properties


@FAST
@given(cases())
def test_an_accepted_price_obeys_every_rule_and_is_the_closest_allowed(case: Case) -> None:
    best = closest_allowed(case)
    result = outcome(case)
    if isinstance(result, PriceRefusedError):
        assert result.code == ErrorCode.GUARDRAIL
        assert result.message
        if locked(case):
            assert result.rule == GuardrailRule.LOCK
        else:
            # Refused only when no allowed price exists at all.
            assert best is None, f"refused ({result.rule}) but {best} was allowed"
        return
    assert not locked(case), "a running lock must refuse every quote"
    assert broken_rules(result.price, case) == []
    assert best is not None
    assert abs(Fraction(result.price) - Fraction(case.wanted)) == abs(best - Fraction(case.wanted))


@FAST
@given(cases())
def test_guarding_a_guarded_price_returns_it_unchanged(case: Case) -> None:
    first = outcome(case)
    if isinstance(first, PriceRefusedError):
        return
    again = guard(case, first.price)
    assert again.price == first.price
    assert again.adjustments == ()


@FAST
@given(cases())
def test_adjustments_chain_from_the_wanted_to_the_final_price(case: Case) -> None:
    result = outcome(case)
    if isinstance(result, PriceRefusedError):
        return
    position = result.wanted
    for step in result.adjustments:
        assert step.before == position
        assert step.after != step.before
        assert step.reason
        position = step.after
    assert position == result.price
    # Rounding, then bounds, then the ending: never a rule twice.
    assert len(set(result.moved_by)) == len(result.moved_by)


@FAST
@given(cases(), st.sampled_from(list(LockReason)), st.integers(1, 240))
def test_a_running_lock_refuses_whatever_the_price(
    case: Case, reason: LockReason, hours: int
) -> None:
    lock = PriceLock(case.context.sku, reason, until=NOW + timedelta(hours=hours))
    with pytest.raises(PriceRefusedError) as refused:
        apply_guardrails(case.context.current_price, case.context, case.rules, [lock], NOW)
    assert refused.value.rule == GuardrailRule.LOCK
    assert refused.value.until == lock.until
    assert reason.value in refused.value.message


# ---------------------------------------------------------------- examples


def eur(**kw: object) -> PricingRules:
    kw.setdefault("prices_include_vat", False)
    return PricingRules("EUR", **kw)  # type: ignore[arg-type]


def test_margin_is_on_the_price_excluding_vat_when_prices_include_it() -> None:
    ctx = PricingContext("A", cost=D("10"), current_price=D("15.00"))
    with_vat = PricingRules(
        "EUR", min_margin=D("0.25"), vat_rate=D("0.2"), max_change_per_update=D("0.5")
    )
    result = apply_guardrails(D("15"), ctx, with_vat, [], NOW)
    # 16.00 incl. 20% VAT is 13.33... net: (13.33 - 10) / 13.33 = 25%.
    assert result.price == D("16.00")
    assert result.moved_by == (GuardrailRule.MARGIN,)
    assert "25% margin over cost 10" in result.adjustments[0].reason
    assert "VAT excluded" in result.adjustments[0].reason
    without = apply_guardrails(
        D("13"), ctx, eur(min_margin=D("0.25"), max_change_per_update=D("0.5")), [], NOW
    )
    assert without.price == D("13.34")


def test_an_ending_that_crosses_the_floor_moves_to_the_next_ending_up() -> None:
    ctx = PricingContext("A", cost=D("5"), current_price=D("13.50"))
    result = apply_guardrails(D("13.20"), ctx, eur(floor=D("13.00"), ending=".99"), [], NOW)
    assert result.price == D("13.99")
    assert result.moved_by == (GuardrailRule.ENDING,)
    assert "12.99 would break the floor of 13.00" in result.adjustments[0].reason


def test_no_ending_between_the_bounds_is_refused_with_the_ending_rule() -> None:
    ctx = PricingContext("A", cost=D("5"), current_price=D("12.30"))
    rules = eur(floor=D("12.10"), cap=D("12.50"), ending=".99")
    with pytest.raises(PriceRefusedError) as refused:
        apply_guardrails(D("12.30"), ctx, rules, [], NOW)
    assert refused.value.rule == GuardrailRule.ENDING


def test_a_margin_the_daily_limit_cannot_reach_is_refused_naming_both_rules() -> None:
    # The cost rose to 10: a 20% margin needs 12.50, the day allows 10.00 * 1.1 = 11.00.
    ctx = PricingContext("A", cost=D("10"), current_price=D("10.50"), day_start_price=D("10.00"))
    rules = eur(min_margin=D("0.2"), max_change_per_update=D("0.5"), max_change_per_day=D("0.1"))
    with pytest.raises(PriceRefusedError) as refused:
        apply_guardrails(D("12.50"), ctx, rules, [], NOW)
    assert refused.value.rule == GuardrailRule.MAX_CHANGE_DAY
    assert refused.value.conflicts_with == GuardrailRule.MARGIN
    assert refused.value.details["wanted"] == "12.50"
    assert "12.50" in refused.value.message
    assert "11.00" in refused.value.message


def test_jpy_prices_have_no_decimals_and_whole_number_endings() -> None:
    ctx = PricingContext("A", cost=D("800"), current_price=D("1500"))
    plain = apply_guardrails(D("1534.5"), ctx, PricingRules("JPY"), [], NOW)
    assert plain.price == D("1534")  # half to even
    assert plain.price.as_tuple().exponent == 0
    assert plain.moved_by == (GuardrailRule.ROUNDING,)
    nine = apply_guardrails(D("1534.5"), ctx, PricingRules("JPY", ending="9"), [], NOW)
    assert nine.price == D("1539")
    kwd = apply_guardrails(
        D("1.23456"),
        PricingContext("B", cost=D("1"), current_price=D("1.234")),
        PricingRules("KWD", min_margin=D("0")),
        [],
        NOW,
    )
    assert kwd.price == D("1.235")


def test_locks_hold_only_for_their_product_and_their_time() -> None:
    ctx = PricingContext("A", cost=D("5"), current_price=D("10.00"))
    rules = eur()
    ended = PriceLock("A", LockReason.MANUAL, until=NOW)
    later = PriceLock(
        "A", LockReason.PROMOTION, until=NOW + timedelta(days=3), starts_at=NOW + timedelta(days=1)
    )
    other = PriceLock("B", LockReason.CLEARANCE)
    assert apply_guardrails(D("10.50"), ctx, rules, [ended, later, other], NOW).price == D("10.50")
    with pytest.raises(PriceRefusedError) as refused:
        apply_guardrails(D("10.50"), ctx, rules, [PriceLock("A", "manual")], NOW)  # type: ignore[arg-type]
    assert refused.value.rule == GuardrailRule.LOCK
    assert "until it is removed" in refused.value.message


def test_a_premium_brand_stays_above_the_budget_brand_of_its_range() -> None:
    ctx = PricingContext("OIL-P", cost=D("3"), current_price=D("8.99"), range_id="oil", tier=1)
    budget = RangePrice("OIL-B", "oil", 0, D("8.49"))
    luxury = RangePrice("OIL-L", "oil", 2, D("9.49"))
    rules = eur(ending=".99", max_change_per_update=D("0.3"))
    low = apply_guardrails(D("7.50"), ctx, rules, [], NOW, range_prices=[budget, luxury])
    assert low.price == D("8.99")  # the budget brand is at 8.49: the next .99 up is 8.99
    assert GuardrailRule.TIER in low.moved_by
    with pytest.raises(PriceRefusedError) as refused:
        apply_guardrails(
            D("9.20"),
            ctx,
            eur(ending=".99"),
            [],
            NOW,
            range_prices=[RangePrice("OIL-B", "oil", 0, D("9.10")), luxury],
        )
    assert refused.value.rule == GuardrailRule.ENDING  # [9.10, 9.49] holds no .99


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: PricingRules("EUR", floor=D("20"), cap=D("15")), ["floor 20", "cap 15"]),
        (lambda: PricingContext("A", cost=D("-1"), current_price=D("5")), ["cost", "-1"]),
        (lambda: PricingContext("A", cost=D("0"), current_price=D("5")), ["cost", "positive"]),
        (lambda: PricingRules("EUR", min_margin=D("1")), ["min_margin", "[0, 1)"]),
        (lambda: PricingRules("EUR", min_margin=D("-0.1")), ["min_margin", "[0, 1)"]),
        (
            lambda: PricingRules("EUR", max_change_per_update=D("0")),
            ["max_change_per_update", "positive"],
        ),
        (
            lambda: PricingRules("EUR", max_change_per_day=D("-0.1")),
            ["max_change_per_day", "positive"],
        ),
        (lambda: PricingRules("XYZ"), ["unknown currency", "XYZ"]),
        (lambda: PricingRules("EUR", vat_rate=D("1")), ["vat_rate", "[0, 1)"]),
        (lambda: PricingRules("EUR", vat_rate=D("-0.2")), ["vat_rate", "[0, 1)"]),
        (lambda: PricingRules("JPY", ending=".99"), ["'.99'", "JPY has 0"]),
        (lambda: PricingRules("EUR", ending="99c"), ["price ending", "'99c'"]),
        (lambda: PricingRules("EUR", floor=D("9.995")), ["floor 9.995", "EUR"]),
        (lambda: PricingRules("EUR", cap=0.5), ["cap", "float"]),  # type: ignore[arg-type]
        (lambda: PriceLock("A", "sale"), ["lock reason"]),  # type: ignore[arg-type]
        (lambda: PricingContext("A", cost=D("1"), current_price=D("2"), tier=1), ["range_id"]),
        (
            lambda: merge_rules(
                PricingRules("EUR", cap=D("50")), product=PricingOverride(floor=D("60"))
            ),
            ["floor 60", "cap 50"],
        ),
    ],
)
def test_invalid_configurations_are_refused_with_a_clear_message(
    build: object, words: list[str]
) -> None:
    with pytest.raises(InvalidInputError) as err:
        build()  # type: ignore[operator]
    assert err.value.code == ErrorCode.INVALID_INPUT
    for word in words:
        assert word in err.value.message


def test_product_overrides_win_over_category_overrides_over_the_shop() -> None:
    shop = PricingRules("EUR", min_margin=D("0.1"), ending=".99", vat_rate=D("0.2"))
    category = PricingOverride(min_margin=D("0.3"), vat_rate=D("0.055"), cap=D("40"))
    product = PricingOverride(min_margin=D("0.2"))
    rules = merge_rules(shop, category, product)
    assert (rules.min_margin, rules.vat_rate, rules.cap, rules.ending) == (
        D("0.2"),
        D("0.055"),
        D("40"),
        ".99",
    )
    assert merge_rules(shop) == shop


# ---------------------------------------------------------------- families and tiers


def tees(*prices: str, family: str = "tee") -> list[PricingContext]:
    return [
        PricingContext(f"TEE-{i}", cost=D("5"), current_price=D(p), family_id=family)
        for i, p in enumerate(prices)
    ]


VARIANTS = st.lists(st.tuples(st.integers(800, 5000), st.integers(30, 95)), min_size=2, max_size=5)


@FAST
@given(
    VARIANTS,
    st.lists(st.integers(50, 200), min_size=1, max_size=5),
    st.sampled_from(["none", ".99", ".90"]),
)
def test_family_variants_move_by_one_relative_change(
    variants: list[tuple[int, int]], wants: list[int], ending: str
) -> None:
    # Each variant has its own cost (30% to 95% of its price); a common cap of 45.00 holds
    # the dear ones back while the margin pushes the costly ones up: some families cannot move.
    contexts = [
        PricingContext(
            f"TEE-{i}",
            cost=D(cents * share).scaleb(-4),
            current_price=D(cents).scaleb(-2),
            family_id="tee",
        )
        for i, (cents, share) in enumerate(variants)
    ]
    wanted = {
        ctx.sku: (ctx.current_price * D(w) / 100).quantize(D("0.01"))
        for ctx, w in zip(contexts, wants, strict=False)
    }
    rules = eur(
        min_margin=D("0.2"),
        cap=D("45.00"),
        max_change_per_update=D("0.3"),
        max_change_per_day=D("0.5"),
        ending=ending,
    )
    try:
        out = guard_family(wanted, contexts, rules, [], NOW)
    except PriceRefusedError as refused:
        rule = refused.rule
        out = {}
    if not out:
        # A family that cannot share a change, or a variant that has no allowed price at all.
        assert rule in {
            GuardrailRule.FAMILY,
            GuardrailRule.ENDING,
            GuardrailRule.MAX_CHANGE_UPDATE,
            GuardrailRule.CAP,
        }
        return
    step = D(1) if ending != "none" else D("0.01")
    # One common ratio r puts every variant within one ending step (plus a cent) of current * r.
    lows = [(out[c.sku].price - step - D("0.01")) / c.current_price for c in contexts]
    highs = [(out[c.sku].price + step + D("0.01")) / c.current_price for c in contexts]
    assert max(lows) <= min(highs)
    for ctx in contexts:
        case = Case(out[ctx.sku].price, ctx, rules, (), ())
        assert broken_rules(out[ctx.sku].price, case) == []


def test_family_moves_together_and_explains_it() -> None:
    contexts = tees("10.00", "12.00", "20.00")
    # Two variants want +10%, one wants -20%: the family takes the median, +10%.
    wanted = {"TEE-0": D("11.00"), "TEE-1": D("13.20"), "TEE-2": D("16.00")}
    out = guard_family(wanted, contexts, eur(max_change_per_update=D("0.3")), [], NOW)
    assert [out[s].price for s in ("TEE-0", "TEE-1", "TEE-2")] == [
        D("11.00"),
        D("13.20"),
        D("22.00"),
    ]
    assert out["TEE-2"].moved_by[0] == GuardrailRule.FAMILY
    assert "+10%" in out["TEE-2"].adjustments[0].reason


def test_family_refused_when_variants_cannot_share_a_change_or_one_is_locked() -> None:
    # TEE-0 sells below a 50% margin today and must rise 50%; TEE-1 is capped at +10% by the cap.
    contexts = [
        PricingContext("TEE-0", cost=D("10"), current_price=D("13.34"), family_id="tee"),
        PricingContext("TEE-1", cost=D("1"), current_price=D("20.00"), family_id="tee"),
    ]
    rules = {
        "TEE-0": eur(
            min_margin=D("0.5"), max_change_per_update=D("0.6"), max_change_per_day=D("0.6")
        ),
        "TEE-1": eur(cap=D("22.00")),
    }
    with pytest.raises(PriceRefusedError) as refused:
        guard_family({"TEE-0": D("20")}, contexts, rules, [], NOW)
    assert refused.value.rule == GuardrailRule.FAMILY
    assert "TEE-0" in refused.value.message
    assert "TEE-1" in refused.value.message
    lock = PriceLock("TEE-1", LockReason.CLEARANCE, until=NOW + timedelta(days=2))
    with pytest.raises(PriceRefusedError) as locked_family:
        guard_family({"TEE-0": D("14")}, contexts, rules, [lock], NOW)
    assert locked_family.value.rule == GuardrailRule.LOCK
    assert locked_family.value.sku == "TEE-1"


def test_family_input_errors() -> None:
    with pytest.raises(InvalidInputError):
        guard_family(
            {"TEE-0": D("1")}, tees("10", "12") + tees("9", family="other"), eur(), [], NOW
        )
    with pytest.raises(InvalidInputError):
        guard_family({"NOPE": D("1")}, tees("10", "12"), eur(), [], NOW)


def test_tier_order_checks_a_whole_set_of_new_prices() -> None:
    fine = [
        RangePrice("B", "oil", 0, D("5.99")),
        RangePrice("M", "oil", 1, D("5.99")),
        RangePrice("P", "oil", 2, D("8.99")),
        RangePrice("X", "wine", 0, D("50")),
    ]
    check_tier_order(fine)
    with pytest.raises(PriceRefusedError) as refused:
        check_tier_order([*fine, RangePrice("P2", "oil", 2, D("5.49"))])
    assert refused.value.rule == GuardrailRule.TIER
    assert refused.value.sku == "P2"
