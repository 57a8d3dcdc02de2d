"""An example price proposal, so the demo's pricing page has a decision waiting.

Raise the price of the best seller by 5%, from the demo's current popularity model. Made
once per shop; later runs leave the queue as the owner left it. Purchase orders and
clearances in the demo are real: the demo build runs the forecast and the replenishment
plan (:mod:`.demo`).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.ai.recommend import PopularityRecommender, RecommendQuery
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ProductRow, ProposalRow
from shopkeeper.domain.explanation import Explanation, Factor
from shopkeeper.domain.proposals import Capability
from shopkeeper.services import models, proposals
from shopkeeper.services.runtime import Runtime

CENT = Decimal("0.01")


def create_example_proposals(runtime: Runtime, shop_id: int, run: models.ModelRun) -> int:
    """Create the example proposals unless the shop already has some; returns how many wait."""
    with runtime.sessions() as session:
        existing = session.scalar(
            select(func.count(ProposalRow.id)).where(ProposalRow.shop_id == shop_id)
        )
    if existing:
        return int(existing)
    model = models.load_run(runtime, run).as_type(PopularityRecommender)
    ranking = model.predict(RecommendQuery(k=20))
    if not ranking:
        return 0
    created = 0
    with transaction(runtime.sessions) as session:
        top = session.scalar(
            select(ProductRow).where(
                ProductRow.shop_id == shop_id, ProductRow.sku == ranking[0].sku
            )
        )
        if top is not None:
            new_price = (top.price * Decimal("1.05")).quantize(CENT)
            created += _price(session, runtime, run, top, new_price, ranking[0].score)
    return created


def _price(
    session: Session,
    runtime: Runtime,
    run: models.ModelRun,
    product: ProductRow,
    new_price: Decimal,
    score: float,
) -> int:
    summary = f"Raise {product.title} from {product.price:.2f} to {new_price:.2f}"
    reason = Factor("recent_demand", round(score, 2), "the best seller of recent weeks")
    made = proposals.propose(
        session,
        runtime.clock,
        shop_id=product.shop_id,
        capability=Capability.PRICING,
        kind="price_change",
        target=product.sku,
        summary=summary,
        explanation=Explanation(
            summary + " (a demo example).",
            (reason, Factor("margin_kept", 1.0, "the new price stays above cost")),
        ),
        payload={
            "sku": product.sku,
            "old_price": str(product.price),
            "new_price": str(new_price),
        },
        model_run_id=run.id,
        actor="demo",
    )
    return int(made is not None)
