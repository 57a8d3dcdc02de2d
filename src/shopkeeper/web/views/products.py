"""Products: searchable, filterable list (HTMX live search) and one page per product."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shopkeeper.domain.access import Scope
from shopkeeper.services import catalog, listings
from shopkeeper.services.kpis import product_weekly_sales
from shopkeeper.web.context import Dashboard, DashboardRoute
from shopkeeper.web.paging import Pager

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)
PAGE_SIZE = 25


@router.get("/products")
def product_list(ctx: Dashboard, q: str = "", category: str = "", page: int = 1) -> HTMLResponse:
    ctx.require(Scope.CATALOG_READ)
    pager = Pager(page, PAGE_SIZE)
    with ctx.session() as session:
        found = catalog.list_products(
            session,
            ctx.shop,
            q=q.strip() or None,
            category=category or None,
            offset=pager.offset,
            limit=PAGE_SIZE,
        )
        categories = listings.product_categories(session, ctx.shop.id)
    values: dict[str, Any] = {
        "products": found.data,
        "pager": pager.done(found.count, {"q": q, "category": category}),
        "q": q,
        "category": category,
    }
    # Live search swaps only the results; a normal visit gets the whole page.
    if ctx.from_htmx and ctx.request.headers.get("HX-Target") == "results":
        return ctx.render("dashboard/products_table.html", **values)
    return ctx.render("dashboard/products.html", categories=categories, **values)


@router.get("/products/{sku}")
def product_detail(ctx: Dashboard, sku: str) -> HTMLResponse:
    ctx.require(Scope.CATALOG_READ)
    with ctx.session() as session:
        product = catalog.get_product(session, ctx.shop, sku)
        changes = listings.recent_price_changes(session, ctx.shop.id, sku)
        weeks = product_weekly_sales(session, ctx.shop, sku, ctx.runtime.clock.now())
    chart = {
        "labels": [w.week_start.isoformat() for w in weeks],
        "values": [w.units for w in weeks],
        "label": "units",
    }
    return ctx.render(
        "dashboard/product.html", product=product, changes=changes, weeks=weeks, chart=chart
    )
