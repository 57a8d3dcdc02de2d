"""Running a job for one or every shop, and keeping a record of each run.

Each shop gets its own ``job_runs`` row, written as ``running`` before the work starts (so a
crash leaves a trace) and closed as ``ok`` or ``failed``. One shop's failure is recorded
and the next shop still runs.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import JobRunRow
from shopkeeper.domain.proposals import JobRunPublic
from shopkeeper.domain.schemas import Page
from shopkeeper.domain.shops import Shop
from shopkeeper.jobs.context import JobRuntime
from shopkeeper.jobs.registry import JobSpec, get_job
from shopkeeper.services.shops import get_shop, get_shop_by_slug, list_shops

log = logging.getLogger(__name__)

RUNNING, OK, FAILED = "running", "ok", "failed"
MAX_ERROR_CHARS = 4000


def _shops(runtime: JobRuntime, shop_slug: str | None, shop_id: int | None) -> list[Shop]:
    with transaction(runtime.sessions) as session:
        if shop_id is not None:
            return [get_shop(session, shop_id)]
        if shop_slug is not None:
            return [get_shop_by_slug(session, shop_slug)]
        return list_shops(session)


def _run_one(runtime: JobRuntime, spec: JobSpec, shop: Shop, trigger: str) -> JobRunPublic:
    with transaction(runtime.sessions) as session:
        row = JobRunRow(
            shop_id=shop.id,
            job_name=spec.name,
            trigger=trigger,
            status=RUNNING,
            started_at=runtime.clock.now(),
            figures={},
        )
        session.add(row)
        session.flush()
        run_id = row.id
    figures: dict[str, Any] = {}
    error: str | None = None
    try:
        figures = dict(spec.fn(runtime, shop))
    except Exception as exc:  # any failure is recorded, never propagated
        log.exception("job %s failed for shop %s", spec.name, shop.slug)
        error = "".join(traceback.format_exception(exc))[-MAX_ERROR_CHARS:]
    with transaction(runtime.sessions) as session:
        done = session.get_one(JobRunRow, run_id)
        done.status = FAILED if error is not None else OK
        done.finished_at = runtime.clock.now()
        done.figures = _jsonable(figures)
        done.error = error
        session.flush()
        return JobRunPublic.model_validate(done)


def _jsonable(figures: dict[str, Any]) -> dict[str, Any]:
    # Figures are stored as JSON: Decimals and dates become their text form.
    plain = (str, int, float, bool, type(None))
    return {str(k): v if isinstance(v, plain) else str(v) for k, v in figures.items()}


def run_job(
    runtime: JobRuntime,
    name: str,
    *,
    shop_slug: str | None = None,
    shop_id: int | None = None,
    trigger: str = "manual",
) -> list[JobRunPublic]:
    """Run job ``name`` for one shop (by slug or id) or every shop; returns one run per shop."""
    spec = get_job(name)
    return [_run_one(runtime, spec, shop, trigger) for shop in _shops(runtime, shop_slug, shop_id)]


def run_scheduled(runtime: JobRuntime, name: str) -> None:
    """Entry point of the scheduler: every shop, failures recorded rather than raised."""
    try:
        run_job(runtime, name, trigger="schedule")
    except Exception:  # a scheduler thread must survive, e.g. a database outage
        log.exception("scheduled job %s could not start", name)


def recent_runs(
    session: Session,
    *,
    shop_id: int | None = None,
    job_name: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[JobRunPublic]:
    """Newest runs first, optionally for one shop and one job."""
    where = []
    if shop_id is not None:
        where.append(JobRunRow.shop_id == shop_id)
    if job_name is not None:
        where.append(JobRunRow.job_name == job_name)
    count = session.scalar(select(func.count()).select_from(JobRunRow).where(*where)) or 0
    rows = session.scalars(
        select(JobRunRow)
        .where(*where)
        .order_by(JobRunRow.started_at.desc(), JobRunRow.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return Page[JobRunPublic](data=[JobRunPublic.model_validate(r) for r in rows], count=count)


def last_runs(session: Session) -> dict[str, JobRunPublic]:
    """The latest run of each job name, across shops."""
    latest = (
        select(JobRunRow.job_name, func.max(JobRunRow.id).label("id"))
        .group_by(JobRunRow.job_name)
        .subquery()
    )
    rows = session.scalars(select(JobRunRow).join(latest, JobRunRow.id == latest.c.id))
    return {r.job_name: JobRunPublic.model_validate(r) for r in rows}
