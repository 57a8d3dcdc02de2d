"""Capability modes: off, suggest or auto, for the shop, a category or one product.

The most specific setting wins: a product override beats a category override, which beats
the shop-wide mode, which beats the built-in default. No capability is ``auto`` by default:
an owner has to switch automation on knowingly.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.data.tables import CapabilitySettingRow
from shopkeeper.domain.proposals import Capability, CapabilityMode, CapabilitySetting
from shopkeeper.services import audit

SCOPE_KINDS: tuple[str, ...] = ("product", "category", "shop")
"""Scope kinds from most to least specific."""

DEFAULT_MODES: dict[Capability, CapabilityMode] = dict.fromkeys(Capability, CapabilityMode.SUGGEST)
DEFAULT_HOLDOUT_SHARE = 0.1


def _check_scope(scope_kind: str, scope_value: str) -> str:
    if scope_kind not in SCOPE_KINDS:
        raise InvalidInputError(
            f"scope must be one of {', '.join(SCOPE_KINDS)}", scope_kind=scope_kind
        )
    value = "" if scope_kind == "shop" else scope_value.strip()
    if scope_kind != "shop" and not value:
        raise InvalidInputError(f"a {scope_kind} override needs a value", scope_kind=scope_kind)
    return value


def _rows(session: Session, shop_id: int, capability: Capability) -> list[CapabilitySettingRow]:
    query = select(CapabilitySettingRow).where(
        CapabilitySettingRow.shop_id == shop_id,
        CapabilitySettingRow.capability == capability.value,
    )
    return list(session.scalars(query))


def find_setting(
    session: Session, shop_id: int, capability: Capability, scope_kind: str, scope_value: str = ""
) -> CapabilitySettingRow | None:
    value = _check_scope(scope_kind, scope_value)
    return session.scalar(
        select(CapabilitySettingRow).where(
            CapabilitySettingRow.shop_id == shop_id,
            CapabilitySettingRow.capability == capability.value,
            CapabilitySettingRow.scope_kind == scope_kind,
            CapabilitySettingRow.scope_value == value,
        )
    )


def add_setting(
    session: Session, shop_id: int, capability: Capability, scope_kind: str, scope_value: str
) -> CapabilitySettingRow:
    """A new setting row at one scope, holding the default mode until the caller changes it."""
    row = CapabilitySettingRow(
        shop_id=shop_id,
        capability=capability.value,
        scope_kind=scope_kind,
        scope_value=scope_value,
        mode=DEFAULT_MODES[capability].value,
    )
    session.add(row)
    return row


def share_of(row: CapabilitySettingRow | None) -> float:
    """The holdout share a setting row holds, or the default when it holds none."""
    if row is None or row.holdout_share is None:
        return DEFAULT_HOLDOUT_SHARE
    return row.holdout_share


def resolve_mode(
    session: Session,
    shop_id: int,
    capability: Capability,
    *,
    category: str | None = None,
    sku: str | None = None,
) -> CapabilityMode:
    """The mode in force for ``capability`` on a product (by sku) in ``category``."""
    by_scope = {(r.scope_kind, r.scope_value): r.mode for r in _rows(session, shop_id, capability)}
    candidates: list[tuple[str, str | None]] = [
        ("product", sku),
        ("category", category),
        ("shop", ""),
    ]
    for kind, value in candidates:
        if value is not None and (kind, value) in by_scope:
            return CapabilityMode(by_scope[(kind, value)])
    return DEFAULT_MODES[capability]


def set_mode(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    capability: Capability,
    mode: CapabilityMode,
    actor: str,
    scope_kind: str = "shop",
    scope_value: str = "",
) -> CapabilitySetting:
    """Set (or replace) the mode at one scope; the change is audit-logged."""
    value = _check_scope(scope_kind, scope_value)
    row = find_setting(session, shop_id, capability, scope_kind, value)
    before = {"mode": row.mode} if row is not None else None
    if row is None:
        row = add_setting(session, shop_id, capability, scope_kind, value)
    row.mode = mode.value
    row.updated_at = clock.now()
    session.flush()
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="capability_mode.set",
        target_kind="capability",
        target_id=_target_id(capability, scope_kind, value),
        before=before,
        after={"mode": mode.value},
    )
    return _to_setting(row, inherited=False)


def clear_override(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    capability: Capability,
    scope_kind: str,
    scope_value: str,
    actor: str,
) -> None:
    """Remove a category or product override so the broader mode applies again."""
    if scope_kind == "shop":
        raise InvalidInputError("the shop-wide mode cannot be removed, only changed")
    row = find_setting(session, shop_id, capability, scope_kind, scope_value)
    if row is None:
        raise NotFoundError(
            f"no {scope_kind} override of {capability.value} for {scope_value!r}",
            scope_kind=scope_kind,
            scope_value=scope_value,
        )
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="capability_mode.cleared",
        target_kind="capability",
        target_id=_target_id(capability, scope_kind, row.scope_value),
        before={"mode": row.mode},
        after=None,
    )
    session.delete(row)
    session.flush()


def list_settings(session: Session, shop_id: int) -> list[CapabilitySetting]:
    """Every capability's shop-wide mode (explicit or default) followed by its overrides."""
    rows = list(
        session.scalars(
            select(CapabilitySettingRow)
            .where(CapabilitySettingRow.shop_id == shop_id)
            .order_by(CapabilitySettingRow.scope_kind, CapabilitySettingRow.scope_value)
        )
    )
    result: list[CapabilitySetting] = []
    for capability in Capability:
        mine = [r for r in rows if r.capability == capability.value]
        shop_row = next((r for r in mine if r.scope_kind == "shop"), None)
        share = share_of(shop_row)
        result.append(
            CapabilitySetting(
                capability=capability.value,
                scope_kind="shop",
                scope_value="",
                mode=shop_row.mode if shop_row else DEFAULT_MODES[capability].value,
                holdout_share=share,
                inherited=shop_row is None,
            )
        )
        for kind in ("category", "product"):
            for row in (r for r in mine if r.scope_kind == kind):
                result.append(_to_setting(row, inherited=False, share=share))
    return result


def _to_setting(
    row: CapabilitySettingRow, *, inherited: bool, share: float | None = None
) -> CapabilitySetting:
    return CapabilitySetting(
        capability=row.capability,
        scope_kind=row.scope_kind,
        scope_value=row.scope_value,
        mode=row.mode,
        holdout_share=share_of(row) if share is None else share,
        inherited=inherited,
    )


def _target_id(capability: Capability, scope_kind: str, scope_value: str) -> str:
    return f"{capability.value}:{scope_kind}:{scope_value}" if scope_value else capability.value


def any_enabled(session: Session, shop_id: int, capability: Capability) -> bool:
    """Whether ``capability`` is on (suggest or auto) for the shop or any category or sku."""
    if resolve_mode(session, shop_id, capability) is not CapabilityMode.OFF:
        return True
    return any(r.mode != CapabilityMode.OFF.value for r in _rows(session, shop_id, capability))
