"""Turn sampled order lines into the ``orders`` and ``order_lines`` tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .catalogue import Catalogue
from .customers import Population
from .discovery import Lines
from .timeline import ShopCalendar, draw_seconds_of_day, local_to_utc, utc_nanoseconds

IntArray = npt.NDArray[np.int64]

# Coupon use per segment (bargain_hunter, loyal, occasional, premium).
COUPON_RATE = np.array([0.16, 0.07, 0.05, 0.03])
COUPON_PCT = np.array([0.05, 0.10, 0.15])
CANCEL_RATE = 0.025
RETURN_RATE = 0.03
FASHION_RETURN_EXTRA = 0.10  # sizes that do not fit come back
RETURN_AFTER_DAYS = (6, 20)


@dataclass(frozen=True)
class OrderTables:
    """Orders, their lines, and what the stock simulation needs to know about them.

    Examples
    --------
    >>> import shopkeeper.data.importers.demo as demo
    >>> shop = demo.generate_shop(demo.DemoShopConfig(n_products=60, n_customers=200, months=2,
    ...                                               sessions_per_day=20, events_days=10))
    >>> lines = shop.order_lines
    >>> gross = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_external_id"]).sum()
    >>> net = gross - lines.groupby("order_external_id")["discount"].sum()
    >>> totals = shop.orders.set_index("external_id")["total"]
    >>> bool(((net - totals.reindex(net.index)).abs() < 0.011).all())
    True
    """

    orders: pd.DataFrame
    lines: pd.DataFrame
    line_day: IntArray  # local day index of each line's order
    line_product: IntArray
    line_status: npt.NDArray[np.str_]
    line_return_day: IntArray  # -1 unless returned


def _statuses(
    day: IntArray, fashion: npt.NDArray[np.bool_], cal: ShopCalendar, rng: np.random.Generator
) -> tuple[npt.NDArray[np.str_], IntArray]:
    age = cal.n_days - 1 - day
    u = rng.random((len(day), 3))
    status = np.full(len(day), "delivered", dtype="<U10")
    # Recent orders are still on their way: most ship the next day and arrive in 2-4 days.
    status[(age <= 4) & (u[:, 0] < 0.6)] = "shipped"
    status[(age <= 1) & (u[:, 0] < 0.85)] = "processing"
    status[age == 0] = "processing"
    return_gap = rng.integers(RETURN_AFTER_DAYS[0], RETURN_AFTER_DAYS[1] + 1, size=len(day))
    returned = (
        (status == "delivered")
        & (day + return_gap < cal.n_days)
        & (u[:, 1] < RETURN_RATE + FASHION_RETURN_EXTRA * fashion)
    )
    status[returned] = "returned"
    status[u[:, 2] < CANCEL_RATE] = "cancelled"
    return status, np.where(status == "returned", day + return_gap, -1).astype(np.int64)


def build_order_tables(
    lines: Lines,
    price: npt.NDArray[np.float64],
    pop: Population,
    cat: Catalogue,
    cal: ShopCalendar,
    rng: np.random.Generator,
) -> OrderTables:
    """Assign ids, times, prices, coupons and statuses; totals add up to the cent."""
    keys, first, inverse = np.unique(lines.order, return_index=True, return_inverse=True)
    customer, day = lines.customer[first], lines.day[first]
    placed = local_to_utc(day, draw_seconds_of_day(rng, len(keys)), cal)
    chrono = np.lexsort((keys, utc_nanoseconds(placed)))
    rank = np.empty(len(keys), dtype=np.int64)
    rank[chrono] = np.arange(len(keys))
    order_ids = np.array([f"O{i + 1:07d}" for i in range(len(keys))])

    line_rank = rank[inverse]
    unit_price = price[lines.day, lines.product]
    coupon = np.where(
        rng.random(len(keys)) < COUPON_RATE[pop.segment[customer]],
        rng.choice(COUPON_PCT, size=len(keys)),
        0.0,
    )
    gross = np.round(lines.quantity * unit_price, 2)
    line_discount = np.round(gross * coupon[inverse], 2)
    subtotal = np.bincount(inverse, weights=gross, minlength=len(keys))
    discount_total = np.round(np.bincount(inverse, weights=line_discount, minlength=len(keys)), 2)
    categories = np.asarray(cat.products["category"])[lines.product]
    fashion_line = np.isin(categories, ["clothing", "shoes"])
    fashion = np.bincount(inverse, weights=fashion_line, minlength=len(keys)) > 0
    status, return_day = _statuses(day, fashion, cal, rng)
    channel = np.where(rng.random(len(keys)) < pop.mobile_share[customer], "mobile", "web")

    cust = pop.frame
    orders = (
        pd.DataFrame(
            {
                "external_id": order_ids[rank],
                "customer_external_id": cust["external_id"].to_numpy()[customer],
                "placed_at": placed,
                "status": status,
                "channel": channel,
                "shipping_region": cust["region"].to_numpy()[customer],
                "shipping_city": cust["city"].to_numpy()[customer],
                "shipping_postcode": cust["postcode"].to_numpy()[customer],
                "shipping_address_line1": cust["address_line1"].to_numpy()[customer],
                "currency": "EUR",
                "discount_total": discount_total,
                "total": np.round(subtotal - discount_total, 2),
            }
        )
        .iloc[chrono]
        .reset_index(drop=True)
    )

    line_order = np.lexsort((lines.product, line_rank))
    order_lines = (
        pd.DataFrame(
            {
                "order_external_id": order_ids[line_rank],
                "sku": np.asarray(cat.products["sku"])[lines.product],
                "quantity": lines.quantity,
                "unit_price": np.round(unit_price, 2),
                "discount": line_discount,
            }
        )
        .iloc[line_order]
        .reset_index(drop=True)
    )
    order_lines.insert(1, "line_no", order_lines.groupby("order_external_id").cumcount() + 1)
    return OrderTables(
        orders,
        order_lines,
        lines.day[line_order],
        lines.product[line_order],
        status[inverse][line_order],
        return_day[inverse][line_order],
    )
