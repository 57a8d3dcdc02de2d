"""Daily units sold per product, in the shop's own days, as the forecasters read them.

A day is a calendar day in the shop's time zone (a sale at 23:30 in Paris belongs to that
evening, not to the next UTC day). Cancelled orders are not demand. Every active product
gets a series, from the later of the window start and its creation, so a product that
never sold is forecast as zero with a reason instead of silently missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import func, select

from shopkeeper.data.tables import OrderLineRow, OrderRow, ProductRow, ShopRow
from shopkeeper.services.runtime import Runtime

HISTORY_DAYS = 730
NOT_DEMAND = ("cancelled",)


@dataclass(frozen=True)
class SalesHistory:
    """Long-format daily sales (``unique_id`` = sku, ``ds``, ``y``) up to ``last_day``."""

    frame: pd.DataFrame
    last_day: date | None
    timezone: str

    @property
    def is_empty(self) -> bool:
        return self.frame.empty


def daily_sales(
    runtime: Runtime,
    shop_id: int,
    *,
    days: int = HISTORY_DAYS,
    skus: tuple[str, ...] = (),
    as_of: datetime | None = None,
) -> SalesHistory:
    """The last ``days`` days of sales per active product, ending at the latest order day.

    The window ends on the day of the latest order (or ``as_of``), not at the clock: an
    imported history that stops last month still forecasts from its own last day.
    """
    with runtime.sessions() as session:
        timezone = session.scalar(select(ShopRow.timezone).where(ShopRow.id == shop_id)) or "UTC"
        latest = as_of or session.scalar(
            select(func.max(OrderRow.placed_at)).where(OrderRow.shop_id == shop_id)
        )
        product_query = select(ProductRow.sku, ProductRow.created_at).where(
            ProductRow.shop_id == shop_id, ProductRow.status == "active"
        )
        if skus:
            product_query = product_query.where(ProductRow.sku.in_(skus))
        products = session.execute(product_query).all()
        if latest is None or not products:
            return SalesHistory(_empty(), None, timezone)
        # A day of margin on each side: the cut to local days happens below.
        start = latest - timedelta(days=days + 1)
        line_query = (
            select(OrderLineRow.sku, OrderRow.placed_at, OrderLineRow.quantity)
            .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
            .where(OrderRow.shop_id == shop_id, OrderRow.placed_at >= start)
            .where(OrderRow.placed_at <= latest, OrderRow.status.not_in(NOT_DEMAND))
        )
        if skus:
            line_query = line_query.where(OrderLineRow.sku.in_(skus))
        lines = session.execute(line_query).all()
        first_sales = dict(
            session.execute(
                select(OrderLineRow.sku, func.min(OrderRow.placed_at))
                .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
                .where(OrderRow.shop_id == shop_id, OrderRow.status.not_in(NOT_DEMAND))
                .where(OrderLineRow.sku.in_([sku for sku, _ in products]))
                .group_by(OrderLineRow.sku)
            ).all()
        )
    last_day = _local_days(pd.Series([latest]), timezone).iloc[0]
    first_day = last_day - timedelta(days=days - 1)
    sold = pd.DataFrame(lines, columns=["unique_id", "placed_at", "y"])
    sold["ds"] = _local_days(sold["placed_at"], timezone)
    sold = sold[(sold["ds"] >= first_day) & (sold["ds"] <= last_day)]
    totals = sold.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
    # A product is on sale from its creation, or its first sale when an import recorded
    # it later; days before that are not zero demand, they are no history at all.
    starts = {
        sku: max(
            first_day,
            _local_days(pd.Series([min(created, first_sales.get(sku, created))]), timezone).iloc[0],
        )
        for sku, created in products
    }
    frame = _dense(totals, starts, last_day)
    return SalesHistory(frame, last_day, timezone)


def _local_days(stamps: pd.Series, timezone: str) -> pd.Series:
    moments = pd.to_datetime(stamps, utc=True)
    return moments.dt.tz_convert(timezone).dt.date


def _dense(totals: pd.DataFrame, starts: dict[str, date], last_day: date) -> pd.DataFrame:
    """Every product every day from its start: days without a sale are zero demand."""
    if not starts:
        return _empty()
    parts = [
        pd.DataFrame({"unique_id": sku, "ds": pd.date_range(start, last_day, freq="D")})
        for sku, start in sorted(starts.items())
        if start <= last_day
    ]
    grid = pd.concat(parts, ignore_index=True)
    totals = totals.assign(ds=pd.to_datetime(totals["ds"]))
    frame = grid.merge(totals, on=["unique_id", "ds"], how="left")
    frame["y"] = frame["y"].fillna(0.0).astype(float)
    return frame


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id": pd.Series(dtype=str),
            "ds": pd.Series(dtype="datetime64[ns]"),
            "y": pd.Series(dtype=float),
        }
    )
