"""Competitors following our price moves, measured by a pricing run on a real database.

The shop's own prices move through the price-change log (a person editing them, at past
moments); competitors' prices arrive through the competitor-price service for products the
sender names (matches confirmed at once) and follow each of our moves :data:`LAG` days later
at :data:`FOLLOW` of its size, plus moves of their own. Demand answers both prices, so the
fitted model's competitor effect is positive and a quote counts the competitors' following.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from shopkeeper.ai.pricing.elasticity import HierarchicalElasticityModel
from shopkeeper.data.database import transaction
from shopkeeper.domain.catalog import ProductCreate, ProductUpdate
from shopkeeper.domain.proposals import CapabilityMode
from shopkeeper.domain.shops import Shop
from shopkeeper.services import models
from shopkeeper.services.catalog import update_product, upsert_product
from shopkeeper.services.competitor_prices import record_competitor_prices
from shopkeeper.services.pricing_run import PricingRunSummary, run_pricing
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock
from tests.unit.services.stock_shop import _order, build_forecast_shop
from tests.unit.services.test_pricing_run import _mode, _open_proposals

pytestmark = pytest.mark.postgres

DAYS = 120
FOLLOW = 0.6  # share of each of our moves the competitors match
LAG = 2  # days the competitors take to follow
MOVE_EVERY = 12  # days between two moves of one product of ours
# sku: (list price, cost); every product sells every day.
PRODUCTS = {f"CMP-{i}": (Decimal(8 + i), Decimal(8 + i) * Decimal("0.4")) for i in range(6)}
# One competitor watches each product (a price a day each: recording is the slow part).
COMPETITORS = ("PrixMalin", "MegaCafé")
OWN_ELASTICITY = -2.2  # demand's answer to our price, competitors held still
COMPETITOR_EFFECT = 0.8  # demand's answer to the competitor's price
BASE_UNITS = 25.0
PHRASE = "competitors following the move"


@dataclass(frozen=True)
class Histories:
    """Daily prices of the seeded shop per sku, day 0 first: ours, and the competitor's
    (its name and its prices); ``moves``: how many times we moved a price."""

    ours: dict[str, list[Decimal]]
    theirs: dict[str, tuple[str, list[Decimal]]]
    moves: int


def _histories(follow: float, seed: int = 7) -> Histories:
    """Our price path (a move every :data:`MOVE_EVERY` days, staggered, kept within ±15 %)
    and the competitor's (``follow`` of each move :data:`LAG` days later, and its own)."""
    rng = np.random.default_rng(seed)
    ours: dict[str, list[Decimal]] = {}
    theirs: dict[str, tuple[str, list[Decimal]]] = {}
    moves = 0
    for i, (sku, (listed, _)) in enumerate(PRODUCTS.items()):
        level = np.zeros(DAYS)  # log of our price over the list price
        for day in range(1, DAYS):
            level[day] = level[day - 1]
            if day >= 3 and (day - 3 - i) % MOVE_EVERY == 0:
                step = rng.uniform(0.04, 0.10)
                up = rng.random() < 0.5 if abs(level[day]) < 0.08 else level[day] < 0
                level[day] += step if up else -step
                moves += 1
        ours[sku] = [round(listed * Decimal(str(np.exp(x))), 2) for x in level]
        lagged = np.concatenate([np.zeros(LAG), level[:-LAG]])
        # Its own moves: a few steps of a random walk, unrelated to ours.
        own = np.cumsum(rng.choice([0.0, 0.03, -0.03], size=DAYS, p=[0.94, 0.03, 0.03]))
        path = float(listed) * (0.95 + 0.1 * (i % 2)) * np.exp(follow * lagged + own)
        theirs[sku] = (COMPETITORS[i % 2], [Decimal(str(round(p, 2))) for p in path])
    return Histories(ours, theirs, moves)


def _seed(runtime: Runtime, shop: Shop, clock: FakeClock, follow: float) -> Histories:
    """Products, our price changes at their past moments, sales every day answering both
    prices, and the competitors' daily prices; the clock is back at "now" afterwards."""
    now = clock.now()
    start = datetime.combine((now - timedelta(days=DAYS)).date(), datetime.min.time(), now.tzinfo)
    histories = _histories(follow)
    rng = np.random.default_rng(11)
    clock.set(start)
    with transaction(runtime.sessions) as session:
        for sku, (listed, cost) in PRODUCTS.items():
            item = ProductCreate(
                sku=sku, title=f"Café {sku}", category="coffee", cost=cost, price=listed
            )
            upsert_product(session, clock, shop, item, "test")
        for day in range(DAYS):
            moment = start + timedelta(days=day)
            clock.set(moment + timedelta(hours=9))  # the price-change log dates each change
            lines = []
            for sku, (listed, _) in PRODUCTS.items():
                prices = histories.ours[sku]
                if day and prices[day] != prices[day - 1]:
                    change = ProductUpdate(price=prices[day])
                    update_product(session, clock, shop, sku, change, "owner@shop")
                theirs = histories.theirs[sku][1]
                rate = (
                    BASE_UNITS
                    * float(prices[day] / listed) ** OWN_ELASTICITY
                    * float(theirs[day] / theirs[0]) ** COMPETITOR_EFFECT
                )
                lines.append((sku, int(rng.poisson(rate))))
            placed = moment + timedelta(hours=15)
            _order(session, shop.id, f"D{day:04d}", placed, "delivered", lines)
    clock.set(now)
    observed = [
        {
            "competitor": competitor,
            "competitor_sku": f"{competitor[:4].upper()}-{sku}",
            "title": f"Café {sku} chez {competitor}",
            "price": str(path[day]),
            "currency": "EUR",
            "observed_at": (start + timedelta(days=day)).date().isoformat(),
            "sku": sku,  # the sender knows our product: the match is confirmed at once
        }
        for sku, (competitor, path) in histories.theirs.items()
        for day in range(DAYS)
    ]
    result = record_competitor_prices(
        runtime.sessions, clock, shop_id=shop.id, raw_items=observed, actor="scraper"
    )
    assert result.counts()["matched"] == len(observed), result.rejected[:3]
    return histories


def _metrics(runtime: Runtime, shop_id: int, summary: PricingRunSummary) -> dict[str, object]:
    """The metrics of the pricing run ``summary`` stored, read back from the database."""
    with runtime.sessions() as session:
        run = models.current_run(session, shop_id, HierarchicalElasticityModel.capability)
    assert run is not None
    assert run.id == summary.model_run_id
    return run.metrics


@pytest.fixture
def followed(runtime: Runtime, shop: Shop, clock: FakeClock) -> Shop:
    histories = _seed(runtime, shop, clock, FOLLOW)
    assert histories.moves >= 30
    return shop


def test_the_run_measures_how_far_competitors_follow_our_moves(
    runtime: Runtime, followed: Shop
) -> None:
    summary = run_pricing(runtime, followed.id)
    metrics = _metrics(runtime, followed.id, summary)
    follow, sd = metrics["competitor_follow"], metrics["competitor_follow_sd"]
    assert isinstance(follow, float)
    assert isinstance(sd, float)
    assert 0.45 <= follow <= 0.75, metrics
    assert 0 < sd < 0.1, metrics
    assert metrics["products"] == len(PRODUCTS)


def test_suggested_prices_count_the_competitors_following(runtime: Runtime, followed: Shop) -> None:
    _mode(runtime, followed.id, CapabilityMode.SUGGEST)
    summary = run_pricing(runtime, followed.id)
    metrics = _metrics(runtime, followed.id, summary)
    assert isinstance(metrics["competitor_follow"], float)
    assert metrics["competitor_follow"] > 0
    # Demand answers the competitors' price: the fitted effect is positive, so the
    # competitors' following adds to every product's elasticity.
    loaded = models.load_current(
        runtime, shop_id=followed.id, capability=HierarchicalElasticityModel.capability
    )
    effect = loaded.as_type(HierarchicalElasticityModel).shared_["competitor"]
    assert effect > 0
    added = round(effect * metrics["competitor_follow"], 2)
    waiting = _open_proposals(runtime, followed.id)
    assert len(waiting) == summary.changes > 0
    reasons = [p.explanation["summary"] for p in waiting]
    counted = [r for r in reasons if PHRASE in r]
    assert counted, reasons
    assert any(f"({added:+.2f} to the elasticity)" in r for r in counted), (added, counted)
    assert all(
        any(f["name"] == "competitor_response" for f in p.explanation["factors"]) for p in waiting
    )


@pytest.fixture
def priced(runtime: Runtime, shop: Shop) -> Shop:
    return build_forecast_shop(runtime, shop)


def test_without_competitor_prices_nobody_is_counted_as_following(
    runtime: Runtime, priced: Shop
) -> None:
    _mode(runtime, priced.id, CapabilityMode.SUGGEST)
    summary = run_pricing(runtime, priced.id)
    metrics = _metrics(runtime, priced.id, summary)
    assert metrics["competitor_follow"] == 0
    assert metrics["competitor_follow_sd"] == 0
    waiting = _open_proposals(runtime, priced.id)
    assert len(waiting) == summary.changes > 0
    assert not [p.explanation["summary"] for p in waiting if PHRASE in p.explanation["summary"]]
    factors = {f["name"] for p in waiting for f in p.explanation["factors"]}
    assert "competitor_response" not in factors
