"""The seed article's before/after table, on the shop's own demand.

:func:`simulate_shop` replays the shop's last year of daily sales against three reorder
policies with :mod:`shopkeeper.ai.inventory.simulator` (a small shop's habit, a textbook
(s, S) policy and ours) and records the figures as a model run of capability
``replenish.simulation``; :func:`latest_simulation` reads the last one for the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from shopkeeper.ai.inventory.forecast_feed import RefitFeed, local_forecast
from shopkeeper.ai.inventory.forecast_policy import ForecastPolicy
from shopkeeper.ai.inventory.metrics import FORWARD_DAYS, score
from shopkeeper.ai.inventory.policies import SmallShopPolicy, TextbookSSPolicy
from shopkeeper.ai.inventory.simulator import InventorySetup, Policy, simulate
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ModelRunRow, ShopRow
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.sales_history import daily_sales
from shopkeeper.services.stock_positions import stock_positions

CAPABILITY = "replenish.simulation"
WARMUP_DAYS = 90
FULL_YEAR = 365
# Below two months of scored days the table says more about luck than about a policy.
MIN_SCORED_DAYS = 60
# Days of sales before the warm-up that the first forecasts learn from.
MIN_HISTORY_DAYS = 56
REFIT_EVERY = 14
MAX_REVIEW_DAYS = 14
LONGEST_LEAD = 21
# Forecasting is what costs: a seeded sample keeps a weekly run to minutes.
DEFAULT_MAX_PRODUCTS = 300
Step = Callable[[str], None]


@dataclass(frozen=True)
class PolicyFigures:
    """One policy's year: the seed article's rows and the costs behind them."""

    policy: str
    stockout_pct: float
    overstock_pct: float
    storage_cost: float
    lost_sales_pct: float
    service_level_pct: float
    order_cost: float
    total_cost: float


@dataclass(frozen=True)
class SimulationTable:
    """The policies side by side, with what was simulated."""

    computed_at: datetime
    products: int
    days: int
    currency: str
    rows: list[PolicyFigures]

    def as_metrics(self) -> dict[str, Any]:
        return {
            "products": self.products,
            "days": self.days,
            "currency": self.currency,
            "rows": [asdict(row) for row in self.rows],
        }


def latest_simulation(runtime: Runtime, shop_id: int) -> SimulationTable | None:
    """The most recent simulation of the shop, or ``None`` before the first."""
    with runtime.sessions() as session:
        row = session.scalar(
            select(ModelRunRow)
            .where(ModelRunRow.shop_id == shop_id, ModelRunRow.capability == CAPABILITY)
            .order_by(ModelRunRow.created_at.desc(), ModelRunRow.id.desc())
            .limit(1)
        )
        if row is None:
            return None
        metrics, created_at = dict(row.metrics), row.created_at
    return SimulationTable(
        computed_at=created_at,
        products=int(metrics.get("products", 0)),
        days=int(metrics.get("days", 0)),
        currency=str(metrics.get("currency", "EUR")),
        rows=[PolicyFigures(**figures) for figures in metrics.get("rows", [])],
    )


def _policies(refit_every: int) -> dict[str, Policy]:
    horizon = refit_every + LONGEST_LEAD + MAX_REVIEW_DAYS + 1
    feed = RefitFeed(partial(local_forecast, horizon=horizon), every=refit_every)
    return {
        "small_shop": SmallShopPolicy(),
        "textbook_ss": TextbookSSPolicy(),
        "ours": ForecastPolicy(feed, max_review_days=MAX_REVIEW_DAYS),
    }


def _quiet(_: str) -> None:
    return None


def simulate_shop(
    runtime: Runtime,
    shop_id: int,
    *,
    max_products: int = DEFAULT_MAX_PRODUCTS,
    seed: int = 0,
    on_step: Step = _quiet,
) -> SimulationTable:
    """Replay the shop's own sales against the three policies and record the figures.

    Products need a supplier (lead time, MOQ, packs); a seeded sample of at most
    ``max_products`` of those that sold is simulated. The scored period is the last year
    before the final 8 weeks (kept to measure overstock against forward demand), shorter
    when the history is, but never under two months.
    """
    positions = {s: p for s, p in stock_positions(runtime, shop_id).items() if p.supplier}
    history = daily_sales(runtime, shop_id, skus=tuple(sorted(positions)))
    frame = history.frame
    sold = frame.groupby("unique_id")["y"].sum()
    skus = sorted(str(s) for s in sold[sold > 0].index)
    if len(skus) > max_products:
        rng = np.random.default_rng(seed)
        skus = sorted(rng.choice(skus, size=max_products, replace=False).tolist())
    if not skus:
        raise InvalidInputError("no product with both sales and a supplier to simulate")
    wide = frame[frame["unique_id"].isin(skus)].pivot(index="ds", columns="unique_id", values="y")
    wide = wide.reindex(columns=skus).fillna(0.0)
    scored = min(FULL_YEAR, len(wide) - MIN_HISTORY_DAYS - WARMUP_DAYS - FORWARD_DAYS)
    if scored < MIN_SCORED_DAYS:
        needed = MIN_HISTORY_DAYS + WARMUP_DAYS + FORWARD_DAYS + MIN_SCORED_DAYS
        raise InvalidInputError(
            f"the simulation needs at least {needed} days of sales; this shop has {len(wide)}",
            days=len(wide),
        )
    start = len(wide) - WARMUP_DAYS - scored - FORWARD_DAYS
    demand = wide.to_numpy("float64")
    chosen = [positions[sku] for sku in skus]
    terms = [p.supplier for p in chosen if p.supplier is not None]
    lead = np.array([t.lead_time_days for t in terms], dtype=np.int64)
    rate = demand[max(start - 28, 0) : start].mean(axis=0)
    setup = InventorySetup(
        demand=demand,
        unit_cost=np.array([float(p.cost if p.cost is not None else p.price) for p in chosen]),
        lead_time=np.maximum(lead, 1),
        supplier=pd.factorize(pd.Series([t.ref for t in terms]))[0].astype(np.int64),
        moq=np.array([t.moq for t in terms], dtype=np.int64),
        pack_size=np.array([t.pack_size for t in terms], dtype=np.int64),
        is_bulky=np.array([p.is_bulky for p in chosen], dtype=bool),
        start=start,
        warmup_days=WARMUP_DAYS,
        scored_days=scored,
        # Every policy opens with the same shelf: four weeks' rate over lead time + 2 weeks.
        initial_on_hand=np.ceil(rate * (lead + 14)).astype("float64"),
        skus=tuple(skus),
    )
    rows = []
    for name, policy in _policies(REFIT_EVERY).items():
        on_step(f"simulating the {name.replace('_', ' ')} policy")
        metrics = score(simulate(setup, policy), setup)
        rows.append(
            PolicyFigures(
                policy=name,
                stockout_pct=round(metrics.stockout_pct, 2),
                overstock_pct=round(metrics.overstock_pct, 2),
                storage_cost=round(metrics.storage_cost, 2),
                lost_sales_pct=round(metrics.lost_sales_pct, 2),
                service_level_pct=round(metrics.service_level_pct, 2),
                order_cost=round(metrics.order_cost, 2),
                total_cost=round(metrics.total_cost, 2),
            )
        )
    with runtime.sessions() as session:
        currency = session.scalar(select(ShopRow.currency).where(ShopRow.id == shop_id)) or "EUR"
    table = SimulationTable(
        computed_at=runtime.clock.now(),
        products=len(skus),
        days=scored,
        currency=currency,
        rows=rows,
    )
    first_day = pd.Timestamp(wide.index[start]).to_pydatetime().replace(tzinfo=UTC)
    with transaction(runtime.sessions) as session:
        session.add(
            ModelRunRow(
                shop_id=shop_id,
                capability=CAPABILITY,
                model_name="InventorySimulator",
                package_version=runtime.version,
                params={"max_products": max_products, "seed": seed, "refit_every": REFIT_EVERY},
                data_start=first_day,
                data_end=pd.Timestamp(wide.index[-1]).to_pydatetime().replace(tzinfo=UTC),
                metrics=table.as_metrics(),
                artifact=None,
                is_current=False,
                created_at=table.computed_at,
            )
        )
    return table
