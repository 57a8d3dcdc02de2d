"""``replenish`` commands: plan purchase orders and clearances, handle purchase orders."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import typer
from rich.table import Table

from shopkeeper.cli.context import ShopOption, console, friendly_errors, runtime, settings, shop
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.jobs.context import mailer_from_settings
from shopkeeper.services import purchase_orders, stock_simulation
from shopkeeper.services.replenish_run import run_replenishment

app = typer.Typer(help="Replenishment: purchase orders and clearances.", no_args_is_help=True)
ACTOR = "cli"


@app.command("plan")
@friendly_errors
def plan(
    service_level: float = typer.Option(
        0.95, "--service-level", help="Chance of not running out before the next delivery."
    ),
    budget: Decimal | None = typer.Option(None, "--budget", help="Most today's orders may cost."),
    capacity: float | None = typer.Option(None, "--capacity-l", help="Storage volume, litres."),
    clearance: bool = typer.Option(True, "--clearance/--no-clearance", help="Propose clearances."),
    shop_slug: str = ShopOption,
) -> None:
    """Propose today's purchase orders (one per supplier) and clearances, with reasons."""
    target = shop(shop_slug)
    with console.status("planning"):
        report = run_replenishment(
            runtime(),
            target.id,
            service_level=service_level,
            budget=budget,
            capacity_l=capacity,
            clearance=clearance,
        )
    for finding in report.spikes:
        console.print(f"[yellow]spike[/] {finding.uplift.reason} -> {len(finding.skus)} products")
    table = Table(title="Proposals")
    for column in ("id", "status", "summary", "why"):
        table.add_column(column, no_wrap=column in ("id", "status"))
    for proposal in [*report.orders.proposals, *report.clearances]:
        table.add_row(
            str(proposal.id),
            proposal.status,
            proposal.summary,
            str(proposal.explanation.get("summary", "")),
        )
    console.print(table if table.row_count else "Nothing to order or clear today.")
    if report.orders.without_supplier:
        console.print(
            f"{len(report.orders.without_supplier)} products have no supplier and were not "
            f"planned: {', '.join(report.orders.without_supplier[:10])}"
        )
    if report.orders.without_forecast:
        console.print(
            f"{len(report.orders.without_forecast)} products have no forecast yet: "
            "run `shopkeeper forecast run` first."
        )


@app.command("orders")
@friendly_errors
def orders(shop_slug: str = ShopOption) -> None:
    """Recent purchase orders."""
    target = shop(shop_slug)
    with runtime().sessions() as session:
        found = purchase_orders.list_purchase_orders(session, target.id)
    table = Table()
    for column in ("reference", "supplier", "status", "lines", "total", "expected"):
        table.add_column(column)
    for order in found:
        table.add_row(
            order.reference,
            order.supplier_name,
            order.status,
            str(len(order.lines)),
            f"{order.total} {order.currency}",
            order.expected_at.date().isoformat() if order.expected_at else "-",
        )
    console.print(table if found else "No purchase orders yet.")


@app.command("export")
@friendly_errors
def export(
    reference: str = typer.Argument(..., help="Purchase order reference, e.g. PO-20261126-7."),
    out: Path = typer.Option(..., "--out", help="File to write; .csv or .pdf."),
    shop_slug: str = ShopOption,
) -> None:
    """Write a purchase order as CSV or PDF (by the file's extension)."""
    if out.suffix.lower() not in (".csv", ".pdf"):
        raise InvalidInputError("--out must end in .csv or .pdf", out=str(out))
    target = shop(shop_slug)
    with runtime().sessions() as session:
        order = purchase_orders.get_purchase_order(session, target.id, reference)
    if out.suffix.lower() == ".csv":
        out.write_text(purchase_orders.purchase_order_csv(order), encoding="utf-8")
    else:
        out.write_bytes(purchase_orders.purchase_order_pdf(order, shop_name=target.name))
    console.print(f"{reference} written to {out}.")


@app.command("send")
@friendly_errors
def send(reference: str = typer.Argument(...), shop_slug: str = ShopOption) -> None:
    """Email a purchase order to its supplier (CSV and PDF attached)."""
    mailer = mailer_from_settings(settings())
    if mailer is None:
        raise InvalidInputError("no SMTP host configured (set SHOPKEEPER_SMTP_HOST)")
    target = shop(shop_slug)
    rt = runtime()
    with transaction(rt.sessions) as session:
        order = purchase_orders.send_to_supplier(
            session, rt.clock, mailer, shop_id=target.id, reference=reference, actor=ACTOR
        )
    console.print(f"{reference} sent to {order.supplier_email}.")


@app.command("receive")
@friendly_errors
def receive(reference: str = typer.Argument(...), shop_slug: str = ShopOption) -> None:
    """Book a purchase order's goods into stock."""
    target = shop(shop_slug)
    rt = runtime()
    with transaction(rt.sessions) as session:
        order = purchase_orders.receive_purchase_order(
            session, rt.clock, shop_id=target.id, reference=reference, actor=ACTOR
        )
    console.print(f"{reference} received: {sum(line.quantity for line in order.lines)} units.")


@app.command("simulate")
@friendly_errors
def simulate(
    products: int = typer.Option(
        stock_simulation.DEFAULT_MAX_PRODUCTS, "--products", min=1, help="Products sampled."
    ),
    shop_slug: str = ShopOption,
) -> None:
    """Replay the last year of sales against three reorder policies (the before/after table)."""
    target = shop(shop_slug)
    with console.status("simulating") as status:
        table = stock_simulation.simulate_shop(
            runtime(), target.id, max_products=products, on_step=status.update
        )
    out = Table(title=f"{table.products} products, {table.days} days simulated")
    for column in ("policy", "stockout", "overstock", "storage cost", "lost sales", "total cost"):
        out.add_column(column, justify="left" if column == "policy" else "right")
    for row in table.rows:
        out.add_row(
            row.policy.replace("_", " "),
            f"{row.stockout_pct:.1f} %",
            f"{row.overstock_pct:.1f} %",
            f"{row.storage_cost:,.0f} {table.currency}",
            f"{row.lost_sales_pct:.1f} %",
            f"{row.total_cost:,.0f} {table.currency}",
        )
    console.print(out)
