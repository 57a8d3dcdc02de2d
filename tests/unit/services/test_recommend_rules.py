"""apply_rules: pins, boosts, burials, exclusions, the category cap, margin and owned durables."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.services.recommend_rules import (
    Candidate,
    Chosen,
    Policy,
    ProductFacts,
    Rule,
    RuleAction,
    TargetKind,
    apply_rules,
)


def facts(
    category: str = "",
    brand: str = "",
    *,
    price: str = "10",
    cost: str | None = None,
    consumable: bool = False,
    sellable: bool = True,
) -> ProductFacts:
    return ProductFacts(
        title="t",
        category=category,
        brand=brand,
        price=Decimal(price),
        cost=None if cost is None else Decimal(cost),
        is_consumable=consumable,
        sellable=sellable,
    )


def ranked(*skus: str) -> list[Candidate]:
    """Candidates best first, with decreasing scores."""
    return [Candidate(s, 1.0 - i / 10, "popularity", f"why {s}") for i, s in enumerate(skus)]


def skus(chosen: list[Chosen]) -> list[str]:
    return [c.candidate.sku for c in chosen]


PRODUCTS = {
    "A": facts("lamps", "Acme"),
    "B": facts("lamps", "Bolt"),
    "C": facts("rugs", "Acme"),
    "D": facts("rugs", "Dune"),
    "E": facts("mugs", "Dune"),
}


def test_without_rules_the_order_is_kept() -> None:
    chosen = apply_rules(ranked("A", "B", "C", "D"), PRODUCTS, [], Policy(), set(), 10)
    assert skus(chosen) == ["A", "B", "C", "D"]
    assert all(c.rule_note is None and not c.pinned for c in chosen)
    assert chosen[0].score == 1.0


def test_a_pinned_sku_comes_first_even_when_no_model_proposed_it() -> None:
    pin = Rule(7, RuleAction.PIN, TargetKind.SKU, "E")
    chosen = apply_rules(ranked("A", "B", "C"), PRODUCTS, [pin], Policy(), set(), 3)
    assert skus(chosen) == ["E", "A", "B"]
    assert chosen[0].pinned
    assert chosen[0].rule_note == "Pinned by the shop"
    assert chosen[0].rule_id == 7
    assert chosen[0].candidate.source == "rule"


def test_a_pin_of_an_unsellable_product_is_ignored() -> None:
    products = {**PRODUCTS, "E": facts("mugs", sellable=False)}
    pin = Rule(1, RuleAction.PIN, TargetKind.SKU, "E")
    assert "E" not in skus(apply_rules(ranked("A", "B"), products, [pin], Policy(), set(), 3))


def test_a_brand_pin_lifts_its_candidates_above_the_rest() -> None:
    pin = Rule(1, RuleAction.PIN, TargetKind.BRAND, "acme")  # brand matched case-insensitively
    chosen = apply_rules(ranked("B", "D", "A", "C"), PRODUCTS, [pin], Policy(), set(), 4)
    assert skus(chosen) == ["A", "C", "B", "D"]


def test_boost_moves_an_item_up_and_says_why() -> None:
    boost = Rule(2, RuleAction.BOOST, TargetKind.BRAND, "Dune", 3.0)
    chosen = apply_rules(ranked("A", "B", "C", "D"), PRODUCTS, [boost], Policy(), set(), 4)
    # D's rank weight 1/4 * 3 = 0.75 passes B (1/2) and C (1/3), not A (1).
    assert skus(chosen) == ["A", "D", "B", "C"]
    d = chosen[1]
    assert d.rule_note == "Boosted: brand Dune"
    assert d.score == round(0.7 * 3.0, 6)


def test_bury_moves_an_item_down_and_exclude_removes_it() -> None:
    bury = Rule(3, RuleAction.BURY, TargetKind.CATEGORY, "lamps", 0.1)
    chosen = apply_rules(ranked("A", "C", "D"), PRODUCTS, [bury], Policy(), set(), 3)
    assert skus(chosen) == ["C", "D", "A"]
    assert chosen[-1].rule_note == "Buried: category lamps"
    exclude = Rule(4, RuleAction.EXCLUDE, TargetKind.CATEGORY, "LAMPS")
    assert skus(apply_rules(ranked("A", "B", "C"), PRODUCTS, [exclude], Policy(), set(), 3)) == [
        "C"
    ]


def test_the_most_specific_rule_decides() -> None:
    rules = [
        Rule(1, RuleAction.EXCLUDE, TargetKind.CATEGORY, "lamps"),
        Rule(2, RuleAction.BOOST, TargetKind.SKU, "A", 3.0),
    ]
    chosen = apply_rules(ranked("C", "A", "B"), PRODUCTS, rules, Policy(), set(), 3)
    # The sku boost beats the category exclusion for A; B stays excluded.
    assert skus(chosen) == ["A", "C"]


def test_max_per_category_comes_from_the_policy() -> None:
    products = {f"M{i}": facts("mugs") for i in range(6)} | {"R": facts("rugs"), "X": facts("")}
    candidates = ranked("M0", "M1", "M2", "M3", "R", "X", "M4")
    assert skus(apply_rules(candidates, products, [], Policy(), set(), 10)) == [
        "M0",
        "M1",
        "M2",
        "R",
        "X",
    ]
    one = Policy(max_per_category=1)
    assert skus(apply_rules(candidates, products, [], one, set(), 10)) == ["M0", "R", "X"]


def test_margin_weight_favours_the_better_margin() -> None:
    products = {
        "THIN": facts("a", price="10", cost="9"),  # 10 % margin
        "FAT": facts("b", price="10", cost="2"),  # 80 % margin
        "UNKNOWN": facts("c"),  # no cost: gets the average, neither reward nor penalty
    }
    candidates = ranked("THIN", "FAT", "UNKNOWN")
    assert skus(apply_rules(candidates, products, [], Policy(), set(), 3))[0] == "THIN"
    chosen = apply_rules(candidates, products, [], Policy(margin_weight=1.0), set(), 3)
    assert skus(chosen)[0] == "FAT"
    by_sku = {c.candidate.sku: c.score for c in chosen}
    assert by_sku["FAT"] == 0.9  # best margin: factor 1
    assert by_sku["THIN"] == round(1.0 * (0.1 / 0.8), 6)
    half = apply_rules(candidates, products, [], Policy(margin_weight=0.5), set(), 3)
    assert {c.candidate.sku: c.score for c in half}["THIN"] == round(0.5 + 0.5 * 0.125, 6)


def test_bought_durables_are_left_out_and_consumables_come_back() -> None:
    products = {"FRIDGE": facts("kitchen"), "COFFEE": facts("food", consumable=True)}
    candidates = ranked("FRIDGE", "COFFEE")
    bought = {"FRIDGE", "COFFEE"}
    assert skus(apply_rules(candidates, products, [], Policy(), bought, 5)) == ["COFFEE"]
    keep = Policy(exclude_bought_durables=False)
    assert skus(apply_rules(candidates, products, [], keep, bought, 5)) == ["FRIDGE", "COFFEE"]
    pin = Rule(1, RuleAction.PIN, TargetKind.SKU, "FRIDGE")
    assert skus(apply_rules(candidates, products, [pin], Policy(), bought, 5)) == ["COFFEE"]


def test_duplicates_and_unknown_skus_are_dropped_and_k_is_respected() -> None:
    candidates = ranked("A", "A", "GHOST", "B", "C", "D")
    assert skus(apply_rules(candidates, PRODUCTS, [], Policy(), set(), 2)) == ["A", "B"]
    assert apply_rules(candidates, PRODUCTS, [], Policy(), set(), 0) == []


SKUS = [f"S{i}" for i in range(12)]
product_strategy = st.builds(
    facts,
    category=st.sampled_from(["", "a", "b", "c"]),
    brand=st.sampled_from(["", "X", "Y"]),
    price=st.sampled_from(["1", "10", "99.5"]),
    cost=st.sampled_from([None, "0", "5", "50"]),
    consumable=st.booleans(),
    sellable=st.booleans(),
)
rule_strategy = st.builds(
    lambda i, action, kind, value, boost, bury: Rule(
        i,
        action,
        kind,
        value,
        boost if action is RuleAction.BOOST else bury if action is RuleAction.BURY else None,
    ),
    st.integers(1, 1000),
    st.sampled_from(list(RuleAction)),
    st.sampled_from(list(TargetKind)),
    st.sampled_from([*SKUS, "a", "b", "X", "Y"]),
    st.floats(1.01, 10),
    st.floats(0.01, 0.99),
)


@settings(max_examples=200, deadline=None)
@given(
    products=st.dictionaries(st.sampled_from(SKUS), product_strategy, max_size=12),
    order=st.lists(st.sampled_from(SKUS), max_size=20),
    rules=st.lists(rule_strategy, max_size=6),
    cap=st.integers(1, 4),
    weight=st.floats(0, 1),
    bought=st.sets(st.sampled_from(SKUS)),
    k=st.integers(0, 8),
)
def test_invariants_hold_for_any_rules(
    products: dict[str, ProductFacts],
    order: list[str],
    rules: list[Rule],
    cap: int,
    weight: float,
    bought: set[str],
    k: int,
) -> None:
    policy = Policy(max_per_category=cap, margin_weight=weight)
    chosen = apply_rules(ranked(*order), products, rules, policy, bought, k)
    picked = skus(chosen)
    assert len(picked) <= k
    assert len(set(picked)) == len(picked)
    assert all(s in products and products[s].sellable for s in picked)
    assert not any(s in bought and not products[s].is_consumable for s in picked)
    per_category: dict[str, int] = {}
    for s in picked:
        if products[s].category:
            per_category[products[s].category] = per_category.get(products[s].category, 0) + 1
    assert all(n <= cap for n in per_category.values())
    # Pins lead: no unpinned item comes before a pinned one.
    flags = [c.pinned for c in chosen]
    assert flags == sorted(flags, reverse=True)


def test_the_callers_exclusions_beat_even_a_pin() -> None:
    pin = Rule(1, RuleAction.PIN, TargetKind.SKU, "E")
    chosen = apply_rules(
        ranked("A", "B"), PRODUCTS, [pin], Policy(), set(), 3, exclude=frozenset({"E", "A"})
    )
    assert skus(chosen) == ["B"]
