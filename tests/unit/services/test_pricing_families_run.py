"""Families and brand ranges in a pricing run, on a real database.

The shop of ``stock_shop`` under 20 % per update: on their own, FAST-1 (10.00) and UMB-1
(15.00) rise 20 % (little stock left), SLOW-1 (20.00) and LONE-1 (4.00) are cut 20 %.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ProposalRow
from shopkeeper.domain.proposals import CapabilityMode
from shopkeeper.domain.shops import Shop
from shopkeeper.services import proposals
from shopkeeper.services.catalog import find_product
from shopkeeper.services.pricing_inputs import Placement, placement
from shopkeeper.services.pricing_rules import add_lock
from shopkeeper.services.pricing_run import run_pricing
from shopkeeper.services.runtime import Runtime
from tests.unit.services.test_pricing_run import (
    _mode,
    _open_proposals,
    _prices,
    _rules,
    priced,  # noqa: F401 (the fixture: the shop of stock_shop with its forecasts)
)

pytestmark = pytest.mark.postgres


def _place(
    runtime: Runtime, shop_id: int, sku: str, price: str | None = None, **attrs: object
) -> None:
    """Set a product's attributes (and its price, as if it had always been that)."""
    with transaction(runtime.sessions) as session:
        row = find_product(session, shop_id, sku)
        assert row is not None
        row.attributes = {**row.attributes, **attrs}
        if price is not None:
            row.price = Decimal(price)


def _proposed(runtime: Runtime, shop_id: int) -> dict[str, ProposalRow]:
    return {p.target: p for p in _open_proposals(runtime, shop_id)}


def _change(proposal: ProposalRow) -> Decimal:
    return Decimal(proposal.payload["new_price"]) / Decimal(proposal.payload["old_price"])


def _free(runtime: Runtime, shop: Shop, mode: CapabilityMode = CapabilityMode.SUGGEST) -> None:
    _mode(runtime, shop.id, mode)
    # No price tests: these checks follow the greedy quotes.
    _rules(
        runtime,
        shop.id,
        max_change_per_update="0.2",
        max_change_per_day="0.3",
        explore_share="0",
    )


@pytest.mark.usefixtures("priced")
def test_the_variants_of_a_family_take_one_common_change(runtime: Runtime, shop: Shop) -> None:
    _free(runtime, shop)
    for sku in ("FAST-1", "UMB-1", "SLOW-1"):
        _place(runtime, shop.id, sku, family="gift-set")
    summary = run_pricing(runtime, shop.id)
    proposed = _proposed(runtime, shop.id)
    # Two variants want +20 %, SLOW-1 wants -20 %: the family takes the median, +20 %.
    assert {sku: _change(proposed[sku]) for sku in ("FAST-1", "UMB-1", "SLOW-1")} == {
        "FAST-1": Decimal("1.2"),
        "UMB-1": Decimal("1.2"),
        "SLOW-1": Decimal("1.2"),
    }
    assert proposed["SLOW-1"].payload["new_price"] == "24.00"
    for sku in ("FAST-1", "UMB-1", "SLOW-1"):
        assert "with family gift-set" in proposed[sku].explanation["summary"], sku
    assert (
        "set to 24.00 to move +20% with family gift-set"
        in (proposed["SLOW-1"].explanation["summary"])
    )
    # LONE-1 is in no family: it keeps its own quote.
    assert _change(proposed["LONE-1"]) == Decimal("0.8")
    assert "decided_with" not in proposed["LONE-1"].payload
    # Approving one variant applies the whole family, never a split ladder.
    assert "decided with the rest of family gift-set" in proposed["UMB-1"].summary
    with transaction(runtime.sessions) as session:
        proposals.approve(
            session, runtime.clock, shop_id=shop.id, proposal_id=proposed["UMB-1"].id, actor="o"
        )
    prices = _prices(runtime, shop.id)
    assert prices["SLOW-1"] == Decimal("24.00")
    assert prices["FAST-1"] == Decimal(proposed["FAST-1"].payload["new_price"])
    assert set(_proposed(runtime, shop.id)) == {"LONE-1"}
    assert summary.refused == {}


@pytest.mark.usefixtures("priced")
def test_a_family_with_a_locked_variant_keeps_its_prices(runtime: Runtime, shop: Shop) -> None:
    _free(runtime, shop, CapabilityMode.AUTO)
    for sku in ("FAST-1", "SLOW-1"):
        _place(runtime, shop.id, sku, family="gift-set")
    with transaction(runtime.sessions) as session:
        add_lock(session, runtime.clock, shop_id=shop.id, sku="FAST-1", actor="owner")
    before = _prices(runtime, shop.id)
    summary = run_pricing(runtime, shop.id)
    after = _prices(runtime, shop.id)
    assert after["SLOW-1"] == before["SLOW-1"]
    assert summary.refused["SLOW-1"].startswith("price_lock: variants of family gift-set")
    assert after["LONE-1"] != before["LONE-1"]  # the rest of the run goes on


@pytest.mark.usefixtures("priced")
def test_a_premium_brand_is_held_at_the_budget_brand_price(runtime: Runtime, shop: Shop) -> None:
    _free(runtime, shop)
    # SLOW-1 (premium) would be cut 20 % to 16.00, below UMB-1 (budget, 17.00), which is
    # locked and keeps its price.
    _place(runtime, shop.id, "UMB-1", "17.00", range="umbrella", brand_tier=0)
    _place(runtime, shop.id, "SLOW-1", range="umbrella", brand_tier="1")
    with transaction(runtime.sessions) as session:
        add_lock(session, runtime.clock, shop_id=shop.id, sku="UMB-1", actor="owner")
    summary = run_pricing(runtime, shop.id)
    premium = _proposed(runtime, shop.id)["SLOW-1"]
    assert Decimal(premium.payload["new_price"]) == Decimal("17.00")
    assert "brand tier" in premium.explanation["summary"]
    assert "SLOW-1" not in summary.refused


@pytest.mark.usefixtures("priced")
def test_brands_that_would_cross_in_a_range_keep_their_prices(runtime: Runtime, shop: Shop) -> None:
    _free(runtime, shop, CapabilityMode.AUTO)
    # Each quote respects the other's current price: UMB-1 (budget, 15.00) rises 20 % to
    # 18.00 and SLOW-1 (premium, 20.00) falls 20 % to 16.00. Together they would cross.
    _place(runtime, shop.id, "UMB-1", range="umbrella", brand_tier=0)
    _place(runtime, shop.id, "SLOW-1", range="umbrella", brand_tier=1)
    before = _prices(runtime, shop.id)
    summary = run_pricing(runtime, shop.id)
    after = _prices(runtime, shop.id)
    for sku in ("UMB-1", "SLOW-1"):
        assert after[sku] == before[sku], sku
        assert summary.refused[sku].startswith("brand_tier: "), summary.refused[sku]
        assert "range umbrella" in summary.refused[sku]
    # The rest of the run goes on.
    assert after["FAST-1"] > before["FAST-1"]
    assert after["LONE-1"] < before["LONE-1"]


@pytest.mark.usefixtures("priced")
def test_a_bad_brand_tier_is_reported_not_a_crash(runtime: Runtime, shop: Shop) -> None:
    _free(runtime, shop)
    _place(runtime, shop.id, "LONE-1", range="soap", brand_tier="gold")
    summary = run_pricing(runtime, shop.id)
    assert "LONE-1" in summary.refused
    assert "brand_tier must be a whole number" in summary.refused["LONE-1"]
    assert "'gold'" in summary.refused["LONE-1"]
    assert summary.quoted == 3
    assert set(_proposed(runtime, shop.id)) == {"FAST-1", "SLOW-1", "UMB-1"}


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({}, Placement()),
        ({"family": "tee", "colour": "red"}, Placement("tee")),
        ({"range": "oil", "brand_tier": 2}, Placement(None, "oil", 2)),
        ({"range": " oil ", "brand_tier": " 0 "}, Placement(None, "oil", 0)),
        ({"family": "", "range": "oil", "brand_tier": "3"}, Placement(None, "oil", 3)),
        ({"range": "oil", "brand_tier": " Premium "}, Placement(None, "oil", 2)),
        ({"range": "oil", "brand_tier": "budget"}, Placement(None, "oil", 0)),
        # The demo catalogue names a tier on every product without ranges: nothing to rank.
        ({"family": "tee", "brand_tier": "mid"}, Placement("tee")),
    ],
)
def test_placement_reads_family_range_and_tier(
    attributes: dict[str, object], expected: Placement
) -> None:
    assert placement("SKU-1", attributes) == expected


@pytest.mark.parametrize(
    ("attributes", "words"),
    [
        ({"range": "oil", "brand_tier": "gold"}, ["brand_tier", "'gold'", "premium"]),
        ({"range": "oil", "brand_tier": 1.5}, ["brand_tier", "1.5"]),
        ({"range": "oil", "brand_tier": -1}, ["brand_tier", "0 or more"]),
        ({"range": "oil", "brand_tier": True}, ["brand_tier", "True"]),
        ({"range": "oil"}, ["range is set without brand_tier"]),
        ({"family": ["tee"]}, ["family must be a name"]),
    ],
)
def test_placement_refuses_unreadable_attributes(
    attributes: dict[str, object], words: list[str]
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        placement("SKU-1", attributes)
    assert "SKU-1" in refused.value.message
    for word in words:
        assert word in refused.value.message
