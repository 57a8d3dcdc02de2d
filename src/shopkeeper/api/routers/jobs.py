"""Jobs: the recent runs of this shop's scheduled work, and running one now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.core.config import Settings
from shopkeeper.domain.access import Scope
from shopkeeper.domain.proposals import JobRunPublic
from shopkeeper.domain.schemas import Page
from shopkeeper.jobs.context import JobRuntime
from shopkeeper.jobs.registry import all_jobs, get_job
from shopkeeper.jobs.runner import recent_runs, run_job
from shopkeeper.services.access.principal import Principal

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
Reader = Annotated[Principal, Depends(require(Scope.PROPOSALS_READ))]
Admin = Annotated[Principal, Depends(require(Scope.ADMIN))]


class JobInfo(BaseModel):
    name: str
    schedule: str
    description: str


@router.get("", response_model=Page[JobRunPublic])
def list_runs(
    session: SessionDep,
    who: Reader,
    name: Annotated[str | None, Query(max_length=100, description="Only this job")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[JobRunPublic]:
    """The most recent runs of jobs for the caller's shop, newest first."""
    return recent_runs(session, shop_id=who.shop_id, job_name=name, offset=offset, limit=limit)


@router.get("/available", response_model=list[JobInfo])
def list_jobs(_: Reader) -> list[JobInfo]:
    """Every registered job and its schedule (UTC)."""
    return [
        JobInfo(name=s.name, schedule=s.schedule, description=s.description) for s in all_jobs()
    ]


@router.post("/{name}/run", response_model=JobRunPublic)
def run_now(name: str, request: Request, runtime: RuntimeDep, who: Admin) -> JobRunPublic:
    """Run a job for the caller's shop now and return the recorded run (ok or failed)."""
    get_job(name)
    # No request transaction here: the job commits its own work, and on SQLite an open
    # request transaction would hold the lock the job needs.
    settings: Settings | None = getattr(request.app.state, "settings", None)
    (run,) = run_job(JobRuntime.wrap(runtime, settings), name, shop_id=who.shop_id)
    return run
