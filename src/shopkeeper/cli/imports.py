"""``shopkeeper import products|customers|orders|stock|suppliers FILE``.

Exit codes: 0 every record imported, 2 some rows rejected (the others are imported),
1 the file cannot be read (missing, not a CSV, wrong columns), 6 the database failed
midway; other codes as for every command (4 unknown shop...).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from shopkeeper.cli.context import ShopOption, console, friendly_errors, runtime, shop
from shopkeeper.data.importers.records import ImportFileError, ImportFormat, ImportKind
from shopkeeper.services.imports import ImportProgress, ImportResult, run_import

app = typer.Typer(
    help="Import CSV files: our own format, Shopify or WooCommerce exports.",
    no_args_is_help=True,
)
SHOWN_ERRORS = 20
# Below this size an import takes a blink: a progress bar would only flicker.
PROGRESS_FROM_BYTES = 256 * 1024
EXIT_REJECTED = 2


def _import(kind: ImportKind, file: Path, fmt: ImportFormat, shop_slug: str) -> None:
    if not file.is_file():
        raise ImportFileError(f"no such file: {file}")
    target = shop(shop_slug)
    rt = runtime()
    size = file.stat().st_size
    progress = Progress(
        TextColumn(f"importing {kind.value}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]} rows"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=size < PROGRESS_FROM_BYTES,
    )
    task = progress.add_task("import", total=size, rows=0)

    def advance(state: ImportProgress) -> None:
        progress.update(task, completed=state.bytes_read, rows=state.rows_read)

    with progress, file.open("rb") as stream:
        result = run_import(
            rt.sessions,
            rt.clock,
            rt.cipher,
            target,
            kind,
            stream,
            fmt,
            actor="cli import",
            on_progress=advance,
        )
    _print_summary(file, result)
    if not result.complete:
        raise typer.Exit(EXIT_REJECTED)


def _print_summary(file: Path, result: ImportResult) -> None:
    summary = Table("file", "format", "rows", "created", "updated", "rejected")
    summary.add_row(
        file.name,
        result.format.value,
        str(result.rows_read),
        f"[green]{result.created}[/]",
        str(result.updated),
        f"[red]{result.rejected}[/]" if result.rejected else "0",
    )
    console.print(summary)
    for warning in result.warnings:
        console.print(f"[yellow]warning[/]: {warning}")
    if not result.errors:
        return
    errors = Table("line", "reason", title="rejected rows")
    for error in result.errors[:SHOWN_ERRORS]:
        lines = ", ".join(map(str, error.lines)) if len(error.lines) > 1 else str(error.line)
        # Reasons quote user data (and regex patterns): never let Rich read them as markup.
        errors.add_row(lines, escape(error.reason))
    console.print(errors)
    if result.rejected > SHOWN_ERRORS:
        console.print(f"... and {result.rejected - SHOWN_ERRORS} more rejected")


def _command(kind: ImportKind) -> Callable[..., None]:
    def command(
        file: Path = typer.Argument(..., help="The CSV file.", show_default=False),
        fmt: ImportFormat = typer.Option(
            ImportFormat.AUTO, "--format", help="File format; auto recognises it from the header."
        ),
        shop_slug: str = ShopOption,
    ) -> None:
        _import(kind, file, fmt, shop_slug)

    command.__doc__ = (
        f"Import {kind.value} from a CSV file; rows are upserted, bad rows are listed "
        "with their line numbers. Exit code 2 when some rows were rejected."
    )
    command.__name__ = f"import_{kind.value}"
    return command


for _kind in ImportKind:
    app.command(_kind.value)(friendly_errors(_command(_kind)))
