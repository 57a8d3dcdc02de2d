"""The models every shop serves from its first day, fitted from its own sales and views.

A scheduled retrain and the demo build call the same function, so both fit alike.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, select

from shopkeeper.ai.recommend import InteractionLog, PopularityRecommender
from shopkeeper.data.tables import EventRow, OrderLineRow, OrderRow, ProductRow
from shopkeeper.services import models
from shopkeeper.services.runtime import Runtime

TRAINING_WINDOW_DAYS = 90
# A view says much less about demand than a unit sold; 0.1 lets a product seen by many but
# bought by few still rise, without drowning real sales.
VIEW_WEIGHT = 0.1


def popularity_training_log(
    runtime: Runtime, shop_id: int, *, window_days: int = TRAINING_WINDOW_DAYS
) -> tuple[InteractionLog, datetime | None, datetime | None]:
    """Order lines (weight = quantity) and product views of the last ``window_days``.

    The window ends at the latest order, not at the clock: an imported history that stops
    last month still trains on its own last 90 days.
    """
    with runtime.sessions() as session:
        end = session.scalar(
            select(func.max(OrderRow.placed_at)).where(OrderRow.shop_id == shop_id)
        )
        if end is None:
            return InteractionLog.from_records([]), None, None
        start = end - timedelta(days=window_days)
        sales = session.execute(
            select(OrderLineRow.sku, OrderRow.placed_at, OrderLineRow.quantity)
            .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
            .where(OrderRow.shop_id == shop_id, OrderRow.placed_at >= start)
        ).all()
        views = session.execute(
            select(EventRow.sku, EventRow.occurred_at)
            .where(EventRow.shop_id == shop_id, EventRow.type == "view")
            .where(EventRow.sku.is_not(None), EventRow.occurred_at >= start)
            .where(EventRow.occurred_at <= end)
        ).all()
        categories = dict(
            session.execute(
                select(ProductRow.sku, ProductRow.category).where(ProductRow.shop_id == shop_id)
            ).all()
        )
    frame = pd.DataFrame(
        {
            "sku": [s for s, _, _ in sales] + [s for s, _ in views],
            "occurred_at": pd.to_datetime(
                [t for _, t, _ in sales] + [t for _, t in views], utc=True
            ),
            "weight": [float(q) for _, _, q in sales] + [VIEW_WEIGHT] * len(views),
            "kind": ["sale"] * len(sales) + ["view"] * len(views),
        }
    )
    return InteractionLog(frame=frame, categories=categories, as_of=end), start, end


def fit_default_models(runtime: Runtime, shop_id: int) -> models.ModelRun:
    """Fit and store the models a fresh shop serves: today, the popularity recommender."""
    log, start, end = popularity_training_log(runtime, shop_id)
    return models.fit_and_store(
        runtime,
        shop_id=shop_id,
        model=PopularityRecommender(half_life_days=14.0, window_days=TRAINING_WINDOW_DAYS),
        data=log,
        data_start=start,
        data_end=end,
        metrics={"interactions": len(log), "skus": int(log.frame["sku"].nunique())},
    )
