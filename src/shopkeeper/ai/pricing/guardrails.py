"""Guardrails every quoted price passes: the one place they are enforced.

Order of application, and why:

1. **Price lock** (manual, clearance, promotion): a running lock refuses the quote outright,
   before anything else, since no other rule can make a change acceptable.
2. **Rounding** of the wanted price to the currency's minor unit (half to even, as
   :class:`~shopkeeper.core.money.Money`). It comes first, not last, because every bound below
   is itself rounded *inward* onto that grid (a lower bound up, an upper bound down), so
   rounding can never push a price across a bound afterwards.
3. **Value bounds**: minimum margin over cost (on the price excluding VAT when the shop's
   prices include it), the absolute floor and cap, and the brand tier of the product's range
   (never below a lower tier, never above a higher one). They say what the price may be,
   whatever it was before.
4. **Change limits**: per update (from the current price) and per day (from the day's opening
   price). They say how far it may move. 3 and 4 are intersected into one interval; when it is
   empty the quote is refused naming both rules (``rule`` is the later one in this order,
   ``conflicts_with`` the earlier): e.g. a cost rise whose margin needs more than the daily
   change allows. A product is never moved part of the way to a bound it cannot reach.
5. **Price ending** (``.99``, ``.90``, ``9``...): the allowed price nearest the wanted one is
   chosen among the endings *inside* the interval, so the re-check after the ending is built
   in: if the nearer ending (say 12.99) falls below the margin, the next one up (13.99) is
   taken, and if no ending lies in the interval the quote is refused with the ending rule.

The result is the allowed price closest to the wanted one (ties: the one closer to the
current price, then the lower), so guarding a guarded price returns it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.price_guard import (
    RULE_ORDER,
    Adjustment,
    GuardedPrice,
    GuardrailRule,
    PriceRefusedError,
)
from shopkeeper.domain.pricing import (
    PriceLock,
    PricingContext,
    PricingRules,
    RangePrice,
    decimal_field,
    format_share,
)


@dataclass(frozen=True, slots=True)
class Bound:
    """One side of the allowed interval: its value on the currency grid and who set it."""

    value: Decimal
    rule: GuardrailRule
    aim: str  # completes "raised to X to ...", e.g. "keep a 25% margin over cost 9.99"
    limit: str  # names the rule in a conflict, e.g. "the 25% margin over cost 9.99"


@dataclass(frozen=True, slots=True)
class PriceBounds:
    """The interval of allowed prices before the ending: ``lower.value <= price <= upper.value``.

    Examples
    --------
    >>> ctx = PricingContext("TEE-1", cost=Decimal("9.99"), current_price=Decimal("13.00"))
    >>> rules = PricingRules("EUR", min_margin=Decimal("0.2"), prices_include_vat=False)
    >>> b = price_bounds(ctx, rules)
    >>> (b.lower.value, b.lower.rule.value), (b.upper.value, b.upper.rule.value)
    ((Decimal('12.49'), 'min_margin'), (Decimal('14.30'), 'max_change_per_update'))
    """

    lower: Bound
    upper: Bound


def _ceil(x: Decimal, quantum: Decimal) -> Decimal:
    return x.quantize(quantum, rounding=ROUND_CEILING)


def _floor(x: Decimal, quantum: Decimal) -> Decimal:
    return x.quantize(quantum, rounding=ROUND_FLOOR)


def grid_up(x: Decimal, rules: PricingRules) -> Decimal:
    """The smallest positive price on the ending grid at or above ``x``."""
    step, tail = rules.ending_grid
    k = ((x - tail) / step).to_integral_value(rounding=ROUND_CEILING)
    price = tail + max(k, Decimal(0)) * step
    return _floor(price + step if price <= 0 else price, rules.quantum)


def grid_down(x: Decimal, rules: PricingRules) -> Decimal | None:
    """The largest positive price on the ending grid at or below ``x`` (``None``: there is none)."""
    step, tail = rules.ending_grid
    k = ((x - tail) / step).to_integral_value(rounding=ROUND_FLOOR)
    price = tail + k * step
    return _floor(price, rules.quantum) if price > 0 else None


def _margin_bound(context: PricingContext, rules: PricingRules) -> Bound:
    vat = rules.vat_rate if rules.prices_include_vat else Decimal(0)
    gross_cost = context.cost * (1 + vat)
    keep = 1 - rules.min_margin
    low = _ceil(gross_cost / keep, rules.quantum)
    # The division is rounded to 28 digits; the exact test is price * (1 - margin) >= cost.
    while low * keep < gross_cost:
        low += rules.quantum
    pct = format_share(rules.min_margin)
    vat_note = f" ({format_share(vat)} VAT excluded)" if vat else ""
    what = f"{pct} margin over cost {context.cost}{vat_note}"
    return Bound(low, GuardrailRule.MARGIN, f"keep a {what}", f"the {what}")


def _change_bounds(
    rule: GuardrailRule, share: Decimal, base: Decimal, label: str, q: Decimal
) -> tuple[Bound, Bound]:
    # Shown in the currency's unit: a price read from the database carries 4 decimals.
    shown = base.quantize(q)
    aim = f"move at most {format_share(share)} {label} {shown}"
    limit = f"the limit of {format_share(share)} {label} {shown}"
    low = _ceil(max(base * (1 - share), Decimal(0)), q)
    return Bound(low, rule, aim, limit), Bound(_floor(base * (1 + share), q), rule, aim, limit)


def _tier_bounds(
    context: PricingContext, range_prices: Iterable[RangePrice], q: Decimal
) -> tuple[list[Bound], list[Bound]]:
    if context.range_id is None or context.tier is None:
        return [], []
    same = [p for p in range_prices if p.range_id == context.range_id and p.sku != context.sku]
    below = [p for p in same if p.tier < context.tier]
    above = [p for p in same if p.tier > context.tier]
    lows, highs = [], []
    if below:
        top = max(below, key=lambda p: p.price)
        what = (
            f"{top.sku} ({top.price.quantize(q)}), a lower brand tier of range {context.range_id}"
        )
        lows.append(
            Bound(
                _ceil(top.price, q),
                GuardrailRule.TIER,
                f"stay at or above {what}",
                f"the brand tier (at or above {what})",
            )
        )
    if above:
        bottom = min(above, key=lambda p: p.price)
        what = f"{bottom.sku} ({bottom.price.quantize(q)}), a higher brand tier of range {context.range_id}"
        highs.append(
            Bound(
                _floor(bottom.price, q),
                GuardrailRule.TIER,
                f"stay at or below {what}",
                f"the brand tier (at or below {what})",
            )
        )
    return lows, highs


def price_bounds(
    context: PricingContext, rules: PricingRules, range_prices: Iterable[RangePrice] = ()
) -> PriceBounds:
    """The interval steps 3 and 4 allow, or :class:`PriceRefusedError` when it is empty."""
    q = rules.quantum
    lows = [_margin_bound(context, rules)]
    highs: list[Bound] = []
    if rules.floor is not None:
        f = rules.floor
        lows.append(Bound(f, GuardrailRule.FLOOR, f"respect the floor of {f}", f"the floor of {f}"))
    if rules.cap is not None:
        c = rules.cap
        highs.append(Bound(c, GuardrailRule.CAP, f"respect the cap of {c}", f"the cap of {c}"))
    tier_lows, tier_highs = _tier_bounds(context, range_prices, q)
    lows += tier_lows
    highs += tier_highs
    for rule, share, base, label in (
        (
            GuardrailRule.MAX_CHANGE_UPDATE,
            rules.max_change_per_update,
            context.current_price,
            "from the current price",
        ),
        (
            GuardrailRule.MAX_CHANGE_DAY,
            rules.max_change_per_day,
            context.opening_price,
            "a day from the opening price",
        ),
    ):
        low, high = _change_bounds(rule, share, base, label, q)
        lows.append(low)
        highs.append(high)
    # max/min keep the first of equal bounds, and the lists follow RULE_ORDER: ties are
    # attributed to the earlier rule.
    lower = max(lows, key=lambda b: b.value)
    upper = min(highs, key=lambda b: b.value)
    if lower.value > upper.value:
        first, later = sorted((lower, upper), key=lambda b: RULE_ORDER.index(b.rule))
        raise PriceRefusedError(
            f"no price for {context.sku} satisfies both {lower.limit}, which needs at least "
            f"{lower.value}, and {upper.limit}, which allows at most {upper.value}",
            rule=later.rule,
            conflicts_with=first.rule,
            sku=context.sku,
        )
    return PriceBounds(lower, upper)


def active_lock(sku: str, locks: Iterable[PriceLock], now: datetime) -> PriceLock | None:
    """The lock on ``sku`` running at ``now`` that ends last (open-ended first), if any."""
    running = [lock for lock in locks if lock.sku == sku and lock.is_active(now)]
    if not running:
        return None
    return max(running, key=lambda lock: (lock.until is None, lock.until or now))


def apply_guardrails(
    wanted: Decimal,
    context: PricingContext,
    rules: PricingRules,
    locks: Iterable[PriceLock],
    now: datetime,
    *,
    range_prices: Sequence[RangePrice] = (),
) -> GuardedPrice:
    """The allowed price closest to ``wanted`` and the rules that moved it.

    ``range_prices`` are the prices of the other products of the context's range (for the
    brand-tier rule). Raises :class:`~shopkeeper.domain.price_guard.PriceRefusedError` (code
    ``guardrail``) naming the blocking rule when no price is allowed.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> ctx = PricingContext("TEE-1", cost=Decimal("9.99"), current_price=Decimal("13.00"))
    >>> rules = PricingRules("EUR", min_margin=Decimal("0.2"), ending=".99",
    ...                      prices_include_vat=False)
    >>> g = apply_guardrails(Decimal("11.50"), ctx, rules, [], datetime(2026, 5, 1, tzinfo=UTC))
    >>> g.price
    Decimal('12.99')
    >>> [a.reason for a in g.adjustments]
    ['raised to 12.49 to keep a 20% margin over cost 9.99',
     'raised to 12.99 to end in .99 (11.99 would break the 20% margin over cost 9.99)']
    """
    wanted = decimal_field("wanted", wanted)
    if now.utcoffset() is None:
        raise InvalidInputError("now must be timezone-aware", field="now")
    lock = active_lock(context.sku, locks, now)
    if lock is not None:
        end = "until it is removed" if lock.until is None else f"until {lock.until.isoformat()}"
        raise PriceRefusedError(
            f"the price of {context.sku} is locked ({lock.reason.value}) {end}",
            rule=GuardrailRule.LOCK,
            sku=context.sku,
            wanted=wanted,
            until=lock.until,
            reason=lock.reason.value,
        )
    try:
        bounds = price_bounds(context, rules, range_prices)
    except PriceRefusedError as refused:
        refused.wanted = wanted
        refused.details["wanted"] = str(wanted)
        raise
    lower, upper = bounds.lower, bounds.upper
    if grid_up(lower.value, rules) > upper.value:
        raise PriceRefusedError(
            f"no price of {context.sku} ends in {rules.ending} between {lower.value} "
            f"({lower.limit}) and {upper.value} ({upper.limit})",
            rule=GuardrailRule.ENDING,
            sku=context.sku,
            wanted=wanted,
        )
    steps: list[Adjustment] = []
    price = wanted.quantize(rules.quantum, rounding=ROUND_HALF_EVEN)
    if price != wanted:
        steps.append(
            Adjustment(
                GuardrailRule.ROUNDING,
                wanted,
                price,
                f"rounded to {price} ({rules.currency} has {rules.minor_units} decimals)",
            )
        )
    for bound, outside in ((lower, price < lower.value), (upper, price > upper.value)):
        if outside:
            verb = "raised" if bound is lower else "lowered"
            steps.append(
                Adjustment(
                    bound.rule, price, bound.value, f"{verb} to {bound.value} to {bound.aim}"
                )
            )
            price = bound.value
    ended = _nearest_ending(price, wanted, context, rules, bounds)
    if ended != price:
        verb = "raised" if ended > price else "lowered"
        reason = f"{verb} to {ended} to end in {rules.ending}"
        other = grid_down(price, rules) if ended > price else grid_up(price, rules)
        inside = other is not None and lower.value <= other <= upper.value
        if other is not None and not inside and abs(other - wanted) <= abs(ended - wanted):
            broken = lower if ended > price else upper
            reason += f" ({other} would break {broken.limit})"
        steps.append(Adjustment(GuardrailRule.ENDING, price, ended, reason))
    return GuardedPrice(context.sku, wanted, ended, rules.currency, tuple(steps))


def _nearest_ending(
    price: Decimal,
    wanted: Decimal,
    context: PricingContext,
    rules: PricingRules,
    bounds: PriceBounds,
) -> Decimal:
    """The ending next to ``price`` (already inside the bounds) that stays inside them."""
    candidates = {grid_up(price, rules), grid_down(price, rules)}
    allowed = [
        c for c in candidates if c is not None and bounds.lower.value <= c <= bounds.upper.value
    ]
    # apply_guardrails checked an ending lies inside, and the interval has no hole: one of the
    # two neighbours of a price inside it is inside too.
    return min(
        allowed,
        key=lambda c: (abs(c - wanted), abs(c - context.current_price), c),
    )
