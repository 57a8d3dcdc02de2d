"""Recent runs of scheduled and manual jobs, with their figures."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shopkeeper.domain.access import Scope
from shopkeeper.services import listings
from shopkeeper.web.context import Dashboard, DashboardRoute

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


@router.get("/jobs")
def job_runs(ctx: Dashboard) -> HTMLResponse:
    ctx.require(Scope.PROPOSALS_READ)
    with ctx.session() as session:
        runs = listings.recent_job_runs(session, ctx.shop.id)
    return ctx.render("dashboard/jobs.html", runs=runs)
