"""Pricing runs on a real database: proposals by mode, guardrails, locks and the kill switch."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from shopkeeper.core.errors import ErrorCode, InvalidInputError, NotFoundError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import PriceChangeRow, ProductRow, ProposalRow
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.domain.shops import Shop
from shopkeeper.jobs.context import JobRuntime
from shopkeeper.jobs.runner import run_job
from shopkeeper.services.catalog import upsert_product
from shopkeeper.services.modes import set_mode
from shopkeeper.services.pricing_rules import add_lock, load_setup, set_rules
from shopkeeper.services.pricing_run import kill_switch, run_pricing
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock
from tests.unit.services.stock_shop import build_forecast_shop

pytestmark = pytest.mark.postgres


@pytest.fixture
def priced(runtime: Runtime, shop: Shop) -> Shop:
    return build_forecast_shop(runtime, shop)


@pytest.fixture
def coffee(runtime: Runtime, shop: Shop) -> Shop:
    """A shop with one product, in the category the rule tests override."""
    with transaction(runtime.sessions) as session:
        upsert_product(
            session,
            runtime.clock,
            shop,
            ProductCreate(
                sku="COF-1", title="Café", category="coffee", cost=Decimal(4), price=Decimal(10)
            ),
            "test",
        )
    return shop


def _mode(runtime: Runtime, shop_id: int, mode: CapabilityMode, **scope: str) -> None:
    with transaction(runtime.sessions) as session:
        set_mode(
            session,
            runtime.clock,
            shop_id=shop_id,
            capability=Capability.PRICING,
            mode=mode,
            actor="test",
            **scope,
        )


def _rules(
    runtime: Runtime, shop_id: int, scope: str = "shop", value: str = "", **rules: str
) -> None:
    with transaction(runtime.sessions) as session:
        set_rules(
            session,
            runtime.clock,
            shop_id=shop_id,
            scope_kind=scope,
            scope_value=value,
            values=rules,
            actor="test",
        )


def _prices(runtime: Runtime, shop_id: int) -> dict[str, Decimal]:
    with runtime.sessions() as session:
        rows = session.execute(
            select(ProductRow.sku, ProductRow.price).where(ProductRow.shop_id == shop_id)
        ).all()
    return dict(rows)


def _open_proposals(runtime: Runtime, shop_id: int) -> list[ProposalRow]:
    with runtime.sessions() as session:
        return list(
            session.scalars(
                select(ProposalRow).where(
                    ProposalRow.shop_id == shop_id,
                    ProposalRow.kind == "dynamic_price",
                    ProposalRow.status == "proposed",
                )
            )
        )


def test_suggest_mode_proposes_guarded_prices_with_reasons(runtime: Runtime, priced: Shop) -> None:
    _mode(runtime, priced.id, CapabilityMode.SUGGEST)
    _rules(runtime, priced.id, min_margin="0.3", max_change_per_update="0.05", ending=".99")
    before = _prices(runtime, priced.id)
    summary = run_pricing(runtime, priced.id)
    assert summary.model_run_id is not None
    assert summary.products == 4
    assert summary.quoted == 4
    waiting = _open_proposals(runtime, priced.id)
    assert len(waiting) == summary.changes > 0
    for proposal in waiting:
        old, new = Decimal(proposal.payload["old_price"]), Decimal(proposal.payload["new_price"])
        assert old == before[proposal.target]
        assert abs(new / old - 1) <= Decimal("0.05") + Decimal("0.001")
        assert str(new).endswith(".99")
        assert "elasticity" in proposal.explanation["summary"]
        assert "profit_change_per_day" in proposal.expected_effect
    # Suggest changes nothing until a person approves.
    assert _prices(runtime, priced.id) == before
    # A second run replaces the waiting proposals instead of piling them up.
    run_pricing(runtime, priced.id)
    assert len(_open_proposals(runtime, priced.id)) == summary.changes


def test_auto_mode_applies_logs_and_the_kill_switch_reverts(
    runtime: Runtime, priced: Shop, clock: FakeClock
) -> None:
    _mode(runtime, priced.id, CapabilityMode.AUTO)
    before = _prices(runtime, priced.id)
    summary = run_pricing(runtime, priced.id)
    assert summary.applied == summary.changes > 0
    after = _prices(runtime, priced.id)
    moved = {sku for sku in before if after[sku] != before[sku]}
    assert len(moved) == summary.applied
    with runtime.sessions() as session:
        logged = session.scalars(
            select(PriceChangeRow).where(
                PriceChangeRow.shop_id == priced.id, PriceChangeRow.source == "pricing"
            )
        ).all()
    assert len(logged) == len(moved)
    assert all(row.reason for row in logged)
    # A second automatic move later, then the kill switch: back to the price before both.
    clock.advance(hours=5)
    run_pricing(runtime, priced.id)
    result = kill_switch(runtime, priced.id, actor="owner@shop")
    assert _prices(runtime, priced.id) == before
    assert moved <= set(result.reverted)
    assert all(listed == before[sku] for sku, (_, listed) in result.reverted.items())
    # Pricing is off: a run changes nothing and proposes nothing.
    again = run_pricing(runtime, priced.id)
    assert _prices(runtime, priced.id) == before
    assert again.applied == 0
    assert not _open_proposals(runtime, priced.id)


def test_a_locked_product_keeps_its_price(runtime: Runtime, priced: Shop) -> None:
    _mode(runtime, priced.id, CapabilityMode.AUTO)
    with transaction(runtime.sessions) as session:
        add_lock(session, runtime.clock, shop_id=priced.id, sku="FAST-1", actor="owner")
    before = _prices(runtime, priced.id)
    summary = run_pricing(runtime, priced.id)
    assert _prices(runtime, priced.id)["FAST-1"] == before["FAST-1"]
    assert "FAST-1" in summary.refused


def test_a_product_override_in_off_mode_is_left_alone(runtime: Runtime, priced: Shop) -> None:
    _mode(runtime, priced.id, CapabilityMode.AUTO)
    _mode(runtime, priced.id, CapabilityMode.OFF, scope_kind="category", scope_value="coffee")
    before = _prices(runtime, priced.id)
    run_pricing(runtime, priced.id)
    assert _prices(runtime, priced.id)["FAST-1"] == before["FAST-1"]


@pytest.mark.parametrize(
    ("scope", "value", "rules", "message"),
    [
        ("shop", "", {"floor": "20", "cap": "15"}, "floor 20 is above cap 15"),
        ("shop", "", {"objective": "fame"}, "objective must be one of"),
        ("shop", "", {"ending": ".999"}, "price ending"),
        ("category", "coffee", {"colour": "red"}, "unknown pricing rule"),
        ("shop", "", {"min_margin": "1.2"}, "min_margin must be a share"),
    ],
)
def test_invalid_configurations_are_refused_and_nothing_is_stored(
    runtime: Runtime, coffee: Shop, scope: str, value: str, rules: dict[str, str], message: str
) -> None:
    shop = coffee
    with pytest.raises(InvalidInputError) as caught:
        _rules(runtime, shop.id, scope, value, **rules)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert message in caught.value.message
    with runtime.sessions() as session:
        setup = load_setup(session, shop.id)
    assert setup.rules.floor is None
    assert setup.rules.cap is None


def test_overrides_of_unknown_categories_or_products_are_refused(
    runtime: Runtime, coffee: Shop
) -> None:
    for scope, value in (("category", "planets"), ("product", "NOPE")):
        with pytest.raises(NotFoundError, match="no product"):
            _rules(runtime, coffee.id, scope, value, min_margin="0.3")


def test_a_category_floor_above_the_shop_cap_is_refused(runtime: Runtime, coffee: Shop) -> None:
    shop = coffee
    _rules(runtime, shop.id, cap="50")
    with pytest.raises(InvalidInputError, match="floor 60 is above cap 50"):
        _rules(runtime, shop.id, "category", "coffee", floor="60")
    with runtime.sessions() as session:
        assert not load_setup(session, shop.id).categories


def test_the_scheduled_job_quotes_only_where_pricing_is_on(runtime: Runtime, priced: Shop) -> None:
    jobs = JobRuntime.wrap(runtime)
    _mode(runtime, priced.id, CapabilityMode.OFF)
    (off,) = run_job(jobs, "reprice", shop_id=priced.id)
    assert off.status == "ok", off.error
    assert off.figures == {"skipped": "pricing is off"}
    _mode(runtime, priced.id, CapabilityMode.SUGGEST, scope_kind="category", scope_value="coffee")
    (on,) = run_job(jobs, "reprice", shop_id=priced.id)
    assert on.figures["quoted"] == 4
    # Only the coffee category is on: only its product waits for a decision.
    assert {p.target for p in _open_proposals(runtime, priced.id)} <= {"FAST-1"}
