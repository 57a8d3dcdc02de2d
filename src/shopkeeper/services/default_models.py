"""The models every shop serves from its first day, fitted from its own sales and views.

A scheduled retrain and the demo build call the same function, so both fit alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import func, select

from shopkeeper.ai.recommend import (
    InteractionLog,
    PopularityRecommender,
    SessionLog,
    STANRecommender,
)
from shopkeeper.ai.recommend.baskets import BoughtTogetherRecommender, OrderBaskets
from shopkeeper.ai.recommend.collaborative import ImplicitALSRecommender
from shopkeeper.ai.recommend.content import CatalogItem, ContentSimilarityRecommender
from shopkeeper.ai.recommend.histories import PurchaseHistories
from shopkeeper.data.tables import CustomerRow, EventRow, OrderLineRow, OrderRow, ProductRow
from shopkeeper.services import models
from shopkeeper.services.recommend_context import fit_context_ranker
from shopkeeper.services.recommend_slots import (
    CONTENT_CAPABILITY,
    CUSTOMER_CAPABILITY,
    SESSION_CAPABILITY,
    TOGETHER_CAPABILITY,
)
from shopkeeper.services.runtime import Runtime

TRAINING_WINDOW_DAYS = 90
# A view says much less about demand than a unit sold; 0.1 lets a product seen by many but
# bought by few still rise, without drowning real sales.
VIEW_WEIGHT = 0.1
# What a visitor does with one product; searches and purchases name no next item to view.
SESSION_EVENT_TYPES = ("view", "click", "add_to_cart")
# Customers come back over months and complements sell together all year: a longer window.
HISTORY_WINDOW_DAYS = 365
# One order line for the customer and basket models: (order id, customer external id, sku).
OrderLine = tuple[int, str | None, str]
# The product fields content similarity reads, in CatalogItem.build's order.
PRODUCT_TEXT = (
    ProductRow.sku,
    ProductRow.title,
    ProductRow.category,
    ProductRow.brand,
    ProductRow.attributes,
)


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


def session_training_log(
    runtime: Runtime, shop_id: int, *, window_days: int = TRAINING_WINDOW_DAYS
) -> tuple[SessionLog, datetime | None, datetime | None]:
    """Browsing sessions of the last ``window_days``, each its skus in time order.

    A session is every view, click or add to cart of one ``session_id``; the same sku twice
    in a row (a view then its add to cart) counts once, and sessions of one item teach
    nothing about what comes next, so they are left out. A session's time is its last event.
    """
    with runtime.sessions() as session:
        kinds = EventRow.type.in_(SESSION_EVENT_TYPES)
        end = session.scalar(
            select(func.max(EventRow.occurred_at)).where(
                EventRow.shop_id == shop_id, kinds, EventRow.sku.is_not(None)
            )
        )
        if end is None:
            return SessionLog(sessions=(), times=()), None, None
        start = end - timedelta(days=window_days)
        rows = session.execute(
            select(EventRow.session_id, EventRow.sku, EventRow.occurred_at)
            .where(EventRow.shop_id == shop_id, kinds, EventRow.sku.is_not(None))
            .where(EventRow.occurred_at >= start)
            .order_by(EventRow.session_id, EventRow.occurred_at, EventRow.id)
        ).all()
    sessions: list[tuple[str, ...]] = []
    times: list[float] = []
    current: str | None = None
    items: list[str] = []
    last_at = 0.0

    def close() -> None:
        if len(items) >= 2:
            sessions.append(tuple(items))
            times.append(last_at)

    for session_id, sku, occurred_at in rows:
        if session_id != current:
            close()
            current, items = session_id, []
        if sku is not None and (not items or items[-1] != sku):
            items.append(sku)
        # SQLite hands back naive datetimes; every stored time is UTC.
        stamp = occurred_at if occurred_at.tzinfo else occurred_at.replace(tzinfo=UTC)
        last_at = stamp.timestamp()
    close()
    return SessionLog(sessions=tuple(sessions), times=tuple(times)), start, end


@dataclass(frozen=True, slots=True)
class DefaultModelRuns:
    """The runs one default fit made: popularity always, the others when the data allowed."""

    popularity: models.ModelRun
    session: models.ModelRun | None
    customer: models.ModelRun | None = None
    content: models.ModelRun | None = None
    together: models.ModelRun | None = None
    context: models.ModelRun | None = None


def fit_session_model(runtime: Runtime, shop_id: int) -> models.ModelRun | None:
    """Fit STAN on the shop's recent sessions; ``None`` when no session has two items."""
    log, start, end = session_training_log(runtime, shop_id)
    if not log.sessions:
        return None
    return models.fit_and_store(
        runtime,
        shop_id=shop_id,
        model=STANRecommender(),
        data=log,
        data_start=start,
        data_end=end,
        metrics={"sessions": len(log), "skus": len(log.items())},
        capability=SESSION_CAPABILITY,
    )


def fit_recommenders(runtime: Runtime, shop_id: int) -> DefaultModelRuns:
    """Fit and store every recommender a shop serves (the job and the demo call this)."""
    return DefaultModelRuns(
        popularity=fit_popularity_model(runtime, shop_id),
        session=fit_session_model(runtime, shop_id),
        customer=fit_customer_model(runtime, shop_id),
        content=fit_content_model(runtime, shop_id),
        together=fit_together_model(runtime, shop_id),
        # Last: it learns from the same history what the others would have proposed.
        context=fit_context_ranker(runtime, shop_id),
    )


def fit_default_models(runtime: Runtime, shop_id: int) -> models.ModelRun:
    """Fit and store every default model; returns the popularity run the demo reports."""
    return fit_recommenders(runtime, shop_id).popularity


def fit_popularity_model(runtime: Runtime, shop_id: int) -> models.ModelRun:
    """Fit and store the popularity recommender, the answer for visitors we know nothing of."""
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


def order_lines(
    runtime: Runtime, shop_id: int, *, window_days: int = HISTORY_WINDOW_DAYS
) -> tuple[list[OrderLine], datetime | None, datetime | None]:
    """(order id, customer external id or None, sku) of the last ``window_days``, in time order.

    Like the popularity window, it ends at the latest order rather than at the clock.
    """
    with runtime.sessions() as session:
        end = session.scalar(
            select(func.max(OrderRow.placed_at)).where(OrderRow.shop_id == shop_id)
        )
        if end is None:
            return [], None, None
        start = end - timedelta(days=window_days)
        rows = session.execute(
            select(OrderRow.id, CustomerRow.external_id, OrderLineRow.sku)
            .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
            .outerjoin(CustomerRow, CustomerRow.id == OrderRow.customer_id)
            .where(OrderRow.shop_id == shop_id, OrderRow.placed_at >= start)
            .order_by(OrderRow.placed_at, OrderRow.id, OrderLineRow.line_no)
        ).all()
    return [(int(o), c, str(s)) for o, c, s in rows], start, end


def catalog_items(runtime: Runtime, shop_id: int) -> tuple[CatalogItem, ...]:
    """Every product's title, category, brand and attributes, by sku."""
    with runtime.sessions() as session:
        rows = session.execute(
            select(*PRODUCT_TEXT).where(ProductRow.shop_id == shop_id).order_by(ProductRow.sku)
        ).all()
    return tuple(CatalogItem.build(*row) for row in rows)


def fit_customer_model(runtime: Runtime, shop_id: int) -> models.ModelRun | None:
    """Fit ALS on known customers' purchases; ``None`` until two customers bought something."""
    lines, start, end = order_lines(runtime, shop_id)
    histories = PurchaseHistories.from_purchases((c, sku) for _, c, sku in lines if c is not None)
    if len(histories) < 2:
        return None
    return models.fit_and_store(
        runtime,
        shop_id=shop_id,
        # Most shops have few customers per product: a strong penalty keeps the factors from
        # memorising each customer (a weak one ranks the same but with scores near zero).
        model=ImplicitALSRecommender(
            factors=32, regularization=1.0, alpha=10.0, lambda_position=None, seed=0
        ),
        data=histories,
        data_start=start,
        data_end=end,
        metrics={"customers": len(histories), "lines": sum(len(h) for h in histories.skus)},
        capability=CUSTOMER_CAPABILITY,
    )


def fit_content_model(runtime: Runtime, shop_id: int) -> models.ModelRun | None:
    """Fit content similarity on the whole catalogue; ``None`` for a shop with no products."""
    items = catalog_items(runtime, shop_id)
    if not items:
        return None
    return models.fit_and_store(
        runtime,
        shop_id=shop_id,
        model=ContentSimilarityRecommender(),
        data=items,
        metrics={"products": len(items)},
        capability=CONTENT_CAPABILITY,
    )


def fit_together_model(runtime: Runtime, shop_id: int) -> models.ModelRun | None:
    """Fit bought-together pairs; ``None`` until some order holds two different products."""
    lines, start, end = order_lines(runtime, shop_id)
    baskets = OrderBaskets.from_lines((order, sku) for order, _, sku in lines)
    if not any(len(set(basket)) >= 2 for basket in baskets.baskets):
        return None
    return models.fit_and_store(
        runtime,
        shop_id=shop_id,
        model=BoughtTogetherRecommender(min_support=2, score="lift"),
        data=baskets,
        data_start=start,
        data_end=end,
        metrics={"orders": len(baskets)},
        capability=TOGETHER_CAPABILITY,
    )
