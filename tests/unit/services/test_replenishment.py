"""Forecasts stored per product, purchase-order proposals per supplier, clearances, spikes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopkeeper.ai.forecast.structures import MAX_AGE
from shopkeeper.ai.forecast.with_signals import SignalForecaster
from shopkeeper.core.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError
from shopkeeper.data.database import transaction
from shopkeeper.data.mailer import SmtpMailer
from shopkeeper.data.tables import PriceChangeRow, ProductRow, StockLevelRow
from shopkeeper.domain.proposals import Capability, CapabilityMode, ProposalStatus
from shopkeeper.domain.shops import Shop
from shopkeeper.services import forecasting, models, proposals, purchase_orders, replenishment
from shopkeeper.services.clearance import propose_clearances
from shopkeeper.services.demand_spikes import find_spikes
from shopkeeper.services.forecast_inputs import regressor_frames
from shopkeeper.services.modes import set_mode
from shopkeeper.services.replenish_run import run_replenishment
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.sales_history import daily_sales
from shopkeeper.services.stock_health import stock_health
from shopkeeper.services.stock_simulation import latest_simulation, simulate_shop
from shopkeeper.testing.smtp import Inbox, smtp_server
from tests.unit.services.stock_shop import build_forecast_shop, build_stock_shop, plant_search_spike

pytestmark = pytest.mark.postgres


@pytest.fixture
def stocked(runtime: Runtime, shop: Shop) -> Shop:
    return build_forecast_shop(runtime, shop)


def test_daily_sales_are_dense_local_days_without_cancelled_orders(
    runtime: Runtime, shop: Shop
) -> None:
    build_stock_shop(runtime, shop)
    history = daily_sales(runtime, shop.id, days=30)
    fast = history.frame[history.frame["unique_id"] == "FAST-1"]
    assert len(fast) == 30  # every day present, none missing
    assert fast["y"].max() == 7  # the cancelled 100 units are not demand
    slow = history.frame[history.frame["unique_id"] == "SLOW-1"]
    assert (slow["y"] == 0).sum() >= 27  # zero days kept as zero demand


def test_forecast_run_stores_one_forecast_per_product_with_a_reason(
    runtime: Runtime, stocked: Shop
) -> None:
    fast = forecasting.get_forecast(runtime, stocked.id, "FAST-1")
    assert len(fast.points) == forecasting.HORIZON_DAYS
    assert all(p.lo_80 is not None and p.lo_80 <= p.mean <= (p.hi_80 or 0) for p in fast.points)
    # Four on weekdays, seven at weekends: about 4.9 a day.
    assert 4.0 < fast.total_units / len(fast.points) < 6.0
    summary = fast.explanation["summary"]
    assert "a day" in summary  # what the forecast says, in units a day, whichever model
    assert "FAST-1" in summary or "LightGBM" in summary
    assert len(fast.history) > 0
    assert fast.history[-1].day < fast.points[0].day


def test_unknown_product_and_missing_forecast_are_clear_errors(
    runtime: Runtime, shop: Shop
) -> None:
    with pytest.raises(NotFoundError):
        forecasting.get_forecast(runtime, shop.id, "NOPE")
    build_stock_shop(runtime, shop)
    with pytest.raises(NotFoundError, match="forecast run"):
        forecasting.get_forecast(runtime, shop.id, "FAST-1")


def test_a_shop_without_sales_forecasts_nothing(runtime: Runtime, shop: Shop) -> None:
    summary = forecasting.run_forecasts(runtime, shop.id)
    assert summary.series == 0
    assert summary.model_run_id is None


def test_bad_horizon_is_refused(runtime: Runtime, shop: Shop) -> None:
    with pytest.raises(InvalidInputError) as caught:
        forecasting.run_forecasts(runtime, shop.id, horizon=0)
    assert caught.value.code is ErrorCode.INVALID_INPUT


def test_plan_orders_the_fast_mover_from_its_supplier_with_reasons(
    runtime: Runtime, stocked: Shop
) -> None:
    plan = replenishment.plan_replenishment(runtime, stocked.id)
    by_supplier = {p.target: p for p in plan.proposals}
    assert "ACME" in by_supplier
    assert "SLOWCO" not in by_supplier
    acme = by_supplier["ACME"]
    lines = {line["sku"]: line for line in acme.payload["lines"]}
    fast = lines["FAST-1"]
    # 12 left at about five a day, seven days' lead time: the order covers lead time + a day.
    assert fast["quantity"] >= 10
    assert fast["quantity"] % 5 == 0
    assert "lead time 7 days" in fast["reason"]
    assert acme.status == ProposalStatus.PROPOSED.value
    assert "Acme Café" in acme.summary
    assert acme.explanation["factors"]
    assert plan.without_supplier == ["LONE-1"]


def test_a_new_plan_replaces_the_waiting_one(runtime: Runtime, stocked: Shop) -> None:
    first = replenishment.plan_replenishment(runtime, stocked.id)
    second = replenishment.plan_replenishment(runtime, stocked.id)
    assert second.superseded == len(first.proposals)
    with runtime.sessions() as session:
        old = proposals.get_proposal(session, stocked.id, first.proposals[0].id)
    assert old.status == ProposalStatus.EXPIRED.value


def test_product_switched_off_is_not_planned(runtime: Runtime, stocked: Shop) -> None:
    with transaction(runtime.sessions) as session:
        set_mode(
            session,
            runtime.clock,
            shop_id=stocked.id,
            capability=Capability.REPLENISH,
            mode=CapabilityMode.OFF,
            actor="test",
            scope_kind="product",
            scope_value="FAST-1",
        )
    plan = replenishment.plan_replenishment(runtime, stocked.id)
    skus = {line["sku"] for p in plan.proposals for line in p.payload["lines"]}
    assert "FAST-1" not in skus


def test_budget_cuts_orders(runtime: Runtime, stocked: Shop) -> None:
    plan = replenishment.plan_replenishment(runtime, stocked.id, budget=Decimal("1"))
    assert plan.lines == 0


def test_service_level_out_of_range_is_refused(runtime: Runtime, stocked: Shop) -> None:
    with pytest.raises(InvalidInputError):
        replenishment.plan_replenishment(runtime, stocked.id, service_level=1.0)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


def test_approving_creates_a_purchase_order_that_counts_as_on_order(
    runtime: Runtime, stocked: Shop, smtp: tuple[Inbox, int]
) -> None:
    plan = replenishment.plan_replenishment(runtime, stocked.id)
    acme = next(p for p in plan.proposals if p.target == "ACME")
    with transaction(runtime.sessions) as session:
        done = proposals.approve(
            session, runtime.clock, shop_id=stocked.id, proposal_id=acme.id, actor="owner"
        )
    reference = done.result["reference"] if done.result else ""
    with runtime.sessions() as session:
        order = purchase_orders.get_purchase_order(session, stocked.id, reference)
    assert order.status == "ordered"
    assert order.supplier_ref == "ACME"
    assert order.expected_at == runtime.clock.now() + timedelta(days=7)
    assert {line.sku for line in order.lines} == {line["sku"] for line in acme.payload["lines"]}
    assert order.total == Decimal(acme.payload["total_cost"])
    # The goods on their way are not ordered twice.
    replan = replenishment.plan_replenishment(runtime, stocked.id)
    replanned = {line["sku"] for p in replan.proposals for line in p.payload["lines"]}
    assert "FAST-1" not in replanned

    csv_text = purchase_orders.purchase_order_csv(order)
    assert csv_text.splitlines()[0].startswith("reference,sku")
    assert f"{reference},FAST-1" in csv_text
    pdf = purchase_orders.purchase_order_pdf(order, shop_name="Ma boutique")
    assert pdf.startswith(b"%PDF-")

    inbox, port = smtp
    mailer = SmtpMailer("127.0.0.1", port, sender="shop@shop.test")
    with transaction(runtime.sessions) as session:
        sent = purchase_orders.send_to_supplier(
            session, runtime.clock, mailer, shop_id=stocked.id, reference=reference, actor="owner"
        )
    assert sent.status == "sent"
    assert sent.sent_at is not None
    _, recipients, message = inbox.messages[0]
    assert recipients == ["orders@acme-cafe.fr"]
    names = sorted(str(part.get_filename()) for part in message.walk() if part.get_filename())
    assert names == [f"{reference}.csv", f"{reference}.pdf"]

    with transaction(runtime.sessions) as session:
        received = purchase_orders.receive_purchase_order(
            session, runtime.clock, shop_id=stocked.id, reference=reference, actor="owner"
        )
        on_hand = session.scalar(
            select(func.sum(StockLevelRow.on_hand))
            .join(ProductRow, ProductRow.id == StockLevelRow.product_id)
            .where(ProductRow.shop_id == stocked.id, ProductRow.sku == "FAST-1")
        )
    fast_quantity = next(line.quantity for line in received.lines if line.sku == "FAST-1")
    assert on_hand == 12 + fast_quantity
    with transaction(runtime.sessions) as session, pytest.raises(ConflictError):
        purchase_orders.receive_purchase_order(
            session, runtime.clock, shop_id=stocked.id, reference=reference, actor="owner"
        )


def test_a_supplier_without_email_cannot_be_sent_an_order(runtime: Runtime, stocked: Shop) -> None:
    with transaction(runtime.sessions) as session:
        session.execute(
            StockLevelRow.__table__.update()
            .where(StockLevelRow.shop_id == stocked.id)
            .values(on_hand=0)
        )
    plan = replenishment.plan_replenishment(runtime, stocked.id)
    slowco = next(p for p in plan.proposals if p.target == "SLOWCO")
    with transaction(runtime.sessions) as session:
        done = proposals.approve(
            session, runtime.clock, shop_id=stocked.id, proposal_id=slowco.id, actor="owner"
        )
    reference = done.result["reference"] if done.result else ""
    mailer = SmtpMailer("127.0.0.1", 9, sender="shop@shop.test")
    with transaction(runtime.sessions) as session, pytest.raises(ConflictError, match="no email"):
        purchase_orders.send_to_supplier(
            session, runtime.clock, mailer, shop_id=stocked.id, reference=reference, actor="o"
        )


def test_slow_mover_gets_a_clearance_that_never_goes_below_cost(
    runtime: Runtime, stocked: Shop
) -> None:
    health = {h.sku: h for h in stock_health(runtime, stocked.id)}
    assert health["SLOW-1"].slow_mover
    assert not health["FAST-1"].slow_mover
    assert health["FAST-1"].at_risk
    made = propose_clearances(runtime, stocked.id)
    assert [p.target for p in made] == ["SLOW-1"]
    clearance = made[0]
    new_price = Decimal(clearance.payload["new_price"])
    assert Decimal("5.00") <= new_price < Decimal("20.00")
    assert "500 in stock" in clearance.explanation["summary"]
    with transaction(runtime.sessions) as session:
        applied = proposals.approve(
            session, runtime.clock, shop_id=stocked.id, proposal_id=clearance.id, actor="owner"
        )
        price = session.scalar(
            select(ProductRow.price).where(
                ProductRow.shop_id == stocked.id, ProductRow.sku == "SLOW-1"
            )
        )
    assert applied.status == ProposalStatus.APPLIED.value
    assert price == new_price


def test_a_search_spike_brings_an_early_order_with_its_reason(
    runtime: Runtime, stocked: Shop
) -> None:
    calm = run_replenishment(runtime, stocked.id, clearance=False)
    calm_levels = {
        line["sku"]: line["order_up_to"]
        for p in calm.orders.proposals
        for line in p.payload["lines"]
    }
    plant_search_spike(runtime, stocked.id, "umbrellas", runtime.clock.now() - timedelta(days=1))
    spikes = find_spikes(runtime, stocked.id)
    assert [f.skus for f in spikes] == [("UMB-1",)]
    report = run_replenishment(runtime, stocked.id, clearance=False)
    lines = {line["sku"]: line for p in report.orders.proposals for line in p.payload["lines"]}
    assert lines["UMB-1"]["early"] is True
    # The spike lifts the level the umbrellas are ordered up to (the quantity may stay at
    # the supplier's minimum).
    assert lines["UMB-1"]["order_up_to"] > calm_levels["UMB-1"]
    acme = next(p for p in report.orders.proposals if p.target == "ACME")
    assert "Searches for 'umbrellas'" in acme.explanation["summary"]


def test_simulation_needs_enough_history(runtime: Runtime, stocked: Shop) -> None:
    with pytest.raises(InvalidInputError, match="needs at least"):
        simulate_shop(runtime, stocked.id)
    assert latest_simulation(runtime, stocked.id) is None


def test_simulation_compares_the_three_policies_on_the_shops_sales(
    runtime: Runtime, shop: Shop
) -> None:
    build_stock_shop(runtime, shop, days=300)
    table = simulate_shop(runtime, shop.id)
    assert table.products == 3  # LONE-1 has no supplier: no lead time to simulate
    assert table.days == 300 - 56 - 90 - 56
    assert [row.policy for row in table.rows] == ["small_shop", "textbook_ss", "ours"]
    for row in table.rows:
        assert 0 <= row.stockout_pct <= 100
        assert row.total_cost == pytest.approx(row.storage_cost + row.order_cost, abs=0.02)
    stored = latest_simulation(runtime, shop.id)
    assert stored is not None
    assert stored.rows == table.rows


def test_daily_run_reuses_the_weekly_choice(runtime: Runtime, stocked: Shop) -> None:
    weekly = forecasting.get_forecast(runtime, stocked.id, "FAST-1")
    daily = forecasting.run_forecasts(runtime, stocked.id, reselect=False)
    assert daily.reselected is False
    assert daily.series == 4
    again = forecasting.get_forecast(runtime, stocked.id, "FAST-1")
    assert again.model == weekly.model
    # Same data, same choice: the same forecast.
    assert [p.mean for p in again.points] == pytest.approx([p.mean for p in weekly.points])
    # A different horizon cannot reuse a 28-day choice: it chooses afresh.
    longer = forecasting.run_forecasts(runtime, stocked.id, horizon=35, reselect=False)
    assert longer.reselected is True


def _searched(runtime: Runtime, shop_id: int) -> dict[str, dict[str, object]]:
    with runtime.sessions() as session:
        run = models.current_run(session, shop_id, forecasting.CAPABILITY)
    assert run is not None
    forecaster = models.load_run(runtime, run).as_type(SignalForecaster)
    searched: dict[str, dict[str, object]] = forecaster.selection_["local"]["searched"]
    return searched


def test_the_weekly_run_reuses_the_structures_searched_lately(
    runtime: Runtime, stocked: Shop
) -> None:
    first = _searched(runtime, stocked.id)
    assert first, "the stocked shop has regular sellers"
    again = forecasting.run_forecasts(runtime, stocked.id, reselect=True)
    assert again.reselected is True
    for sku, entry in _searched(runtime, stocked.id).items():
        before = first[sku]
        aged = before["age"] == MAX_AGE - 1
        assert entry == ({**entry, "age": 0} if aged else {**before, "age": before["age"] + 1})


def test_clearances_are_capped_most_stock_value_first(runtime: Runtime, stocked: Shop) -> None:
    assert propose_clearances(runtime, stocked.id, max_proposals=0) == []
    assert [p.target for p in propose_clearances(runtime, stocked.id, max_proposals=1)] == [
        "SLOW-1"
    ]


def test_the_forecast_reads_price_changes_and_signals_for_history_and_future(
    runtime: Runtime, shop: Shop
) -> None:
    last_sale = build_stock_shop(runtime, shop)
    plant_search_spike(runtime, shop.id, "umbrellas", last_sale)
    with transaction(runtime.sessions) as session:
        fast_id = session.scalar(
            select(ProductRow.id).where(ProductRow.shop_id == shop.id, ProductRow.sku == "FAST-1")
        )
        session.add(
            PriceChangeRow(
                shop_id=shop.id,
                product_id=fast_id,
                old_price=Decimal("12.00"),
                new_price=Decimal("10.00"),
                reason="test",
                changed_at=last_sale - timedelta(days=10),
            )
        )
    history = daily_sales(runtime, shop.id)
    known, ahead = regressor_frames(runtime, shop.id, history, 28)
    fast = known[known["unique_id"] == "FAST-1"].set_index("ds")["price_index"]
    # Most of the history at 12, the last ten days at 10: the usual price is 12.
    assert fast.iloc[0] == pytest.approx(1.0)
    assert fast.iloc[-1] == pytest.approx(10 / 12)
    assert len(ahead) == 28 * history.frame["unique_id"].nunique()
    future_fast = ahead[ahead["unique_id"] == "FAST-1"]
    assert future_fast["price_index"].tolist() == pytest.approx([10 / 12] * 28)
    umbrellas = known[known["unique_id"] == "UMB-1"]["search_index"]
    assert umbrellas.iloc[-1] > 2  # the burst, read a day late
    assert (ahead[ahead["unique_id"] == "UMB-1"]["search_index"] > 1.5).all()
    assert ahead["event_k"].eq(0).all()  # no event announced
