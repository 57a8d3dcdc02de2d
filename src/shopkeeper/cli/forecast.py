"""``forecast`` commands: forecast every product's demand, show one product's forecast."""

from __future__ import annotations

import typer
from rich.table import Table

from shopkeeper.cli.context import ShopOption, console, friendly_errors, runtime, shop
from shopkeeper.services import forecasting

app = typer.Typer(help="Demand forecasts.", no_args_is_help=True)


@app.command("run")
@friendly_errors
def run(
    horizon: int = typer.Option(
        forecasting.HORIZON_DAYS, "--horizon", help="Days to forecast ahead."
    ),
    reselect: bool = typer.Option(
        True,
        "--reselect/--reuse",
        help="Choose each product's model afresh, or refit the current choice (faster).",
    ),
    shop_slug: str = ShopOption,
) -> None:
    """Choose a model per product, forecast its daily demand and store the forecasts."""
    target = shop(shop_slug)
    with console.status("forecasting") as status:
        summary = forecasting.run_forecasts(
            runtime(),
            target.id,
            horizon=horizon,
            reselect=reselect,
            on_step=lambda step: status.update(step),
        )
    if not summary.series:
        console.print("No sales yet: nothing to forecast. Import orders first.")
        return
    mix = ", ".join(f"{name} {n}" for name, n in summary.models.items())
    console.print(
        f"{summary.series} products forecast {summary.horizon} days after "
        f"{summary.last_day} in {summary.seconds:.1f} s (model run {summary.model_run_id}, "
        f"{'models chosen afresh' if summary.reselected else 'chosen models refitted'})."
    )
    console.print(f"Models chosen: {mix}.")


@app.command("show")
@friendly_errors
def show(
    sku: str = typer.Argument(..., help="The product's sku."),
    days: int = typer.Option(14, "--days", min=1, help="Days of forecast to print."),
    shop_slug: str = ShopOption,
) -> None:
    """One product's forecast: daily demand with its 80% interval, and why this model."""
    target = shop(shop_slug)
    forecast = forecasting.get_forecast(runtime(), target.id, sku)
    table = Table(title=f"{sku}: {forecast.model} ({forecast.demand_class} demand)")
    for column in ("day", "expected", "80% interval"):
        table.add_column(column, justify="right" if column != "day" else "left")
    for point in forecast.points[:days]:
        table.add_row(
            point.day.isoformat(),
            f"{point.mean:.1f}",
            f"{point.lo_80 or 0:.1f} - {point.hi_80 or 0:.1f}",
        )
    console.print(table)
    console.print(forecast.explanation.get("summary", ""))
