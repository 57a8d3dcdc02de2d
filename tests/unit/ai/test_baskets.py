"""BoughtTogetherRecommender: support, lift versus confidence, carts and reasons."""

from __future__ import annotations

import pytest

from shopkeeper.ai.recommend.baskets import (
    BoughtTogetherRecommender,
    OrderBaskets,
    TogetherQuery,
)
from shopkeeper.core.errors import InvalidInputError, NotFittedError

# A best seller (BAG) rides along with everything; PAD truly goes with the LAMP.
ORDERS = OrderBaskets(
    (("LAMP", "PAD", "BAG"),) * 3
    + (("LAMP", "BAG"),) * 2
    + (("BAG", "X"),) * 10
    + (("LAMP", "RARE"),)
    + (("PAD", "BAG", "LAMP", "LAMP"),)
)


def ranked(model: BoughtTogetherRecommender, *skus: str, k: int = 10) -> list[str]:
    return [s.sku for s in model.predict(TogetherQuery(skus=skus, k=k))]


def test_lift_prefers_the_complement_and_confidence_the_best_seller() -> None:
    assert ranked(BoughtTogetherRecommender(score="lift").fit(ORDERS), "LAMP") == ["PAD", "BAG"]
    by_share = BoughtTogetherRecommender(score="confidence").fit(ORDERS)
    assert ranked(by_share, "LAMP") == ["BAG", "PAD"]


def test_pairs_below_the_minimum_support_are_dropped() -> None:
    assert "RARE" not in ranked(BoughtTogetherRecommender(min_support=2).fit(ORDERS), "LAMP")
    assert "RARE" in ranked(BoughtTogetherRecommender(min_support=1).fit(ORDERS), "LAMP")


def test_a_sku_twice_in_an_order_counts_once_and_big_orders_are_skipped() -> None:
    model = BoughtTogetherRecommender().fit(ORDERS)
    assert model.together("LAMP", "PAD") == 4
    small = BoughtTogetherRecommender(max_basket=2).fit(ORDERS)
    assert small.together("LAMP", "PAD") == 0


def test_explain_says_in_how_many_orders() -> None:
    model = BoughtTogetherRecommender().fit(ORDERS)
    query = TogetherQuery(skus=("LAMP",), k=1)
    explanation = model.explain(query, model.predict(query))
    assert explanation.summary == "PAD was bought together with LAMP in 4 orders."
    assert explanation.factors[0].detail.startswith("bought together with LAMP in 4 orders")
    assert "No product" in model.explain(TogetherQuery(skus=("X",)), ()).summary


def test_a_cart_of_several_skus_sums_and_excludes_itself() -> None:
    model = BoughtTogetherRecommender().fit(ORDERS)
    answer = ranked(model, "LAMP", "PAD")
    assert answer == ["BAG"]


def test_bad_parameters_and_unfitted_use_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        BoughtTogetherRecommender(min_support=0).fit(ORDERS)
    with pytest.raises(InvalidInputError):
        BoughtTogetherRecommender(score="magic").fit(ORDERS)  # type: ignore[arg-type]
    with pytest.raises(NotFittedError):
        BoughtTogetherRecommender().predict(TogetherQuery(skus=("LAMP",)))
    with pytest.raises(InvalidInputError):
        TogetherQuery(skus=("LAMP",), k=0)


def test_baskets_gather_order_lines_by_order() -> None:
    lines = [(1, "A"), (2, "B"), (1, "C"), (2, "A")]
    assert OrderBaskets.from_lines(lines).baskets == (("A", "C"), ("B", "A"))
