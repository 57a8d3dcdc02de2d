"""Entry point of the ``shopkeeper`` command."""

from __future__ import annotations

import typer

from shopkeeper import __version__
from shopkeeper.cli import (
    demo,
    forecast,
    imports,
    jobs,
    pricing,
    pricing_run,
    replenish,
    support,
)
from shopkeeper.cli.admin import config_app, db_app, keys_app, shops_app, users_app
from shopkeeper.cli.context import console, runtime, settings
from shopkeeper.cli.workers import APP, balanced_by_kernel, serve_workers

app = typer.Typer(
    help="Shopkeeper: self-hosted AI for online shops.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.add_typer(shops_app, name="shops")
app.add_typer(imports.app, name="import")
app.add_typer(jobs.app, name="jobs")
app.add_typer(support.app, name="support")
app.add_typer(forecast.app, name="forecast")
app.add_typer(replenish.app, name="replenish")
app.add_typer(pricing.app, name="pricing")
pricing.register_import(imports.app)
pricing_run.register(pricing.app)
# `shopkeeper demo` is a single command; cli/demo.py registers it on this app.
demo.register(app)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address (default from settings)."),
    port: int | None = typer.Option(None, help="Port (default from settings)."),
    workers: int | None = typer.Option(None, help="Worker processes."),
) -> None:
    """Serve the API and dashboard."""
    import uvicorn

    cfg = settings()
    console.print(f"Shopkeeper on [bold]http://{host or cfg.host}:{port or cfg.port}[/]")
    count = workers or cfg.workers
    if count > 1:
        # Migrate once here: workers that each migrate a fresh database race, and on SQLite
        # the loser dies with "table already exists". Each worker then finds it up to date.
        runtime().engine.dispose()
    if count > 1 and balanced_by_kernel():
        serve_workers(host or cfg.host, port or cfg.port, count, cfg.log_level.lower())
        return
    uvicorn.run(
        APP,
        factory=True,
        host=host or cfg.host,
        port=port or cfg.port,
        workers=count,
        log_level=cfg.log_level.lower(),
        access_log=False,
    )


def run() -> None:
    app()
