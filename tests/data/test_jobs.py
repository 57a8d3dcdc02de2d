"""The job runner records every run per shop; the scheduler holds every registered job."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from shopkeeper.core.config import Settings
from shopkeeper.core.errors import ErrorCode, InvalidInputError, NotFoundError
from shopkeeper.data.database import transaction
from shopkeeper.domain.explanation import Explanation
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.jobs import registry
from shopkeeper.jobs.context import JobRuntime
from shopkeeper.jobs.runner import last_runs, recent_runs, run_job
from shopkeeper.jobs.scheduler import build_scheduler, parse_schedule, start_scheduler_if_enabled
from shopkeeper.services import proposals
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock

pytestmark = pytest.mark.postgres


@pytest.fixture
def flaky_job() -> Iterator[str]:
    """A job that fails for the default shop only."""

    @registry.job("test-flaky", schedule="every 5m", description="fails for one shop")
    def flaky(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
        if shop.slug == "default":
            raise RuntimeError("supplier feed unreachable")
        return {"rows": 3, "shop": shop.slug}

    yield "test-flaky"
    registry.unregister("test-flaky")


def test_runner_records_ok_and_failed_runs_and_goes_on(
    runtime: Runtime, shop: Shop, other_shop: Shop, flaky_job: str
) -> None:
    runs = run_job(JobRuntime.wrap(runtime), flaky_job)
    by_shop = {r.shop_id: r for r in runs}
    assert by_shop[shop.id].status == "failed"
    assert "supplier feed unreachable" in (by_shop[shop.id].error or "")
    assert by_shop[other_shop.id].status == "ok"
    assert by_shop[other_shop.id].figures == {"rows": 3, "shop": "other"}
    assert by_shop[other_shop.id].finished_at is not None
    with runtime.sessions() as session:
        page = recent_runs(session, shop_id=other_shop.id)
        assert [(r.job_name, r.status, r.trigger) for r in page.data] == [
            (flaky_job, "ok", "manual")
        ]
        assert last_runs(session)[flaky_job].status in {"ok", "failed"}


def test_run_for_one_shop_by_slug(runtime: Runtime, shop: Shop, other_shop: Shop) -> None:
    runs = run_job(JobRuntime.wrap(runtime), "expire-proposals", shop_slug="other")
    assert [r.shop_id for r in runs] == [other_shop.id]
    with pytest.raises(NotFoundError) as caught:
        run_job(JobRuntime.wrap(runtime), "no-such-job")
    assert caught.value.code is ErrorCode.NOT_FOUND


def test_expire_proposals_job(runtime: Runtime, shop: Shop, clock: FakeClock) -> None:
    with transaction(runtime.sessions) as session:
        for hours in (1, 48):
            proposals.propose(
                session,
                clock,
                shop_id=shop.id,
                capability=Capability.REPLENISH,
                kind="purchase_order",
                target=f"PO-{hours}",
                summary=f"Order within {hours}h",
                explanation=Explanation("stock runs out"),
                payload={},
                expires_at=clock.now() + timedelta(hours=hours),
            )
    clock.advance(hours=2)
    (run,) = run_job(JobRuntime.wrap(runtime), "expire-proposals", shop_id=shop.id)
    assert (run.status, run.figures) == ("ok", {"expired": 1, "waiting": 1})


def test_notify_owner_without_smtp_is_skipped_not_failed(runtime: Runtime, shop: Shop) -> None:
    (run,) = run_job(JobRuntime.wrap(runtime), "notify-owner", shop_id=shop.id)
    assert run.status == "ok"
    assert run.figures["sent"] == 0


def test_scheduler_holds_every_registered_job(runtime: Runtime) -> None:
    scheduler = build_scheduler(runtime)
    ids = {j.id for j in scheduler.get_jobs()}
    assert {"expire-proposals", "notify-owner"} <= ids
    assert ids == {spec.name for spec in registry.all_jobs()}
    assert not scheduler.running


def test_schedule_specs() -> None:
    every = parse_schedule("every 90m")
    assert isinstance(every, IntervalTrigger)
    assert every.interval == timedelta(minutes=90)
    assert isinstance(parse_schedule("0 3 * * 1"), CronTrigger)
    for bad in ("hourly", "every 0h", "61 * * * *"):
        with pytest.raises(InvalidInputError):
            parse_schedule(bad)
    with pytest.raises(InvalidInputError):
        registry.job("bad", schedule="sometimes")


def test_scheduler_hook_runs_jobs_when_enabled(runtime: Runtime, shop: Shop) -> None:
    disabled = Settings(database_url="sqlite://", scheduler_enabled=False, _env_file=None)  # type: ignore[call-arg]
    assert start_scheduler_if_enabled(runtime, disabled) is None

    enabled = Settings(database_url="sqlite://", scheduler_enabled=True, _env_file=None)  # type: ignore[call-arg]
    scheduler = start_scheduler_if_enabled(runtime, enabled)
    assert scheduler is not None
    try:
        assert scheduler.running
        # Fire one job now instead of waiting for its hour.
        scheduler.modify_job("expire-proposals", next_run_time=datetime.now(UTC))
        deadline = 200
        while deadline:
            with runtime.sessions() as session:
                runs = recent_runs(session, shop_id=shop.id, job_name="expire-proposals").data
            if runs and runs[0].status != "running":
                break
            deadline -= 1
            threading.Event().wait(0.05)
        assert [(r.status, r.trigger) for r in runs] == [("ok", "schedule")]
    finally:
        scheduler.shutdown(wait=True)
