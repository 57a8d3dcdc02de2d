"""The price that serves the shop's objective best, among the prices the guardrails allow.

Demand follows the elasticity model: ``units(p) = base * (p / ref)^e`` per day, averaged over
the elasticity's normal posterior (``exp(mean x + sd² x² / 2)`` with ``x = log(p / ref)``), so
an uncertain elasticity is not read as a sure one. Where competitors follow our moves,
demand is that of a price held until they have: times ``(p / current)^r``, ``r`` the
question's ``competitor_response``. Stock caps what sells before the next delivery
(``stock_days``): a product that would sell out early sells ``stock / stock_days`` a day
whatever its price, which is why scarce stock raises the price. Holding cost is charged on
the average stock over those days, so overstock lowers it.

Objectives (:class:`Objective`): ``profit`` per day (default); ``revenue`` per day;
``sell_through`` (the most profitable price that sells the stock within
``Goal.clear_within_days``, or the one selling most when none does); ``share_at_margin_floor``
(the most units while the margin stays at or above ``Goal.margin_floor``).

Candidates are the prices on the shop's ending grid inside the interval the guardrails allow
now (:func:`~.guardrails.price_bounds`), thinned to ``max_candidates``; each is passed through
:func:`~.guardrails.apply_guardrails`, so only prices it returns are ever compared. Revenue and
profit are expected values per day, excluding VAT, as floats: they are estimates, and the
price itself stays a ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from shopkeeper.ai.pricing.guardrails import (
    PriceBounds,
    apply_guardrails,
    grid_down,
    grid_up,
    price_bounds,
)
from shopkeeper.ai.pricing.quote_reason import Outlook, PriceQuote, describe
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.price_guard import GuardedPrice
from shopkeeper.domain.pricing import PriceLock, PricingContext, PricingRules, RangePrice

Array = NDArray[np.float64]

# Enough for a price's allowed interval on a .99 grid up to ~150 EUR at 5% per update; wider
# intervals are thinned evenly (a step of 0.1-0.3% of the price costs a negligible share of
# a concave objective), which keeps a quote to about a dozen guardrail checks.
MAX_CANDIDATES = 15


class Objective(StrEnum):
    PROFIT = "profit"
    REVENUE = "revenue"
    SELL_THROUGH = "sell_through"
    SHARE_AT_MARGIN_FLOOR = "share_at_margin_floor"


@dataclass(frozen=True, slots=True)
class Goal:
    """What to maximise; ``clear_within_days`` for ``sell_through`` (default: the question's
    ``stock_days``), ``margin_floor`` for ``share_at_margin_floor`` (default: the rules'
    minimum margin)."""

    objective: Objective = Objective.PROFIT
    clear_within_days: float | None = None
    margin_floor: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PriceQuestion:
    """One product to price: its guardrail inputs, its demand and its stock.

    ``base_units`` is the expected units per day at ``reference_price`` (``None``: the current
    price); ``stock`` the units on hand, which must last ``stock_days`` (until the next
    delivery; either ``None``: stock is no limit); ``holding_cost`` per unit and day;
    ``competitor_response`` what competitors following a move add to the elasticity of a
    price held (:meth:`~.competitor_response.CompetitorResponse.elasticity`; 0: they stand
    still).
    """

    context: PricingContext
    rules: PricingRules
    elasticity: float
    base_units: float
    elasticity_sd: float = 0.0
    reference_price: Decimal | None = None
    stock: float | None = None
    stock_days: float | None = None
    holding_cost: Decimal = Decimal(0)
    competitor_prices: tuple[Decimal, ...] = ()
    competitor_response: float = 0.0
    locks: tuple[PriceLock, ...] = ()
    range_prices: tuple[RangePrice, ...] = ()

    def with_elasticity(self, elasticity: float, sd: float = 0.0) -> PriceQuestion:
        """The same question under another elasticity (a Thompson draw, the truth)."""
        return replace(self, elasticity=elasticity, elasticity_sd=sd)


@dataclass(frozen=True, slots=True)
class Candidates:
    """The allowed prices compared (the guarded current price first) and the interval."""

    prices: tuple[GuardedPrice, ...]
    bounds: PriceBounds


def candidate_prices(
    question: PriceQuestion, now: datetime, *, max_candidates: int = MAX_CANDIDATES
) -> Candidates:
    """Allowed prices around the current one: the ending grid inside the guardrails' interval.

    Raises :class:`~shopkeeper.domain.price_guard.PriceRefusedError` when the price is locked
    or no price is allowed.
    """
    ctx, rules = question.context, question.rules

    def guard(wanted: Decimal) -> GuardedPrice:
        return apply_guardrails(
            wanted, ctx, rules, question.locks, now, range_prices=question.range_prices
        )

    stay = guard(ctx.current_price)
    bounds = price_bounds(ctx, rules, question.range_prices)
    low, high = grid_up(bounds.lower.value, rules), grid_down(bounds.upper.value, rules)
    step = rules.ending_grid[0]
    wanted: list[Decimal] = []
    if high is not None and low <= high:
        count = int((high - low) / step) + 1
        if count <= max_candidates:
            wanted = [low + i * step for i in range(count)]
        else:
            spread = np.linspace(0, count - 1, max_candidates).round().astype(int)
            wanted = [low + int(i) * step for i in spread]
    seen = {stay.price}
    prices = [stay]
    for w in wanted:
        if w not in seen:
            guarded = guard(w)
            if guarded.price not in seen:
                seen.add(guarded.price)
                prices.append(guarded)
    return Candidates(tuple(prices), bounds)


def _horizon(question: PriceQuestion, goal: Goal) -> float | None:
    if goal.objective is Objective.SELL_THROUGH:
        days = goal.clear_within_days or question.stock_days
        if days is None or days <= 0 or question.stock is None:
            raise InvalidInputError(
                "sell_through needs stock and a positive number of days to clear it"
            )
        return float(days)
    if question.stock is None or question.stock_days is None or question.stock_days <= 0:
        return None
    return float(question.stock_days)


def outlooks(
    question: PriceQuestion, prices: Array, horizon: float | None
) -> tuple[Array, Array, Array]:
    """Expected units sold, revenue and profit per day at each price (net of VAT)."""
    ref = float(question.reference_price or question.context.current_price)
    x = np.log(prices / ref)
    sd = question.elasticity_sd
    # Competitors follow a move away from the current price, not from the reference.
    moved = np.log(prices / float(question.context.current_price))
    demand = question.base_units * np.exp(
        question.elasticity * x + 0.5 * (sd * x) ** 2 + question.competitor_response * moved
    )
    rules = question.rules
    net = prices / (1 + float(rules.vat_rate)) if rules.prices_include_vat else prices
    holding = np.zeros_like(prices)
    sold = demand
    if horizon is not None and question.stock is not None:
        stock = max(question.stock, 0.0)
        out_at = np.minimum(horizon, stock / np.maximum(demand, 1e-12))
        sold = demand * out_at / horizon
        holding = (
            float(question.holding_cost) * (2 * stock - demand * out_at) * out_at / (2 * horizon)
        )
    revenue = net * sold
    return sold, revenue, (net - float(question.context.cost)) * sold - holding


def outlook(question: PriceQuestion, price: Decimal, goal: Goal = Goal()) -> Outlook:
    """Expected units, revenue and profit per day at one price."""
    units, revenue, profit = outlooks(question, np.array([float(price)]), _horizon(question, goal))
    return Outlook(float(units[0]), float(revenue[0]), float(profit[0]))


def objective_values(question: PriceQuestion, goal: Goal, prices: Array) -> Array:
    """What ``goal`` scores at each price; higher is better (comparable within a question)."""
    horizon = _horizon(question, goal)
    units, revenue, profit = outlooks(question, prices, horizon)
    if goal.objective is Objective.PROFIT:
        return profit
    if goal.objective is Objective.REVENUE:
        return revenue
    if goal.objective is Objective.SELL_THROUGH:
        assert horizon is not None
        assert question.stock is not None
        clears = units * horizon >= question.stock - 1e-9
        # Clearing prices rank by profit, above every price that does not clear, which rank
        # by units sold (the closest to clearing).
        spread = float(np.max(np.abs(profit))) + 1.0
        return np.where(clears, profit + 2 * spread, units - float(np.max(units)) - spread)
    rules = question.rules
    net = prices / (1 + float(rules.vat_rate)) if rules.prices_include_vat else prices
    margin = (net - float(question.context.cost)) / net
    floor = float(goal.margin_floor if goal.margin_floor is not None else rules.min_margin)
    return np.where(margin >= floor - 1e-12, units + 1.0 + float(np.max(units)), margin - 1.0)


def rises_with_price(question: PriceQuestion) -> bool:
    """Whether the question's elasticity, with competitors following, says demand rises
    with the price (not priced on).

    Examples
    --------
    >>> from shopkeeper.domain.pricing import PricingContext, PricingRules
    >>> ctx = PricingContext("MUG-1", cost=Decimal("8"), current_price=Decimal("24.99"))
    >>> q = PriceQuestion(ctx, PricingRules("EUR"), elasticity=0.4, base_units=3.0)
    >>> rises_with_price(q), rises_with_price(q.with_elasticity(-1.2))
    (True, False)
    >>> rises_with_price(replace(q.with_elasticity(-0.2), competitor_response=0.3))
    True
    """
    return question.elasticity + question.competitor_response >= 0


def _best(question: PriceQuestion, prices: Array, scores: Array) -> int:
    """The best score's index; near-ties go to the price closest to the current one."""
    best = float(np.max(scores))
    tolerance = 1e-9 * max(1.0, abs(best))
    current = float(question.context.current_price)
    near = np.flatnonzero(scores >= best - tolerance)
    return int(min(near, key=lambda i: (abs(prices[i] - current), prices[i])))


def best_candidate(question: PriceQuestion, goal: Goal, candidates: Candidates) -> GuardedPrice:
    """The candidate :func:`optimise_price` would choose, without building its quote."""
    prices = np.array([float(g.price) for g in candidates.prices])
    return candidates.prices[_best(question, prices, objective_values(question, goal, prices))]


def optimise_price(
    question: PriceQuestion,
    goal: Goal = Goal(),
    *,
    now: datetime,
    candidates: Candidates | None = None,
    max_candidates: int = MAX_CANDIDATES,
) -> PriceQuote:
    """The allowed price that scores best for ``goal``, its expected effect and its reason.

    Ties go to the price closest to the current one. Raises
    :class:`~shopkeeper.domain.price_guard.PriceRefusedError` when the guardrails allow no
    price (a lock, conflicting rules).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> q = PriceQuestion(
    ...     PricingContext("MUG-1", cost=Decimal("8"), current_price=Decimal("24.99")),
    ...     PricingRules("EUR", ending=".99", prices_include_vat=False,
    ...                  max_change_per_update=Decimal("0.05")),
    ...     elasticity=-1.4, elasticity_sd=0.3, base_units=10.0,
    ...     stock=400.0, stock_days=30.0)
    >>> quote = optimise_price(q, now=datetime(2026, 5, 1, tzinfo=UTC))
    >>> quote.price, round(quote.expected.profit - quote.at_current.profit, 2)
    (Decimal('25.99'), 0.4)
    >>> quote.reason
    'elasticity -1.40 ±0.30: a 4.0% rise to 25.99 loses 5.3% of units but gains 0.40 EUR/day profit; the limit of 5% from the current price 24.99 holds it there; stock covers 42 days'
    """
    found = candidates or candidate_prices(question, now, max_candidates=max_candidates)
    upward = rises_with_price(question)
    if upward:
        # Every objective would ride an upward-sloping curve to the cap. Sales that say so
        # come from too little price variation (or a demand shift at a price change), not
        # from a product people buy more of because it costs more: the price stays where the
        # guardrails allow it, and price tests (drawn below zero) measure the real slope.
        found = Candidates(found.prices[:1], found.bounds)
    prices = np.array([float(g.price) for g in found.prices])
    scores = objective_values(question, goal, prices)
    chosen = _best(question, prices, scores)
    tolerance = 1e-9 * max(1.0, abs(float(scores[chosen])))
    current = float(question.context.current_price)
    guarded = found.prices[chosen]
    # Would the objective keep improving one grid step further out? Then a guardrail binds.
    step = float(question.rules.ending_grid[0])
    edge = None
    if prices[chosen] == prices.max() and prices[chosen] > current:
        beyond = objective_values(question, goal, np.array([prices[chosen] + step]))[0]
        edge = found.bounds.upper if beyond > scores[chosen] + tolerance else None
    elif prices[chosen] == prices.min() and prices[chosen] < current and prices[chosen] > step:
        beyond = objective_values(question, goal, np.array([prices[chosen] - step]))[0]
        edge = found.bounds.lower if beyond > scores[chosen] + tolerance else None
    return describe(
        question=question,
        goal=goal.objective.value,
        guarded=guarded,
        expected=outlook(question, guarded.price, goal),
        at_current=outlook(question, question.context.current_price, goal),
        binding=edge.limit if edge is not None else None,
        candidates=len(prices),
        upward=upward,
    )
