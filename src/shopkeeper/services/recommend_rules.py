"""The shop's business rules on recommendations: store them, check them, read them back.

Owners add and delete rules and set the policy through the API or the dashboard; every
change writes an audit row in the same transaction. A rule must name something the
catalogue has, so a typo cannot create a rule that silently never applies. The pure
ranking part lives in :mod:`shopkeeper.services.recommend_rules_apply` and is re-exported
here, so callers import everything about rules from this module.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import ConflictError, InvalidInputError, NotFoundError
from shopkeeper.data.tables import ProductRow, RecommendationPolicyRow, RecommendationRuleRow
from shopkeeper.services import audit
from shopkeeper.services.recommend_rules_apply import (
    MAX_BOOST,
    MAX_PER_CATEGORY_LIMIT,
    Candidate,
    Chosen,
    Policy,
    ProductFacts,
    Rule,
    RuleAction,
    TargetKind,
    apply_rules,
)
from shopkeeper.services.recommend_rules_context import RuleContext, load_rule_context, policy_of

__all__ = [
    "Candidate",
    "Chosen",
    "Policy",
    "ProductFacts",
    "Rule",
    "RuleAction",
    "RuleContext",
    "StoredRule",
    "TargetKind",
    "add_rule",
    "apply_rules",
    "delete_rule",
    "get_policy",
    "list_rules",
    "load_rule_context",
    "set_policy",
]

RULE_TARGET = "recommendation_rule"
POLICY_TARGET = "recommendation_policy"


@dataclass(frozen=True, slots=True)
class StoredRule:
    """A rule as the owner sees it: what it does, to what, who added it and when."""

    id: int
    action: str
    target_kind: str
    target_value: str
    factor: float | None
    note: str
    created_by: str
    created_at: datetime


_Choice = TypeVar("_Choice", RuleAction, TargetKind)


def _choice(kind: type[_Choice], value: str, field: str) -> _Choice:
    try:
        return kind(value.strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        raise InvalidInputError(
            f"{field} must be one of {choices}", field=field, value=value
        ) from None


def _check_factor(action: RuleAction, factor: float | None) -> float | None:
    if action in (RuleAction.PIN, RuleAction.EXCLUDE):
        if factor is not None:
            raise InvalidInputError(f"a {action.value} rule takes no factor", factor=factor)
        return None
    low, high = (1.0, MAX_BOOST) if action is RuleAction.BOOST else (0.0, 1.0)
    valid = factor is not None and math.isfinite(factor) and low < factor <= high
    if not valid or (action is RuleAction.BURY and factor == 1.0):
        bounds = (
            f"above 1 and at most {MAX_BOOST:g}"
            if action is RuleAction.BOOST
            else ("above 0 and below 1 (use exclude to hide the products)")
        )
        raise InvalidInputError(f"a {action.value} factor must be {bounds}", factor=factor)
    return factor


def _check_target(session: Session, shop_id: int, kind: TargetKind, value: str) -> None:
    if kind is TargetKind.SKU:
        found = session.scalar(
            select(ProductRow.id).where(ProductRow.shop_id == shop_id, ProductRow.sku == value)
        )
        if found is None:
            raise NotFoundError(f"no product with SKU {value!r} in the catalogue", sku=value)
        return
    column = ProductRow.brand if kind is TargetKind.BRAND else ProductRow.category
    found = session.scalar(
        select(ProductRow.id)
        .where(ProductRow.shop_id == shop_id, func.lower(column) == value.lower())
        .limit(1)
    )
    if found is None:
        raise NotFoundError(
            f"no product has the {kind.value} {value!r}; check the spelling",
            target_kind=kind.value,
            target_value=value,
        )


def _stored(row: RecommendationRuleRow) -> StoredRule:
    return StoredRule(
        row.id,
        row.action,
        row.target_kind,
        row.target_value,
        row.factor,
        row.note,
        row.created_by,
        row.created_at,
    )


def list_rules(session: Session, shop_id: int) -> list[StoredRule]:
    """The shop's rules, oldest first."""
    query = (
        select(RecommendationRuleRow)
        .where(RecommendationRuleRow.shop_id == shop_id)
        .order_by(RecommendationRuleRow.id)
    )
    return [_stored(row) for row in session.scalars(query)]


def add_rule(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    actor: str,
    action: str,
    target_kind: str,
    target_value: str,
    factor: float | None = None,
    note: str = "",
) -> StoredRule:
    """Store one rule after checking it; one rule per target (a second is a conflict)."""
    chosen_action = _choice(RuleAction, action, "action")
    kind = _choice(TargetKind, target_kind, "target_kind")
    value = target_value.strip()
    if not value or len(value) > 200:
        raise InvalidInputError("the target needs a value of 1 to 200 characters", target=value)
    checked = _check_factor(chosen_action, factor)
    _check_target(session, shop_id, kind, value)
    clash = session.scalar(
        select(RecommendationRuleRow.id).where(
            RecommendationRuleRow.shop_id == shop_id,
            RecommendationRuleRow.target_kind == kind.value,
            func.lower(RecommendationRuleRow.target_value) == value.lower(),
        )
    )
    if clash is not None:
        raise ConflictError(
            f"a rule for {kind.value} {value!r} exists already; delete it first", rule_id=clash
        )
    row = RecommendationRuleRow(
        shop_id=shop_id,
        action=chosen_action.value,
        target_kind=kind.value,
        target_value=value,
        factor=checked,
        note=note.strip()[:500],
        created_by=actor,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    stored = _stored(row)
    after = {k: v for k, v in asdict(stored).items() if k not in ("id", "created_at")}
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="recommendation_rule.added",
        target_kind=RULE_TARGET,
        target_id=str(row.id),
        after=after,
    )
    return stored


def delete_rule(session: Session, clock: Clock, *, shop_id: int, actor: str, rule_id: int) -> None:
    """Remove one rule of this shop; another shop's rule id is simply not found."""
    row = session.scalar(
        select(RecommendationRuleRow).where(
            RecommendationRuleRow.shop_id == shop_id, RecommendationRuleRow.id == rule_id
        )
    )
    if row is None:
        raise NotFoundError(f"no recommendation rule with id {rule_id}", rule_id=rule_id)
    before = {k: v for k, v in asdict(_stored(row)).items() if k not in ("id", "created_at")}
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="recommendation_rule.deleted",
        target_kind=RULE_TARGET,
        target_id=str(rule_id),
        before=before,
    )
    session.delete(row)
    session.flush()


def _policy_row(session: Session, shop_id: int) -> RecommendationPolicyRow | None:
    return session.scalar(
        select(RecommendationPolicyRow).where(RecommendationPolicyRow.shop_id == shop_id)
    )


def get_policy(session: Session, shop_id: int) -> Policy:
    """The shop's policy, or the defaults when it never set one."""
    return policy_of(_policy_row(session, shop_id))


def set_policy(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    actor: str,
    max_per_category: int | None = None,
    margin_weight: float | None = None,
    exclude_bought_durables: bool | None = None,
) -> Policy:
    """Change the fields given (``None`` keeps a field); the change is audit-logged."""
    if max_per_category is not None and not 1 <= max_per_category <= MAX_PER_CATEGORY_LIMIT:
        raise InvalidInputError(
            f"max per category must be between 1 and {MAX_PER_CATEGORY_LIMIT}",
            max_per_category=max_per_category,
        )
    if margin_weight is not None and not (
        math.isfinite(margin_weight) and 0.0 <= margin_weight <= 1.0
    ):
        raise InvalidInputError(
            "the margin weight must be between 0 and 1", margin_weight=margin_weight
        )
    row = _policy_row(session, shop_id)
    before = asdict(policy_of(row))
    if row is None:
        defaults = Policy()
        row = RecommendationPolicyRow(
            shop_id=shop_id,
            max_per_category=defaults.max_per_category,
            margin_weight=defaults.margin_weight,
            exclude_bought_durables=defaults.exclude_bought_durables,
        )
        session.add(row)
    if max_per_category is not None:
        row.max_per_category = max_per_category
    if margin_weight is not None:
        row.margin_weight = margin_weight
    if exclude_bought_durables is not None:
        row.exclude_bought_durables = exclude_bought_durables
    row.updated_at = clock.now()
    session.flush()
    policy = policy_of(row)
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="recommendation_policy.set",
        target_kind=POLICY_TARGET,
        target_id=str(shop_id),
        before=before,
        after=asdict(policy),
    )
    return policy
