"""The ``jobs`` commands: list the scheduled jobs and run one by hand."""

from __future__ import annotations

import json
import time

import typer
from rich.table import Table

from shopkeeper.cli.context import console, err_console, friendly_errors, runtime, settings
from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.database import transaction
from shopkeeper.jobs.context import JobRuntime
from shopkeeper.jobs.registry import all_jobs, get_job
from shopkeeper.jobs.runner import FAILED, last_runs, run_job

app = typer.Typer(help="Scheduled jobs: list them, run one now.", no_args_is_help=True)


@app.command("list")
@friendly_errors
def list_jobs() -> None:
    """Show every job, its schedule and how its last run went."""
    with transaction(runtime().sessions) as session:
        latest = last_runs(session)
    table = Table()
    # Names and times are what people copy or scan: never wrap them; descriptions may wrap.
    table.add_column("job", no_wrap=True)
    table.add_column("schedule (UTC)", no_wrap=True)
    table.add_column("description")
    table.add_column("last run (UTC)", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for spec in all_jobs():
        run = latest.get(spec.name)
        when = run.started_at.strftime("%Y-%m-%d %H:%M") if run else "never"
        status = "" if run is None else _status(run.status)
        table.add_row(spec.name, spec.schedule, spec.description, when, status)
    console.print(table)


def _status(status: str) -> str:
    colour = {"ok": "green", "failed": "red"}.get(status, "yellow")
    return f"[{colour}]{status}[/]"


@app.command("run")
@friendly_errors
def run(
    name: str = typer.Argument(..., help="Job name, as `shopkeeper jobs list` shows it."),
    shop_slug: str | None = typer.Option(
        None, "--shop", help="Slug of one shop (default: every shop)."
    ),
) -> None:
    """Run a job now and print its figures (exit 1 if it failed for a shop)."""
    try:
        get_job(name)
    except NotFoundError as exc:
        # A mistyped name is a usage error, like an unknown option.
        err_console.print(f"[bold red]error[/] (not_found): {exc.message}")
        raise typer.Exit(2) from None
    job_runtime = JobRuntime.wrap(runtime(), settings())
    with console.status(f"Running [bold]{name}[/]...", spinner="dots"):
        runs = run_job(job_runtime, name, shop_slug=shop_slug)
    table = Table("shop", "status", "figures")
    for item in runs:
        figures = json.dumps(item.figures, sort_keys=True) if item.figures else ""
        table.add_row(str(item.shop_id), _status(item.status), figures)
    console.print(table)
    failed = [r for r in runs if r.status == FAILED]
    for item in failed:
        last_line = (item.error or "").strip().splitlines()[-1:] or ["unknown error"]
        err_console.print(f"[bold red]failed[/] for shop {item.shop_id}: {last_line[0]}")
    if failed:
        raise typer.Exit(1)


@app.command("scheduler")
@friendly_errors
def scheduler(
    run_for: float = typer.Option(
        0, "--run-for", min=0, help="Stop after this many seconds (0: until Ctrl+C)."
    ),
) -> None:
    """Run every job on its schedule in this process, in the foreground.

    With several API workers, keep SHOPKEEPER_SCHEDULER_ENABLED off and run this once
    instead: each worker would otherwise start its own scheduler and run every job twice.
    """
    from shopkeeper.jobs.scheduler import build_scheduler

    jobs = build_scheduler(runtime(), settings())
    jobs.start()
    for entry in jobs.get_jobs():
        console.print(f"{entry.id:<24} next run {entry.next_run_time:%Y-%m-%d %H:%M} UTC")
    console.print("scheduler running (Ctrl+C to stop)")
    started = time.monotonic()
    try:
        while not run_for or time.monotonic() - started < run_for:
            time.sleep(min(1.0, run_for or 1.0))
    except KeyboardInterrupt:
        pass
    finally:
        jobs.shutdown(wait=True)
    console.print("scheduler stopped")
