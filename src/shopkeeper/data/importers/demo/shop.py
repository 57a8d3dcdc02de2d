"""Generate a whole synthetic shop: the one entry point of the demo package."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .catalogue import build_catalogue
from .config import DemoShopConfig
from .customers import build_population
from .delivery import add_delivery
from .demand import build_demand
from .discovery import sample_discovery
from .local_events import event_calendar, event_multipliers
from .order_frames import build_order_tables
from .pricing import build_prices
from .product_groups import group_attributes
from .repurchase import add_repurchases
from .seasonality import holiday_multipliers, holidays_in, yearly_profiles
from .session_events import build_events
from .sessions import plan_sessions
from .signals import build_signals, competitor_prices
from .stock import simulate_stock
from .streams import stream
from .timeline import ShopCalendar, weekday_multipliers
from .trends import build_trends
from .truth import PlantedEffects, build_truth
from .weather import simulate_weather

Progress = Callable[[str, float], None]


@dataclass(frozen=True, eq=False)
class GeneratedShop:
    """A synthetic shop: one DataFrame per database table, plus the planted truth.

    Examples
    --------
    >>> shop = generate_shop(DemoShopConfig(n_products=60, n_customers=100, months=2,
    ...                                     sessions_per_day=5, events_days=7))
    >>> sorted(shop.tables())[:3], shop.truth["effects"]["holidays"]
    (['customers', 'events', 'order_lines'], True)
    """

    suppliers: pd.DataFrame
    products: pd.DataFrame
    customers: pd.DataFrame
    orders: pd.DataFrame
    order_lines: pd.DataFrame
    stock_levels: pd.DataFrame
    stock_moves: pd.DataFrame
    price_changes: pd.DataFrame
    events: pd.DataFrame
    signals: pd.DataFrame
    truth: dict[str, Any]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every frame by its table name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "truth"}

    def save_truth(self, path: Path) -> None:
        """Write the truth as indented UTF-8 JSON."""
        path.write_text(json.dumps(self.truth, ensure_ascii=False, indent=2), encoding="utf-8")


def generate_shop(config: DemoShopConfig, progress: Progress | None = None) -> GeneratedShop:
    """Build every table of a synthetic shop from ``config``, reproducibly.

    ``progress`` is called with a step name and the fraction of work done (0..1).
    """

    def report(step: str, done: float) -> None:
        if progress is not None:
            progress(step, done)

    seed = config.seed
    cal = ShopCalendar.from_config(config)
    report("catalogue", 0.0)
    cat = build_catalogue(config, cal, stream(seed, "catalogue"))
    report("customers", 0.05)
    pop = build_population(config, cal, stream(seed, "customers"))
    report("environment", 0.1)
    weekday = weekday_multipliers(config, stream(seed, "weekday"))
    yearly = yearly_profiles(config, stream(seed, "yearly"))
    holidays = holidays_in(cal) if config.holidays else []
    weather = simulate_weather(cal, stream(seed, "weather"))
    events = event_calendar(config, cal, stream(seed, "local_events"))
    trends = build_trends(config, cal, yearly, stream(seed, "trends"))
    prices = build_prices(config, cat, cal, stream(seed, "prices"))

    report("demand", 0.2)
    available = np.arange(cal.n_days)[:, None] >= cat.launch_day[None, :]
    category_day = yearly[:, cal.month0].T * holiday_multipliers(holidays, cal) * trends.demand
    regional = weather.demand_multipliers(config) * event_multipliers(events, cal)
    model = build_demand(cat, weekday, category_day, regional, prices.demand, available)

    report("orders", 0.3)
    lines = sample_discovery(model, pop, cat, cal, stream(seed, "discovery"))
    if config.repurchase_cycles:
        lines = add_repurchases(
            lines,
            pop,
            cat,
            cal,
            model.weekday,
            int(lines.order.max(initial=-1)) + 1,
            stream(seed, "repurchase"),
        )
    tables = build_order_tables(lines, prices.price, pop, cat, cal, stream(seed, "orders"))

    report("stock", 0.6)
    levels, moves = simulate_stock(tables, cat, cal, stream(seed, "stock"))

    report("sessions", 0.7)
    orders = add_delivery(tables.orders, stream(seed, "delivery"))
    line_order_row = pd.Index(orders["external_id"]).get_indexer(tables.lines["order_external_id"])
    first_line = np.full(len(orders), -1, dtype=np.int64)
    rows, first_pos = np.unique(line_order_row, return_index=True)
    first_line[rows] = tables.line_product[first_pos]
    interest = category_day[:, None, :] * regional
    plan = plan_sessions(
        config, orders, first_line, model.weekday, interest, pop, cat, cal, stream(seed, "sessions")
    )
    event_frame = build_events(
        plan,
        line_order_row.astype(np.int64),
        tables.line_product,
        tables.lines["quantity"].to_numpy(dtype=np.int64),
        orders,
        pop,
        cat,
        stream(seed, "events"),
    )

    report("signals", 0.9)
    watched, competitor = competitor_prices(
        cat, prices.list_price, cal, stream(seed, "competitors")
    )
    signal_frame = build_signals(weather, events, trends, competitor, cal)
    products = cat.products.copy()
    products["price"] = prices.list_price[-1]
    # Grouped at the prices the shop ends on, the ones pricing will start from.
    grouped = group_attributes(cat, prices.list_price[-1])
    products["attributes"] = pd.Series(grouped, index=products.index, dtype=object)
    truth = build_truth(
        config, cal, cat, PlantedEffects(weekday, yearly, holidays, prices, events, trends, watched)
    )
    report("done", 1.0)
    return GeneratedShop(
        cat.suppliers,
        products,
        pop.frame,
        orders,
        tables.lines,
        levels,
        moves,
        prices.changes,
        event_frame,
        signal_frame,
        truth,
    )
