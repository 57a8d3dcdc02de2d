"""Context re-ranking on a small demo shop: fit from its history, rerank, fall back."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import delete, func, select

from shopkeeper.ai.recommend.context_ranker import LambdaRankContextRanker
from shopkeeper.ai.recommend.popularity import PopularityRecommender
from shopkeeper.ai.recommend.ranking import RecommendQuery, ScoredSku
from shopkeeper.data.database import transaction
from shopkeeper.data.importers.demo import DemoShopConfig
from shopkeeper.data.tables import EventRow, ModelRunRow
from shopkeeper.domain.shops import Shop
from shopkeeper.services.demo import DemoShop, build_demo_shop
from shopkeeper.services.models import ModelCache, current_run
from shopkeeper.services.recommend_context import (
    CONTEXT_CAPABILITY,
    fit_context_ranker,
    rerank,
)
from shopkeeper.services.runtime import Runtime

SMALL = DemoShopConfig(
    n_products=60, n_customers=400, months=13, sessions_per_day=40, events_days=45, seed=5
)


@pytest.fixture
def demo(runtime: Runtime) -> DemoShop:
    return build_demo_shop(runtime, config=SMALL)


def _candidates(cache: ModelCache, shop_id: int, k: int = 20) -> list[ScoredSku]:
    popular = cache.get(shop_id, PopularityRecommender.capability).as_type(PopularityRecommender)
    return list(popular.predict(RecommendQuery(k=k)))


def test_fit_stores_a_ranker_that_reorders_candidates_with_reasons(
    runtime: Runtime, demo: DemoShop
) -> None:
    shop_id = demo.shop.id
    run = fit_context_ranker(runtime, shop_id)
    assert run is not None
    assert run.capability == CONTEXT_CAPABILITY
    assert run.model_name == LambdaRankContextRanker.name()
    assert run.metrics["groups"] > 100
    # The fit says whether context earned its place on its latest days, and on what figures.
    context, plain = (
        run.metrics["validation_ndcg10_context"],
        run.metrics["validation_ndcg10_plain"],
    )
    assert run.metrics["uses_context"] == (context > plain)
    with runtime.sessions() as session:
        assert current_run(session, shop_id, CONTEXT_CAPABILITY) is not None
        last = session.scalar(select(func.max(EventRow.occurred_at)))
        viewed = session.scalars(
            select(EventRow.sku).where(EventRow.type == "view", EventRow.sku.is_not(None)).limit(2)
        ).all()
    assert last is not None
    at = last if last.tzinfo else last.replace(tzinfo=UTC)  # SQLite gives naive UTC
    cache = ModelCache(runtime)
    candidates = _candidates(cache, shop_id)

    def ask() -> list[tuple[ScoredSku, str]]:
        return rerank(
            runtime,
            cache,
            shop_id=shop_id,
            candidates=candidates,
            session_items=[s for s in viewed if s],
            region="Île-de-France",
            at=at + timedelta(hours=1),
            reasons=["Popular lately: among the best sellers"] * len(candidates),
        )

    ranked = ask()
    assert sorted(s.sku for s, _ in ranked) == sorted(c.sku for c in candidates)
    scores = [s.score for s, _ in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(reason for _, reason in ranked[:10])
    # Served from a cached weather table and the same model: the same answer again.
    assert ask() == ranked
    # A visitor with no session gets no "because you viewed" reason.
    fresh = rerank(
        runtime,
        cache,
        shop_id=shop_id,
        candidates=candidates,
        session_items=[],
        region="Bretagne",
        at=at,
    )
    assert not any(r.startswith("Because you viewed") for _, r in fresh)


def test_without_a_ranker_the_candidates_come_back_unchanged(
    runtime: Runtime, demo: DemoShop
) -> None:
    # The demo build fits the re-ranker with the others: forget it, as for a shop that
    # never had enough history to fit one.
    with transaction(runtime.sessions) as session:
        session.execute(
            delete(ModelRunRow).where(
                ModelRunRow.shop_id == demo.shop.id, ModelRunRow.capability == CONTEXT_CAPABILITY
            )
        )
    cache = ModelCache(runtime)
    candidates = _candidates(cache, demo.shop.id, k=3)
    reasons = ["Popular lately: among the best sellers"] * 3
    out = rerank(
        runtime,
        cache,
        shop_id=demo.shop.id,
        candidates=candidates,
        session_items=[],
        region=None,
        at=runtime.clock.now(),
        reasons=reasons,
    )
    assert out == list(zip(candidates, reasons, strict=True))


def test_a_shop_without_history_fits_nothing(runtime: Runtime, shop: Shop) -> None:
    assert fit_context_ranker(runtime, shop.id) is None
    out = rerank(
        runtime,
        ModelCache(runtime),
        shop_id=shop.id,
        candidates=[ScoredSku("A", 1.0)],
        session_items=["B"],
        region="Bretagne",
        at=runtime.clock.now(),
    )
    assert out == [(ScoredSku("A", 1.0), "")]
