"""Range and family consistency: variants move together, brand tiers keep their order.

A *family* is the variants of one product (sizes, colours): they take one relative change so
their price ladder keeps its shape. A *range* groups comparable products of different brands,
each with a tier rank (higher is more premium): a higher tier is never priced below a lower
one. Each variant's price still passes every guardrail of :mod:`.guardrails`; the ending can
shift a variant by less than one ending step from the family's common change.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from shopkeeper.ai.pricing.guardrails import (
    active_lock,
    apply_guardrails,
    grid_down,
    grid_up,
    price_bounds,
)
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.price_guard import Adjustment, GuardedPrice, GuardrailRule, PriceRefusedError
from shopkeeper.domain.pricing import PriceLock, PricingContext, PricingRules, RangePrice


def _signed(ratio: Decimal) -> str:
    change = ((ratio - 1) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    return f"{'+' if change >= 0 else ''}{change.normalize():f}%"


def check_tier_order(prices: Iterable[RangePrice]) -> None:
    """Refuse (rule ``brand_tier``) when a higher tier is priced below a lower one in a range.

    Examples
    --------
    >>> check_tier_order([RangePrice("OIL-B", "oil-1l", 0, Decimal("6.99")),
    ...                   RangePrice("OIL-P", "oil-1l", 1, Decimal("9.99"))])
    >>> check_tier_order([RangePrice("OIL-B", "oil-1l", 0, Decimal("6.99")),
    ...                   RangePrice("OIL-P", "oil-1l", 1, Decimal("5.99"))])
    Traceback (most recent call last):
    ...
    shopkeeper.domain.price_guard.PriceRefusedError: OIL-P (tier 1) at 5.99 would be below OIL-B (tier 0) at 6.99 in range oil-1l: a higher brand tier is never priced below a lower one
    """
    by_range: defaultdict[str, list[RangePrice]] = defaultdict(list)
    for entry in prices:
        by_range[entry.range_id].append(entry)
    for range_id, entries in by_range.items():
        dearest_below: RangePrice | None = None
        for tier in sorted({e.tier for e in entries}):
            group = [e for e in entries if e.tier == tier]
            for entry in group:
                if dearest_below is not None and entry.price < dearest_below.price:
                    raise PriceRefusedError(
                        f"{entry.sku} (tier {tier}) at {entry.price} would be below "
                        f"{dearest_below.sku} (tier {dearest_below.tier}) at "
                        f"{dearest_below.price} in range {range_id}: a higher brand tier is "
                        "never priced below a lower one",
                        rule=GuardrailRule.TIER,
                        sku=entry.sku,
                    )
            top = max(group, key=lambda e: e.price)
            if dearest_below is None or top.price > dearest_below.price:
                dearest_below = top


def guard_family(
    wanted: Mapping[str, Decimal],
    contexts: Sequence[PricingContext],
    rules: PricingRules | Mapping[str, PricingRules],
    locks: Iterable[PriceLock],
    now: datetime,
    *,
    range_prices: Sequence[RangePrice] = (),
) -> dict[str, GuardedPrice]:
    """Move the variants of one family by one relative change, within every guardrail.

    The common change is the median of the wanted changes (one odd quote does not drag the
    family), narrowed to what every variant allows; variants without a wanted price follow it.
    ``rules`` is one set for all or one per sku (overrides may differ). Refused when a variant
    is locked, when no common change suits every variant (rule ``family``), or when the new
    prices break the tier order of a range (rule ``brand_tier``).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> tees = [PricingContext(f"TEE-{s}", cost=Decimal("8"), current_price=p, family_id="tee")
    ...         for s, p in (("S", Decimal("19.99")), ("XL", Decimal("21.99")))]
    >>> rules = PricingRules("EUR", ending=".99", max_change_per_update=Decimal("0.2"))
    >>> out = guard_family({"TEE-S": Decimal("21.50")}, tees, rules, [],
    ...                    datetime(2026, 5, 1, tzinfo=UTC))
    >>> out["TEE-S"].price, out["TEE-XL"].price
    (Decimal('21.99'), Decimal('23.99'))
    >>> out["TEE-XL"].adjustments[0].reason
    'set to 23.65 to move +7.6% with family tee'

    """
    if not contexts:
        raise InvalidInputError("a family needs at least one variant")
    by_sku = {c.sku: c for c in contexts}
    families = {c.family_id for c in contexts}
    if len(by_sku) != len(contexts) or len(families) != 1 or None in families:
        raise InvalidInputError("variants must have distinct skus and one common family_id")
    family = contexts[0].family_id
    unknown = sorted(set(wanted) - set(by_sku))
    if not wanted or unknown:
        raise InvalidInputError(f"wanted prices must name variants of the family; got {unknown}")

    def rules_of(sku: str) -> PricingRules:
        if isinstance(rules, PricingRules):
            return rules
        if sku not in rules:
            raise InvalidInputError(f"no pricing rules given for {sku}", sku=sku)
        return rules[sku]

    locks = list(locks)
    for ctx in contexts:
        lock = active_lock(ctx.sku, locks, now)
        if lock is not None:
            until = "until it is removed" if lock.until is None else f"until {lock.until}"
            raise PriceRefusedError(
                f"variants of family {family} move together and {ctx.sku} is locked "
                f"({lock.reason.value}) {until}",
                rule=GuardrailRule.LOCK,
                sku=ctx.sku,
                until=lock.until,
            )

    others = [p for p in range_prices if p.sku not in by_sku]
    ratio = statistics.median(_ratio(wanted[s], by_sku[s].current_price) for s in wanted)
    # The common change must keep every variant inside its own interval (endings included).
    low_sku = high_sku = contexts[0].sku
    low_ratio, high_ratio = Decimal("-Infinity"), Decimal("Infinity")
    for ctx in contexts:
        r = rules_of(ctx.sku)
        bounds = price_bounds(ctx, r, others)
        low = grid_up(bounds.lower.value, r) / ctx.current_price
        high_price = grid_down(bounds.upper.value, r)
        high = Decimal(0) if high_price is None else high_price / ctx.current_price
        if low > low_ratio:
            low_ratio, low_sku = low, ctx.sku
        if high < high_ratio:
            high_ratio, high_sku = high, ctx.sku
    if low_ratio > high_ratio:
        raise PriceRefusedError(
            f"variants of family {family} cannot move together: {low_sku} needs a change of "
            f"at least {_signed(low_ratio)} and {high_sku} allows at most {_signed(high_ratio)}",
            rule=GuardrailRule.FAMILY,
            sku=low_sku,
        )
    ratio = min(max(ratio, low_ratio), high_ratio)

    guarded: dict[str, GuardedPrice] = {}
    for ctx in contexts:
        r = rules_of(ctx.sku)
        own = wanted.get(ctx.sku, ctx.current_price)
        target = (ctx.current_price * ratio).quantize(r.quantum, rounding=ROUND_HALF_EVEN)
        result = apply_guardrails(target, ctx, r, locks, now, range_prices=others)
        steps = result.adjustments
        if target != own:
            reason = f"set to {target} to move {_signed(ratio)} with family {family}"
            steps = (Adjustment(GuardrailRule.FAMILY, own, target, reason), *steps)
        guarded[ctx.sku] = GuardedPrice(ctx.sku, own, result.price, r.currency, steps)

    in_ranges = [
        RangePrice(c.sku, c.range_id, c.tier, guarded[c.sku].price)
        for c in contexts
        if c.range_id is not None and c.tier is not None
    ]
    check_tier_order([*others, *in_ranges])
    return guarded


def _ratio(price: Decimal, base: Decimal) -> Decimal:
    """``price / base``, refusing a wanted price that is not a positive Decimal."""
    if not isinstance(price, Decimal) or not price.is_finite() or price <= 0:
        raise InvalidInputError(f"a wanted price must be a positive Decimal; got {price!r}")
    return price / base
