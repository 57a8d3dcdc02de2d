"""What a price quote says: the chosen price, its expected effect, and the reason in one line.

The reason names the drivers a shop owner weighs: the elasticity and how sure it is, what the
move does to units and to the objective, the guardrail that holds the price back, and how
long the stock lasts, e.g. ``elasticity -1.40 ±0.30: a 4.0% rise to 25.99 loses 5.3% of
units but gains 0.40 EUR/day profit; stock covers 42 days``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from shopkeeper.domain.explanation import Explanation, Factor
from shopkeeper.domain.price_guard import GuardedPrice

if TYPE_CHECKING:
    from shopkeeper.ai.pricing.optimiser import PriceQuestion


@dataclass(frozen=True, slots=True)
class Outlook:
    """Expected units sold, revenue and profit per day at one price (revenue net of VAT)."""

    units: float
    revenue: float
    profit: float


@dataclass(frozen=True, slots=True)
class PriceQuote:
    """A price every guardrail allows, what it is expected to do, and why it was chosen.

    ``expected`` is the outlook at ``price``, ``at_current`` at the current price (both per
    day); ``binding`` names the guardrail that stopped the price going further, if one did;
    ``explored``: the price came from a Thompson-sampling draw, not the best estimate;
    ``competitor_response``: what competitors following the move added to the elasticity.

    Examples
    --------
    >>> q = PriceQuote("MUG-1", Decimal("25.99"), Decimal("24.99"), "EUR", "profit", -1.4, 0.3,
    ...                Outlook(9.5, 246.9, 170.9), Outlook(10.0, 249.9, 169.9),
    ...                "elasticity -1.40 ±0.30: ...", GuardedPrice("MUG-1", Decimal("25.99"),
    ...                Decimal("25.99"), "EUR"))
    >>> q.change_pct, q.explanation().factors[0].name
    (4.0, 'elasticity')
    """

    sku: str
    price: Decimal
    current_price: Decimal
    currency: str
    objective: str
    elasticity: float
    elasticity_sd: float
    expected: Outlook
    at_current: Outlook
    reason: str
    guarded: GuardedPrice
    binding: str | None = None
    candidates: int = 1
    cover_days: float | None = None
    explored: bool = False
    competitor_response: float = 0.0

    @property
    def change_pct(self) -> float:
        """The price change in percent of the current price, one decimal."""
        return round(float(self.price / self.current_price - 1) * 100, 1)

    def as_experiment(self, note: str) -> PriceQuote:
        """The same quote marked as an experiment, ``note`` saying why it was tried."""
        return replace(self, explored=True, reason=f"{note}; {self.reason}")

    def explanation(self) -> Explanation:
        """The reason and its drivers as the dashboard shows them."""
        factors = [
            Factor("elasticity", self.elasticity, f"±{self.elasticity_sd:.2f}"),
            Factor("units_change_per_day", self.expected.units - self.at_current.units),
            Factor("profit_change_per_day", self.expected.profit - self.at_current.profit),
            Factor("revenue_change_per_day", self.expected.revenue - self.at_current.revenue),
        ]
        if self.competitor_response:
            factors.append(Factor("competitor_response", self.competitor_response))
        if self.cover_days is not None:
            factors.append(Factor("stock_cover_days", min(self.cover_days, 1e6)))
        factors += list(self.guarded.explanation().factors)
        return Explanation(self.reason, tuple(factors))


def _pct(new: float, old: float) -> float:
    return 0.0 if old <= 0 else (new / old - 1) * 100


def describe(
    *,
    question: PriceQuestion,
    goal: str,
    guarded: GuardedPrice,
    expected: Outlook,
    at_current: Outlook,
    binding: str | None,
    candidates: int,
    upward: bool = False,
) -> PriceQuote:
    """Assemble the quote and its one-line reason; ``upward``: the elasticity says demand
    rises with the price, which the optimiser does not price on."""
    ctx = question.context
    currency = question.rules.currency
    head = f"elasticity {question.elasticity:.2f} ±{question.elasticity_sd:.2f}"
    price, current = guarded.price, ctx.current_price
    if price == current and upward:
        rising = (
            "sales so far show demand rising with the price"
            if question.elasticity >= 0
            else f"with competitors following ({question.competitor_response:+.2f}) demand "
            "would rise with the price"
        )
        parts = [
            f"{head}: {rising}, not a curve to price on; {price} stays until price tests measure it"
        ]
    elif price == current:
        parts = [f"{head}: {price} stays, no allowed price does better for {goal}"]
    else:
        move = f"a {abs(_pct(float(price), float(current))):.1f}% {'rise' if price > current else 'cut'}"
        units = _pct(expected.units, at_current.units)
        units_text = (
            f"loses {-units:.1f}% of units" if units < 0 else f"sells {units:.1f}% more units"
        )
        value = {"revenue": expected.revenue - at_current.revenue}.get(
            goal, expected.profit - at_current.profit
        )
        what = "revenue" if goal == "revenue" else "profit"
        gain = f"{'gains' if value >= 0 else 'gives up'} {abs(value):.2f} {currency}/day {what}"
        joint = "but" if (units < 0) == (value >= 0) else "and"
        parts = [f"{head}: {move} to {price} {units_text} {joint} {gain}"]
        if question.competitor_response:
            parts.append(
                f"counting competitors following the move "
                f"({question.competitor_response:+.2f} to the elasticity)"
            )
    if binding is not None:
        parts.append(f"{binding} holds it there")
    cover = None
    if question.stock is not None:
        cover = question.stock / expected.units if expected.units > 0 else float("inf")
        parts.append(
            "no sales expected to draw the stock down"
            if cover == float("inf")
            else f"stock covers {cover:.0f} days"
        )
    if question.competitor_prices:
        cheapest = min(question.competitor_prices)
        gap = _pct(float(price), float(cheapest))
        parts.append(
            f"{abs(gap):.0f}% {'above' if gap >= 0 else 'below'} the cheapest competitor ({cheapest})"
        )
    return PriceQuote(
        sku=ctx.sku,
        price=price,
        current_price=current,
        currency=currency,
        objective=goal,
        elasticity=question.elasticity,
        elasticity_sd=question.elasticity_sd,
        expected=expected,
        at_current=at_current,
        reason="; ".join(parts),
        guarded=guarded,
        binding=binding,
        candidates=candidates,
        cover_days=cover,
        competitor_response=question.competitor_response,
    )
