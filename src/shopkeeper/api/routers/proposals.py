"""Proposals: list what waits, read one, approve or reject it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.proposals import Capability, ProposalPublic, ProposalReject, ProposalStatus
from shopkeeper.domain.schemas import Page
from shopkeeper.services import proposals
from shopkeeper.services.access.principal import Principal

router = APIRouter(prefix="/v1/proposals", tags=["proposals"])
Reader = Annotated[Principal, Depends(require(Scope.PROPOSALS_READ))]
Writer = Annotated[Principal, Depends(require(Scope.PROPOSALS_WRITE))]


@router.get("", response_model=Page[ProposalPublic])
def list_proposals(
    session: SessionDep,
    who: Reader,
    status: ProposalStatus | None = None,
    capability: Capability | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=proposals.MAX_PAGE)] = 50,
) -> Page[ProposalPublic]:
    return proposals.list_proposals(
        session, who.shop_id, status=status, capability=capability, offset=offset, limit=limit
    )


def add_capability_listing(target: APIRouter, capability: Capability, summary: str) -> None:
    """Add ``GET /proposals`` to a capability's router: its proposals, waiting ones by default."""

    def list_capability_proposals(
        session: SessionDep,
        who: Reader,
        status: ProposalStatus | None = ProposalStatus.PROPOSED,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=proposals.MAX_PAGE)] = 50,
    ) -> Page[ProposalPublic]:
        return proposals.list_proposals(
            session, who.shop_id, status=status, capability=capability, offset=offset, limit=limit
        )

    target.add_api_route(
        "/proposals",
        list_capability_proposals,
        methods=["GET"],
        response_model=Page[ProposalPublic],
        name=f"list_{capability.value}_proposals",
        description=summary,
    )


@router.get("/{proposal_id}", response_model=ProposalPublic)
def get_proposal(proposal_id: int, session: SessionDep, who: Reader) -> ProposalPublic:
    return proposals.get_proposal(session, who.shop_id, proposal_id)


@router.post("/{proposal_id}/approve", response_model=ProposalPublic)
def approve(
    proposal_id: int, session: SessionDep, runtime: RuntimeDep, who: Writer
) -> ProposalPublic:
    return proposals.approve(
        session, runtime.clock, shop_id=who.shop_id, proposal_id=proposal_id, actor=who.actor
    )


@router.post("/{proposal_id}/reject", response_model=ProposalPublic)
def reject(
    proposal_id: int,
    session: SessionDep,
    runtime: RuntimeDep,
    who: Writer,
    body: ProposalReject | None = None,
) -> ProposalPublic:
    return proposals.reject(
        session,
        runtime.clock,
        shop_id=who.shop_id,
        proposal_id=proposal_id,
        actor=who.actor,
        reason=body.reason if body else "",
    )
