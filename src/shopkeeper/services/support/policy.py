"""A shop's support rules: return window, what cannot be returned, which actions are allowed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.tables import SupportPolicyRow
from shopkeeper.domain.support import SupportAction
from shopkeeper.services import audit


@dataclass(frozen=True)
class SupportPolicy:
    """What the assistant applies; the defaults suit a shop that set nothing.

    Examples
    --------
    >>> policy = SupportPolicy(non_returnable=frozenset({"food"}))
    >>> policy.returnable("Food"), policy.allows(SupportAction.CANCEL)
    (False, True)
    """

    return_window_days: int = 30
    non_returnable: frozenset[str] = frozenset()
    disabled_actions: frozenset[SupportAction] = field(default_factory=frozenset)
    handling_days: int = 1
    delivery_days_min: int = 2
    delivery_days_max: int = 4

    def returnable(self, category: str) -> bool:
        return category.strip().casefold() not in self.non_returnable

    def allows(self, action: SupportAction) -> bool:
        return action not in self.disabled_actions


def load_policy(session: Session, shop_id: int) -> SupportPolicy:
    row = session.scalar(select(SupportPolicyRow).where(SupportPolicyRow.shop_id == shop_id))
    if row is None:
        return SupportPolicy()
    return SupportPolicy(
        return_window_days=row.return_window_days,
        non_returnable=frozenset(c.strip().casefold() for c in row.non_returnable_categories),
        disabled_actions=frozenset(
            SupportAction(name) for name, allowed in row.actions.items() if not allowed
        ),
        handling_days=row.handling_days,
        delivery_days_min=row.delivery_days_min,
        delivery_days_max=row.delivery_days_max,
    )


def save_policy(
    session: Session, clock: Clock, shop_id: int, policy: SupportPolicy, actor: str
) -> None:
    """Store ``policy`` for the shop after checking it makes sense; audit-logged."""
    if not 0 <= policy.return_window_days <= 365:
        raise InvalidInputError("the return window must be between 0 and 365 days")
    if not 0 < policy.delivery_days_min <= policy.delivery_days_max <= 60:
        raise InvalidInputError("delivery days must satisfy 0 < minimum <= maximum <= 60")
    if not 0 <= policy.handling_days <= 30:
        raise InvalidInputError("handling days must be between 0 and 30")
    row = session.scalar(select(SupportPolicyRow).where(SupportPolicyRow.shop_id == shop_id))
    if row is None:
        row = SupportPolicyRow(shop_id=shop_id, updated_at=clock.now())
        session.add(row)
    row.return_window_days = policy.return_window_days
    row.non_returnable_categories = sorted(policy.non_returnable)
    row.actions = {a.value: policy.allows(a) for a in SupportAction}
    row.handling_days = policy.handling_days
    row.delivery_days_min = policy.delivery_days_min
    row.delivery_days_max = policy.delivery_days_max
    row.updated_at = clock.now()
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="support.policy",
        target_kind="shop",
        target_id=str(shop_id),
        after={
            "return_window_days": policy.return_window_days,
            "non_returnable": sorted(policy.non_returnable),
            "disabled_actions": sorted(a.value for a in policy.disabled_actions),
        },
    )
