"""``pricing`` commands that price: run, mode, rules, lock and the kill switch."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from shopkeeper.cli.context import ShopOption, console, friendly_errors, runtime, shop
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.services import modes
from shopkeeper.services.pricing_rules import add_lock, load_setup, set_rules
from shopkeeper.services.pricing_run import kill_switch, run_pricing

ACTOR = "cli"
CategoryOption = typer.Option(None, "--category", help="Act on one category only.")
SkuOption = typer.Option(None, "--sku", help="Act on one product only.")


def _scope(category: str | None, sku: str | None) -> tuple[str, str]:
    if category is not None and sku is not None:
        raise InvalidInputError("give --category or --sku, not both")
    if sku is not None:
        return "product", sku
    return ("category", category) if category is not None else ("shop", "")


@friendly_errors
def run(shop_slug: str = ShopOption) -> None:
    """Quote every product now and propose (or, in auto mode, apply) the price changes."""
    target = shop(shop_slug)
    with console.status("pricing") as status:
        summary = run_pricing(runtime(), target.id, on_step=status.update)
    if summary.note:
        console.print(summary.note)
        return
    console.print(
        f"{summary.products} products: {summary.quoted} quoted, {summary.changes} price changes "
        f"({summary.applied} applied, {len(summary.explored)} price tests), "
        f"{len(summary.refused)} refused, in {summary.seconds:.1f} s"
    )
    for sku, why in list(summary.refused.items())[:10]:
        console.print(f"  [yellow]{sku}[/]: {why}")


@friendly_errors
def mode(
    value: CapabilityMode = typer.Argument(..., help="off, suggest or auto"),
    category: str | None = CategoryOption,
    sku: str | None = SkuOption,
    shop_slug: str = ShopOption,
) -> None:
    """Set pricing off, suggest or auto for the shop, a category or a product."""
    target = shop(shop_slug)
    kind, scope_value = _scope(category, sku)
    with transaction(runtime().sessions) as session:
        modes.set_mode(
            session,
            runtime().clock,
            shop_id=target.id,
            capability=Capability.PRICING,
            mode=value,
            actor=ACTOR,
            scope_kind=kind,
            scope_value=scope_value,
        )
    console.print(f"pricing {value.value} for {kind} {scope_value}".rstrip())


@friendly_errors
def rules(
    assignments: list[str] = typer.Argument(None, help="FIELD=VALUE pairs, e.g. min_margin=0.3"),
    category: str | None = CategoryOption,
    sku: str | None = SkuOption,
    shop_slug: str = ShopOption,
) -> None:
    """Show the guardrails in force, or replace those of one scope with FIELD=VALUE pairs."""
    target = shop(shop_slug)
    kind, scope_value = _scope(category, sku)
    with transaction(runtime().sessions) as session:
        if assignments:
            values = {}
            for pair in assignments:
                name, sep, given = pair.partition("=")
                if not sep:
                    raise InvalidInputError(f"write FIELD=VALUE, not {pair!r}")
                values[name.strip()] = given.strip()
            setup = set_rules(
                session,
                runtime().clock,
                shop_id=target.id,
                scope_kind=kind,
                scope_value=scope_value,
                values=values,
                actor=ACTOR,
            )
        else:
            setup = load_setup(session, target.id)
    table = Table("scope", "rules", title="Pricing guardrails")
    table.add_row("shop", str(setup.rules))
    table.add_row("goal", f"{setup.goal.objective.value}, {setup.budget}")
    for name, override in sorted(setup.categories.items()):
        table.add_row(f"category {name}", str(override))
    for name, override in sorted(setup.products.items()):
        table.add_row(f"product {name}", str(override))
    console.print(table)


@friendly_errors
def lock(
    sku: str = typer.Argument(..., help="The product to hold at its price."),
    reason: str = typer.Option("manual", help="manual, clearance or promotion"),
    until: datetime | None = typer.Option(None, help="End of the lock (ISO date-time, UTC)."),
    shop_slug: str = ShopOption,
) -> None:
    """Stop automatic price changes of one product."""
    target = shop(shop_slug)
    ends = until.replace(tzinfo=until.tzinfo or runtime().clock.now().tzinfo) if until else None
    with transaction(runtime().sessions) as session:
        made = add_lock(
            session,
            runtime().clock,
            shop_id=target.id,
            sku=sku,
            reason=reason,
            until=ends,
            actor=ACTOR,
        )
    console.print(f"{made.sku} locked ({made.reason.value}) until {made.until or 'removed'}")


@friendly_errors
def stop(shop_slug: str = ShopOption) -> None:
    """Kill switch: pricing off everywhere, automatic prices back to list prices at once."""
    target = shop(shop_slug)
    result = kill_switch(runtime(), target.id, actor=ACTOR)
    for sku, (old, new) in sorted(result.reverted.items()):
        console.print(f"{sku}: {old} -> {new}")
    console.print(
        f"pricing off; {len(result.reverted)} prices back to list, "
        f"{result.expired} waiting proposals expired"
    )


def register(app: typer.Typer) -> None:
    """Add these commands to the ``pricing`` group."""
    app.command("run")(run)
    app.command("mode")(mode)
    app.command("rules")(rules)
    app.command("lock")(lock)
    app.command("kill-switch")(stop)
