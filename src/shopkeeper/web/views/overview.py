"""The overview page: KPIs of the shop over the last 7, 30 or 90 days."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shopkeeper.domain.access import Scope
from shopkeeper.services.kpis import DEFAULT_PERIOD_DAYS, PERIOD_CHOICES, shop_kpis
from shopkeeper.web.context import Dashboard, DashboardRoute

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


@router.get("/")
def overview(ctx: Dashboard, days: int = DEFAULT_PERIOD_DAYS) -> HTMLResponse:
    ctx.require(Scope.ORDERS_READ)
    if days not in PERIOD_CHOICES:
        days = DEFAULT_PERIOD_DAYS
    with ctx.session() as session:
        kpis = shop_kpis(session, ctx.shop, ctx.runtime.clock.now(), days)
    # Chart.js reads plain numbers; the page shows the exact Decimal figures beside it.
    chart = {
        "labels": [d.day.isoformat() for d in kpis.revenue_per_day],
        "values": [str(d.revenue) for d in kpis.revenue_per_day],
        "label": ctx.shop.currency,
    }
    return ctx.render(
        "dashboard/overview.html", kpis=kpis, days=days, choices=PERIOD_CHOICES, chart=chart
    )
