"""One product's elasticity curve: expected units and profit per day at prices around its own.

The curve reads the shop's current ``pricing`` model run (the elasticity a pricing run
learned) and asks the same question the run asked of the optimiser
(:func:`~shopkeeper.services.pricing_inputs.question_for`), so the profit drawn at a price is
the profit the run compared when it chose one: demand from the forecast at the current
price, the stock's cap before the next delivery, holding cost and VAT. The band is the
elasticity's central interval (the model's 80 %): demand at its low and at its high end,
whichever is lower or higher at each price.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

import numpy as np
from sqlalchemy import select

from shopkeeper.ai.pricing.elasticity import (
    Elasticity,
    ElasticityQuery,
    HierarchicalElasticityModel,
)
from shopkeeper.ai.pricing.optimiser import PriceQuestion, outlooks
from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.tables import ProductRow, ProposalRow
from shopkeeper.services import models
from shopkeeper.services.pricing_inputs import product_facts, question_for
from shopkeeper.services.pricing_rules import load_setup
from shopkeeper.services.pricing_run import KIND
from shopkeeper.services.runtime import Runtime

CAPABILITY = "pricing"
SPAN = 0.30
POINTS = 31  # odd: the middle point is the current price itself
SHOWN_STATUSES = ("proposed", "applied")


@dataclass(frozen=True)
class ProposedPrice:
    """The product's latest pricing proposal, waiting or applied."""

    proposal_id: int
    price: Decimal
    status: str
    created_at: datetime
    units: float
    profit: float


@dataclass(frozen=True)
class ElasticityCurve:
    """Demand and profit per day (mean and band) at each price of ``prices``.

    ``units`` is the demand; ``stock_cap`` the units a day the stock can sell until the
    next delivery (``None``: no stock or lead time known), which ``profit`` and the
    ``current_*`` and proposed figures count.

    Examples
    --------
    >>> e = Elasticity("MUG-1", "mugs", -1.4, 0.3, -1.78, -1.02, 10.0, 5.0, 90, 400.0, 0.25)
    >>> curve = ElasticityCurve("MUG-1", "Mug", "EUR", Decimal("10"), Decimal("4"), e, 1,
    ...     datetime(2026, 1, 1), (10.0,), (5.0,), (5.0,), (5.0,), (30.0,), (30.0,), (30.0,),
    ...     5.0, 30.0, None)
    >>> [round(x, 3) for x in curve.units_change(0.10)]
    [-0.125, -0.156, -0.093]
    """

    sku: str
    title: str
    currency: str
    current_price: Decimal
    cost: Decimal
    elasticity: Elasticity
    model_run_id: int
    fitted_at: datetime
    prices: tuple[float, ...]
    units: tuple[float, ...]
    units_low: tuple[float, ...]
    units_high: tuple[float, ...]
    profit: tuple[float, ...]
    profit_low: tuple[float, ...]
    profit_high: tuple[float, ...]
    current_units: float
    current_profit: float
    proposed: ProposedPrice | None
    stock_cap: float | None = None

    def units_change(self, rise: float) -> tuple[float, float, float]:
        """Share of units a price ``rise`` (0.10: +10 %) changes: mean, then the band's ends
        (the steeper end first)."""
        factor = 1.0 + rise
        e = self.elasticity
        return factor**e.mean - 1, factor**e.low - 1, factor**e.high - 1


def _question(runtime: Runtime, shop_id: int, sku: str, elasticity: Elasticity) -> PriceQuestion:
    now = runtime.clock.now()
    facts = next(iter(product_facts(runtime, shop_id, now, sku=sku)), None)
    if facts is None:
        raise NotFoundError(
            f"{sku} is not priced: it is inactive or has no cost", sku=sku, reason="not_priced"
        )
    with runtime.sessions() as session:
        setup = load_setup(session, shop_id)
    return question_for(facts, elasticity, setup, ())


def _horizon(question: PriceQuestion) -> float | None:
    # As the optimiser does for the profit objective: stock caps sales until it is restocked.
    if question.stock is None or question.stock_days is None or question.stock_days <= 0:
        return None
    return float(question.stock_days)


def elasticity_curve(
    runtime: Runtime, shop_id: int, sku: str, *, span: float = SPAN, points: int = POINTS
) -> ElasticityCurve:
    """The curve of ``sku`` from ``-span`` to ``+span`` around its current price.

    Raises :class:`NotFoundError` with ``details["reason"]`` ``"unknown_product"``,
    ``"no_model"`` (pricing never ran) or ``"not_priced"`` (inactive, or no cost).
    """
    with runtime.sessions() as session:
        product = session.execute(
            select(ProductRow.title, ProductRow.category).where(
                ProductRow.shop_id == shop_id, ProductRow.sku == sku
            )
        ).first()
        run = models.current_run(session, shop_id, CAPABILITY)
        latest = session.scalars(
            select(ProposalRow)
            .where(
                ProposalRow.shop_id == shop_id,
                ProposalRow.kind == KIND,
                ProposalRow.target == sku,
                ProposalRow.status.in_(SHOWN_STATUSES),
            )
            .order_by(ProposalRow.created_at.desc(), ProposalRow.id.desc())
            .limit(1)
        ).first()
    if product is None:
        raise NotFoundError(f"no product with sku {sku!r}", sku=sku, reason="unknown_product")
    if run is None:
        raise NotFoundError("pricing has not run yet", sku=sku, reason="no_model")
    model = models.load_run(runtime, run).as_type(HierarchicalElasticityModel)
    title, category = product
    elasticity = model.predict(
        ElasticityQuery(
            skus=(sku,), day=runtime.clock.now().date(), categories={sku: category or ""}
        )
    )[0]
    question = _question(runtime, shop_id, sku, elasticity)
    current = float(question.context.current_price)
    prices = current * np.linspace(1 - span, 1 + span, points)
    horizon = _horizon(question)
    # Units are the demand (what shoppers would buy); profit counts only what the stock can
    # sell before the next delivery, as the optimiser does.
    units, _, _ = outlooks(question, prices, None)
    _, _, profit = outlooks(question, prices, horizon)
    ends = [
        replace(question, elasticity=end, elasticity_sd=0.0)
        for end in (elasticity.low, elasticity.high)
    ]
    demand_ends = [outlooks(q, prices, None)[0] for q in ends]
    profit_ends = [outlooks(q, prices, horizon)[2] for q in ends]
    at_current = outlooks(question, np.array([current]), horizon)
    proposed = None
    if latest is not None:
        price = Decimal(str(latest.payload.get("new_price")))
        at_proposed = outlooks(question, np.array([float(price)]), horizon)
        proposed = ProposedPrice(
            latest.id,
            price,
            latest.status,
            latest.created_at,
            float(at_proposed[0][0]),
            float(at_proposed[2][0]),
        )
    return ElasticityCurve(
        sku=sku,
        title=title,
        currency=question.rules.currency,
        current_price=question.context.current_price,
        cost=question.context.cost,
        elasticity=elasticity,
        model_run_id=run.id,
        fitted_at=run.created_at,
        prices=_rounded(prices, 2),
        units=_rounded(units, 3),
        units_low=_rounded(np.minimum(*demand_ends), 3),
        units_high=_rounded(np.maximum(*demand_ends), 3),
        profit=_rounded(profit, 2),
        profit_low=_rounded(np.minimum(*profit_ends), 2),
        profit_high=_rounded(np.maximum(*profit_ends), 2),
        current_units=float(at_current[0][0]),
        current_profit=float(at_current[2][0]),
        proposed=proposed,
        stock_cap=None if horizon is None else max(question.stock or 0.0, 0.0) / horizon,
    )


def _rounded(values: np.ndarray, places: int) -> tuple[float, ...]:
    return tuple(round(float(v), places) for v in values)


def priced_products(runtime: Runtime, shop_id: int) -> list[tuple[str, str]]:
    """``(sku, title)`` of the active products with a cost: the ones pricing quotes."""
    with runtime.sessions() as session:
        rows = session.execute(
            select(ProductRow.sku, ProductRow.title)
            .where(ProductRow.shop_id == shop_id, ProductRow.status == "active")
            .where(ProductRow.cost.is_not(None), ProductRow.cost > 0)
            .order_by(ProductRow.sku)
        ).all()
    return [(sku, title) for sku, title in rows]
