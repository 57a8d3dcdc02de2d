"""What a pricing run reads from the shop: sales at each price, and each product's question.

The elasticity model learns from one row per product and day: units sold, the price in
force (from the price-change log), the competitors' price and whether a promotion or
clearance ran. The forecast run's regressors already rebuild those per day
(:func:`~shopkeeper.services.forecast_inputs.regressor_frames`): ``price_index`` is the price
against the product's usual price and ``competitor_gap`` our price against the competitors'
mean, so the price is ``price_index`` times the usual price, which the current price and the
last day's index give back.

Each product's question (:class:`~shopkeeper.ai.pricing.optimiser.PriceQuestion`) takes its
demand at the current price from the stored forecast (the next seven days' mean), its stock
and the supplier's lead time (what the stock must last), the inventory simulator's holding
cost (25 % of the unit cost a year, doubled for bulky products), the latest
competitor prices, its locks and the rules in force for it.

Where a product sits among its variants and brands comes from its ``attributes`` (no column
holds it): ``family`` names the variants that move together, ``range`` the comparable
products of different brands and ``brand_tier`` its rank there (a whole number, higher is
more premium, or a name of :data:`BRAND_TIERS`). :func:`placement` reads and checks them, so a mistyped tier refuses that
product with its reason instead of stopping the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import func, select, true

from shopkeeper.ai.inventory.simulator import BULKY_FACTOR, HOLDING_RATE
from shopkeeper.ai.pricing.elasticity import Elasticity
from shopkeeper.ai.pricing.optimiser import PriceQuestion
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.tables import (
    PriceChangeRow,
    ProductForecastRow,
    ProductRow,
    ShopRow,
    SignalRow,
    StockLevelRow,
    SupplierRow,
)
from shopkeeper.domain.pricing import (
    BRAND_TIERS,
    FAMILY_KEY,
    RANGE_KEY,
    TIER_KEY,
    PriceLock,
    PricingContext,
    RangePrice,
)
from shopkeeper.services.forecast_inputs import regressor_frames
from shopkeeper.services.pricing_rules import PricingSetup
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.sales_history import daily_sales

DEMAND_DAYS = 7
COMPETITOR_DAYS = 7
# A product seen discounted this much against its usual price was on promotion that day.
PROMOTION_INDEX = 0.95


def elasticity_frame(runtime: Runtime, shop_id: int, *, days: int = 365) -> pd.DataFrame:
    """One row per product and day: ``sku, day, units, price, category, competitor_price,
    promotion`` (the model's columns); empty when the shop has no sales."""
    history = daily_sales(runtime, shop_id, days=days)
    if history.is_empty:
        return pd.DataFrame(columns=["sku", "day", "units", "price", "category"])
    known, _ = regressor_frames(runtime, shop_id, history, 1)
    with runtime.sessions() as session:
        products = session.execute(
            select(ProductRow.sku, ProductRow.price, ProductRow.category).where(
                ProductRow.shop_id == shop_id
            )
        ).all()
    current = pd.Series({sku: float(price) for sku, price, _ in products})
    category = pd.Series({sku: cat or "" for sku, _, cat in products})
    last_index = known.groupby("unique_id")["price_index"].last()
    usual = (current.reindex(last_index.index) / last_index.replace(0, np.nan)).dropna()
    frame = known[known["unique_id"].isin(usual.index)]
    price = frame["price_index"] * frame["unique_id"].map(usual)
    out = pd.DataFrame(
        {
            "sku": frame["unique_id"].astype(str),
            "day": pd.to_datetime(frame["ds"]).dt.date,
            "units": frame["y"].clip(lower=0).astype(float),
            "price": price.astype(float),
            "category": frame["unique_id"].map(category).fillna(""),
            "promotion": (frame["price_index"] < PROMOTION_INDEX).astype(float),
        }
    )
    if "competitor_gap" in frame:
        out["competitor_price"] = price / (1 + frame["competitor_gap"])
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Placement:
    """Where a product sits: its family of variants, its range and its brand tier there.

    Examples
    --------
    >>> placement("OIL-P", {"family": "oil-p", "range": "olive-oil-1l", "brand_tier": "2"})
    Placement(family_id='oil-p', range_id='olive-oil-1l', tier=2)
    >>> placement("OIL-P", {"range": "olive-oil-1l", "brand_tier": "Premium"}).tier
    2
    >>> placement("OIL-P", {"brand_tier": "premium"})  # no range: the tier ranks nothing
    Placement(family_id=None, range_id=None, tier=None)
    >>> placement("OIL-P", {"range": "olive-oil-1l", "brand_tier": "gold"})
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.InvalidInputError: OIL-P: attribute brand_tier must be a whole number of 0 or more (higher is more premium) or one of budget, mid, premium, luxury; got 'gold'
    """

    family_id: str | None = None
    range_id: str | None = None
    tier: int | None = None


def _name(sku: str, key: str, value: object) -> str | None:
    # A CSV import writes every attribute as text, a JSON body may send a number.
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidInputError(
            f"{sku}: attribute {key} must be a name; got {value!r}", sku=sku, field=key
        )
    return str(value).strip() or None


def _tier(sku: str, value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    tier: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        tier = value
    elif isinstance(value, str):
        text = value.strip()
        tier = int(text) if text.isascii() and text.isdecimal() else BRAND_TIERS.get(text.lower())
    if tier is None or tier < 0:
        names = ", ".join(BRAND_TIERS)
        raise InvalidInputError(
            f"{sku}: attribute {TIER_KEY} must be a whole number of 0 or more (higher is more "
            f"premium) or one of {names}; got {value!r}",
            sku=sku,
            field=TIER_KEY,
        )
    return tier


def placement(sku: str, attributes: Mapping[str, object] | None) -> Placement:
    """The product's family, range and brand tier from its attributes (none: not placed).

    Raises :class:`~shopkeeper.core.errors.InvalidInputError` when a tier is neither a whole
    number of 0 or more nor a known name, or when a range comes without a tier. A tier
    without a range is ignored: it ranks a product only within a range.
    """
    attributes = attributes or {}
    family = _name(sku, FAMILY_KEY, attributes.get(FAMILY_KEY))
    range_id = _name(sku, RANGE_KEY, attributes.get(RANGE_KEY))
    tier = _tier(sku, attributes.get(TIER_KEY))
    if range_id is None:
        # A tier only ranks a product within a range; alone it constrains nothing.
        return Placement(family)
    if tier is None:
        raise InvalidInputError(
            f"{sku}: attribute {RANGE_KEY} is set without {TIER_KEY}; a range ranks its "
            f"products by brand tier, so set both",
            sku=sku,
            field=TIER_KEY,
        )
    return Placement(family, range_id, tier)


@dataclass(frozen=True)
class ProductFacts:
    """What the database says of one product, for its question.

    ``misplaced`` is why its family, range or brand tier attributes cannot be read (such a
    product is not priced: moving it alone could break its family or its range).
    """

    sku: str
    category: str
    cost: Decimal
    price: Decimal
    is_bulky: bool
    on_hand: float | None
    lead_time_days: float | None
    forecast_per_day: float | None
    competitor_prices: tuple[Decimal, ...]
    opening_price: Decimal | None = None
    place: Placement = field(default_factory=Placement)
    misplaced: str | None = None


def product_facts(
    runtime: Runtime, shop_id: int, now: datetime, *, sku: str | None = None
) -> list[ProductFacts]:
    """Active products with a cost (a product without one cannot be priced on margin);
    only ``sku``'s when it is given."""
    since = now - timedelta(days=COMPETITOR_DAYS)
    with runtime.sessions() as session:
        rows = session.execute(
            select(
                ProductRow.id,
                ProductRow.sku,
                ProductRow.category,
                ProductRow.cost,
                ProductRow.price,
                ProductRow.is_bulky,
                SupplierRow.lead_time_days,
                ProductRow.attributes,
            )
            .outerjoin(SupplierRow, SupplierRow.id == ProductRow.supplier_id)
            .where(ProductRow.shop_id == shop_id, ProductRow.status == "active")
            .where(ProductRow.cost.is_not(None), ProductRow.cost > 0)
            .where(ProductRow.sku == sku if sku is not None else true())
            .order_by(ProductRow.sku)
        ).all()
        stock = dict(
            session.execute(
                select(StockLevelRow.product_id, func.sum(StockLevelRow.on_hand))
                .where(StockLevelRow.shop_id == shop_id)
                .group_by(StockLevelRow.product_id)
            ).all()
        )
        forecasts: dict[int, list[dict[str, float]]] = dict(
            session.execute(
                select(ProductForecastRow.product_id, ProductForecastRow.points).where(
                    ProductForecastRow.shop_id == shop_id
                )
            ).all()
        )
        zone = ZoneInfo(
            session.scalar(select(ShopRow.timezone).where(ShopRow.id == shop_id)) or "UTC"
        )
        day_start = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
        # The day's first change says what the price was when the shop's day opened.
        opening: dict[int, Decimal] = {}
        for pid, old in session.execute(
            select(PriceChangeRow.product_id, PriceChangeRow.old_price)
            .where(PriceChangeRow.shop_id == shop_id, PriceChangeRow.changed_at >= day_start)
            .order_by(PriceChangeRow.changed_at.desc(), PriceChangeRow.id.desc())
        ):
            opening[pid] = Decimal(old)
        competitor = session.execute(
            select(SignalRow.sku, SignalRow.value)
            .where(SignalRow.shop_id == shop_id, SignalRow.ts >= since)
            .where(SignalRow.name.startswith("competitor_price"))
            .order_by(SignalRow.ts)
        ).all()
    latest: dict[str, list[Decimal]] = {}
    for sku, value in competitor:
        latest.setdefault(sku, []).append(Decimal(str(value)))
    facts = []
    for pid, sku, category, cost, price, bulky, lead, attributes in rows:
        try:
            place, misplaced = placement(sku, attributes), None
        except InvalidInputError as error:
            place, misplaced = Placement(), error.message
        facts.append(
            ProductFacts(
                sku=sku,
                category=category or "",
                cost=Decimal(cost or 0),
                price=Decimal(price),
                is_bulky=bool(bulky),
                on_hand=float(stock[pid]) if pid in stock else None,
                lead_time_days=float(lead) if lead is not None else None,
                forecast_per_day=_daily_mean(forecasts.get(pid)),
                competitor_prices=tuple(latest.get(sku, [])[-2:]),
                opening_price=opening.get(pid),
                place=place,
                misplaced=misplaced,
            )
        )
    return facts


def range_prices(facts: list[ProductFacts]) -> dict[str, tuple[RangePrice, ...]]:
    """The current price of every product placed in a range, per range, for the brand-tier
    rule (per range so that each question carries its own range only, not the shop's)."""
    by_range: dict[str, list[RangePrice]] = {}
    for f in facts:
        if f.place.range_id is not None and f.place.tier is not None:
            entry = RangePrice(f.sku, f.place.range_id, f.place.tier, f.price)
            by_range.setdefault(f.place.range_id, []).append(entry)
    return {range_id: tuple(entries) for range_id, entries in by_range.items()}


def _daily_mean(points: list[dict[str, float]] | None) -> float | None:
    if not points:
        return None
    return float(np.mean([p["mean"] for p in points[:DEMAND_DAYS]]))


def question_for(
    facts: ProductFacts,
    elasticity: Elasticity,
    setup: PricingSetup,
    locks: tuple[PriceLock, ...],
    ranges: Mapping[str, tuple[RangePrice, ...]] | None = None,
    competitor_response: float = 0.0,
) -> PriceQuestion:
    """The optimiser's question for one product; ``ranges``: the prices of the products in
    each range (see :func:`range_prices`), which keep its brand tier in order;
    ``competitor_response``: what competitors following a move add to the elasticity."""
    # The inventory simulator's holding cost, so pricing and replenishment agree on it.
    factor = BULKY_FACTOR if facts.is_bulky else 1.0
    holding = facts.cost * Decimal(str(HOLDING_RATE * factor)) / 365
    if facts.forecast_per_day is not None:
        base, reference = facts.forecast_per_day, facts.price
    else:
        base = elasticity.base_units
        reference = Decimal(str(elasticity.reference_price or facts.price))
    return PriceQuestion(
        context=PricingContext(
            facts.sku,
            cost=facts.cost,
            current_price=facts.price,
            day_start_price=facts.opening_price,
            family_id=facts.place.family_id,
            range_id=facts.place.range_id,
            tier=facts.place.tier,
        ),
        rules=setup.rules_for(facts.sku, facts.category),
        elasticity=elasticity.mean,
        elasticity_sd=elasticity.sd,
        base_units=max(base, 0.0),
        reference_price=reference,
        stock=facts.on_hand,
        stock_days=facts.lead_time_days if facts.on_hand is not None else None,
        holding_cost=holding,
        competitor_prices=facts.competitor_prices,
        competitor_response=competitor_response,
        locks=locks,
        range_prices=(ranges or {}).get(facts.place.range_id or "", ()),
    )
