"""Pricing: each product's elasticity curve, its price against competitors, realised profit.

``/pricing`` shows the pricing mode and guardrails in force, the proposals waiting in the
Inbox with their reasons, the realised against expected profit of recent automatic changes,
the kill switch, and for one product (``sku``) its elasticity curve and price history;
``/pricing/product`` re-renders the product block alone for HTMX. Owners and staff press the
kill switch (``POST /pricing/kill-switch``) or run pricing (``POST /pricing/run``, the empty
state's button); both answer with the page, or its body for HTMX, saying what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shopkeeper.core.errors import NotFoundError
from shopkeeper.domain.access import Scope
from shopkeeper.domain.proposals import Capability, ProposalStatus
from shopkeeper.services import models, modes, proposals
from shopkeeper.services.price_history import PriceHistory, price_history
from shopkeeper.services.pricing_curve import (
    CAPABILITY,
    ElasticityCurve,
    elasticity_curve,
    priced_products,
)
from shopkeeper.services.pricing_effects import pricing_effects
from shopkeeper.services.pricing_rules import load_setup
from shopkeeper.services.pricing_run import KIND, kill_switch, run_pricing
from shopkeeper.web import formatting
from shopkeeper.web.context import CsrfChecked, Dashboard, DashboardContext, DashboardRoute
from shopkeeper.web.i18n import translator
from shopkeeper.web.views.pricing_charts import curve_chart, effects_chart, history_chart

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)
PAGE = "/pricing"
PROPOSALS_SHOWN = 50
MAX_SKU = 100
RISE = 0.10  # the price rise the elasticity is put in words for
CATEGORY_ONLY = 0.95


@dataclass(frozen=True)
class ProductBlock:
    """The chosen product's curve and history, or why there is none.

    ``problem`` is ``"unknown_product"``, ``"no_model"``, ``"not_priced"``, ``"no_products"``
    or ``None``.

    Examples
    --------
    >>> ProductBlock(sku="X1", problem="unknown_product").curve is None
    True
    """

    sku: str
    problem: str | None = None
    curve: ElasticityCurve | None = None
    history: PriceHistory | None = None


def _product_block(ctx: DashboardContext, sku: str) -> ProductBlock:
    if not sku:
        return ProductBlock("", problem="no_products")
    try:
        history = price_history(ctx.runtime, ctx.shop.id, sku)
    except NotFoundError:
        return ProductBlock(sku, problem="unknown_product")
    try:
        curve = elasticity_curve(ctx.runtime, ctx.shop.id, sku)
    except NotFoundError as missing:
        return ProductBlock(sku, problem=str(missing.details.get("reason")), history=history)
    return ProductBlock(sku, curve=curve, history=history)


def _percent(share: float, lang: str) -> str:
    return formatting.percent(Decimal(str(round(share, 4))), lang)


def _words(ctx: DashboardContext, curve: ElasticityCurve) -> dict[str, str]:
    """The elasticity in sentences: what a 10 % rise does, and where the estimate comes from."""
    t = translator(ctx.lang)
    mean, steep, flat = curve.units_change(RISE)

    def pct(share: float) -> str:
        return _percent(share, ctx.lang)

    def signed(share: float) -> str:
        return ("+" if share > 0 else "−" if share < 0 else "") + pct(abs(share))

    key = "pricing.words_loses" if mean < 0 else "pricing.words_gains"
    low, high = sorted((steep, flat))
    words = {
        "rise": t(key, rise=pct(RISE), change=pct(abs(mean)), low=signed(low), high=signed(high))
    }
    e = curve.elasticity
    category = e.category or "—"
    if e.observations == 0:
        words["source"] = t("pricing.words_no_history", category=category)
    else:
        # Nearly all from the category: the product's sales saw too few prices to tell.
        key = (
            "pricing.words_category" if e.pooled_share >= CATEGORY_ONLY else "pricing.words_pooled"
        )
        words["source"] = t(
            key,
            share=pct(e.pooled_share),
            category=category,
            units=formatting.number(Decimal(str(round(e.units))), ctx.lang),
            days=formatting.number(e.observations, ctx.lang),
        )
    return words


def _product_values(ctx: DashboardContext, block: ProductBlock) -> dict[str, Any]:
    t = translator(ctx.lang)
    curve, history = block.curve, block.history
    return {
        "block": block,
        "curve_data": curve_chart(curve, t) if curve else None,
        "history_data": history_chart(history, t) if history else None,
        "words": _words(ctx, curve) if curve else {},
    }


def _default_sku(waiting: list[Any], effects: Any, products: list[tuple[str, str]]) -> str:
    # Without a choice, the product of the newest decision is the one worth a look.
    if waiting:
        return str(waiting[0].target)
    if effects.changes:
        return str(effects.changes[0].sku)
    return products[0][0] if products else ""


def _page_values(ctx: DashboardContext, sku: str, **notice: Any) -> dict[str, Any]:
    with ctx.session() as session:
        has_run = models.current_run(session, ctx.shop.id, CAPABILITY) is not None
        mode = modes.resolve_mode(session, ctx.shop.id, Capability.PRICING)
        overrides = [
            s
            for s in modes.list_settings(session, ctx.shop.id)
            if s.capability == Capability.PRICING.value and s.scope_kind != "shop"
        ]
        setup = load_setup(session, ctx.shop.id)
        waiting = [
            p
            for p in proposals.list_proposals(
                session,
                ctx.shop.id,
                status=ProposalStatus.PROPOSED,
                capability=Capability.PRICING,
                limit=PROPOSALS_SHOWN,
            ).data
            if p.kind == KIND
        ]
    effects = pricing_effects(ctx.runtime, ctx.shop.id)
    products = priced_products(ctx.runtime, ctx.shop.id)
    chosen = sku.strip()[:MAX_SKU] or _default_sku(waiting, effects, products)
    return {
        "has_run": has_run,
        "mode": mode.value,
        "overrides": overrides,
        "setup": setup,
        "waiting": waiting,
        "effects": effects,
        "effects_data": effects_chart(effects, translator(ctx.lang)),
        "products": products,
        "can_change": ctx.principal.can(Scope.PROPOSALS_WRITE),
        "notice": notice,
        **_product_values(ctx, _product_block(ctx, chosen)),
    }


@router.get(PAGE)
def pricing_page(ctx: Dashboard, sku: str = "") -> HTMLResponse:
    ctx.require(Scope.PROPOSALS_READ)
    return ctx.render("dashboard/pricing.html", **_page_values(ctx, sku))


@router.get(PAGE + "/product")
def product_fragment(ctx: Dashboard, sku: str = "") -> HTMLResponse:
    """The product block alone, for HTMX; the address bar shows the whole page's address."""
    ctx.require(Scope.PROPOSALS_READ)
    chosen = sku.strip()[:MAX_SKU]
    block = _product_block(ctx, chosen)
    response = ctx.render("dashboard/pricing_product.html", **_product_values(ctx, block))
    response.headers["HX-Push-Url"] = PAGE + "?" + urlencode({"sku": chosen})
    return response


def _answer(ctx: DashboardContext, **notice: Any) -> HTMLResponse:
    """The page again with what just happened: its body for HTMX, else the whole page."""
    template = "dashboard/pricing_body.html" if ctx.from_htmx else "dashboard/pricing.html"
    return ctx.render(template, **_page_values(ctx, "", **notice))


@router.post(PAGE + "/kill-switch", dependencies=[CsrfChecked])
def press_kill_switch(ctx: Dashboard) -> HTMLResponse:
    ctx.require(Scope.PROPOSALS_WRITE)
    result = kill_switch(ctx.runtime, ctx.shop.id, actor=ctx.principal.actor)
    return _answer(ctx, stopped=result)


@router.post(PAGE + "/run", dependencies=[CsrfChecked])
def run_now(ctx: Dashboard) -> HTMLResponse:
    ctx.require(Scope.PROPOSALS_WRITE)
    summary = run_pricing(ctx.runtime, ctx.shop.id)
    return _answer(ctx, ran=summary)
