"""The registry of named jobs: what runs, how often, and what it is for.

A job is a function ``(runtime, shop) -> dict`` of figures worth showing (rows written,
proposals made...). It manages its own transactions through ``runtime.sessions`` so that
work done before a failure is kept or discarded as the job itself decides.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.domain.shops import Shop
from shopkeeper.jobs.context import JobRuntime

JobFn = Callable[[JobRuntime, Shop], dict[str, Any]]

# Modules whose import registers jobs; a capability that adds jobs lists its module here.
JOB_MODULES: tuple[str, ...] = ("shopkeeper.jobs.builtin",)


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A registered job.

    ``schedule`` is either ``"every <n><s|m|h|d>"`` (an interval) or a five-field cron
    expression in UTC, such as ``"15 * * * *"``.

    Examples
    --------
    >>> spec = JobSpec("noop", lambda runtime, shop: {}, "every 1h", "Does nothing")
    >>> spec.name, spec.schedule
    ('noop', 'every 1h')
    """

    name: str
    fn: JobFn
    schedule: str
    description: str = ""


_JOBS: dict[str, JobSpec] = {}


def job(name: str, *, schedule: str, description: str = "") -> Callable[[JobFn], JobFn]:
    """Register the decorated function as the job ``name`` run on ``schedule``."""
    from shopkeeper.jobs.scheduler import parse_schedule

    parse_schedule(schedule)  # refuse a bad spec at import, not at the first tick

    def register(fn: JobFn) -> JobFn:
        doc = (fn.__doc__ or "").strip().splitlines()
        _JOBS[name] = JobSpec(name, fn, schedule, description or (doc[0] if doc else ""))
        return fn

    return register


def _load() -> None:
    for module in JOB_MODULES:
        importlib.import_module(module)


def all_jobs() -> list[JobSpec]:
    """Every registered job, sorted by name."""
    _load()
    return sorted(_JOBS.values(), key=lambda spec: spec.name)


def get_job(name: str) -> JobSpec:
    _load()
    try:
        return _JOBS[name]
    except KeyError:
        known = ", ".join(sorted(_JOBS))
        raise NotFoundError(f"no job named {name!r} (known: {known})", job=name) from None


def unregister(name: str) -> None:
    """Forget a job (tests register throw-away jobs)."""
    if name not in _JOBS:
        raise InvalidInputError(f"no job named {name!r}", job=name)
    del _JOBS[name]
