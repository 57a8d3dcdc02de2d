"""The seed article's before/after table, on the shop's own demand.

:func:`simulate_shop` replays the shop's last year of daily sales against three reorder
policies with :mod:`shopkeeper.ai.inventory.simulator` (a small shop's habit, a textbook
(s, S) policy and ours) and records the figures as a model run of capability
``replenish.simulation``; :func:`latest_simulation` reads the last one for the dashboard.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from shopkeeper.data.tables import ModelRunRow
from shopkeeper.services.runtime import Runtime

CAPABILITY = "replenish.simulation"


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
