"""Recommendation rules: pin, boost, bury or exclude products, and the shop's policy.

Everyone who may read the catalogue sees the page; only the owner changes it (the rules
decide what every shopper is shown, so a staff account cannot quietly pin its favourites).
The service checks every value and writes the audit rows; this module turns form fields
into service calls.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.access import Scope
from shopkeeper.services import listings, recommend_rules
from shopkeeper.services.recommend_rules import RuleAction, TargetKind
from shopkeeper.web.context import CsrfChecked, Dashboard, DashboardContext, DashboardRoute
from shopkeeper.web.i18n import translator

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

PAGE = "/settings/recommendation-rules"
# The owner's role holds ADMIN and no other role does: writes here are the owner's alone.
WRITE_SCOPE = Scope.ADMIN


def _values(ctx: DashboardContext) -> dict[str, Any]:
    with ctx.session() as session:
        rules = recommend_rules.list_rules(session, ctx.shop.id)
        policy = recommend_rules.get_policy(session, ctx.shop.id)
        categories = listings.product_categories(session, ctx.shop.id)
    return {
        "rules": rules,
        "policy": policy,
        "categories": categories,
        "actions": [a.value for a in RuleAction],
        "target_kinds": [k.value for k in TargetKind],
        "can_change": ctx.principal.can(WRITE_SCOPE),
    }


def _number(text: str, field: str) -> float | None:
    """A number typed by a person ("1.5" or "1,5"); empty means none."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InvalidInputError(f"{field} must be a number", value=text)
    return value


def _saved(ctx: DashboardContext, message: str) -> Response:
    """For HTMX: the confirmation for ``#flash`` plus the fresh rules and policy, out of band."""
    if not ctx.from_htmx:
        return RedirectResponse(PAGE, status_code=303)
    return ctx.render("dashboard/recommendation_rules_saved.html", message=message, **_values(ctx))


@router.get(PAGE)
def recommendation_rules_page(ctx: Dashboard) -> HTMLResponse:
    ctx.require(Scope.CATALOG_READ)
    return ctx.render("dashboard/recommendation_rules.html", **_values(ctx))


@router.post(PAGE, dependencies=[CsrfChecked])
def add_rule(
    ctx: Dashboard,
    action: Annotated[str, Form()],
    target_kind: Annotated[str, Form()],
    target_value: Annotated[str, Form()],
    factor: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    ctx.require(WRITE_SCOPE)
    with ctx.session() as session:
        rule = recommend_rules.add_rule(
            session,
            ctx.runtime.clock,
            shop_id=ctx.shop.id,
            actor=ctx.principal.actor,
            action=action,
            target_kind=target_kind,
            target_value=target_value,
            factor=_number(factor, "the factor"),
            note=note,
        )
    t = translator(ctx.lang)
    message = t(
        "recrules.saved_rule",
        action=t(f"recrules.action.{rule.action}"),
        kind=t(f"recrules.kind.{rule.target_kind}"),
        value=rule.target_value,
    )
    return _saved(ctx, message)


@router.post(PAGE + "/{rule_id}/delete", dependencies=[CsrfChecked])
def delete_rule(ctx: Dashboard, rule_id: int) -> Response:
    ctx.require(WRITE_SCOPE)
    with ctx.session() as session:
        recommend_rules.delete_rule(
            session,
            ctx.runtime.clock,
            shop_id=ctx.shop.id,
            actor=ctx.principal.actor,
            rule_id=rule_id,
        )
    return _saved(ctx, translator(ctx.lang)("recrules.deleted_rule"))


@router.post(PAGE + "/policy", dependencies=[CsrfChecked])
def set_policy(
    ctx: Dashboard,
    max_per_category: Annotated[str, Form()],
    margin_weight: Annotated[str, Form()],
    exclude_bought_durables: Annotated[str, Form()] = "",
) -> Response:
    ctx.require(WRITE_SCOPE)
    cap = _number(max_per_category, "max per category")
    if cap is not None and cap != int(cap):
        raise InvalidInputError("max per category must be a whole number", value=max_per_category)
    with ctx.session() as session:
        recommend_rules.set_policy(
            session,
            ctx.runtime.clock,
            shop_id=ctx.shop.id,
            actor=ctx.principal.actor,
            max_per_category=None if cap is None else int(cap),
            margin_weight=_number(margin_weight, "the margin weight"),
            # An unticked checkbox sends nothing: absent means "off", not "unchanged".
            exclude_bought_durables=exclude_bought_durables == "on",
        )
    return _saved(ctx, translator(ctx.lang)("recrules.saved_policy"))
