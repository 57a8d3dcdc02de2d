"""Capability modes: defaults, most-specific-wins resolution, validation and audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shopkeeper.core.errors import ErrorCode, InvalidInputError, NotFoundError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import AuditLogRow
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.domain.shops import Shop
from shopkeeper.services import modes
from shopkeeper.services.runtime import Runtime

pytestmark = pytest.mark.postgres
PRICING = Capability.PRICING


def test_defaults_are_suggest_never_auto(runtime: Runtime, shop: Shop) -> None:
    with runtime.sessions() as session:
        settings = modes.list_settings(session, shop.id)
        assert {s.capability for s in settings} == {c.value for c in Capability}
        assert all(s.mode == "suggest" and s.inherited for s in settings)
        assert modes.resolve_mode(session, shop.id, PRICING, sku="X") is CapabilityMode.SUGGEST


def test_most_specific_wins_and_clearing_falls_back(
    runtime: Runtime, shop: Shop, other_shop: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        for kind, value, mode in (
            ("shop", "", CapabilityMode.AUTO),
            ("category", "mugs", CapabilityMode.OFF),
            ("product", "MUG-9", CapabilityMode.SUGGEST),
        ):
            modes.set_mode(
                session,
                runtime.clock,
                shop_id=shop.id,
                capability=PRICING,
                mode=mode,
                actor="owner",
                scope_kind=kind,
                scope_value=value,
            )

        def resolve(category: str | None, sku: str | None) -> str:
            return modes.resolve_mode(session, shop.id, PRICING, category=category, sku=sku).value

        assert resolve("tees", "TEE-1") == "auto"
        assert resolve("mugs", "MUG-1") == "off"
        assert resolve("mugs", "MUG-9") == "suggest"
        assert resolve(None, None) == "auto"
        # Settings of one shop never reach another.
        assert modes.resolve_mode(session, other_shop.id, PRICING) is CapabilityMode.SUGGEST
        # Other capabilities keep their default.
        assert modes.resolve_mode(session, shop.id, Capability.REPLENISH).value == "suggest"

        modes.clear_override(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=PRICING,
            scope_kind="category",
            scope_value="mugs",
            actor="owner",
        )
        assert resolve("mugs", "MUG-1") == "auto"
        with pytest.raises(NotFoundError):
            modes.clear_override(
                session,
                runtime.clock,
                shop_id=shop.id,
                capability=PRICING,
                scope_kind="category",
                scope_value="mugs",
                actor="owner",
            )
    with runtime.sessions() as session:
        actions = session.scalars(
            select(AuditLogRow.action).where(AuditLogRow.shop_id == shop.id)
        ).all()
    assert actions.count("capability_mode.set") == 3
    assert actions.count("capability_mode.cleared") == 1


def test_changing_a_mode_records_before_and_after(runtime: Runtime, shop: Shop) -> None:
    with transaction(runtime.sessions) as session:
        for mode in (CapabilityMode.AUTO, CapabilityMode.OFF):
            modes.set_mode(
                session, runtime.clock, shop_id=shop.id, capability=PRICING, mode=mode, actor="ann"
            )
    with runtime.sessions() as session:
        last = session.scalars(select(AuditLogRow).order_by(AuditLogRow.id.desc())).first()
        assert last is not None
        assert (last.actor, last.before, last.after) == ("ann", {"mode": "auto"}, {"mode": "off"})
        assert modes.resolve_mode(session, shop.id, PRICING) is CapabilityMode.OFF


@pytest.mark.parametrize(
    ("kind", "value"), [("brand", "acme"), ("category", "  "), ("product", "")]
)
def test_bad_scopes_are_refused(runtime: Runtime, shop: Shop, kind: str, value: str) -> None:
    with transaction(runtime.sessions) as session, pytest.raises(InvalidInputError) as caught:
        modes.set_mode(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=PRICING,
            mode=CapabilityMode.OFF,
            actor="owner",
            scope_kind=kind,
            scope_value=value,
        )
    assert caught.value.code is ErrorCode.INVALID_INPUT
