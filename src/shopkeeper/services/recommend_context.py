"""Context re-ranking: fit the shop's re-ranker from its history, reorder live candidates.

:func:`fit_context_ranker` turns the last weeks of browsing into training groups (what
the generators would have proposed at each step, and what the visitor touched next) and
stores a :class:`LambdaRankContextRanker` in the ``"recommend.context"`` slot.
:func:`rerank` reorders one request's candidates, each with a reason read from the
model's own feature contributions; without a fitted re-ranker they come back unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, select

from shopkeeper.ai.recommend.context_choice import choose_features
from shopkeeper.ai.recommend.context_features import (
    ContextStats,
    WeatherTable,
    build_context_stats,
    candidate_features,
    popularity_baseline,
    request_context,
)
from shopkeeper.ai.recommend.context_groups import (
    CANDIDATES,
    SESSION_ITEMS,
    WINDOW_DAYS,
    build_groups,
    fit_generators,
    select_features,
    session_paths,
)
from shopkeeper.ai.recommend.context_ranker import ContextRankQuery, LambdaRankContextRanker
from shopkeeper.ai.recommend.context_reasons import POPULAR_KEY, SESSION_KEY
from shopkeeper.ai.recommend.context_search import (
    SearchCounts,
)
from shopkeeper.ai.recommend.popularity import PopularityRecommender
from shopkeeper.ai.recommend.ranking import ScoredSku
from shopkeeper.ai.recommend.session_knn import SessionKNNRecommender
from shopkeeper.ai.recommend.sessions import SessionQuery
from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.tables import (
    EventRow,
    OrderLineRow,
    OrderRow,
    ProductRow,
    ShopRow,
)
from shopkeeper.services import models as model_runs
from shopkeeper.services.models import ModelCache
from shopkeeper.services.recommend_context_signals import search_counts, signals_on, weather_table
from shopkeeper.services.recommend_slots import CONTEXT_CAPABILITY, SESSION_CAPABILITY
from shopkeeper.services.runtime import Runtime

# Groups come from the last GROUP_DAYS of sessions; the generators that propose their
# candidates are fitted on the WINDOW_DAYS before, so they never recall those sessions.
GROUP_DAYS = 28
MAX_GROUPS = 20_000
LIFT_DAYS = 400  # a year and a bit of orders, so every month has its season lift
EXPLAIN_TOP = 20


@dataclass(frozen=True)
class ContextHistory:
    """The shop's history as plain frames, as the pure feature code takes them."""

    sales: pd.DataFrame  # sku, at, region, quantity
    paths: pd.DataFrame  # session_id, sku, at, region (see session_paths)
    categories: dict[str, str]
    prices: dict[str, float]
    weather: WeatherTable
    time_zone: str
    searches: SearchCounts


def load_history(runtime: Runtime, shop_id: int) -> ContextHistory | None:
    """Orders, browsing steps, products and weather the re-ranker learns from."""
    kinds = EventRow.type.in_(("view", "click", "add_to_cart"))
    with runtime.sessions() as session:
        zone = session.scalar(select(ShopRow.timezone).where(ShopRow.id == shop_id)) or "UTC"
        end = session.scalar(
            select(func.max(EventRow.occurred_at)).where(EventRow.shop_id == shop_id, kinds)
        )
        if end is None:
            return None
        # Groups need GROUP_DAYS of sessions, their generators the WINDOW_DAYS before.
        since = end - timedelta(days=GROUP_DAYS + WINDOW_DAYS)
        rows = session.execute(
            select(EventRow.session_id, EventRow.type, EventRow.sku, EventRow.occurred_at)
            .add_columns(EventRow.context)
            .where(EventRow.shop_id == shop_id, EventRow.sku.is_not(None), kinds)
            .where(EventRow.occurred_at >= since)
        ).all()
        sold = session.execute(
            select(OrderLineRow.sku, OrderRow.placed_at, OrderRow.shipping_region)
            .add_columns(OrderLineRow.quantity)
            .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
            .where(OrderRow.shop_id == shop_id, OrderRow.placed_at >= end - timedelta(LIFT_DAYS))
        ).all()
        products = session.execute(
            select(ProductRow.sku, ProductRow.category, ProductRow.price).where(
                ProductRow.shop_id == shop_id
            )
        ).all()
    steps = pd.DataFrame(rows, columns=["session_id", "type", "sku", "at", "context"])
    steps["at"] = pd.to_datetime(steps["at"], utc=True)
    steps["region"] = [(c or {}).get("region") for c in steps.pop("context")]
    sales = pd.DataFrame(sold, columns=["sku", "at", "region", "quantity"])
    sales["at"] = pd.to_datetime(sales["at"], utc=True)
    sales["quantity"] = sales["quantity"].astype(float)
    start = end - timedelta(days=LIFT_DAYS + 1)  # weather for every sale the lifts count
    return ContextHistory(
        sales=sales,
        paths=session_paths(steps),
        categories={s: c or "" for s, c, _ in products},
        prices={s: float(p) for s, _, p in products},
        weather=weather_table(runtime, shop_id, start, end + timedelta(days=1)),
        time_zone=zone,
        searches=search_counts(runtime, shop_id, since - timedelta(days=40), end + timedelta(1)),
    )


def fit_context_ranker(runtime: Runtime, shop_id: int) -> model_runs.ModelRun | None:
    """Fit and store the shop's re-ranker; ``None`` when its history has no usable step."""
    history = load_history(runtime, shop_id)
    if history is None or history.paths.empty:
        return None
    end = history.paths["at"].max().to_pydatetime()
    start = end - timedelta(days=GROUP_DAYS)
    stats = build_context_stats(
        history.sales, history.categories, history.prices, history.weather, history.time_zone
    )
    generators = fit_generators(history.sales, history.paths, history.categories, start)
    window = history.paths[history.paths["at"] >= pd.Timestamp(start)]
    built = build_groups(
        window,
        stats,
        history.weather,
        generators,
        max_groups=MAX_GROUPS,
        searches=history.searches,
    )
    if not built.skus:
        return None
    # Context features ship only if they rank better on the latest days than without.
    choice = choose_features(built)
    return model_runs.fit_and_store(
        runtime,
        shop_id=shop_id,
        model=LambdaRankContextRanker(),
        data=select_features(built.groups, choice.names),
        data_start=start,
        data_end=end,
        metrics={
            "groups": len(built.skus),
            "sessions": len(set(built.sessions.tolist())),
            "coverage_pct": round(100.0 * len(built.skus) / max(built.offered, 1), 2),
            "uses_context": choice.uses_context,
            "validation_ndcg10_context": choice.ndcg_context,
            "validation_ndcg10_plain": choice.ndcg_plain,
        },
        capability=CONTEXT_CAPABILITY,
    )


def _optional(models: ModelCache, shop_id: int, capability: str) -> object | None:
    try:  # a slot nobody fitted yet is not an error here: serve without it
        return models.get(shop_id, capability).model
    except NotFoundError:
        return None


def _session_scores(
    models: ModelCache, shop_id: int, session_items: Sequence[str], at: datetime
) -> tuple[dict[str, float], SessionKNNRecommender | None, SessionQuery | None]:
    knn = _optional(models, shop_id, SESSION_CAPABILITY)
    if not session_items or not isinstance(knn, SessionKNNRecommender):
        return {}, None, None
    query = SessionQuery(
        items=tuple(session_items[-SESSION_ITEMS:]),
        k=CANDIDATES,
        exclude=frozenset(session_items),
        at=at.timestamp(),
    )
    return {s.sku: s.score for s in knn.predict(query)}, knn, query


def _credited(
    knn: SessionKNNRecommender | None, query: SessionQuery | None, sku: str
) -> str | None:
    """The viewed product the session model credits most for ``sku``."""
    if knn is not None and query is not None:
        for factor in knn.explain(query, (ScoredSku(sku, 0.0),)).factors:
            if factor.name.startswith("viewed:"):
                return factor.name.removeprefix("viewed:")
    return query.items[-1] if query is not None else None


def _titles(runtime: Runtime, shop_id: int, skus: set[str]) -> dict[str, str]:
    if not skus:
        return {}
    with runtime.sessions() as session:  # one query for all the titles a response names
        rows = session.execute(
            select(ProductRow.sku, ProductRow.title).where(
                ProductRow.shop_id == shop_id, ProductRow.sku.in_(sorted(skus))
            )
        ).all()
    return {str(sku): str(title) for sku, title in rows}


def rerank(
    runtime: Runtime,
    models: ModelCache,
    *,
    shop_id: int,
    candidates: list[ScoredSku],
    session_items: Sequence[str],
    region: str | None,
    at: datetime,
    reasons: Sequence[str] | None = None,
    session_scores: Mapping[str, float] | None = None,
) -> list[tuple[ScoredSku, str]]:
    """``candidates`` in the re-ranker's order with new scores and reasons.

    ``candidates``: the generators' merged list, best first, each sku once;
    ``session_items``: recent products, oldest first; ``region``: where the visitor is (the
    live session's latest ``context.region``), if known.
    ``reasons`` (one per candidate) are kept when the strongest push is the generators'
    own, and as they are without a re-ranker; an empty reason means "use your own".
    ``session_scores`` are the session model's scores the caller already has; without
    them the session model is asked again.
    """
    kept = list(reasons) if reasons is not None else [""] * len(candidates)
    unchanged = list(zip(candidates, kept, strict=True))
    model = _optional(models, shop_id, CONTEXT_CAPABILITY)
    if not candidates or not isinstance(model, LambdaRankContextRanker):
        return unchanged
    stats: ContextStats | None = model.stats_
    if stats is None:
        return unchanged
    local_day = pd.Timestamp(at).tz_convert(stats.time_zone).date()
    weather, searches = signals_on(runtime, models, shop_id, local_day)
    context = request_context(at, region, weather, stats.time_zone)
    knn: SessionKNNRecommender | None = None
    query: SessionQuery | None = None
    if session_scores is None:
        session_scores, knn, query = _session_scores(models, shop_id, session_items, at)
    popular = _optional(models, shop_id, PopularityRecommender.capability)
    fitted = popular if isinstance(popular, PopularityRecommender) else None
    # Read, never written: the model's own table rather than a copy of 5,000 entries.
    popularity: Mapping[str, float] = fitted.scores_ if fitted is not None else {}
    # The shop's model may have been fitted without the context features (see fit): only
    # the columns it reads are computed, and the lift baseline only when it reads lifts.
    names = model.feature_names_
    baseline = None
    if any(n.startswith("lift_") for n in names):
        # Lifts read against the weeks the serving popularity model counted, as in the fit.
        baseline = popularity_baseline(stats, fitted, WINDOW_DAYS)
    features = candidate_features(
        stats,
        context,
        candidates,
        session_scores,
        popularity,
        baseline=baseline,
        searches=searches,
        names=names,
    )
    ranked = model.predict(
        ContextRankQuery(tuple(c.sku for c in candidates), features, context, EXPLAIN_TOP)
    )
    before = {c.sku: i for i, c in enumerate(candidates)}
    # Words for session pushes the caller did not already give, titles in one query.
    credited = {
        i.sku: _credited(knn, query, i.sku)
        for i in ranked
        if i.reason_key == SESSION_KEY and not kept[before[i.sku]]
    }
    titles = _titles(runtime, shop_id, {v for v in credited.values() if v})
    out: list[tuple[ScoredSku, str]] = []
    for item in ranked:
        existing = kept[before[item.sku]]
        if item.sku in credited:
            viewed = credited[item.sku]
            reason = f"Because you viewed {titles.get(viewed, viewed) if viewed else 'a related product'}"
        elif item.reason_key == SESSION_KEY:
            reason = existing
        elif item.reason_key in (POPULAR_KEY, ""):
            reason = existing  # nothing beyond the generators' own: theirs, or the caller's
        else:
            reason = item.reason
        out.append((ScoredSku(item.sku, round(item.score, 6)), reason))
    return out
