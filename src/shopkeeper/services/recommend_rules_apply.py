"""Business rules on recommendations, the pure part: rule values and how they change a list.

An owner pins, boosts, buries or excludes the products of a sku, a brand or a category,
caps the items per category, may favour margin, and may keep durables a customer already
bought off their lists. :func:`apply_rules` is pure: it takes the model's candidates and
the facts :func:`~shopkeeper.services.recommend_rules.load_rule_context` read, and
returns the chosen items with a note of the rule that changed each one.

Precedence: when several rules match a product, the most specific decides alone
(sku, then brand, then category), as for capability modes. Models score on different
scales (a session similarity, a popularity count), so the candidates' order is the
ranking and rules multiply a rank weight ``1 / (1 + rank)`` rather than the raw score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from statistics import fmean

DEFAULT_MAX_PER_CATEGORY = 3
MAX_PER_CATEGORY_LIMIT = 50
MAX_BOOST = 10.0
PINNED_NOTE = "Pinned by the shop"
PINNED_SOURCE = "rule"


class RuleAction(StrEnum):
    PIN = "pin"
    BOOST = "boost"
    BURY = "bury"
    EXCLUDE = "exclude"


class TargetKind(StrEnum):
    """What a rule aims at, from most to least specific."""

    SKU = "sku"
    BRAND = "brand"
    CATEGORY = "category"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One product a model proposes, best first in the list handed to :func:`apply_rules`.

    Examples
    --------
    >>> Candidate("A1", 0.8, "session", "Because you viewed B2").source
    'session'
    """

    sku: str
    score: float
    source: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ProductFacts:
    """What the rules need to know of a product; ``sellable``: active and not sold out."""

    title: str
    category: str
    brand: str
    price: Decimal
    cost: Decimal | None
    is_consumable: bool
    sellable: bool


@dataclass(frozen=True, slots=True)
class Rule:
    """One owner rule; ``factor`` only for boost (> 1) and bury (< 1).

    Examples
    --------
    >>> Rule(3, RuleAction.BURY, TargetKind.CATEGORY, "Socks", 0.5).note
    'Buried: category Socks'
    >>> Rule(4, RuleAction.PIN, TargetKind.SKU, "A1").note
    'Pinned by the shop'
    """

    id: int
    action: RuleAction
    target_kind: TargetKind
    target_value: str
    factor: float | None = None

    @property
    def note(self) -> str:
        """The words a shopper or an owner reads for what this rule did."""
        if self.action is RuleAction.PIN:
            return PINNED_NOTE
        verb = "Boosted" if self.action is RuleAction.BOOST else "Buried"
        return f"{verb}: {self.target_kind.value} {self.target_value}"


@dataclass(frozen=True, slots=True)
class Policy:
    """The shop-wide choices; the defaults are what a shop gets before it sets any.

    Examples
    --------
    >>> Policy()
    Policy(max_per_category=3, margin_weight=0.0, exclude_bought_durables=True)
    """

    max_per_category: int = DEFAULT_MAX_PER_CATEGORY
    margin_weight: float = 0.0
    exclude_bought_durables: bool = True


@dataclass(frozen=True, slots=True)
class Chosen:
    """A candidate kept by the rules, its final score and the rule that moved it, if any.

    Examples
    --------
    >>> facts = {"A1": ProductFacts("Lamp", "lights", "Acme", Decimal("10"), None, False, True)}
    >>> boost = Rule(1, RuleAction.BOOST, TargetKind.BRAND, "Acme", 2.0)
    >>> [chosen] = apply_rules([Candidate("A1", 0.5, "popularity")], facts, [boost], Policy(), set(), 3)
    >>> chosen.score, chosen.rule_note
    (1.0, 'Boosted: brand Acme')
    """

    candidate: Candidate
    score: float
    rule_id: int | None = None
    rule_note: str | None = None
    pinned: bool = False


def _key(value: str) -> str:
    # Owners type "acme" for the brand the catalogue spells "Acme".
    return value.strip().casefold()


def _rule_for(
    product: ProductFacts, sku: str, by_target: Mapping[tuple[str, str], Rule]
) -> Rule | None:
    for kind, value in (
        (TargetKind.SKU, sku),
        (TargetKind.BRAND, product.brand),
        (TargetKind.CATEGORY, product.category),
    ):
        if value and (rule := by_target.get((kind.value, _key(value)))) is not None:
            return rule
    return None


def _margin_factors(
    skus: Iterable[str], products: Mapping[str, ProductFacts], weight: float
) -> dict[str, float]:
    """``1 - w + w * m`` with ``m`` the margin rate over the best one among the candidates.

    A product without a known cost gets the average of the others: neither rewarded nor
    punished for a missing field.
    """
    if weight == 0.0:
        # Every factor is then exactly 1.0 (the rates are finite): skip the Decimal work,
        # which a shop that does not favour margin would pay on every request.
        return dict.fromkeys(skus, 1.0)
    rates: dict[str, float | None] = {}
    for sku in skus:
        facts = products[sku]
        if facts.cost is None or facts.price <= 0:
            rates[sku] = None
        else:
            rates[sku] = min(1.0, max(0.0, float((facts.price - facts.cost) / facts.price)))
    known = [r for r in rates.values() if r is not None]
    best = max(known, default=0.0)
    normalised = {s: (r / best if best > 0 else 1.0) for s, r in rates.items() if r is not None}
    fallback = fmean(normalised.values()) if normalised else 1.0
    return {s: 1.0 - weight + weight * normalised.get(s, fallback) for s in rates}


def apply_rules(
    candidates: Sequence[Candidate],
    products: Mapping[str, ProductFacts],
    rules: Sequence[Rule],
    policy: Policy,
    bought_durables: set[str] | frozenset[str],
    k: int,
    *,
    exclude: frozenset[str] = frozenset(),
) -> list[Chosen]:
    """At most ``k`` sellable candidates, pins first, at most ``max_per_category`` a category.

    Unknown and unsellable products and excluded ones are dropped; sku pins that no model
    proposed are added. Pins are still held to the category cap and to "already bought"
    (a pinned fridge is not shown to the customer who bought it). ``exclude`` holds what
    the caller must not show whatever the rules say: the product on screen, the cart.
    """
    if k <= 0:
        return []
    by_target = {(r.target_kind.value, _key(r.target_value)): r for r in rules}
    listed = list(candidates) + [
        Candidate(r.target_value, 0.0, PINNED_SOURCE, PINNED_NOTE)
        for r in rules
        if r.action is RuleAction.PIN and r.target_kind is TargetKind.SKU
    ]
    kept: list[tuple[int, Candidate, Rule | None]] = []
    seen: set[str] = set()
    for candidate in listed:
        sku = candidate.sku
        facts = products.get(sku)
        if sku in seen or sku in exclude or facts is None or not facts.sellable:
            continue
        seen.add(sku)
        if policy.exclude_bought_durables and sku in bought_durables and not facts.is_consumable:
            continue
        rule = _rule_for(facts, sku, by_target) if by_target else None
        if rule is not None and rule.action is RuleAction.EXCLUDE:
            continue
        kept.append((len(kept), candidate, rule))

    margins = _margin_factors((c.sku for _, c, _ in kept), products, policy.margin_weight)
    ranked: list[tuple[bool, float, int, Chosen]] = []
    for rank, candidate, rule in kept:
        factor = rule.factor if rule is not None and rule.factor is not None else 1.0
        factor *= margins[candidate.sku]
        pinned = rule is not None and rule.action is RuleAction.PIN
        chosen = Chosen(
            candidate=candidate,
            score=round(candidate.score * factor, 6),
            rule_id=rule.id if rule is not None else None,
            rule_note=rule.note if rule is not None else None,
            pinned=pinned,
        )
        ranked.append((pinned, factor / (1 + rank), rank, chosen))
    ranked.sort(key=lambda entry: (not entry[0], -entry[1], entry[2]))

    result: list[Chosen] = []
    per_category: dict[str, int] = {}
    for _, _, _, chosen in ranked:
        category = _key(products[chosen.candidate.sku].category)
        # Uncategorised products are not one category: capping them would empty a shop
        # that never filled the field in.
        if category:
            if per_category.get(category, 0) >= policy.max_per_category:
                continue
            per_category[category] = per_category.get(category, 0) + 1
        result.append(chosen)
        if len(result) == k:
            break
    return result
