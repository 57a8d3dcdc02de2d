"""``pricing`` commands (competitor matches) and ``import competitor-prices FILE``.

``shopkeeper import competitor-prices`` exits like the other imports: 0 every row stored,
2 some rows rejected (the others are stored), 1 the file cannot be read, 6 the database
failed midway.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from shopkeeper.cli.context import ShopOption, console, friendly_errors, runtime, shop
from shopkeeper.cli.imports import EXIT_REJECTED, PROGRESS_FROM_BYTES, SHOWN_ERRORS
from shopkeeper.core.money import rounded
from shopkeeper.data.database import transaction
from shopkeeper.data.importers.records import ImportFileError
from shopkeeper.domain.competitor_prices import CompetitorMatchPublic, MatchStatus
from shopkeeper.services import competitor_matches
from shopkeeper.services.competitor_price_import import (
    CompetitorImportResult,
    import_competitor_prices,
)
from shopkeeper.services.competitor_suggestions import suggest_matches
from shopkeeper.services.imports import ImportProgress

app = typer.Typer(help="Pricing: competitors' products matched to ours.", no_args_is_help=True)
ACTOR = "cli"


def _summary(file: Path, result: CompetitorImportResult) -> None:
    table = Table(
        "rows", "stored", "unchanged", "matched", "suggested", "unmatched", "rejected",
        title=escape(file.name),
    )  # fmt: skip
    table.add_row(
        str(result.rows_read),
        f"[green]{result.stored}[/]",
        str(result.unchanged),
        str(result.matched),
        str(result.suggested),
        str(result.unmatched),
        f"[red]{result.rejected}[/]" if result.rejected else "0",
    )
    console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]warning[/]: {escape(warning)}")
    if result.suggested or result.unmatched:
        console.print(
            "Prices of suggested and unmatched products are kept; review them with "
            "`shopkeeper pricing matches --status suggested`."
        )
    if not result.errors:
        return
    errors = Table("line", "reason", title="rejected rows")
    for error in result.errors[:SHOWN_ERRORS]:
        # Reasons quote the file's cells: never let Rich read them as markup.
        errors.add_row(str(error.line), escape(error.reason))
    console.print(errors)
    if result.rejected > SHOWN_ERRORS:
        console.print(f"... and {result.rejected - SHOWN_ERRORS} more rejected")


def import_command(
    file: Path = typer.Argument(..., help="The CSV file.", show_default=False),
    shop_slug: str = ShopOption,
) -> None:
    """Import competitor prices from a CSV file (competitor, title, price, currency,
    observed_at, and optionally competitor_sku, url, sku); bad rows are listed with their
    line numbers. Exit code 2 when some rows were rejected."""
    if not file.is_file():
        raise ImportFileError(f"no such file: {file}")
    target = shop(shop_slug)
    rt = runtime()
    size = file.stat().st_size
    progress = Progress(
        TextColumn("importing competitor prices"),
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
        result = import_competitor_prices(
            rt.sessions, rt.clock, target, stream, actor="cli import", on_progress=advance
        )
    _summary(file, result)
    if not result.complete:
        raise typer.Exit(EXIT_REJECTED)


def register_import(import_app: typer.Typer) -> None:
    """Add ``competitor-prices`` to the ``import`` group."""
    import_app.command("competitor-prices")(friendly_errors(import_command))


def _prices(count: int) -> str:
    return f"{count} price" if count == 1 else f"{count} prices"


def _matches_table(matches: list[CompetitorMatchPublic]) -> Table:
    table = Table()
    for column in ("id", "status", "competitor", "their title", "our sku", "score", "last price"):
        table.add_column(column, no_wrap=column in ("id", "status", "score"))
    for m in matches:
        price = ""
        if m.last_price is not None and m.last_currency:
            price = f"{rounded(m.last_price, m.last_currency)} {m.last_currency}"
        ours = escape(m.sku or "")
        if m.sku is None and m.candidates:
            # Not good enough to suggest, but the owner may recognise it.
            ours = f"[dim]{escape(m.candidates[0].sku)}?[/]"
        table.add_row(
            str(m.id),
            m.status.value,
            escape(m.competitor),
            escape(m.title),
            ours,
            f"{m.score:.0f}" if m.score is not None else "",
            price,
        )
    return table


@app.command("matches")
@friendly_errors
def matches(
    status: MatchStatus | None = typer.Option(None, "--status", help="Only this state."),
    competitor: str | None = typer.Option(None, "--competitor", help="Only this competitor."),
    limit: int = typer.Option(50, "--limit", min=1, max=competitor_matches.MAX_PAGE),
    shop_slug: str = ShopOption,
) -> None:
    """Competitors' products and which of ours each is (or may be), newest first."""
    target = shop(shop_slug)
    with transaction(runtime().sessions) as session:
        page = competitor_matches.list_matches(
            session, target.id, status=status, competitor=competitor, limit=limit
        )
    if not page.data:
        console.print("No competitor matches" + (f" {status.value}." if status else "."))
        return
    console.print(_matches_table(page.data))
    if page.count > len(page.data):
        console.print(f"{len(page.data)} of {page.count} shown")


@app.command("confirm")
@friendly_errors
def confirm(
    match_id: int = typer.Argument(..., help="The match's id (see `pricing matches`)."),
    sku: str | None = typer.Option(None, "--sku", help="Our sku, when not the suggested one."),
    shop_slug: str = ShopOption,
) -> None:
    """Confirm a match; every price seen for the product is written to the signals."""
    target, rt = shop(shop_slug), runtime()
    with transaction(rt.sessions) as session:
        match, written = competitor_matches.confirm_match(
            session, rt.clock, target.id, match_id, actor=ACTOR, sku=sku
        )
    console.print(
        f"match {match.id} confirmed: {escape(match.competitor)}'s "
        f"{escape(match.title)!r} is our {escape(match.sku or '')} "
        f"({_prices(written)} in the signals)"
    )


@app.command("reject")
@friendly_errors
def reject(
    match_id: int = typer.Argument(..., help="The match's id (see `pricing matches`)."),
    shop_slug: str = ShopOption,
) -> None:
    """Reject a match: its prices stay stored but feed no signal."""
    target, rt = shop(shop_slug), runtime()
    with transaction(rt.sessions) as session:
        match, removed = competitor_matches.reject_match(
            session, rt.clock, target.id, match_id, actor=ACTOR
        )
    console.print(
        f"match {match.id} rejected"
        + (f"; {_prices(removed)} removed from the signals" if removed else "")
    )


@app.command("suggest")
@friendly_errors
def suggest(shop_slug: str = ShopOption) -> None:
    """Match the undecided competitors' products against the catalogue again (after
    importing products, say)."""
    target = shop(shop_slug)
    with transaction(runtime().sessions) as session:
        suggested = suggest_matches(session, target.id)
    console.print(f"{suggested} matches suggested; review them with `pricing matches`.")
