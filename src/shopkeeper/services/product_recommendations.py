"""Product-page and known-customer recommendations: similar, bought together, for a customer.

"Similar products" asks the content model, which knows every product in the catalogue
(and vectorises one added since the fit from its text), so a product nobody has viewed
yet still gets neighbours. "Frequently bought together" asks the basket model. Both go
through the shop's rules like :func:`~shopkeeper.services.recommend.recommend_for`, and
answer an empty list with a ``note`` while no model is fitted. :func:`customer_candidates`
gives the collaborative model's picks for a known customer, for the live recommender and
emails.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection

from sqlalchemy import select

from shopkeeper.ai.recommend.collaborative import ImplicitALSRecommender
from shopkeeper.ai.recommend.content import CatalogItem
from shopkeeper.ai.recommend.ranking import MAX_K
from shopkeeper.ai.recommend.sessions import SessionQuery
from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.tables import CustomerRow, OrderLineRow, OrderRow, ProductRow
from shopkeeper.domain.recommendations import (
    Placement,
    RecommendationResult,
    RecommendationSource,
)
from shopkeeper.services.default_models import PRODUCT_TEXT
from shopkeeper.services.models import ModelCache
from shopkeeper.services.recommend_result import answer, reasoned
from shopkeeper.services.recommend_rules_apply import MAX_PER_CATEGORY_LIMIT
from shopkeeper.services.recommend_rules_context import load_rule_context
from shopkeeper.services.recommend_slots import (
    CONTENT_CAPABILITY,
    CUSTOMER_CAPABILITY,
    TOGETHER_CAPABILITY,
)
from shopkeeper.services.recommend_sources import (
    CREDIT,
    NOT_FITTED,
    OVERFETCH,
    Proposal,
    optional_model,
    similar_proposals,
    together_proposals,
)
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.serving_cache import ServingCache

# The last purchases say most about taste; a long-time customer's first orders add noise.
CUSTOMER_ITEMS = 50
NOTHING_GOES_WITH = "no product the shop can offer goes with this one yet"


def catalog_item(runtime: Runtime, shop_id: int, sku: str) -> CatalogItem:
    """The product's text, or NotFoundError: an unknown sku is the caller's mistake."""
    with runtime.sessions() as session:
        row = session.execute(
            select(*PRODUCT_TEXT).where(ProductRow.shop_id == shop_id, ProductRow.sku == sku)
        ).first()
    if row is None:
        raise NotFoundError(f"no product with sku {sku!r}", sku=sku)
    return CatalogItem.build(*row)


def _product_page(
    runtime: Runtime,
    shop_id: int,
    sku: str,
    proposals: list[Proposal],
    run_id: int,
    k: int,
    *,
    diverse: bool,
    cache: ServingCache | None,
) -> RecommendationResult:
    skus = [p.scored.sku for p in proposals]
    context = load_rule_context(runtime, shop_id, None, skus, cache)
    # Look-alikes share a category by design: the per-category cap would hide them.
    policy = (
        None
        if diverse
        else dataclasses.replace(context.policy, max_per_category=MAX_PER_CATEGORY_LIMIT)
    )
    return answer(
        reasoned(proposals, context.products),
        context,
        k=k,
        placement=Placement.PRODUCT,
        request_id=str(uuid.uuid4()),
        runs=[run_id],
        exclude=frozenset({sku}),
        policy=policy,
        empty_note=NOTHING_GOES_WITH,
    )


def _not_fitted() -> RecommendationResult:
    return RecommendationResult(
        rec_request_id=str(uuid.uuid4()), placement=Placement.PRODUCT, items=[], note=NOT_FITTED
    )


def similar_products(
    runtime: Runtime,
    models: ModelCache,
    *,
    shop_id: int,
    sku: str,
    k: int = 10,
    cache: ServingCache | None = None,
) -> RecommendationResult:
    """Up to ``k`` products most like ``sku`` in words, category, brand and attributes."""
    item = catalog_item(runtime, shop_id, sku)
    loaded = optional_model(models, shop_id, CONTENT_CAPABILITY)
    if loaded is None:
        return _not_fitted()
    proposals = similar_proposals(loaded, sku, item, min(MAX_K, k * OVERFETCH), frozenset())
    return _product_page(
        runtime, shop_id, sku, proposals, loaded.run.id, k, diverse=False, cache=cache
    )


def bought_together(
    runtime: Runtime,
    models: ModelCache,
    *,
    shop_id: int,
    sku: str,
    k: int = 10,
    cache: ServingCache | None = None,
) -> RecommendationResult:
    """Up to ``k`` products often bought in the same orders as ``sku``."""
    catalog_item(runtime, shop_id, sku)
    loaded = optional_model(models, shop_id, TOGETHER_CAPABILITY)
    if loaded is None:
        return _not_fitted()
    fetch = min(MAX_K, k * OVERFETCH)
    proposals = together_proposals(loaded, [sku], fetch, frozenset(), on_screen=True)
    return _product_page(
        runtime, shop_id, sku, proposals, loaded.run.id, k, diverse=True, cache=cache
    )


def _customer_history(
    runtime: Runtime, shop_id: int, customer_id: str
) -> tuple[list[str], set[str]]:
    """The customer's purchased skus (oldest first) and which of them are not consumables."""
    with runtime.sessions() as session:
        rows = session.execute(
            select(OrderLineRow.sku, ProductRow.is_consumable)
            .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
            .join(CustomerRow, CustomerRow.id == OrderRow.customer_id)
            .outerjoin(
                ProductRow,
                (ProductRow.shop_id == shop_id) & (ProductRow.sku == OrderLineRow.sku),
            )
            .where(OrderRow.shop_id == shop_id, CustomerRow.external_id == customer_id)
            .order_by(OrderRow.placed_at, OrderRow.id, OrderLineRow.line_no)
        ).all()
    return [str(s) for s, _ in rows], {str(s) for s, consumable in rows if not consumable}


def customer_candidates(
    runtime: Runtime,
    models: ModelCache,
    *,
    shop_id: int,
    customer_id: str,
    k: int = 10,
    exclude: Collection[str] = (),
) -> tuple[list[Proposal], int | None]:
    """The collaborative model's ``k`` best skus for a known customer, and the model's run.

    Each proposal is credited to the purchase that weighs most for it ("Because you bought
    ..."). The customer's history is read live, so a purchase made since the last fit
    already counts (it is folded into the fitted factors). Products they bought that are
    not consumables are left out, as is ``exclude``. A customer without purchases, an
    unknown one, or a shop without a fitted model gets nothing; the caller falls back to
    its other models. Stock and archive rules are the caller's.
    """
    loaded = optional_model(models, shop_id, CUSTOMER_CAPABILITY)
    if loaded is None:
        return [], None
    history, durable = _customer_history(runtime, shop_id, customer_id)
    if not history:
        return [], None
    model = loaded.as_type(ImplicitALSRecommender)
    query = SessionQuery(
        items=tuple(history[-CUSTOMER_ITEMS:]),
        k=min(MAX_K, max(k, 1)),
        exclude=frozenset(durable) | frozenset(exclude),
    )
    proposals = []
    for scored in model.predict(query):
        explanation = model.explain(query, (scored,))
        bought = [
            f.name.split(":", 1)[1] for f in explanation.factors if f.name.startswith("bought:")
        ]
        reason = f"Because you bought {CREDIT}" if bought else explanation.summary
        credit = bought[0] if bought else None
        proposals.append(Proposal(scored, RecommendationSource.CUSTOMER, reason, credit))
    return proposals, loaded.run.id
