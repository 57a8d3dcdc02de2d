"""Recommendations: what a chosen session is shown right now, and what recommendations earn.

The live part (one session's recommendations with their reasons) refreshes on its own with
HTMX; the performance part compares the treated sessions with the holdout group.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shopkeeper.domain.access import Scope
from shopkeeper.domain.recommendations import RecommendationResult
from shopkeeper.services.holdout import Group
from shopkeeper.services.kpis import DEFAULT_PERIOD_DAYS, PERIOD_CHOICES
from shopkeeper.services.models import ModelCache
from shopkeeper.services.recommend import recommend_for
from shopkeeper.services.recommend_groups import RecentSession, recent_sessions, serving_group
from shopkeeper.services.recommend_metrics import (
    RecommendationPerformance,
    recommendation_performance,
)
from shopkeeper.web.context import Dashboard, DashboardContext, DashboardRoute

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)
SHOWN = 10
MAX_SESSION_ID = 128


def _live(ctx: DashboardContext, session_id: str, sessions: list[RecentSession]) -> dict[str, Any]:
    """What the live block shows for ``session_id`` (an empty id: a visitor never seen)."""
    models: ModelCache = ctx.request.app.state.models
    result: RecommendationResult = recommend_for(
        ctx.runtime, models, shop_id=ctx.shop.id, session_id=session_id or None, k=SHOWN
    )
    known = next((s for s in sessions if s.session_id == session_id), None)
    return {
        "session_id": session_id,
        "result": result,
        "viewed": known.viewed if known else [],
        "group": serving_group(ctx.runtime, ctx.shop.id, session_id or None).value,
        "checked_at": ctx.time(ctx.runtime.clock.now()),
    }


def _chart(report: RecommendationPerformance) -> dict[str, Any]:
    """Daily CTR per group in percent; ``None`` (a gap) for days without impressions."""

    def series(group: Group) -> list[float | None]:
        return [
            None if (ctr := day.ctr(group)) is None else round(float(ctr) * 100, 2)
            for day in report.daily
        ]

    return {
        "labels": [day.day.isoformat() for day in report.daily],
        "series": [
            {"key": group.value, "values": series(group)}
            for group in (Group.TREATMENT, Group.HOLDOUT)
        ],
    }


def _session_id(raw: str) -> str:
    # A session id typed in by hand wins over the one picked from the list.
    return raw.strip()[:MAX_SESSION_ID]


@router.get("/recommendations")
def recommendations_page(
    ctx: Dashboard, session_id: str = "", typed_id: str = "", days: int = DEFAULT_PERIOD_DAYS
) -> HTMLResponse:
    # Revenue figures come from orders: the same right the overview needs.
    ctx.require(Scope.ORDERS_READ)
    if days not in PERIOD_CHOICES:
        days = DEFAULT_PERIOD_DAYS
    typed = _session_id(typed_id or session_id)
    sessions = recent_sessions(ctx.runtime, ctx.shop.id, also=typed or None)
    chosen = typed or (sessions[0].session_id if sessions else "")
    report = recommendation_performance(ctx.runtime, ctx.shop.id, days=days)
    return ctx.render(
        "dashboard/recommendations.html",
        sessions=sessions,
        live=_live(ctx, chosen, sessions),
        report=report,
        chart=_chart(report),
        days=days,
        choices=PERIOD_CHOICES,
    )


@router.get("/recommendations/live")
def live_recommendations(ctx: Dashboard, session_id: str = "", typed_id: str = "") -> HTMLResponse:
    """The live block alone, for HTMX: a session picked or typed in, or a periodic refresh."""
    ctx.require(Scope.ORDERS_READ)
    chosen = _session_id(typed_id or session_id)
    sessions = recent_sessions(ctx.runtime, ctx.shop.id, limit=0, also=chosen or None)
    return ctx.render("dashboard/recommendations_live.html", live=_live(ctx, chosen, sessions))
