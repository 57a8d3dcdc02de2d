"""The shop's prices and signals as the forecast's regressors read them, history and future.

:func:`regressor_frames` reads the price-change audit, the products' current prices and
categories and the ``signals`` table (weather, local events, search trends, competitor
prices), turns them into :mod:`shopkeeper.ai.forecast.regressors` columns for every
(product, day) of the sales history, and the same for the forecast days, where what
nobody posted ahead is filled as validation assumed (:func:`~.regressors.persist`).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import or_, select

from shopkeeper.ai.forecast.regressors import (
    ShopInputs,
    daily_regressors,
    persist,
    signal_days,
)
from shopkeeper.data.tables import PriceChangeRow, ProductRow, SignalRow
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.sales_history import SalesHistory

# Signals the regressors read; others (e.g. a shop's own series) are left in the table.
_NAMES = ("weather.", "local_event", "search_trend.", "competitor_price.")
# Search indices compare with the four weeks before, so read a little before the history.
_LEAD_DAYS = 35


def _local_days(stamps: pd.Series, timezone: str) -> pd.Series:
    return (
        pd.to_datetime(stamps, utc=True).dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
    )


def shop_inputs(runtime: Runtime, shop_id: int, *, since: date, timezone: str) -> ShopInputs:
    """Categories, prices and signals of the shop from ``since`` on (all future points)."""
    start = pd.Timestamp(since - timedelta(days=_LEAD_DAYS), tz="UTC").to_pydatetime()
    with runtime.sessions() as session:
        products = session.execute(
            select(ProductRow.id, ProductRow.sku, ProductRow.category, ProductRow.price).where(
                ProductRow.shop_id == shop_id
            )
        ).all()
        changes = session.execute(
            select(
                PriceChangeRow.product_id,
                PriceChangeRow.changed_at,
                PriceChangeRow.old_price,
                PriceChangeRow.new_price,
            ).where(PriceChangeRow.shop_id == shop_id)
        ).all()
        points = session.execute(
            select(SignalRow.name, SignalRow.sku, SignalRow.meta, SignalRow.ts, SignalRow.value)
            .where(SignalRow.shop_id == shop_id, SignalRow.ts >= start)
            .where(or_(*(SignalRow.name.startswith(prefix) for prefix in _NAMES)))
        ).all()
    sku_of = {pid: sku for pid, sku, _, _ in products}
    change_frame = pd.DataFrame(
        [
            (sku_of[pid], at, float(old), float(new))
            for pid, at, old, new in changes
            if pid in sku_of
        ],
        columns=["sku", "changed_at", "old_price", "new_price"],
    )
    change_frame["day"] = _local_days(change_frame["changed_at"], timezone)
    signal_frame = pd.DataFrame(
        [
            (name, sku, (meta or {}).get("category"), ts, value)
            for name, sku, meta, ts, value in points
        ],
        columns=["name", "sku", "category", "ts", "value"],
    )
    signal_frame["day"] = _local_days(signal_frame["ts"], timezone)
    return ShopInputs(
        categories=pd.Series({sku: category or "" for _, sku, category, _ in products}),
        price_changes=change_frame[["sku", "day", "old_price", "new_price"]],
        current_price=pd.Series({sku: float(price) for _, sku, _, price in products}),
        signals=signal_days(signal_frame.drop(columns="ts")),
    )


def regressor_frames(
    runtime: Runtime, shop_id: int, history: SalesHistory, horizon: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The history with the regressor columns, and the ``horizon`` days after it."""
    frame = history.frame
    first = pd.Timestamp(frame["ds"].min()).date()
    inputs = shop_inputs(runtime, shop_id, since=first, timezone=history.timezone)
    last = pd.Timestamp(frame["ds"].max())
    future_days = pd.date_range(last + pd.Timedelta(days=1), periods=horizon, freq="D")
    ids = frame["unique_id"].unique()
    future = pd.DataFrame({"unique_id": ids.repeat(horizon), "ds": list(future_days) * len(ids)})
    grid = pd.concat([frame[["unique_id", "ds"]], future], ignore_index=True)
    regressors = daily_regressors(inputs, grid)
    known = frame.reset_index(drop=True).join(
        regressors.iloc[: len(frame)].drop(columns=["unique_id", "ds"])
    )
    ahead = regressors.iloc[len(frame) :].reset_index(drop=True)
    return known, persist(known, ahead)
