"""Stock history: replenishment from suppliers, daily sales, restocked returns.

The warehouse follows a reorder-point policy with supplier lead times, MOQs and
pack sizes. Demand is never censored: when a day's sales would exceed what is
on hand, an express delivery arrives that morning. Sales in the demo shop are
thus true demand, which is what forecasting benchmarks want to score against.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from .catalogue import Catalogue
from .order_frames import OrderTables
from .timeline import ShopCalendar, local_to_utc

IntArray = npt.NDArray[np.int64]

REVIEW_DAYS = 7  # safety cover beyond the lead time
ORDER_UP_TO_DAYS = 30  # a delivery covers about a month of sales
_RECEIPT_HOUR, _RETURN_HOUR, _SALES_HOUR = 9, 14, 23.99


def _daily(
    day: IntArray, product: IntArray, qty: IntArray, n_days: int, n_products: int
) -> IntArray:
    out = np.zeros((n_days, n_products), dtype=np.int64)
    np.add.at(out, (day, product), qty)
    return out


def simulate_stock(
    tables: OrderTables, cat: Catalogue, cal: ShopCalendar, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``stock_levels`` and ``stock_moves`` consistent with every non-cancelled order.

    Examples
    --------
    >>> import shopkeeper.data.importers.demo as demo
    >>> shop = demo.generate_shop(demo.DemoShopConfig(n_products=60, n_customers=80, months=2,
    ...                                               sessions_per_day=5, events_days=5))
    >>> bool((shop.stock_levels["on_hand"] >= 0).all())
    True
    """
    n_days, n_products = cal.n_days, len(cat.cost)
    qty = tables.lines["quantity"].to_numpy(dtype=np.int64)
    sold = tables.line_status != "cancelled"
    sales = _daily(tables.line_day[sold], tables.line_product[sold], qty[sold], n_days, n_products)
    back = tables.line_return_day >= 0
    returns = _daily(
        tables.line_return_day[back], tables.line_product[back], qty[back], n_days, n_products
    )

    supplier_row = pd.Index(cat.suppliers["supplier_ref"]).get_indexer(cat.products["supplier_ref"])
    lead = cat.suppliers["lead_time_days"].to_numpy(dtype=np.int64)[supplier_row]
    moq = cat.suppliers["moq"].to_numpy(dtype=np.int64)[supplier_row]
    pack = cat.suppliers["pack_size"].to_numpy(dtype=np.int64)[supplier_row]
    # The buyer plans on a noisy estimate of the average day, as a real one would.
    rate = np.maximum(sales.mean(axis=0) * rng.lognormal(0.0, 0.2, size=n_products), 0.05)
    reorder_point = np.ceil(rate * (lead + REVIEW_DAYS)).astype(np.int64)
    order_up_to = reorder_point + np.ceil(rate * ORDER_UP_TO_DAYS).astype(np.int64)

    arrivals = np.zeros((n_days + int(lead.max()) + 1, n_products), dtype=np.int64)
    receipts = np.zeros((n_days, n_products), dtype=np.int64)
    opening = np.maximum(-(-order_up_to // pack) * pack, moq)
    on_hand = opening.copy()
    on_order = np.zeros(n_products, dtype=np.int64)
    for d in range(n_days):  # a day depends on yesterday's stock; vectorised over products
        on_hand += arrivals[d] + returns[d]
        on_order -= arrivals[d]
        short = np.maximum(sales[d] - on_hand, 0)
        express = np.where(short > 0, -(-(short + reorder_point) // pack) * pack, 0)
        on_hand += express
        receipts[d] = arrivals[d] + express
        on_hand -= sales[d]
        position = on_hand + on_order
        need = position <= reorder_point
        amount = np.maximum(-(-(order_up_to - position) // pack) * pack, moq) * need
        arrivals[d + lead[need], np.flatnonzero(need)] += amount[need]
        on_order += amount

    skus = np.asarray(cat.products["sku"])
    parts = [
        _moves(receipts, "receipt", _RECEIPT_HOUR, 1, skus, cal),
        _moves(returns, "adjustment", _RETURN_HOUR, 1, skus, cal),
        _moves(sales, "sale", _SALES_HOUR, -1, skus, cal),
    ]
    opening_at = local_to_utc(np.array([-1], dtype=np.int64), np.array([8 * 3600.0]), cal)[0]
    parts.insert(
        0,
        pd.DataFrame(
            {
                "sku": skus,
                "location": "main",
                "quantity": opening,
                "reason": "receipt",
                "occurred_at": opening_at,
            }
        ),
    )
    moves = pd.concat(parts, ignore_index=True)
    moves = moves.sort_values(["occurred_at", "sku"], kind="stable").reset_index(drop=True)
    updated = local_to_utc(np.array([n_days - 1], dtype=np.int64), np.array([86399.0]), cal)[0]
    levels = pd.DataFrame(
        {"sku": skus, "location": "main", "on_hand": on_hand, "updated_at": updated}
    )
    return levels, moves


def _moves(
    grid: IntArray,
    reason: str,
    hour: float,
    sign: int,
    skus: npt.NDArray[np.str_],
    cal: ShopCalendar,
) -> pd.DataFrame:
    day, product = np.nonzero(grid)
    at = local_to_utc(day.astype(np.int64), np.full(len(day), hour * 3600.0), cal)
    return pd.DataFrame(
        {
            "sku": skus[product],
            "location": "main",
            "quantity": sign * grid[day, product],
            "reason": reason,
            "occurred_at": at,
        }
    )
