"""Live recommendations: the session model for what a visitor just did, popularity for the rest.

One request reads the visitor's live session, asks the session model (STAN) what usually
comes next, fills the remaining places from the popularity model (a visitor we know nothing
of gets only these), then applies the shop's rules: nothing archived or sold out, no more
than :data:`MAX_PER_CATEGORY` items of one category, nothing the visitor is looking at.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from shopkeeper.ai.recommend import PopularityRecommender, RecommendQuery, SessionQuery
from shopkeeper.ai.recommend.ranking import MAX_K, ScoredSku
from shopkeeper.ai.recommend.session_knn import SessionKNNRecommender
from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.core.money import rounded
from shopkeeper.data.tables import ProductRow, ShopRow, StockLevelRow
from shopkeeper.domain.recommendations import (
    Placement,
    RecommendationResult,
    RecommendationSource,
    RecommendedItem,
)
from shopkeeper.services.default_models import SESSION_CAPABILITY
from shopkeeper.services.models import LoadedModel, ModelCache
from shopkeeper.services.runtime import Runtime

MAX_PER_CATEGORY = 3
# The last few products tell where a visit is heading; older ones mostly add noise.
SESSION_ITEMS = 20
# Rules drop candidates (sold out, archived, a full category), so ask the models for more.
OVERFETCH = 4
NOT_FITTED = (
    "no recommendation model has been fitted for this shop yet: run `shopkeeper demo` "
    "or the `fit-recommenders` job"
)


@dataclass(frozen=True, slots=True)
class _Product:
    title: str
    price: Decimal
    category: str
    sellable: bool


@dataclass(frozen=True, slots=True)
class _Candidate:
    scored: ScoredSku
    source: RecommendationSource


def _optional(models: ModelCache, shop_id: int, capability: str) -> LoadedModel | None:
    try:
        return models.get(shop_id, capability)
    except NotFoundError:
        return None


def _session_knn(loaded: LoadedModel) -> SessionKNNRecommender:
    # as_type wants a concrete class; any session-neighbourhood model can fill the slot.
    if not isinstance(loaded.model, SessionKNNRecommender):
        raise InvalidInputError(
            f"current {SESSION_CAPABILITY} model is {loaded.run.model_name}, "
            "not a session recommender"
        )
    return loaded.model


def _live_context(
    runtime: Runtime, shop_id: int, session_id: str | None
) -> tuple[list[str], set[str]]:
    """The session's recent skus (oldest first, each once) and what is in its cart now."""
    if not session_id:
        return [], set()
    viewed: list[str] = []
    cart: set[str] = set()
    for step in runtime.session_store.recent(shop_id, session_id):
        if step.sku is None:
            continue
        if step.type == "add_to_cart":
            cart.add(step.sku)
        elif step.type == "remove_from_cart":
            cart.discard(step.sku)
        if step.type in ("view", "click", "add_to_cart"):
            if step.sku in viewed:
                viewed.remove(step.sku)
            viewed.append(step.sku)
    return viewed[-SESSION_ITEMS:], cart


def _products(runtime: Runtime, shop_id: int, skus: Iterable[str]) -> dict[str, _Product]:
    """Title, price, category and whether each sku may be offered, in one query.

    A product with stock rows that add up to nothing is sold out; one without any stock
    row is sold without tracking (a download, a made-to-order item) and stays.
    """
    wanted = sorted(set(skus))
    if not wanted:
        return {}
    query = (
        select(
            ProductRow.sku,
            ProductRow.title,
            ProductRow.price,
            ProductRow.category,
            ProductRow.status,
            func.count(StockLevelRow.id),
            func.coalesce(func.sum(StockLevelRow.on_hand), 0),
        )
        .outerjoin(StockLevelRow, StockLevelRow.product_id == ProductRow.id)
        .where(ProductRow.shop_id == shop_id, ProductRow.sku.in_(wanted))
        .group_by(
            ProductRow.id,
            ProductRow.sku,
            ProductRow.title,
            ProductRow.price,
            ProductRow.category,
            ProductRow.status,
        )
    )
    with runtime.sessions() as session:
        rows = session.execute(query).all()
        currency = session.scalar(select(ShopRow.currency).where(ShopRow.id == shop_id)) or "EUR"
    return {
        sku: _Product(
            title=title,
            # Stored with 4 decimals; the storefront shows the currency's own precision.
            price=rounded(price, currency),
            category=category,
            sellable=status == "active" and (levels == 0 or int(on_hand) > 0),
        )
        for sku, title, price, category, status, levels, on_hand in rows
    }


def _select(
    candidates: list[_Candidate], products: dict[str, _Product], k: int
) -> list[_Candidate]:
    """The first ``k`` candidates the shop may offer, at most a few per category."""
    chosen: list[_Candidate] = []
    seen: set[str] = set()
    per_category: dict[str, int] = {}
    for candidate in candidates:
        sku = candidate.scored.sku
        product = products.get(sku)
        if sku in seen or product is None or not product.sellable:
            continue
        # Uncategorised products are not one category: capping them would empty a shop
        # that never filled the field in.
        if product.category:
            if per_category.get(product.category, 0) >= MAX_PER_CATEGORY:
                continue
            per_category[product.category] = per_category.get(product.category, 0) + 1
        seen.add(sku)
        chosen.append(candidate)
        if len(chosen) == k:
            break
    return chosen


def _session_reason(
    model: SessionKNNRecommender,
    query: SessionQuery,
    item: ScoredSku,
    products: dict[str, _Product],
) -> str:
    """The viewed product the model credits most for ``item``, by its title."""
    explanation = model.explain(query, (item,))
    for factor in explanation.factors:
        if factor.name.startswith("viewed:"):
            viewed = factor.name.removeprefix("viewed:")
            known = products.get(viewed)
            return f"Because you viewed {known.title if known else viewed}"
    return explanation.summary


def _popularity_reason(model: PopularityRecommender, query: RecommendQuery, item: ScoredSku) -> str:
    """Which kind of recent activity (sales or views) weighs most for ``item``."""
    explanation = model.explain(query, (item,))
    kinds = [f for f in explanation.factors if f.name.startswith("recent_")]
    if not kinds:
        return explanation.summary
    top = max(kinds, key=lambda f: f.weight).name
    return (
        "Popular lately: among the best sellers"
        if top == "recent_sales"
        else ("Popular lately: much viewed")
    )


def recommend_for(
    runtime: Runtime,
    models: ModelCache,
    *,
    shop_id: int,
    session_id: str | None = None,
    customer_id: str | None = None,
    sku: str | None = None,
    placement: Placement = Placement.HOME,
    k: int = 10,
) -> RecommendationResult:
    """Up to ``k`` products for one storefront placement, each with its reason.

    ``customer_id`` is accepted for the storefront's sake but not used yet: no model reads
    a customer's history today. Products the visitor viewed in this session are left out
    (a "recently viewed" strip shows those), as is the product on screen and, for the cart
    placement, what the cart holds. With no model fitted for the shop the list is empty and
    ``note`` says how to fit one.
    """
    viewed, cart = _live_context(runtime, shop_id, session_id)
    if sku:
        viewed = [s for s in viewed if s != sku] + [sku]
    exclude = set(viewed)
    if placement is Placement.CART:
        exclude |= cart
    fetch = min(MAX_K, k * OVERFETCH + len(exclude))
    request_id = str(uuid.uuid4())
    session_model = _optional(models, shop_id, SESSION_CAPABILITY)
    popular = _optional(models, shop_id, PopularityRecommender.capability)
    if session_model is None and popular is None:
        return RecommendationResult(
            rec_request_id=request_id, placement=placement, items=[], note=NOT_FITTED
        )

    candidates: list[_Candidate] = []
    runs: list[int] = []
    session_query = SessionQuery(
        items=tuple(viewed), k=fetch, exclude=frozenset(exclude), at=runtime.clock.now().timestamp()
    )
    knn: SessionKNNRecommender | None = None
    if session_model is not None and viewed:
        knn = _session_knn(session_model)
        ranked = knn.predict(session_query)
        if ranked:
            runs.append(session_model.run.id)
        candidates += [_Candidate(s, RecommendationSource.SESSION) for s in ranked]
    popular_query = RecommendQuery(k=fetch, exclude=frozenset(exclude))
    ranker: PopularityRecommender | None = None
    if popular is not None:
        ranker = popular.as_type(PopularityRecommender)
        candidates += [
            _Candidate(s, RecommendationSource.POPULARITY) for s in ranker.predict(popular_query)
        ]
        runs.append(popular.run.id)

    products = _products(runtime, shop_id, [c.scored.sku for c in candidates] + viewed)
    items = []
    for candidate in _select(candidates, products, k):
        product = products[candidate.scored.sku]
        if knn is not None and candidate.source is RecommendationSource.SESSION:
            reason = _session_reason(knn, session_query, candidate.scored, products)
        else:
            assert ranker is not None  # only the two models put candidates on the list
            reason = _popularity_reason(ranker, popular_query, candidate.scored)
        items.append(
            RecommendedItem(
                sku=candidate.scored.sku,
                title=product.title,
                price=product.price,
                score=round(candidate.scored.score, 6),
                reason=reason,
                source=candidate.source,
            )
        )
    note = None if items else "nothing the shop can offer matches this request right now"
    return RecommendationResult(
        rec_request_id=request_id, placement=placement, items=items, model_runs=runs, note=note
    )
