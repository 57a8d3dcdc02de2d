"""Families and ranges in a pricing run: variants move together, brand tiers keep their order.

Each product is quoted on its own first (its question already keeps it within its range, at
the other products' current prices). Then, for every family of two or more variants, the
variants' quotes are replaced by :func:`~shopkeeper.ai.pricing.families.guard_family` on
the prices they wanted: one common relative change, within every variant's guardrails. A
family that cannot move together (a locked variant, no change every variant allows) is held
as a whole. Last, the tier order of every range is checked over the prices the run would
leave (:func:`~shopkeeper.ai.pricing.families.check_tier_order`): quotes may each respect
the others' current prices and still cross, e.g. the budget brand rising while the premium
one falls. A range whose order breaks is held as a whole, with the families of its products,
so no family is left half moved; the other products keep their quotes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from shopkeeper.ai.pricing.families import check_tier_order, guard_family
from shopkeeper.ai.pricing.optimiser import Goal, PriceQuestion, outlook
from shopkeeper.ai.pricing.quote_reason import PriceQuote, describe
from shopkeeper.domain.price_guard import GuardedPrice, GuardrailRule, PriceRefusedError
from shopkeeper.domain.pricing import RangePrice


def refusal(error: PriceRefusedError) -> str:
    """How a run reports a refused product: the rule, then its message."""
    return f"{error.rule.value}: {error.message}"


@dataclass(frozen=True)
class AlignedQuotes:
    """The quotes a run keeps once families and ranges agree, and the products held back
    (sku -> rule and reason).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal
    >>> from shopkeeper.ai.pricing.optimiser import optimise_price
    >>> from shopkeeper.domain.pricing import PricingContext, PricingRules
    >>> rules = PricingRules("EUR", prices_include_vat=False)
    >>> now = datetime(2026, 5, 1, tzinfo=UTC)
    >>> tees = [PriceQuestion(PricingContext(sku, cost=Decimal("8"), current_price=Decimal(p),
    ...                                      family_id="tee"), rules, elasticity=e, base_units=5.0)
    ...         for sku, p, e in (("TEE-S", "20.00", -1.2), ("TEE-M", "22.00", -1.2),
    ...                           ("TEE-L", "30.00", -6.0))]
    >>> own = [optimise_price(q, now=now) for q in tees]
    >>> [str(q.price) for q in own]  # alone, the large one would fall 10%
    ['22.00', '24.20', '27.00']
    >>> aligned = align_families_and_ranges(own, tees, Goal(), now)
    >>> [str(q.price) for q in aligned.quotes], aligned.refused
    (['22.00', '24.20', '33.00'], {})
    >>> aligned.quotes[2].reason.split("; ")[-1]
    'set to 33.00 to move +10% with family tee (3 variants move together)'
    """

    quotes: tuple[PriceQuote, ...]
    refused: dict[str, str]


def align_families_and_ranges(
    quotes: Sequence[PriceQuote],
    questions: Sequence[PriceQuestion],
    goal: Goal,
    now: datetime,
) -> AlignedQuotes:
    """Move each family's variants together and hold the ranges whose tier order breaks.

    ``questions`` are every product of the run, refused ones included (a family with a
    locked variant does not move at all); ``quotes`` their quotes, in the run's order.
    """
    by_sku = {q.context.sku: q for q in questions}
    kept = {q.sku: q for q in quotes}
    refused: dict[str, str] = {}
    families: defaultdict[str, list[PriceQuestion]] = defaultdict(list)
    for question in questions:
        if question.context.family_id is not None:
            families[question.context.family_id].append(question)
    ranges = tuple(
        RangePrice(c.sku, c.range_id, c.tier, c.current_price)
        for c in (q.context for q in questions)
        if c.range_id is not None and c.tier is not None
    )
    for family, variants in sorted(families.items()):
        if len(variants) > 1:
            _move_family(family, variants, kept, refused, goal, now, ranges)
    _hold_broken_ranges(by_sku, families, kept, refused)
    return AlignedQuotes(tuple(kept[q.sku] for q in quotes if q.sku in kept), refused)


def _move_family(
    family: str,
    variants: list[PriceQuestion],
    kept: dict[str, PriceQuote],
    refused: dict[str, str],
    goal: Goal,
    now: datetime,
    ranges: tuple[RangePrice, ...],
) -> None:
    wanted = {q.context.sku: kept[q.context.sku].price for q in variants if q.context.sku in kept}
    if not wanted:
        return  # every variant was refused on its own, and says why
    own_ranges = {q.context.range_id for q in variants}
    try:
        guarded = guard_family(
            wanted,
            [q.context for q in variants],
            {q.context.sku: q.rules for q in variants},
            [lock for q in variants for lock in q.locks],
            now,
            # Only the family's own ranges: guard_family checks the order of every range it
            # is given, and an order broken elsewhere must not hold this family.
            range_prices=[p for p in ranges if p.range_id in own_ranges],
        )
    except PriceRefusedError as error:
        _hold((q.context.sku for q in variants), refusal(error), kept, refused)
        return
    for question in variants:
        sku = question.context.sku
        kept[sku] = _family_quote(question, guarded[sku], family, len(variants), goal)


def _family_quote(
    question: PriceQuestion, guarded: GuardedPrice, family: str, size: int, goal: Goal
) -> PriceQuote:
    """The variant's quote at its family's price, its reason saying it moved with the family."""
    quote = describe(
        question=question,
        goal=goal.objective.value,
        guarded=guarded,
        expected=outlook(question, guarded.price, goal),
        at_current=outlook(question, question.context.current_price, goal),
        binding=None,
        candidates=1,
    )
    if guarded.price == question.context.current_price:
        return quote
    steps = [a.reason for a in guarded.adjustments]
    if GuardrailRule.FAMILY not in guarded.moved_by:
        # Its own quote was the family's change: say so, the reason must not read as solo.
        steps.insert(0, f"moves with family {family}")
    note = f"{'; '.join(steps)} ({size} variants move together)"
    return replace(quote, reason=f"{quote.reason}; {note}")


def _hold_broken_ranges(
    by_sku: dict[str, PriceQuestion],
    families: dict[str, list[PriceQuestion]],
    kept: dict[str, PriceQuote],
    refused: dict[str, str],
) -> None:
    """Hold every range whose tier order the run's prices break, until none does."""
    while True:
        members: defaultdict[str, list[RangePrice]] = defaultdict(list)
        for sku, question in by_sku.items():
            c = question.context
            if c.range_id is not None and c.tier is not None:
                price = kept[sku].price if sku in kept else c.current_price
                members[c.range_id].append(RangePrice(sku, c.range_id, c.tier, price))
        broken = _first_broken(members, kept)
        if broken is None:
            return
        entries, error = broken
        why = refusal(error)
        held = [e.sku for e in entries]
        _hold(held, why, kept, refused)
        for sku in held:
            family = by_sku[sku].context.family_id
            if family is not None and len(families[family]) > 1:
                others = [q.context.sku for q in families[family] if q.context.sku not in held]
                _hold(
                    others,
                    f"{why} (held with {sku}: family {family} moves together)",
                    kept,
                    refused,
                )


def _first_broken(
    members: dict[str, list[RangePrice]], kept: dict[str, PriceQuote]
) -> tuple[list[RangePrice], PriceRefusedError] | None:
    """The first range (by name) with a change of this run whose tier order breaks."""
    for range_id in sorted(members):
        entries = members[range_id]
        if not any(_moves(kept.get(e.sku)) for e in entries):
            continue  # no change of this run in it: an order broken before is the owner's
        try:
            check_tier_order(entries)
        except PriceRefusedError as error:
            return entries, error
    return None


def _moves(quote: PriceQuote | None) -> bool:
    return quote is not None and quote.price != quote.current_price


def _hold(
    skus: Iterable[str], why: str, kept: dict[str, PriceQuote], refused: dict[str, str]
) -> None:
    """Drop the quotes of ``skus`` (they keep their price); a refusal of their own stays."""
    for sku in skus:
        kept.pop(sku, None)
        refused.setdefault(sku, why)
