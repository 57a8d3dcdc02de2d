"""How far competitors follow our moves: recovered from price histories, and priced on."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.pricing.competitor_response import (
    CompetitorResponse,
    fit_competitor_response,
)
from shopkeeper.ai.pricing.optimiser import PriceQuestion, optimise_price, outlook
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.pricing import PricingContext, PricingRules

NOW = datetime(2026, 5, 4, 10, tzinfo=UTC)


def market(
    follow: float, lag: int, *, products: int = 40, days: int = 120, seed: int = 0
) -> pd.DataFrame:
    """Our prices move now and then; competitors match ``follow`` of each move ``lag`` days
    late, and make small moves of their own."""
    rng = np.random.default_rng(seed)
    steps = rng.choice([0.0, 0.05, -0.05], size=(days, products), p=[0.8, 0.1, 0.1])
    ours = np.log(20.0) + np.cumsum(steps, axis=0)
    lagged = np.vstack([np.full((lag, products), ours[0]), ours[:-lag]]) if lag else ours
    own_moves = np.cumsum(rng.normal(0, 0.01, (days, products)), axis=0)
    theirs = np.log(21.0) + follow * (lagged - np.log(20.0)) + own_moves
    day = pd.date_range("2026-01-01", periods=days)
    return pd.DataFrame(
        {
            "sku": np.tile([f"P{i}" for i in range(products)], days),
            "day": np.repeat(day, products),
            "price": np.exp(ours).ravel(),
            "competitor_price": np.exp(theirs).ravel(),
        }
    )


@pytest.mark.parametrize(("follow", "lag"), [(0.6, 1), (0.3, 3), (0.5, 6)])
def test_the_share_competitors_follow_is_recovered(follow: float, lag: int) -> None:
    response = fit_competitor_response(market(follow, lag))
    assert response.follow == pytest.approx(follow, abs=0.05)
    assert 0 < response.sd < 0.05
    assert response.moves > 100


@pytest.mark.parametrize("seed", range(5))
def test_competitors_that_ignore_us_give_no_response(seed: int) -> None:
    # A share within noise of zero is read as none: no tilt, no reason naming followers.
    response = fit_competitor_response(market(0.0, 2, products=4, seed=seed))
    assert response.follow == 0.0
    assert response.elasticity(0.5) == 0.0
    assert response.describe().startswith("competitors do not measurably follow")


def test_same_day_matching_is_not_read_as_following() -> None:
    # On the same day we also answer them: lag 0 is left out, so a competitor that only ever
    # copies today's price (as a repricer of ours would look) gives no lasting follow.
    response = fit_competitor_response(market(1.0, 0))
    assert response.follow < 0.1


def test_a_missing_day_is_a_gap_not_a_change() -> None:
    rows = market(0.5, 2)
    # Drop a stretch of days and jump both prices across it: bridging the gap would see a
    # large move of ours answered at once, and read it as following.
    gap = rows["day"].between("2026-02-01", "2026-02-10")
    later = rows["day"] > "2026-02-10"
    rows.loc[later, ["price", "competitor_price"]] *= 1.5
    response = fit_competitor_response(rows[~gap])
    assert response.follow == pytest.approx(0.5, abs=0.05)


def test_too_few_moves_are_not_priced_on() -> None:
    rows = market(0.5, 2, products=1, days=60)
    rows["price"] = 20.0  # we never moved
    response = fit_competitor_response(rows)
    assert (response.follow, response.moves) == (0.0, 0)
    assert "not measured" in response.describe()


def test_bad_input_is_refused_with_the_reason() -> None:
    with pytest.raises(InvalidInputError, match="competitor_price"):
        fit_competitor_response(pd.DataFrame({"sku": ["A"], "day": ["2026-01-01"], "price": [1]}))
    with pytest.raises(InvalidInputError, match="lags"):
        fit_competitor_response(market(0.5, 1), lags=0)


def test_a_negative_competitor_effect_adds_nothing() -> None:
    response = CompetitorResponse(0.5, 0.01, 7, 1000, 200)
    assert response.elasticity(0.4) == pytest.approx(0.2)
    assert response.elasticity(-0.3) == 0.0


def _question(response: float) -> PriceQuestion:
    rules = PricingRules(
        "EUR",
        min_margin=Decimal(0),
        max_change_per_update=Decimal("0.9"),
        max_change_per_day=Decimal("0.9"),
        prices_include_vat=False,
    )
    return PriceQuestion(
        PricingContext("SKU-1", cost=Decimal(10), current_price=Decimal("19.00")),
        rules,
        elasticity=-2.0,
        base_units=10.0,
        competitor_response=response,
    )


def test_the_optimiser_prices_on_the_curve_once_competitors_follow() -> None:
    # Elasticity -2 with competitors giving back 0.5 of it: the held curve is -1.5, whose
    # profit-maximising price is cost x 1.5 / 0.5 = 30, not the day-one 20.
    myopic = optimise_price(_question(0.0), now=NOW, max_candidates=5000)
    following = optimise_price(_question(0.5), now=NOW, max_candidates=5000)
    assert abs(myopic.price - Decimal(20)) <= Decimal("0.01")
    assert abs(following.price - Decimal(30)) <= Decimal("0.01")
    assert "competitors following the move (+0.50 to the elasticity)" in following.reason
    assert "competitor_response" in {f.name for f in following.explanation().factors}
    assert "competitors following" not in myopic.reason


def test_the_response_leaves_demand_at_the_current_price_alone() -> None:
    at_current = Decimal("19.00")
    assert outlook(_question(0.5), at_current) == outlook(_question(0.0), at_current)
    assert outlook(_question(0.5), Decimal(25)).units > outlook(_question(0.0), Decimal(25)).units


def test_a_curve_that_rises_once_competitors_follow_holds_the_price() -> None:
    # -0.4 + 0.5: once competitors follow, demand would grow with the price, all the way to
    # the cap. That says the estimates are off, not that the cap is the price to charge.
    held = _question(0.5).with_elasticity(-0.4, 0.1)
    quote = optimise_price(held, now=NOW)
    assert quote.price == held.context.current_price
    assert "with competitors following (+0.50) demand would rise with the price" in quote.reason
    assert optimise_price(held.with_elasticity(-0.6, 0.1), now=NOW).price > Decimal(30)
