"""Capability settings: the shop-wide mode and holdout share of each capability, and overrides.

Owners and staff change them here (HTMX posts, CSRF-checked); everyone who may read
proposals sees the page read-only. The services write the audit rows; this module only
translates form fields into service calls and checks that an override names something the
catalogue really has, so a typo cannot create an override that never applies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.access import Scope
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.services import audit, catalog, holdout, listings, modes
from shopkeeper.web.context import CsrfChecked, Dashboard, DashboardContext, DashboardRoute
from shopkeeper.web.i18n import translator

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

PAGE = "/settings/capabilities"
AUDIT_ROWS = 20
OVERRIDE_KINDS: tuple[str, ...] = ("category", "product")
MAX_HOLDOUT_PERCENT = 50.0


@dataclass(frozen=True, slots=True)
class ModeChange:
    """One audit row about modes or holdout shares, ready to show.

    Examples
    --------
    >>> from datetime import UTC
    >>> ModeChange(datetime(2026, 1, 1, tzinfo=UTC), "user:a@b.c", "capability_mode.set",
    ...            "pricing", "suggest", "auto").after
    'auto'
    """

    at: datetime
    actor: str
    action: str
    target: str
    before: str
    after: str


def _shown(values: dict[str, Any] | None) -> str:
    if not values:
        return "—"
    if "holdout_share" in values:
        return f"{float(values['holdout_share']) * 100:g} %"
    return str(values.get("mode", "—"))


def _mode_changes(session: Session, shop_id: int) -> list[ModeChange]:
    # Mode and holdout rows are the only ones aimed at a capability as a whole.
    rows = audit.recent(session, shop_id, AUDIT_ROWS, target_kind="capability")
    return [
        ModeChange(r.occurred_at, r.actor, r.action, r.target_id, _shown(r.before), _shown(r.after))
        for r in rows
    ]


def _values(ctx: DashboardContext) -> dict[str, Any]:
    with ctx.session() as session:
        settings = modes.list_settings(session, ctx.shop.id)
        categories = listings.product_categories(session, ctx.shop.id)
        changes = _mode_changes(session, ctx.shop.id)
    return {
        "shop_settings": [s for s in settings if s.scope_kind == "shop"],
        "overrides": [s for s in settings if s.scope_kind != "shop"],
        "categories": categories,
        "changes": changes,
        "modes": [m.value for m in CapabilityMode],
        "override_kinds": OVERRIDE_KINDS,
        "can_change": ctx.principal.can(Scope.PROPOSALS_WRITE),
    }


def _capability(name: str) -> Capability:
    try:
        return Capability(name)
    except ValueError:
        raise InvalidInputError(f"no capability {name!r}", capability=name) from None


def _mode(name: str) -> CapabilityMode:
    try:
        return CapabilityMode(name)
    except ValueError:
        choices = ", ".join(m.value for m in CapabilityMode)
        raise InvalidInputError(f"mode must be one of {choices}", mode=name) from None


def _share(percent: str) -> float:
    """The holdout share for a percentage typed by a person ("7.5" or "7,5")."""
    try:
        value = float(percent.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= MAX_HOLDOUT_PERCENT:
        raise InvalidInputError(
            f"the holdout share must be a number between 0 and {MAX_HOLDOUT_PERCENT:g} %",
            percent=percent,
        )
    return value / 100


def _check_target(session: Session, shop_id: int, scope_kind: str, value: str) -> None:
    """Refuse an override for a category or sku the catalogue does not have."""
    if scope_kind not in OVERRIDE_KINDS:
        raise InvalidInputError(
            "an override applies to a category or a product", scope_kind=scope_kind
        )
    if not value:
        raise InvalidInputError(f"a {scope_kind} override needs a value", scope_kind=scope_kind)
    if scope_kind == "product" and catalog.find_product(session, shop_id, value) is None:
        raise InvalidInputError(
            f"no product with SKU {value!r} in the catalogue; check the spelling", sku=value
        )
    if scope_kind == "category" and value not in listings.product_categories(session, shop_id):
        raise InvalidInputError(
            f"no product is in the category {value!r}; pick one from the list", category=value
        )


def _saved(ctx: DashboardContext, message: str) -> Response:
    """For HTMX: the confirmation for ``#flash`` plus fresh overrides and history, out of band."""
    if not ctx.from_htmx:
        return RedirectResponse(PAGE, status_code=303)
    return ctx.render("dashboard/capability_settings_saved.html", message=message, **_values(ctx))


@router.get(PAGE)
def capability_settings(ctx: Dashboard) -> HTMLResponse:
    ctx.require(Scope.PROPOSALS_READ)
    return ctx.render("dashboard/capability_settings.html", **_values(ctx))


@router.post(PAGE + "/{name}/mode", dependencies=[CsrfChecked])
def change_mode(ctx: Dashboard, name: str, mode: Annotated[str, Form()]) -> Response:
    ctx.require(Scope.PROPOSALS_WRITE)
    capability, chosen = _capability(name), _mode(mode)
    with ctx.session() as session:
        modes.set_mode(
            session,
            ctx.runtime.clock,
            shop_id=ctx.shop.id,
            capability=capability,
            mode=chosen,
            actor=ctx.principal.actor,
        )
    t = translator(ctx.lang)
    message = t("settings.saved_mode", capability=t(f"cap.{name}"), mode=t(f"mode.{mode}"))
    return _saved(ctx, message)


@router.post(PAGE + "/{name}/holdout", dependencies=[CsrfChecked])
def change_holdout(ctx: Dashboard, name: str, percent: Annotated[str, Form()]) -> Response:
    ctx.require(Scope.PROPOSALS_WRITE)
    capability, share = _capability(name), _share(percent)
    with ctx.session() as session:
        holdout.set_holdout_share(
            session,
            ctx.runtime.clock,
            shop_id=ctx.shop.id,
            capability=capability,
            share=share,
            actor=ctx.principal.actor,
        )
    t = translator(ctx.lang)
    message = t("settings.saved_holdout", capability=t(f"cap.{name}"), percent=f"{share * 100:g}")
    return _saved(ctx, message)


@router.post(PAGE + "/overrides", dependencies=[CsrfChecked])
def add_override(
    ctx: Dashboard,
    capability: Annotated[str, Form()],
    scope_kind: Annotated[str, Form()],
    scope_value: Annotated[str, Form()],
    mode: Annotated[str, Form()],
) -> Response:
    ctx.require(Scope.PROPOSALS_WRITE)
    chosen_capability, chosen_mode, value = (
        _capability(capability),
        _mode(mode),
        scope_value.strip(),
    )
    with ctx.session() as session:
        _check_target(session, ctx.shop.id, scope_kind, value)
        modes.set_mode(
            session,
            ctx.runtime.clock,
            shop_id=ctx.shop.id,
            capability=chosen_capability,
            mode=chosen_mode,
            actor=ctx.principal.actor,
            scope_kind=scope_kind,
            scope_value=value,
        )
    t = translator(ctx.lang)
    message = t(
        "settings.saved_override",
        capability=t(f"cap.{capability}"),
        scope=t(f"settings.scope.{scope_kind}"),
        value=value,
        mode=t(f"mode.{mode}"),
    )
    return _saved(ctx, message)


@router.post(PAGE + "/overrides/remove", dependencies=[CsrfChecked])
def remove_override(
    ctx: Dashboard,
    capability: Annotated[str, Form()],
    scope_kind: Annotated[str, Form()],
    scope_value: Annotated[str, Form()],
) -> Response:
    ctx.require(Scope.PROPOSALS_WRITE)
    chosen = _capability(capability)
    with ctx.session() as session:
        modes.clear_override(
            session,
            ctx.runtime.clock,
            shop_id=ctx.shop.id,
            capability=chosen,
            scope_kind=scope_kind,
            scope_value=scope_value,
            actor=ctx.principal.actor,
        )
    t = translator(ctx.lang)
    message = t(
        "settings.removed_override",
        capability=t(f"cap.{capability}"),
        scope=t(f"settings.scope.{scope_kind}"),
        value=scope_value,
    )
    return _saved(ctx, message)
