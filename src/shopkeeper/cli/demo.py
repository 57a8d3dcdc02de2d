"""The ``shopkeeper demo`` command: a generated shop, its models, a login, then the server."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from shopkeeper.cli.context import console, friendly_errors, runtime, settings
from shopkeeper.cli.workers import APP

if TYPE_CHECKING:
    from shopkeeper.services.demo import DemoShop

PHASES = {
    "generate": "Generating",
    "load": "Loading",
    "fit": "Fitting",
    "forecast": "Planning stock",
}


def _report(result: DemoShop, seconds: float, url: str) -> None:
    state = "found (same config, reused)" if result.reused else "built"
    console.print(f"Demo shop [bold]{result.shop.slug}[/] {state} in {seconds:.1f} s")
    rows = Table(show_header=False, box=None, padding=(0, 2))
    for name, count in result.rows.items():
        if count:
            rows.add_row(name, f"{count:,}")
    console.print(rows)
    run = result.model_run
    console.print(f"Current recommender: {run.model_name} (model run {run.id})")
    if result.proposals is None:
        console.print("No proposals service in this build: no example proposals.")
    else:
        console.print(f"Proposals waiting for a decision: {result.proposals}")
    creds = result.credentials
    console.print()
    console.print(f"Dashboard   [bold]{url}[/]")
    console.print(f"Owner login [bold]{creds.owner_email}[/] / [bold]{creds.owner_password}[/]")
    console.print(f"Secret API key       [bold]{creds.secret_key}[/]")
    console.print(f"Publishable API key  [bold]{creds.publishable_key}[/]")
    console.print(f"(keys kept in {result.credentials_path}; planted truth in {result.truth_path})")


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command to ``app``."""

    @app.command()
    @friendly_errors
    def demo(
        products: int = typer.Option(1000, "--products", help="Products in the catalogue."),
        customers: int = typer.Option(10000, "--customers", help="Customers."),
        months: int = typer.Option(18, "--months", help="Months of order history."),
        seed: int = typer.Option(42, "--seed", help="Random seed (same seed, same shop)."),
        sessions_per_day: int = typer.Option(
            300, "--sessions-per-day", help="Browsing sessions per day in the event window."
        ),
        serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the server after."),
        shop: str = typer.Option("demo", "--shop", help="Slug of the demo shop."),
        fresh: bool = typer.Option(
            False, "--fresh", help="Replace the shop's data even if it holds other data."
        ),
    ) -> None:
        """Build a demo shop (catalogue, customers, sales, events), fit its models, serve it."""
        # Imported here: pandas and the generator would slow every other command's start.
        from shopkeeper.data.importers.demo import DemoShopConfig
        from shopkeeper.services.demo import build_demo_shop, demo_end_date

        config = DemoShopConfig(
            seed=seed,
            n_products=products,
            n_customers=customers,
            months=months,
            sessions_per_day=sessions_per_day,
            end_date=demo_end_date(runtime(), shop, fresh=fresh),
        )
        cfg = settings()
        rt = runtime()
        started = time.perf_counter()
        columns = (
            TextColumn("{task.description:<34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as bars:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, step: str, done: int, total: int) -> None:
                label = PHASES.get(phase, phase)
                if phase not in tasks:
                    tasks[phase] = bars.add_task(label, total=None)
                bars.update(
                    tasks[phase],
                    description=f"{label} {step}",
                    completed=done,
                    total=max(total, 1),
                )

            result = build_demo_shop(
                rt, config=config, shop_slug=shop, progress=progress, fresh=fresh
            )
            for task in tasks.values():
                bars.update(task, completed=bars.tasks[task].total or 1)
        url = f"http://{cfg.host}:{cfg.port}"
        _report(result, time.perf_counter() - started, url)
        if serve:
            import uvicorn

            console.print(f"Shopkeeper on [bold]{url}[/] (Ctrl+C to stop)")
            uvicorn.run(
                APP,
                factory=True,
                host=cfg.host,
                port=cfg.port,
                workers=cfg.workers,
                log_level=cfg.log_level.lower(),
                access_log=False,
            )
