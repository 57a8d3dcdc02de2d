"""The Inbox: proposals waiting for a decision, with their reasons; approve or reject."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shopkeeper.domain.access import Scope
from shopkeeper.domain.proposals import ProposalStatus
from shopkeeper.services import proposals
from shopkeeper.web.context import CsrfChecked, Dashboard, DashboardRoute

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


@router.get("/inbox")
def inbox(ctx: Dashboard) -> HTMLResponse:
    ctx.require(Scope.PROPOSALS_READ)
    with ctx.session() as session:
        waiting = proposals.list_proposals(
            session, ctx.shop.id, status=ProposalStatus.PROPOSED, limit=100
        )
        recent = [
            p
            for p in proposals.list_proposals(session, ctx.shop.id, limit=30).data
            if not p.is_open
        ]
    return ctx.render(
        "dashboard/inbox.html",
        waiting=waiting.data,
        waiting_count=waiting.count,
        recent=recent[:10],
        can_decide=ctx.principal.can(Scope.PROPOSALS_WRITE),
    )


def _decided(ctx: Dashboard, proposal_id: int) -> Response:
    """The updated card for HTMX (plus the nav badge, out of band), a redirect otherwise."""
    if not ctx.from_htmx:
        return RedirectResponse("/inbox", status_code=303)
    with ctx.session() as session:
        proposal = proposals.get_proposal(session, ctx.shop.id, proposal_id)
        waiting = proposals.count_waiting(session, ctx.shop.id)
    return ctx.render(
        "dashboard/proposal_decided.html", p=proposal, can_decide=False, badge=waiting
    )


@router.post("/inbox/{proposal_id}/approve", dependencies=[CsrfChecked])
def approve(ctx: Dashboard, proposal_id: int) -> Response:
    ctx.require(Scope.PROPOSALS_WRITE)
    with ctx.session() as session:
        proposals.approve(
            session,
            ctx.runtime.clock,
            shop_id=ctx.shop.id,
            proposal_id=proposal_id,
            actor=ctx.principal.actor,
        )
    return _decided(ctx, proposal_id)


@router.post("/inbox/{proposal_id}/reject", dependencies=[CsrfChecked])
def reject(ctx: Dashboard, proposal_id: int, reason: Annotated[str, Form()] = "") -> Response:
    ctx.require(Scope.PROPOSALS_WRITE)
    with ctx.session() as session:
        proposals.reject(
            session,
            ctx.runtime.clock,
            shop_id=ctx.shop.id,
            proposal_id=proposal_id,
            actor=ctx.principal.actor,
            reason=reason[:2000],
        )
    return _decided(ctx, proposal_id)
