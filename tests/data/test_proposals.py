"""Proposal lifecycle per mode, overrides, appliers, audit and expiry on a real database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from shopkeeper.core.errors import ConflictError, ErrorCode, GuardrailError, NotFoundError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import AuditLogRow, PriceChangeRow, ProductRow, ProposalRow
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.explanation import Explanation, Factor
from shopkeeper.domain.proposals import Capability, CapabilityMode, ProposalStatus
from shopkeeper.domain.shops import Shop
from shopkeeper.services import catalog, modes, proposals
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock

pytestmark = pytest.mark.postgres

WHY = Explanation("Demand rose 30% this week", (Factor("demand_trend", 0.7, "+30% w/w"),))


def add_product(
    runtime: Runtime, shop: Shop, sku: str, price: str, cost: str | None, category: str = "tees"
) -> None:
    data = ProductCreate(sku=sku, title=sku, price=Decimal(price), category=category)
    if cost is not None:
        data.cost = Decimal(cost)
    with transaction(runtime.sessions) as session:
        catalog.create_product(session, runtime.clock, shop, data, "test")


def propose_price(
    runtime: Runtime,
    shop: Shop,
    sku: str,
    old: str,
    new: str,
    decided_with: str | None = None,
    **extra: Any,
) -> int | None:
    grouped = {"decided_with": decided_with} if decided_with else {}
    with transaction(runtime.sessions) as session:
        made = proposals.propose(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            kind="price_change",
            target=sku,
            summary=f"Move {sku} from {old} to {new}",
            explanation=WHY,
            payload={"sku": sku, "old_price": old, "new_price": new, **grouped},
            expected_effect={"margin_delta": "12.00"},
            **extra,
        )
        return None if made is None else made.id


def set_mode(
    runtime: Runtime, shop: Shop, mode: CapabilityMode, kind: str = "shop", value: str = ""
) -> None:
    with transaction(runtime.sessions) as session:
        modes.set_mode(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            mode=mode,
            actor="owner@example.com",
            scope_kind=kind,
            scope_value=value,
        )


def price_of(runtime: Runtime, shop: Shop, sku: str) -> Decimal:
    with runtime.sessions() as session:
        return catalog.get_product_row(session, shop.id, sku).price


def audit_actions(runtime: Runtime, shop: Shop) -> list[str]:
    with runtime.sessions() as session:
        rows = session.scalars(
            select(AuditLogRow.action)
            .where(AuditLogRow.shop_id == shop.id)
            .order_by(AuditLogRow.id)
        )
        return list(rows)


def test_suggest_stores_and_approve_applies_price(runtime: Runtime, shop: Shop) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00")
    proposal_id = propose_price(runtime, shop, "TEE-1", "20.00", "22.50")
    assert proposal_id is not None
    assert price_of(runtime, shop, "TEE-1") == Decimal("20.00")

    with transaction(runtime.sessions) as session:
        waiting = proposals.get_proposal(session, shop.id, proposal_id)
        assert waiting.status == "proposed"
        assert waiting.category == "tees"
        assert waiting.explanation["factors"][0]["name"] == "demand_trend"
        assert proposals.count_waiting(session, shop.id) == 1
        done = proposals.approve(
            session, runtime.clock, shop_id=shop.id, proposal_id=proposal_id, actor="owner"
        )
    assert done.status == "applied"
    assert done.decided_by == "owner"
    assert done.result == {"sku": "TEE-1", "old_price": "20.00", "new_price": "22.50"}
    assert price_of(runtime, shop, "TEE-1") == Decimal("22.50")
    with runtime.sessions() as session:
        change = session.scalars(select(PriceChangeRow)).one()
        assert change.proposal_id == proposal_id
        assert change.source == "proposal"
        assert change.reason == "Move TEE-1 from 20.00 to 22.50"
        assert change.new_price == Decimal("22.50")
        assert proposals.count_waiting(session, shop.id) == 0
    assert audit_actions(runtime, shop)[-2:] == ["proposal.created", "proposal.applied"]


def test_off_stores_nothing(runtime: Runtime, shop: Shop) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00")
    set_mode(runtime, shop, CapabilityMode.OFF)
    assert propose_price(runtime, shop, "TEE-1", "20.00", "22.00") is None
    with runtime.sessions() as session:
        assert session.scalars(select(ProposalRow)).all() == []


def test_auto_applies_at_once(runtime: Runtime, shop: Shop) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00")
    set_mode(runtime, shop, CapabilityMode.AUTO)
    proposal_id = propose_price(runtime, shop, "TEE-1", "20.00", "21.00")
    assert proposal_id is not None
    with runtime.sessions() as session:
        row = proposals.get_proposal(session, shop.id, proposal_id)
    assert (row.status, row.decided_by) == ("applied", "auto")
    assert price_of(runtime, shop, "TEE-1") == Decimal("21.00")
    assert "proposal.applied" in audit_actions(runtime, shop)


def test_auto_refused_by_guardrail_waits_for_a_person(runtime: Runtime, shop: Shop) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00")
    set_mode(runtime, shop, CapabilityMode.AUTO)
    proposal_id = propose_price(runtime, shop, "TEE-1", "20.00", "5.00")
    assert proposal_id is not None
    with runtime.sessions() as session:
        row = proposals.get_proposal(session, shop.id, proposal_id)
        assert session.scalars(select(PriceChangeRow)).all() == []
    assert row.status == "proposed"
    assert row.result is not None
    assert "auto_refused" in row.result
    assert price_of(runtime, shop, "TEE-1") == Decimal("20.00")


def test_category_and_product_overrides_win(runtime: Runtime, shop: Shop) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00", category="tees")
    add_product(runtime, shop, "TEE-2", "20.00", "8.00", category="tees")
    add_product(runtime, shop, "MUG-1", "9.00", "2.00", category="mugs")
    set_mode(runtime, shop, CapabilityMode.OFF)
    set_mode(runtime, shop, CapabilityMode.SUGGEST, "category", "tees")
    set_mode(runtime, shop, CapabilityMode.AUTO, "product", "TEE-2")

    assert propose_price(runtime, shop, "MUG-1", "9.00", "9.50") is None
    suggested = propose_price(runtime, shop, "TEE-1", "20.00", "21.00")
    automatic = propose_price(runtime, shop, "TEE-2", "20.00", "21.00")
    with runtime.sessions() as session:
        assert suggested is not None
        assert automatic is not None
        assert proposals.get_proposal(session, shop.id, suggested).status == "proposed"
        assert proposals.get_proposal(session, shop.id, automatic).status == "applied"
        settings = modes.list_settings(session, shop.id)
    pricing = [s for s in settings if s.capability == "pricing"]
    assert [(s.scope_kind, s.scope_value, s.mode) for s in pricing] == [
        ("shop", "", "off"),
        ("category", "tees", "suggest"),
        ("product", "TEE-2", "auto"),
    ]
    assert "capability_mode.set" in audit_actions(runtime, shop)


def test_stale_proposal_is_refused(runtime: Runtime, shop: Shop) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00")
    proposal_id = propose_price(runtime, shop, "TEE-1", "20.00", "22.00")
    assert proposal_id is not None
    with transaction(runtime.sessions) as session:
        session.scalars(select(ProductRow)).one().price = Decimal("19.00")
    with transaction(runtime.sessions) as session, pytest.raises(GuardrailError) as caught:
        proposals.approve(
            session, runtime.clock, shop_id=shop.id, proposal_id=proposal_id, actor="owner"
        )
    assert caught.value.code is ErrorCode.GUARDRAIL
    assert price_of(runtime, shop, "TEE-1") == Decimal("19.00")
    with runtime.sessions() as session:
        assert proposals.get_proposal(session, shop.id, proposal_id).status == "proposed"


def test_double_approve_is_a_conflict(runtime: Runtime, shop: Shop) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00")
    proposal_id = propose_price(runtime, shop, "TEE-1", "20.00", "22.00")
    assert proposal_id is not None
    with transaction(runtime.sessions) as session:
        proposals.approve(
            session, runtime.clock, shop_id=shop.id, proposal_id=proposal_id, actor="owner"
        )
    with transaction(runtime.sessions) as session, pytest.raises(ConflictError) as caught:
        proposals.approve(
            session, runtime.clock, shop_id=shop.id, proposal_id=proposal_id, actor="owner"
        )
    assert caught.value.code is ErrorCode.CONFLICT
    with transaction(runtime.sessions) as session, pytest.raises(ConflictError):
        proposals.reject(
            session, runtime.clock, shop_id=shop.id, proposal_id=proposal_id, actor="owner"
        )


def test_other_shop_cannot_see_or_decide(runtime: Runtime, shop: Shop, other_shop: Shop) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00")
    proposal_id = propose_price(runtime, shop, "TEE-1", "20.00", "22.00")
    assert proposal_id is not None
    with transaction(runtime.sessions) as session:
        with pytest.raises(NotFoundError) as caught:
            proposals.get_proposal(session, other_shop.id, proposal_id)
        assert caught.value.code is ErrorCode.NOT_FOUND
        with pytest.raises(NotFoundError):
            proposals.approve(
                session, runtime.clock, shop_id=other_shop.id, proposal_id=proposal_id, actor="x"
            )
        assert proposals.list_proposals(session, other_shop.id).count == 0
        assert proposals.list_proposals(session, shop.id).count == 1


def test_reject_keeps_price_and_reason(runtime: Runtime, shop: Shop) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00")
    proposal_id = propose_price(runtime, shop, "TEE-1", "20.00", "22.00")
    assert proposal_id is not None
    with transaction(runtime.sessions) as session:
        done = proposals.reject(
            session,
            runtime.clock,
            shop_id=shop.id,
            proposal_id=proposal_id,
            actor="owner",
            reason="Black Friday pricing is fixed",
        )
    assert done.status == "rejected"
    assert done.result == {"reason": "Black Friday pricing is fixed"}
    assert price_of(runtime, shop, "TEE-1") == Decimal("20.00")
    with runtime.sessions() as session:
        last = session.scalars(select(AuditLogRow).order_by(AuditLogRow.id.desc())).first()
    assert last is not None
    assert (last.action, last.reason) == ("proposal.rejected", "Black Friday pricing is fixed")


def _statuses(runtime: Runtime, shop: Shop, ids: list[int | None]) -> list[str]:
    with runtime.sessions() as session:
        return [proposals.get_proposal(session, shop.id, i).status for i in ids if i is not None]


def test_proposals_decided_together_are_approved_and_rejected_as_one(
    runtime: Runtime, shop: Shop
) -> None:
    for sku in ("TEE-S", "TEE-M", "MUG-1", "MUG-2"):
        add_product(runtime, shop, sku, "20.00", "8.00")
    tees = [
        propose_price(runtime, shop, s, "20.00", "22.00", "family:tee") for s in ("TEE-S", "TEE-M")
    ]
    mugs = [
        propose_price(runtime, shop, s, "20.00", "18.00", "family:mug") for s in ("MUG-1", "MUG-2")
    ]
    with transaction(runtime.sessions) as session:
        assert tees[1] is not None
        assert mugs[0] is not None
        proposals.approve(session, runtime.clock, shop_id=shop.id, proposal_id=tees[1], actor="o")
        proposals.reject(session, runtime.clock, shop_id=shop.id, proposal_id=mugs[0], actor="o")
    assert _statuses(runtime, shop, tees) == ["applied", "applied"]
    assert _statuses(runtime, shop, mugs) == ["rejected", "rejected"]
    assert price_of(runtime, shop, "TEE-S") == Decimal("22.00")
    assert price_of(runtime, shop, "MUG-2") == Decimal("20.00")


def test_a_refused_member_leaves_its_whole_group_waiting(runtime: Runtime, shop: Shop) -> None:
    add_product(runtime, shop, "TEE-S", "20.00", "8.00")
    add_product(runtime, shop, "TEE-M", "20.00", "8.00")
    fine = propose_price(runtime, shop, "TEE-S", "20.00", "22.00", "family:tee")
    below_cost = propose_price(runtime, shop, "TEE-M", "20.00", "5.00", "family:tee")
    assert fine is not None
    with transaction(runtime.sessions) as session, pytest.raises(GuardrailError):
        proposals.approve(session, runtime.clock, shop_id=shop.id, proposal_id=fine, actor="o")
    assert _statuses(runtime, shop, [fine, below_cost]) == ["proposed", "proposed"]
    assert price_of(runtime, shop, "TEE-S") == Decimal("20.00")


def test_expiry(runtime: Runtime, shop: Shop, clock: FakeClock) -> None:
    add_product(runtime, shop, "TEE-1", "20.00", "8.00")
    soon = propose_price(
        runtime, shop, "TEE-1", "20.00", "22.00", expires_at=clock.now() + timedelta(hours=2)
    )
    later = propose_price(
        runtime, shop, "TEE-1", "20.00", "23.00", expires_at=clock.now() + timedelta(days=2)
    )
    assert soon is not None
    assert later is not None
    clock.advance(hours=3)
    with transaction(runtime.sessions) as session, pytest.raises(ConflictError) as caught:
        proposals.approve(session, clock, shop_id=shop.id, proposal_id=soon, actor="owner")
    assert caught.value.details["status"] == "expired"
    with transaction(runtime.sessions) as session:
        assert proposals.expire_due(session, clock, shop.id) == 1
    with runtime.sessions() as session:
        assert proposals.get_proposal(session, shop.id, soon).status == "expired"
        assert proposals.get_proposal(session, shop.id, later).status == "proposed"
        page = proposals.list_proposals(session, shop.id, status=ProposalStatus.EXPIRED)
        assert [p.id for p in page.data] == [soon]


def test_kind_without_applier_is_approved_not_applied(runtime: Runtime, shop: Shop) -> None:
    with transaction(runtime.sessions) as session:
        made = proposals.propose(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.MARKETING,
            kind="campaign_send",
            target="winback-november",
            summary="Send the win-back campaign",
            explanation=WHY,
            payload={"segment": "lapsed"},
        )
        assert made is not None
        done = proposals.approve(
            session, runtime.clock, shop_id=shop.id, proposal_id=made.id, actor="owner"
        )
    assert (done.status, done.applied_at) == ("approved", None)
