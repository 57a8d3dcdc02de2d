"""Customers: find by external id (prefix) or exact email; names only for owners and staff."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shopkeeper.domain.access import Scope
from shopkeeper.services import customers
from shopkeeper.web.context import Dashboard, DashboardRoute
from shopkeeper.web.paging import Pager

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)
PAGE_SIZE = 25


@router.get("/customers")
def customer_list(ctx: Dashboard, q: str = "", page: int = 1) -> HTMLResponse:
    ctx.require(Scope.CUSTOMERS_READ)
    pager = Pager(page, PAGE_SIZE)
    text = q.strip()
    # An "@" means an email: it is matched exactly through its keyed hash, never by pattern.
    by_email = "@" in text
    with ctx.session() as session:
        found = customers.list_customers(
            session,
            ctx.runtime.cipher,
            ctx.shop.id,
            email=text if by_email else None,
            q=text if text and not by_email else None,
            offset=pager.offset,
            limit=PAGE_SIZE,
        )
    return ctx.render(
        "dashboard/customers.html",
        customers=found.data,
        pager=pager.done(found.count, {"q": q}),
        q=q,
    )
