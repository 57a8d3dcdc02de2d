"""Stock: what may run out, what barely sells, what to order or clear, and each forecast.

``/stock`` gathers the stock health of every forecast product, the replenishment proposals
waiting in the Inbox with their reasons, recent purchase orders, the simulated before/after
table and one forecast chart: the whole shop's, a category's or a product's (``view``
``shop``, ``category:<name>`` or ``product`` with ``sku``); ``/stock/forecast`` re-renders
the chart block alone for HTMX. The purchase orders' CSV and PDF copies download with the owner's session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from shopkeeper.core.errors import NotFoundError
from shopkeeper.domain.access import Scope
from shopkeeper.domain.aggregate_forecasts import AggregateForecastPublic, CategoryForecastSummary
from shopkeeper.domain.forecasts import ProductForecastPublic
from shopkeeper.domain.proposals import Capability, ProposalPublic, ProposalStatus
from shopkeeper.services import (
    aggregate_forecasts,
    catalog,
    clearance,
    forecasting,
    proposals,
    purchase_orders,
    replenishment,
)
from shopkeeper.services.stock_health import ProductHealth, stock_health
from shopkeeper.services.stock_positions import OPEN_ORDER_STATUSES
from shopkeeper.services.stock_simulation import SimulationTable, latest_simulation
from shopkeeper.web import formatting
from shopkeeper.web.context import Dashboard, DashboardContext, DashboardRoute
from shopkeeper.web.i18n import translator

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)
PROPOSALS_SHOWN = 50
ORDERS_SHOWN = 10
# The open-orders figure counts among this many recent orders (each costs a few queries).
ORDERS_COUNTED = 50
MAX_SKU = 100
MAX_VIEW = 220  # "category:" and a category name (200 characters at most)
SHOP_VIEW, CATEGORY_VIEW, PRODUCT_VIEW = "shop", "category:", "product"
DAYS_PER_YEAR = 365
POLICY_ORDER = ("small_shop", "textbook_ss", "ours")
BASELINE, OURS = "small_shop", "ours"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class ForecastBlock:
    """What the chart block shows for the chosen view, or why it cannot show it.

    ``view`` is ``product`` (``sku``, ``forecast``), ``shop`` or ``category:<name>``
    (``aggregate``). ``problem`` is ``"unknown_product"``, ``"no_forecast"``,
    ``"no_shop_forecast"``, ``"no_category_forecast"`` or ``None``.

    Examples
    --------
    >>> ForecastBlock(sku="X1", title="", problem="unknown_product").chart is None
    True
    """

    sku: str
    title: str
    problem: str | None = None
    forecast: ProductForecastPublic | None = None
    chart: dict[str, Any] | None = None
    view: str = PRODUCT_VIEW
    aggregate: AggregateForecastPublic | None = None

    @property
    def category(self) -> str:
        """The category shown, ``""`` unless the view is one."""
        return self.view.removeprefix(CATEGORY_VIEW) if self.view.startswith(CATEGORY_VIEW) else ""


@dataclass(frozen=True)
class SimulatedFigure:
    """One line of the before/after table: a figure per policy, ours against the baseline."""

    key: str
    shown: list[str]
    change: str
    better: bool | None


def forecast_chart(forecast: ProductForecastPublic | AggregateForecastPublic) -> dict[str, Any]:
    """History then forecast on one day axis; ``None`` leaves a gap where a series has no day.

    The forecast line starts on the last day sold so the two lines join.

    Examples
    --------
    >>> from datetime import UTC, date, datetime
    >>> from shopkeeper.domain.forecasts import ForecastPoint, SalesPoint
    >>> f = ProductForecastPublic(
    ...     sku="X1", model="ETS", demand_class="smooth", total_units=3.0, explanation={},
    ...     computed_at=datetime(2026, 1, 3, tzinfo=UTC),
    ...     history=[SalesPoint(day=date(2026, 1, 1), units=2.0)],
    ...     points=[ForecastPoint(day=date(2026, 1, 2), mean=3.0, lo_80=1.0, hi_80=5.0)])
    >>> chart = forecast_chart(f)
    >>> chart["labels"], chart["history"], chart["mean"], chart["lo_80"]
    (['2026-01-01', '2026-01-02'], [2.0, None], [2.0, 3.0], [None, 1.0])
    """
    past, ahead = len(forecast.history), len(forecast.points)
    gap: list[float | None] = [None] * past

    def band(name: str) -> list[float | None]:
        return gap + [getattr(p, name) for p in forecast.points]

    mean: list[float | None] = gap + [p.mean for p in forecast.points]
    if past:
        mean[past - 1] = forecast.history[-1].units
    return {
        "labels": [s.day.isoformat() for s in forecast.history]
        + [p.day.isoformat() for p in forecast.points],
        "history": [s.units for s in forecast.history] + [None] * ahead,
        "mean": mean,
        **{name: band(name) for name in ("lo_80", "hi_80", "lo_95", "hi_95")},
    }


def _forecast_block(ctx: DashboardContext, sku: str) -> ForecastBlock:
    # The service says "not found" both for an unknown reference and for a product not
    # forecast yet; the owner needs to know which, so the product is looked up first.
    with ctx.session() as session:
        product = catalog.find_product(session, ctx.shop.id, sku)
        title = product.title if product is not None else ""
    if product is None:
        return ForecastBlock(sku=sku, title=title, problem="unknown_product")
    try:
        forecast = forecasting.get_forecast(ctx.runtime, ctx.shop.id, sku)
    except NotFoundError:
        return ForecastBlock(sku=sku, title=title, problem="no_forecast")
    return ForecastBlock(sku=sku, title=title, forecast=forecast, chart=forecast_chart(forecast))


def _aggregate_block(ctx: DashboardContext, view: str) -> ForecastBlock:
    """The whole shop's or one category's chart block, or why there is none yet."""
    category = view.removeprefix(CATEGORY_VIEW)
    try:
        if view == SHOP_VIEW:
            found = aggregate_forecasts.get_aggregate_forecast(ctx.runtime, ctx.shop.id, "shop")
        else:
            found = aggregate_forecasts.get_aggregate_forecast(
                ctx.runtime, ctx.shop.id, "category", category
            )
    except NotFoundError:
        problem = "no_shop_forecast" if view == SHOP_VIEW else "no_category_forecast"
        return ForecastBlock(sku="", title="", problem=problem, view=view)
    return ForecastBlock(sku="", title="", view=view, aggregate=found, chart=forecast_chart(found))


def _chosen_view(view: str) -> str:
    """``shop``, ``category:<name>`` or ``product``: anything else is a product."""
    view = view.strip()[:MAX_VIEW]
    if view == SHOP_VIEW or (view.startswith(CATEGORY_VIEW) and view != CATEGORY_VIEW):
        return view
    return PRODUCT_VIEW


def _block(ctx: DashboardContext, view: str, sku: str) -> ForecastBlock:
    if view != PRODUCT_VIEW:
        return _aggregate_block(ctx, view)
    return _forecast_block(ctx, sku) if sku else ForecastBlock("", "")


def _chart_names(ctx: DashboardContext) -> dict[str, str]:
    t = translator(ctx.lang)
    return {key: t(f"stock.chart_{key}") for key in ("history", "forecast", "band_80", "band_95")}


def _change(ours: float, baseline: float, lang: str) -> tuple[str, bool | None]:
    """Ours against the baseline in percent of the baseline (lower is better for all)."""
    if baseline == 0:
        return "—", None
    ratio = Decimal(str(round((ours - baseline) / baseline, 4)))
    sign = "+" if ratio > 0 else ""
    return sign + formatting.percent(ratio, lang), ours < baseline


def simulated_figures(table: SimulationTable, lang: str) -> tuple[list[str], list[SimulatedFigure]]:
    """The policies in the table's columns and the seed article's three lines."""
    rows = {row.policy: row for row in table.rows}
    policies = [p for p in POLICY_ORDER if p in rows] + sorted(set(rows) - set(POLICY_ORDER))
    # Storage is costed over the simulated days; the article reads it per year.
    per_year = DAYS_PER_YEAR / table.days if table.days > 0 else 1.0

    def share(value: float) -> str:
        return formatting.percent(Decimal(str(round(value, 2))) / 100, lang)

    def cost(value: float) -> str:
        amount = Decimal(str(round(value * per_year, 2)))
        return formatting.money(amount, table.currency, lang)

    lines = (
        ("stockout", "stockout_pct", share),
        ("overstock", "overstock_pct", share),
        ("storage", "storage_cost", cost),
    )
    figures = []
    for key, field, shown in lines:
        values = {p: float(getattr(rows[p], field)) for p in policies}
        change, better = (
            _change(values[OURS], values[BASELINE], lang)
            if OURS in values and BASELINE in values
            else ("—", None)
        )
        figures.append(SimulatedFigure(key, [shown(values[p]) for p in policies], change, better))
    return policies, figures


def _cover(days: float, lang: str) -> str:
    return "—" if days == float("inf") else formatting.number(Decimal(str(round(days, 1))), lang, 1)


def _kpis(
    health: list[ProductHealth], waiting: list[ProposalPublic], open_orders: int
) -> dict[str, int]:
    return {
        "at_risk": sum(h.at_risk for h in health),
        "slow": sum(h.slow_mover for h in health),
        "orders_waiting": sum(p.kind == replenishment.PROPOSAL_KIND for p in waiting),
        "clearances_waiting": sum(p.kind == clearance.PROPOSAL_KIND for p in waiting),
        "open_orders": open_orders,
    }


def _render_block(ctx: DashboardContext, block: ForecastBlock) -> dict[str, Any]:
    chart = dict(block.chart, names=_chart_names(ctx)) if block.chart else None
    return {"block": block, "chart": chart, "cover": lambda d: _cover(d, ctx.lang)}


@router.get("/stock")
def stock_page(ctx: Dashboard, sku: str = "", view: str = "") -> HTMLResponse:
    ctx.require(Scope.STOCK_READ)
    health = stock_health(ctx.runtime, ctx.shop.id)
    waiting: list[ProposalPublic] = []
    with ctx.session() as session:
        if ctx.principal.can(Scope.PROPOSALS_READ):
            waiting = proposals.list_proposals(
                session,
                ctx.shop.id,
                status=ProposalStatus.PROPOSED,
                capability=Capability.REPLENISH,
                limit=PROPOSALS_SHOWN,
            ).data
        orders = purchase_orders.list_purchase_orders(session, ctx.shop.id, limit=ORDERS_COUNTED)
    simulation = latest_simulation(ctx.runtime, ctx.shop.id)
    at_risk = [h for h in health if h.at_risk]
    slow = sorted((h for h in health if h.slow_mover), key=lambda h: -h.days_of_cover)
    # Without a choice, the most urgent product is the one worth a look.
    chosen = sku.strip()[:MAX_SKU] or (at_risk[0].sku if at_risk else "")
    chosen = chosen or (health[0].sku if health else "")
    shown = _chosen_view(view)
    categories: list[CategoryForecastSummary] = aggregate_forecasts.list_category_forecasts(
        ctx.runtime, ctx.shop.id
    )
    policies, figures = simulated_figures(simulation, ctx.lang) if simulation else ([], [])
    return ctx.render(
        "dashboard/stock.html",
        kpis=_kpis(health, waiting, sum(o.status in OPEN_ORDER_STATUSES for o in orders)),
        at_risk=at_risk,
        slow=slow,
        products=[(h.sku, h.position.title) for h in sorted(health, key=lambda h: h.sku)],
        waiting=waiting,
        orders=orders[:ORDERS_SHOWN],
        simulation=simulation,
        policies=policies,
        figures=figures,
        categories=categories,
        **_render_block(ctx, _block(ctx, shown, chosen)),
    )


@router.get("/stock/forecast")
def forecast_fragment(ctx: Dashboard, sku: str = "", view: str = "") -> HTMLResponse:
    """The chart block alone, for HTMX; the address bar shows the whole page's address."""
    ctx.require(Scope.STOCK_READ)
    chosen, shown = sku.strip()[:MAX_SKU], _chosen_view(view)
    block = _block(ctx, shown, chosen)
    response = ctx.render("dashboard/stock_forecast.html", **_render_block(ctx, block))
    query = {"sku": chosen} if shown == PRODUCT_VIEW else {"view": shown}
    response.headers["HX-Push-Url"] = "/stock?" + urlencode(query)
    return response


def _download(ctx: DashboardContext, reference: str, kind: str) -> Response:
    ctx.require(Scope.STOCK_READ)
    with ctx.session() as session:
        order = purchase_orders.get_purchase_order(session, ctx.shop.id, reference)
    # A reference is free text once imported; the file name keeps only safe characters.
    name = _UNSAFE_NAME.sub("_", order.reference) or "purchase-order"
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{kind}"'}
    if kind == "csv":
        return Response(
            purchase_orders.purchase_order_csv(order),
            media_type="text/csv; charset=utf-8",
            headers=disposition,
        )
    pdf = purchase_orders.purchase_order_pdf(order, shop_name=ctx.shop.name)
    return Response(pdf, media_type="application/pdf", headers=disposition)


@router.get("/stock/purchase-orders/{reference}.csv")
def purchase_order_csv(ctx: Dashboard, reference: str) -> Response:
    return _download(ctx, reference, "csv")


@router.get("/stock/purchase-orders/{reference}.pdf")
def purchase_order_pdf(ctx: Dashboard, reference: str) -> Response:
    return _download(ctx, reference, "pdf")
