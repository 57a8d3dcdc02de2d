"""A few example proposals, so the demo dashboard has decisions waiting for the owner.

They are built from the demo's own data and current popularity model: raise the price of
the best seller, discount the slowest mover with the most stock, and reorder the best
seller with the fewest days of stock left. Made once per shop; later runs leave the queue
as the owner left it.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.ai.recommend import PopularityRecommender, RecommendQuery
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ProductRow, ProposalRow, StockLevelRow
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
    scores = {item.sku: item.score for item in ranking}
    created = 0
    with transaction(runtime.sessions) as session:
        stock = {
            sku: int(on_hand or 0)
            for sku, on_hand in session.execute(
                select(ProductRow.sku, func.sum(StockLevelRow.on_hand))
                .join(
                    StockLevelRow,
                    (StockLevelRow.shop_id == ProductRow.shop_id)
                    & (StockLevelRow.product_id == ProductRow.id),
                )
                .where(ProductRow.shop_id == shop_id)
                .group_by(ProductRow.sku)
            )
        }
        products = {
            p.sku: p
            for p in session.scalars(select(ProductRow).where(ProductRow.shop_id == shop_id))
        }
        top = products.get(ranking[0].sku)
        if top is not None:
            new_price = (top.price * Decimal("1.05")).quantize(CENT)
            created += _price(session, runtime, run, top, new_price, scores[top.sku], "raise")
        # The slowest mover: most units on the shelf among products outside the top 20.
        idle = sorted(
            (p for p in products.values() if p.sku not in scores and p.cost is not None),
            key=lambda p: (-(stock.get(p.sku) or 0), p.sku),
        )
        if idle:
            slow = idle[0]
            new_price = max((slow.price * Decimal("0.9")).quantize(CENT), slow.cost or CENT)
            if new_price < slow.price:
                created += _price(session, runtime, run, slow, new_price, 0.0, "cut")
        # Units on hand over the demand score is roughly how long the shelf lasts, so the
        # smallest ratio among the best sellers is the reorder that cannot wait.
        thin = min(ranking[:10], key=lambda item: (stock.get(item.sku) or 0) / item.score)
        created += _reorder(session, runtime, run, thin.sku, stock.get(thin.sku) or 0, thin.score)
    return created


def _price(
    session: Session,
    runtime: Runtime,
    run: models.ModelRun,
    product: ProductRow,
    new_price: Decimal,
    score: float,
    direction: str,
) -> int:
    if direction == "raise":
        summary = f"Raise {product.title} from {product.price:.2f} to {new_price:.2f}"
        reason = Factor("recent_demand", round(score, 2), "the best seller of recent weeks")
    else:
        summary = f"Discount {product.title} from {product.price:.2f} to {new_price:.2f}"
        reason = Factor("slow_sales", -1.0, "not among the 20 most popular items lately")
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


def _reorder(
    session: Session,
    runtime: Runtime,
    run: models.ModelRun,
    sku: str,
    on_hand: int,
    score: float,
) -> int:
    # A decayed score equals about half_life / ln 2 (some 20 days) of sales at today's rate,
    # so a month of demand is roughly one and a half times it.
    quantity = max(round(score * 1.5), 1)
    made = proposals.propose(
        session,
        runtime.clock,
        shop_id=run.shop_id,
        capability=Capability.REPLENISH,
        kind="purchase_order",
        target=sku,
        summary=f"Reorder {quantity} units of {sku} ({on_hand} left)",
        explanation=Explanation(
            f"{sku} sells fast and has few units left (a demo example).",
            (
                Factor("recent_demand", round(score, 2), "recency-weighted units sold"),
                Factor("stock_on_hand", float(on_hand), "units in stock now"),
            ),
        ),
        payload={"sku": sku, "quantity": quantity},
        model_run_id=run.id,
        actor="demo",
    )
    return int(made is not None)
