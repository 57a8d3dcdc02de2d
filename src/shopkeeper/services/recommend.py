"""Live recommendations: what this visitor should see now, on one storefront placement.

One request runs a short pipeline:

1. read the visitor's live session (views, dwell, cart, searches: :mod:`.live_session`);
2. pick the serving group: a configurable share of sessions is held out and served
   popularity only, so the dashboard can show what the models add;
3. gather candidates, each with its reason: bought together with the product on screen
   or the cart, the session model (STAN) on what the visitor just did, the collaborative
   model on a known customer's purchases, look-alikes of the product on screen, and
   popularity to fill up (a visitor we know nothing of gets only these);
4. re-rank them with the context model (time of day, season, weather, trends) when one
   is fitted, which may replace a reason with its own ("popular on rainy evenings");
5. apply the shop's rules (stock, archive, pins, boosts, diversity, margin, durables
   already bought) and show prices in the shop's currency.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from shopkeeper.ai.recommend import PopularityRecommender
from shopkeeper.ai.recommend.content import ContentSimilarityRecommender
from shopkeeper.ai.recommend.ranking import MAX_K, ScoredSku
from shopkeeper.ai.recommend.session_signals import LiveSession
from shopkeeper.core.errors import NotFoundError
from shopkeeper.domain.recommendations import (
    Placement,
    RecommendationResult,
    RecommendationSource,
)
from shopkeeper.services.holdout import Group
from shopkeeper.services.live_session import read_live_session
from shopkeeper.services.models import ModelCache
from shopkeeper.services.product_recommendations import catalog_item, customer_candidates
from shopkeeper.services.recommend_context import rerank
from shopkeeper.services.recommend_groups import serving_group
from shopkeeper.services.recommend_result import answer, merge, reasoned
from shopkeeper.services.recommend_rules_apply import Candidate
from shopkeeper.services.recommend_rules_context import load_rule_context, product_facts
from shopkeeper.services.recommend_slots import (
    CONTENT_CAPABILITY,
    CONTEXT_CAPABILITY,
    SESSION_CAPABILITY,
    TOGETHER_CAPABILITY,
)
from shopkeeper.services.recommend_sources import (
    NOT_FITTED,
    OVERFETCH,
    Proposal,
    optional_model,
    popular_proposals,
    session_proposals,
    similar_proposals,
    together_proposals,
)
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.serving_cache import ServingCache

# The last few products tell where a visit is heading; older ones mostly add noise.
SESSION_ITEMS = 20


class _Gathered:
    """The proposals of one request, source by source, and the model runs behind them."""

    def __init__(self) -> None:
        self.lists: list[list[Proposal]] = []
        self.runs: list[int] = []
        self.fitted = False  # any model at all, even one with nothing to propose

    def add(self, proposals: list[Proposal], run_id: int | None) -> None:
        self.fitted = self.fitted or run_id is not None
        if proposals and run_id is not None:
            self.lists.append(proposals)
            self.runs.append(run_id)


def _require_product(runtime: Runtime, shop_id: int, sku: str, cache: ServingCache | None) -> None:
    """NotFoundError for a sku the shop does not have: the caller's mistake, not a cold start."""

    with runtime.sessions() as session:
        found = product_facts(runtime, session, shop_id, [sku], cache)
    if sku not in found:
        raise NotFoundError(f"no product with sku {sku!r}", sku=sku)


def _personal(
    runtime: Runtime,
    models: ModelCache,
    gathered: _Gathered,
    live: LiveSession,
    *,
    shop_id: int,
    customer_id: str | None,
    sku: str | None,
    placement: Placement,
    fetch: int,
    exclude: frozenset[str],
    at: datetime,
) -> dict[str, float]:
    """Add the personal sources' proposals; return the session model's scores."""
    together = optional_model(models, shop_id, TOGETHER_CAPABILITY)
    if together is not None:
        basket = live.cart if placement is Placement.CART else ((sku,) if sku else ())
        found = together_proposals(
            together, basket, fetch, exclude, on_screen=placement is Placement.PRODUCT
        )
        gathered.add(found, together.run.id)
    session = optional_model(models, shop_id, SESSION_CAPABILITY)
    session_scores: dict[str, float] = {}
    if session is not None and (live.items or sku):
        query = live.query(
            k=fetch, exclude=exclude, at=at.timestamp(), max_items=SESSION_ITEMS, current=sku
        )
        found = session_proposals(session, query)
        session_scores = {p.scored.sku: p.scored.score for p in found}
        gathered.add(found, session.run.id)
    if customer_id:
        found, run_id = customer_candidates(
            runtime, models, shop_id=shop_id, customer_id=customer_id, k=fetch, exclude=exclude
        )
        gathered.add(found, run_id)
    content = optional_model(models, shop_id, CONTENT_CAPABILITY)
    if content is not None and sku and placement is Placement.PRODUCT:
        known = sku in content.as_type(ContentSimilarityRecommender).index_
        unseen = None if known else catalog_item(runtime, shop_id, sku)  # added since the fit
        gathered.add(similar_proposals(content, sku, unseen, fetch, exclude), content.run.id)
    return session_scores


def _reranked(
    runtime: Runtime,
    models: ModelCache,
    candidates: list[Candidate],
    *,
    shop_id: int,
    region: str | None,
    session_items: list[str],
    session_scores: dict[str, float],
    at: datetime,
) -> list[Candidate]:
    """``candidates`` in the context model's order; unchanged while none is fitted."""
    if optional_model(models, shop_id, CONTEXT_CAPABILITY) is None:
        return candidates
    ranked = rerank(
        runtime,
        models,
        shop_id=shop_id,
        candidates=[ScoredSku(c.sku, c.score) for c in candidates],
        session_items=session_items,
        region=region,
        at=at,
        reasons=[c.reason for c in candidates],
        session_scores=session_scores,
    )
    source = {c.sku: c.source for c in candidates}
    return [Candidate(s.sku, s.score, source[s.sku], reason) for s, reason in ranked]


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
    cache: ServingCache | None = None,
) -> RecommendationResult:
    """Up to ``k`` products for one storefront placement, each with its reason.

    Products the visitor viewed in this session are left out (a "recently viewed" strip
    shows those), as is the product on screen and, for the cart placement, what the cart
    holds. An unknown ``sku`` is a NotFoundError; an unknown session or customer is just
    a visitor we know nothing of. With no model fitted for the shop the list is empty and
    ``note`` says how to fit one. ``cache`` (the storefront API's) lets the shop's rules,
    holdout setting and product facts be reused for a few seconds.
    """
    if sku is not None:
        _require_product(runtime, shop_id, sku, cache)
    live = read_live_session(runtime, shop_id, session_id)
    at = runtime.clock.now()
    viewed = [s for s in live.items if s != sku][-SESSION_ITEMS:] + ([sku] if sku else [])
    exclude = set(viewed) | (set(live.cart) if placement is Placement.CART else set())
    # A visitor back to a cart they left half an hour ago sees it first on the home page.
    abandoned = live.abandoned_cart(at.timestamp()) if placement is Placement.HOME else ()
    exclude -= set(abandoned)
    fetch = min(MAX_K, k * OVERFETCH + len(exclude))
    request_id = str(uuid.uuid4())
    treated = serving_group(runtime, shop_id, session_id, cache) is Group.TREATMENT

    gathered = _Gathered()
    session_scores: dict[str, float] = {}
    if treated:
        session_scores = _personal(
            runtime,
            models,
            gathered,
            live,
            shop_id=shop_id,
            customer_id=customer_id,
            sku=sku,
            placement=placement,
            fetch=fetch,
            exclude=frozenset(exclude),
            at=at,
        )
    popular = optional_model(models, shop_id, PopularityRecommender.capability)
    if popular is not None:
        gathered.add(popular_proposals(popular, fetch, frozenset(exclude)), popular.run.id)
    proposals = merge(*gathered.lists)
    if not gathered.fitted:
        return RecommendationResult(
            rec_request_id=request_id, placement=placement, items=[], note=NOT_FITTED
        )

    skus = [p.scored.sku for p in proposals]
    context = load_rule_context(runtime, shop_id, customer_id, skus + viewed, cache)
    candidates = reasoned(proposals, context.products, live)
    if treated:
        candidates = _reranked(
            runtime,
            models,
            candidates,
            shop_id=shop_id,
            region=live.region,
            session_items=viewed,
            session_scores=session_scores,
            at=at,
        )
        if abandoned:
            # Reminders lead whatever the models think; the shop's rules still apply.
            left = set(abandoned)
            reminders = [
                Candidate(s, 1.0, RecommendationSource.SESSION.value, "Still in your cart")
                for s in reversed(abandoned)
            ]
            candidates = reminders + [c for c in candidates if c.sku not in left]
    return answer(
        candidates,
        context,
        k=k,
        placement=placement,
        request_id=request_id,
        runs=gathered.runs,
        exclude=frozenset(exclude),
    )
