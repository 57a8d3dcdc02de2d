"""The figures a simulation is judged on, over its scored days only.

- stockout rate: share of SKU-days with no stock at the start of the day, among the SKUs
  with demand in the scored period, each counted from its first demand on (a product not
  yet launched is not out of stock);
- lost-sales share: units demanded but not sold, over units demanded; the service level
  (fill rate) is its complement;
- overstock: share of the on-hand stock value above the next 8 weeks of true demand,
  averaged over days (near the end of the data, the forward demand is the mean of the
  days left times 56);
- storage cost: holding cost over the scored days (25 % of unit cost a year, twice for
  bulky items); order cost: EUR 20 a purchase order; total cost: both;
- capital tied up: average value, at unit cost, of stock on hand and on order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from shopkeeper.ai.inventory.simulator import (
    ORDER_COST,
    FloatArray,
    InventorySetup,
    SimulationResult,
)

FORWARD_DAYS = 56


@dataclass(frozen=True, slots=True)
class InventoryMetrics:
    """Scored-period figures of one simulation (shares in %, money in the cost currency)."""

    stockout_pct: float
    lost_sales_pct: float
    service_level_pct: float
    overstock_pct: float
    storage_cost: float
    order_cost: float
    total_cost: float
    purchase_orders: int
    capital_tied_up: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 4) for k, v in asdict(self).items()}


def forward_demand(
    demand: FloatArray, first: int, days: int, window: int = FORWARD_DAYS
) -> FloatArray:
    """Demand over the ``window`` days from each of ``days`` days starting at row ``first``.

    Examples
    --------
    >>> forward_demand(np.arange(6.0)[:, None], 1, 3, window=2)[:, 0].tolist()
    [3.0, 5.0, 7.0]
    >>> forward_demand(np.ones((4, 1)), 2, 2, window=4)[:, 0].tolist()  # extrapolated
    [4.0, 4.0]
    """
    cumulative = np.vstack([np.zeros((1, demand.shape[1])), np.cumsum(demand, axis=0)])
    rows = np.arange(first, first + days)
    end = np.minimum(rows + window, len(demand))
    total = cumulative[end] - cumulative[rows]
    covered = (end - rows)[:, None]
    return np.asarray(total * window / np.maximum(covered, 1), dtype="float64")


def score(result: SimulationResult, setup: InventorySetup) -> InventoryMetrics:
    """The metrics of ``result`` over the setup's scored days.

    Examples
    --------
    >>> setup = InventorySetup(demand=np.array([[1.0], [1.0], [1.0]]), unit_cost=np.array([365.0]),
    ...                        lead_time=np.array([1]), supplier=np.array([0]), start=1,
    ...                        warmup_days=0, scored_days=2)
    >>> result = SimulationResult(
    ...     start_stock=np.array([[1.0], [0.0]]), end_stock=np.array([[0.0], [0.0]]),
    ...     on_order=np.zeros((2, 1)), sales=np.array([[1.0], [0.0]]),
    ...     lost=np.array([[0.0], [1.0]]), orders=np.zeros((2, 1), dtype=int),
    ...     purchase_orders=np.array([0, 0]))
    >>> m = score(result, setup)
    >>> m.stockout_pct, m.lost_sales_pct, m.storage_cost
    (50.0, 50.0, 0.0)
    """
    scored = slice(setup.warmup_days, setup.simulated_days)
    first = setup.start + setup.warmup_days
    demand = setup.demand[first : first + setup.scored_days]
    start_stock, end_stock = result.start_stock[scored], result.end_stock[scored]
    with_demand = demand.sum(axis=0) > 0
    # A product counts from its first demand on: before its launch it is not out of stock.
    launched = np.cumsum(setup.demand[: first + setup.scored_days], axis=0)[first:] > 0
    live = launched[:, with_demand]
    empty = (start_stock[:, with_demand] <= 1e-9) & live
    stockout = float(empty.sum() / live.sum()) if live.any() else 0.0
    demanded = float(demand.sum())
    lost = float(result.lost[scored].sum()) / demanded if demanded > 0 else 0.0
    cost = setup.unit_cost
    value = start_stock * cost
    ahead = forward_demand(setup.demand, first, setup.scored_days)
    above = np.maximum(start_stock - ahead, 0.0) * cost
    held = value.sum(axis=1)
    days = held > 0
    overstock = float(np.mean(above.sum(axis=1)[days] / held[days])) if days.any() else 0.0
    storage = float((end_stock * setup.holding_per_day).sum())
    n_orders = int(result.purchase_orders[scored].sum())
    order_cost = ORDER_COST * n_orders
    capital = float(((end_stock + result.on_order[scored]) * cost).sum(axis=1).mean())
    return InventoryMetrics(
        stockout_pct=100.0 * stockout,
        lost_sales_pct=100.0 * lost,
        service_level_pct=100.0 * (1.0 - lost),
        overstock_pct=100.0 * overstock,
        storage_cost=storage,
        order_cost=order_cost,
        total_cost=storage + order_cost,
        purchase_orders=n_orders,
        capital_tied_up=capital,
    )
