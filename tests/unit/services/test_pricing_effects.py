"""Realised against expected profit of automatic price changes, on a real shop's orders."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import OrderRow, PriceChangeRow, ProductRow, ProposalRow, ShopRow
from shopkeeper.domain.catalog import ProductUpdate
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.domain.shops import Shop
from shopkeeper.services import catalog, forecasting
from shopkeeper.services.modes import set_mode
from shopkeeper.services.pricing_effects import EffectStatus, pricing_effects
from shopkeeper.services.pricing_run import run_pricing
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock
from tests.unit.services.stock_shop import DAYS, PRODUCTS, _order, build_stock_shop, daily_units

pytestmark = pytest.mark.postgres

SOLD_AFTER = 3  # units a day of each repriced product after the change


@pytest.fixture
def repriced(runtime: Runtime, shop: Shop) -> datetime:
    """The stock shop, priced once in auto mode; returns the moment of the changes."""
    build_stock_shop(runtime, shop)
    forecasting.run_forecasts(runtime, shop.id)
    with transaction(runtime.sessions) as session:
        set_mode(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            mode=CapabilityMode.AUTO,
            actor="test",
        )
    assert run_pricing(runtime, shop.id).applied >= 2
    return runtime.clock.now()


def _changes(
    runtime: Runtime, shop_id: int
) -> dict[str, tuple[Decimal, Decimal, dict[str, float]]]:
    with runtime.sessions() as session:
        rows = session.execute(
            select(
                ProductRow.sku,
                PriceChangeRow.old_price,
                PriceChangeRow.new_price,
                ProposalRow.expected_effect,
            )
            .join(ProductRow, ProductRow.id == PriceChangeRow.product_id)
            .join(ProposalRow, ProposalRow.id == PriceChangeRow.proposal_id)
            .where(PriceChangeRow.shop_id == shop_id, PriceChangeRow.source == "pricing")
        ).all()
    return {sku: (old, new, effect) for sku, old, new, effect in rows}


def _sell_after(
    runtime: Runtime, shop_id: int, start: datetime, skus: list[str], days: int
) -> None:
    with transaction(runtime.sessions) as session:
        for day in range(days):
            placed = start + timedelta(days=day, hours=1)
            _order(session, shop_id, f"AFTER{day}", placed, "delivered",
                   [(sku, SOLD_AFTER) for sku in skus])  # fmt: skip
        # A cancelled order after the change is not a sale.
        _order(session, shop_id, "GONE", start + timedelta(hours=3), "cancelled",
               [(sku, 50) for sku in skus])  # fmt: skip


def _units_before(sku: str) -> float:
    # The 14 days before "now" hold the history's days 106..119 (one order a day at 02:00).
    return sum(daily_units(sku, d) for d in range(DAYS - 14, DAYS)) / 14


def _net(price: Decimal, vat: bool = True) -> float:
    return float(price) / 1.2 if vat else float(price)


def test_a_week_after_the_changes_profit_is_measured_against_the_fortnight_before(
    runtime: Runtime, shop: Shop, clock: FakeClock, repriced: datetime
) -> None:
    changes = _changes(runtime, shop.id)
    _sell_after(runtime, shop.id, repriced, sorted(changes), 7)
    clock.advance(days=7)
    report = pricing_effects(runtime, shop.id)
    assert report.currency == "EUR"
    assert {e.sku for e in report.changes} == set(changes)
    for e in report.changes:
        old, new, expected = changes[e.sku]
        cost = float(PRODUCTS[e.sku][2])
        assert e.status is EffectStatus.MEASURED
        assert (e.old_price, e.new_price) == (old, new)
        assert (e.days_before, e.days_after) == (14.0, 7.0)
        assert e.units_after == SOLD_AFTER
        assert e.units_before == pytest.approx(_units_before(e.sku), abs=1e-3)
        # Profit is net of the shop's 20 % VAT, at the price in force, minus the cost.
        assert float(e.profit_after) == pytest.approx(SOLD_AFTER * (_net(new) - cost), abs=0.006)
        assert float(e.profit_before) == pytest.approx(
            _units_before(e.sku) * (_net(old) - cost), abs=0.006
        )
        assert float(e.expected_change or 0) == pytest.approx(
            expected["profit_change_per_day"], abs=0.006
        )
        assert float(e.expected_profit or 0) == pytest.approx(expected["profit_per_day"], abs=0.006)
        assert e.measured_change == e.profit_after - e.profit_before
        assert e.measured_gain == Decimal(str(round(float(e.measured_change) * 7, 2)))
    assert report.measured_per_day == sum(e.measured_change for e in report.changes)
    assert report.expected_per_day == sum(e.expected_change or 0 for e in report.changes)
    assert report.measured_gain == sum(e.measured_gain for e in report.changes)
    assert report.expected_gain == sum(e.expected_gain for e in report.changes)
    only = pricing_effects(runtime, shop.id, sku=report.changes[0].sku)
    assert [e.sku for e in only.changes] == [report.changes[0].sku]


def test_too_early_and_cut_short_changes_stay_out_of_the_totals(
    runtime: Runtime, shop: Shop, clock: FakeClock, repriced: datetime
) -> None:
    with transaction(runtime.sessions) as session:
        session.execute(
            update(ShopRow).where(ShopRow.id == shop.id).values(prices_include_vat=False)
        )
    changes = _changes(runtime, shop.id)
    skus = sorted(changes)
    _sell_after(runtime, shop.id, repriced, skus, 10)
    clock.advance(days=1)
    early = pricing_effects(runtime, shop.id)
    assert {e.status for e in early.changes} == {EffectStatus.TOO_EARLY}
    assert [e.days_after for e in early.changes] == [1.0] * len(skus)
    assert early.measured_per_day == early.expected_per_day == Decimal("0.00")
    # Two days after the run, a person sets one price by hand: that change's window ends.
    clock.advance(days=1)
    edited = skus[0]
    with transaction(runtime.sessions) as session:
        catalog.update_product(
            session, clock, shop, edited, ProductUpdate(price=Decimal("9.50")), "owner"
        )
    clock.advance(days=8)
    report = pricing_effects(runtime, shop.id)
    by_sku = {e.sku: e for e in report.changes}
    cut = by_sku[edited]
    assert cut.status is EffectStatus.CUT_SHORT
    assert cut.days_after == 2.0
    assert cut.units_after == SOLD_AFTER
    measured = [by_sku[s] for s in skus[1:]]
    assert all(e.status is EffectStatus.MEASURED and e.days_after == 10.0 for e in measured)
    for e in measured:
        cost = float(PRODUCTS[e.sku][2])
        assert float(e.profit_after) == pytest.approx(
            SOLD_AFTER * (_net(changes[e.sku][1], vat=False) - cost), abs=0.006
        )
    assert report.measured_per_day == sum(e.measured_change for e in measured)
    assert report.counted == tuple(e for e in report.changes if e.sku != edited)


def test_no_automatic_change_gives_an_empty_report(runtime: Runtime, shop: Shop) -> None:
    build_stock_shop(runtime, shop)
    report = pricing_effects(runtime, shop.id)
    assert report.changes == ()
    assert report.measured_gain == report.expected_gain == Decimal("0.00")


def test_a_change_without_sales_before_it_has_no_baseline(
    runtime: Runtime, shop: Shop, clock: FakeClock, repriced: datetime
) -> None:
    # Only the last day of history remains: one day before the changes is no baseline.
    with transaction(runtime.sessions) as session:
        session.execute(
            update(OrderRow)
            .where(OrderRow.shop_id == shop.id, OrderRow.placed_at < repriced - timedelta(days=1))
            .values(status="cancelled")
        )
    clock.advance(days=5)
    report = pricing_effects(runtime, shop.id)
    assert report.changes
    assert {e.status for e in report.changes} == {EffectStatus.NO_BASELINE}
    assert all(e.days_before < 3 for e in report.changes)
