"""Where a recommendation request's candidates come from: one function per fitted model.

Each source asks one model for its best products and returns them as :class:`Proposal`
values, best first. A proposal's reason may name the product that earned it (the viewed
product the session model credits, the cart item it is bought with); titles are read
once per request afterwards, so a source only records that product's sku as ``credit``.
A source whose model nobody fitted yet is simply absent (:func:`optional_model`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shopkeeper.ai.recommend import PopularityRecommender, RecommendQuery, SessionQuery
from shopkeeper.ai.recommend.baskets import BoughtTogetherRecommender, TogetherQuery
from shopkeeper.ai.recommend.content import CatalogItem, ContentSimilarityRecommender, SimilarQuery
from shopkeeper.ai.recommend.ranking import ScoredSku
from shopkeeper.ai.recommend.session_knn import SessionKNNRecommender
from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.domain.recommendations import RecommendationSource
from shopkeeper.services.models import LoadedModel, ModelCache
from shopkeeper.services.recommend_slots import SESSION_CAPABILITY

# Rules drop candidates (sold out, archived, a full category), so ask the models for more.
OVERFETCH = 4
NOT_FITTED = (
    "no recommendation model has been fitted for this shop yet: run `shopkeeper demo` "
    "or the `fit-recommenders` job"
)
# Stands for the credited product's title in a proposal's reason.
CREDIT = "{credit}"


@dataclass(frozen=True, slots=True)
class Proposal:
    """One product a model proposes for a request, with why.

    Examples
    --------
    >>> p = Proposal(ScoredSku("MUG", 0.4), RecommendationSource.TOGETHER,
    ...              f"Bought with {CREDIT} in 3 orders", credit="TEA")
    >>> p.reason.replace(CREDIT, "Green tea")
    'Bought with Green tea in 3 orders'
    """

    scored: ScoredSku
    source: RecommendationSource
    reason: str
    credit: str | None = None


def optional_model(models: ModelCache, shop_id: int, capability: str) -> LoadedModel | None:
    """The shop's current model for ``capability``, or None while nobody fitted one."""
    try:
        return models.get(shop_id, capability)
    except NotFoundError:
        return None


def session_model(loaded: LoadedModel) -> SessionKNNRecommender:
    """The session slot's model; any session-neighbourhood model (STAN, V-SKNN) fits."""
    if not isinstance(loaded.model, SessionKNNRecommender):
        raise InvalidInputError(
            f"current {SESSION_CAPABILITY} model is {loaded.run.model_name}, "
            "not a session recommender"
        )
    return loaded.model


def session_proposals(loaded: LoadedModel, query: SessionQuery) -> list[Proposal]:
    """What usually comes next after the session's products, each credited to one of them."""
    model = session_model(loaded)
    ranked, credit = model.predict_credited(query)
    return [
        Proposal(
            scored,
            RecommendationSource.SESSION,
            f"Because you viewed {CREDIT}" if scored.sku in credit else "Often viewed next",
            credit.get(scored.sku),
        )
        for scored in ranked
    ]


def popular_proposals(loaded: LoadedModel, k: int, exclude: frozenset[str]) -> list[Proposal]:
    """The shop's best sellers and most viewed products lately, recency-weighted."""
    model = loaded.as_type(PopularityRecommender)
    query = RecommendQuery(k=k, exclude=exclude)
    proposals = []
    for scored in model.predict(query):
        # Per product, not per list: which of sales and views earns it its place.
        viewed = model.recent_weight(scored.sku, "view") > model.recent_weight(scored.sku, "sale")
        reason = (
            "Popular lately: much viewed" if viewed else "Popular lately: among the best sellers"
        )
        proposals.append(Proposal(scored, RecommendationSource.POPULARITY, reason))
    return proposals


def together_proposals(
    loaded: LoadedModel, skus: Iterable[str], k: int, exclude: frozenset[str], *, on_screen: bool
) -> list[Proposal]:
    """Products bought in the same orders as ``skus`` (the product on screen, or the cart).

    With ``on_screen`` the reason does not name the product: the visitor is looking at it.
    """
    model = loaded.as_type(BoughtTogetherRecommender)
    wanted = tuple(dict.fromkeys(skus))
    if not wanted:
        return []
    proposals = []
    for scored in model.predict(TogetherQuery(skus=wanted, k=k, exclude=exclude)):
        partner = max(wanted, key=lambda s: model.together(s, scored.sku))
        orders = model.together(partner, scored.sku)
        reason = (
            f"Bought together in {orders} orders"
            if on_screen
            else f"Bought with {CREDIT} in {orders} orders"
        )
        proposals.append(Proposal(scored, RecommendationSource.TOGETHER, reason, partner))
    return proposals


def similar_proposals(
    loaded: LoadedModel, sku: str, unseen: CatalogItem | None, k: int, exclude: frozenset[str]
) -> list[Proposal]:
    """Products most like ``sku`` in words, category, brand and attributes.

    ``unseen`` carries the product's text when the model was fitted before it existed.
    """
    model = loaded.as_type(ContentSimilarityRecommender)
    query = SimilarQuery(skus=(sku,), k=k, exclude=exclude, unseen=(unseen,) if unseen else ())
    reasons = model.reasons(query, model.predict(query))
    return [
        Proposal(scored, RecommendationSource.SIMILAR, f"Similar: {reason}")
        for scored, reason in reasons
    ]
