"""One page per capability; each says what it will do until its work lands."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shopkeeper.core.errors import NotFoundError
from shopkeeper.domain.proposals import Capability
from shopkeeper.web.context import Dashboard, DashboardRoute

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


@router.get("/capabilities/{name}")
def capability_page(ctx: Dashboard, name: str) -> HTMLResponse:
    try:
        capability = Capability(name)
    except ValueError:
        raise NotFoundError(f"no capability {name!r}", capability=name) from None
    return ctx.render("dashboard/capability.html", capability=capability.value)
