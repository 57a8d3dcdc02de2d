"""APScheduler wiring: every registered job on its schedule, in a background thread."""

from __future__ import annotations

import re
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from shopkeeper.core.config import Settings
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.mailer import Mailer
from shopkeeper.jobs.context import JobRuntime
from shopkeeper.jobs.registry import all_jobs
from shopkeeper.jobs.runner import run_scheduled
from shopkeeper.services.runtime import Runtime

_EVERY = re.compile(r"^every\s+(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_schedule(spec: str) -> BaseTrigger:
    """Turn ``"every 1h"`` or a five-field cron line (UTC) into an APScheduler trigger.

    Examples
    --------
    >>> type(parse_schedule("every 15m")).__name__
    'IntervalTrigger'
    >>> type(parse_schedule("15 * * * *")).__name__
    'CronTrigger'
    """
    text = spec.strip().lower()
    every = _EVERY.match(text)
    if every:
        amount = int(every.group(1))
        if amount <= 0:
            raise InvalidInputError(f"schedule interval must be positive: {spec!r}")
        return IntervalTrigger(**{_UNITS[every.group(2)]: amount}, timezone=UTC)
    try:
        return CronTrigger.from_crontab(text, timezone=UTC)
    except ValueError as exc:
        raise InvalidInputError(
            f"schedule {spec!r} is neither 'every <n><s|m|h|d>' nor a cron line: {exc}"
        ) from exc


def build_scheduler(
    runtime: Runtime, settings: Settings | None = None, *, mailer: Mailer | None = None
) -> BackgroundScheduler:
    """A scheduler (not started) holding one entry per registered job."""
    job_runtime = JobRuntime.wrap(runtime, settings, mailer)
    scheduler = BackgroundScheduler(timezone=UTC)
    for spec in all_jobs():
        scheduler.add_job(
            run_scheduled,
            parse_schedule(spec.schedule),
            args=[job_runtime, spec.name],
            id=spec.name,
            name=spec.description or spec.name,
            # A late or piled-up tick runs once, never twice at the same time.
            coalesce=True,
            max_instances=1,
            misfire_grace_time=300,
            replace_existing=True,
        )
    return scheduler


def start_scheduler_if_enabled(
    runtime: Runtime, settings: Settings, *, mailer: Mailer | None = None
) -> BackgroundScheduler | None:
    """The hook ``create_app`` calls: starts the scheduler when ``scheduler_enabled``.

    The caller shuts it down on exit with ``scheduler.shutdown(wait=False)``.
    """
    if not settings.scheduler_enabled:
        return None
    scheduler = build_scheduler(runtime, settings, mailer=mailer)
    scheduler.start()
    return scheduler
