"""What guarding a price returns: the price, the rules that moved it, or the rule that refused it.

These live in the domain, not beside the algorithm, so the audit of price changes (data
layer) and the dashboard can store and show the same rule names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from shopkeeper.core.errors import GuardrailError
from shopkeeper.domain.explanation import Explanation, Factor


class GuardrailRule(StrEnum):
    """One guardrail, named as the audit log and the dashboard show it.

    The declaration order is the order of application (see
    :mod:`shopkeeper.ai.pricing.guardrails`).
    """

    LOCK = "price_lock"
    FAMILY = "family"
    ROUNDING = "rounding"
    MARGIN = "min_margin"
    FLOOR = "floor"
    CAP = "cap"
    TIER = "brand_tier"
    MAX_CHANGE_UPDATE = "max_change_per_update"
    MAX_CHANGE_DAY = "max_change_per_day"
    ENDING = "price_ending"


RULE_ORDER: tuple[GuardrailRule, ...] = tuple(GuardrailRule)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A rule moved the price from ``before`` to ``after``, for ``reason`` (a sentence)."""

    rule: GuardrailRule
    before: Decimal
    after: Decimal
    reason: str


@dataclass(frozen=True, slots=True)
class GuardedPrice:
    """A price every guardrail accepts, the price that was wanted and what moved it.

    Examples
    --------
    >>> g = GuardedPrice("TEE-1", Decimal("12"), Decimal("12.49"), "EUR", (Adjustment(
    ...     GuardrailRule.MARGIN, Decimal("12.00"), Decimal("12.49"),
    ...     "raised to 12.49 to keep a 20% margin over cost 9.99"),))
    >>> g.moved_by
    (<GuardrailRule.MARGIN: 'min_margin'>,)
    >>> g.explanation().summary
    'TEE-1 at 12.49 EUR (wanted 12): raised to 12.49 to keep a 20% margin over cost 9.99'
    """

    sku: str
    wanted: Decimal
    price: Decimal
    currency: str
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def moved_by(self) -> tuple[GuardrailRule, ...]:
        """The rules that changed the wanted price, in the order they did."""
        return tuple(a.rule for a in self.adjustments)

    def explanation(self) -> Explanation:
        """The reasons as the dashboard shows them next to a proposed price."""
        head = f"{self.sku} at {self.price} {self.currency}"
        if not self.adjustments:
            return Explanation(f"{head}, as wanted")
        reasons = "; ".join(a.reason for a in self.adjustments)
        factors = tuple(
            Factor(a.rule.value, float(a.after - a.before), a.reason) for a in self.adjustments
        )
        return Explanation(f"{head} (wanted {self.wanted}): {reasons}", factors)


class PriceRefusedError(GuardrailError):
    """No price satisfies the guardrails; ``rule`` blocked it (``conflicts_with``: the other
    side of a conflict between two rules; ``until``: the end of a lock).

    Examples
    --------
    >>> err = PriceRefusedError("TEE-1 is locked", rule=GuardrailRule.LOCK, sku="TEE-1")
    >>> err.code.value, err.rule.value, err.details["rule"]
    ('guardrail', 'price_lock', 'price_lock')
    """

    def __init__(
        self,
        message: str,
        *,
        rule: GuardrailRule,
        sku: str | None = None,
        wanted: Decimal | None = None,
        conflicts_with: GuardrailRule | None = None,
        until: datetime | None = None,
        **details: Any,
    ) -> None:
        super().__init__(
            message,
            rule=rule.value,
            sku=sku,
            wanted=None if wanted is None else str(wanted),
            conflicts_with=None if conflicts_with is None else conflicts_with.value,
            until=None if until is None else until.isoformat(),
            **details,
        )
        self.rule = rule
        self.sku = sku
        self.wanted = wanted
        self.conflicts_with = conflicts_with
        self.until = until
