"""Orders: filter by status and local dates; one page per order with its lines."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shopkeeper.domain.access import Scope
from shopkeeper.services import orders
from shopkeeper.web.context import Dashboard, DashboardRoute
from shopkeeper.web.paging import Pager

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)
PAGE_SIZE = 25
STATUSES = ("pending", "processing", "shipped", "delivered", "cancelled", "returned")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/orders")
def order_list(
    ctx: Dashboard,
    status: str = "",
    start: str = "",
    end: str = "",
    customer: str = "",
    page: int = 1,
) -> HTMLResponse:
    ctx.require(Scope.ORDERS_READ)
    pager = Pager(page, PAGE_SIZE)
    first, last = _day(start), _day(end)
    zone = ctx.shop.zone
    # Dates are the shop's calendar days; "to" includes the whole of its last day.
    placed_from = datetime.combine(first, time(0), tzinfo=zone) if first else None
    placed_to = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone) if last else None
    with ctx.session() as session:
        found = orders.list_orders(
            session,
            ctx.runtime.cipher,
            ctx.shop.id,
            customer_id=customer.strip() or None,
            status=status if status in STATUSES else None,
            placed_from=placed_from,
            placed_to=placed_to,
            offset=pager.offset,
            limit=PAGE_SIZE,
        )
    return ctx.render(
        "dashboard/orders.html",
        orders=found.data,
        pager=pager.done(
            found.count, {"status": status, "start": start, "end": end, "customer": customer}
        ),
        statuses=STATUSES,
        status=status,
        start=start,
        end=end,
        customer=customer,
    )


@router.get("/orders/{external_id}")
def order_detail(ctx: Dashboard, external_id: str) -> HTMLResponse:
    ctx.require(Scope.ORDERS_READ)
    with ctx.session() as session:
        order = orders.get_order(session, ctx.runtime.cipher, ctx.shop.id, external_id)
    return ctx.render("dashboard/order.html", order=order)
