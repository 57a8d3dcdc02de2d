"""A shop's pricing guardrails and locks, as stored and as the optimiser reads them.

The shop's rules (scope ``shop``) carry every :class:`~shopkeeper.domain.pricing.PricingRules`
field but the currency and VAT setting, which come from the shop itself, plus the objective
and the experiment budget. A category or a product overrides only the fields it names
(:class:`~shopkeeper.domain.pricing.PricingOverride`). Every write is validated whole before
it is stored, so an impossible configuration (a floor above the cap, an unknown ending)
is refused with the reason and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.ai.pricing.experiments import ExperimentBudget
from shopkeeper.ai.pricing.optimiser import Goal, Objective
from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.data.tables import PriceLockRow, PricingRuleRow, ProductRow, ShopRow
from shopkeeper.domain.pricing import (
    LockReason,
    PriceLock,
    PricingOverride,
    PricingRules,
    merge_rules,
)
from shopkeeper.services import audit

SCOPES = ("shop", "category", "product")
# Fields of the shop's row that are not guardrails.
_SETTINGS = ("objective", "explore_share", "max_loss_share")
_OVERRIDABLE = tuple(f.name for f in fields(PricingOverride))


@dataclass(frozen=True)
class PricingSetup:
    """Everything a pricing run needs to know of the shop's choices."""

    rules: PricingRules
    goal: Goal
    budget: ExperimentBudget
    categories: dict[str, PricingOverride] = field(default_factory=dict)
    products: dict[str, PricingOverride] = field(default_factory=dict)

    def rules_for(self, sku: str, category: str | None) -> PricingRules:
        """The rules in force for one product (its override over its category's)."""
        return merge_rules(self.rules, self.categories.get(category or ""), self.products.get(sku))


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _override(values: dict[str, Any], where: str) -> PricingOverride:
    unknown = sorted(set(values) - set(_OVERRIDABLE))
    if unknown:
        raise InvalidInputError(
            f"unknown pricing rule(s) {', '.join(unknown)} for {where}; "
            f"known: {', '.join(_OVERRIDABLE)}",
            unknown=unknown,
        )
    return PricingOverride(**values)


def _shop_parts(
    shop: ShopRow, values: dict[str, Any]
) -> tuple[PricingRules, Goal, ExperimentBudget]:
    guard = {k: v for k, v in values.items() if k not in _SETTINGS}
    override = _override(guard, "the shop")
    base = PricingRules(
        shop.currency,
        prices_include_vat=shop.prices_include_vat,
        vat_rate=Decimal(str(shop.vat_rate)),
    )
    rules = merge_rules(base, override)
    try:
        objective = Objective(values.get("objective", Objective.PROFIT.value))
    except ValueError:
        raise InvalidInputError(
            f"objective must be one of {', '.join(o.value for o in Objective)}; "
            f"got {values.get('objective')!r}",
            field="objective",
        ) from None
    default = ExperimentBudget()
    budget = ExperimentBudget(
        explore_share=float(values.get("explore_share", default.explore_share)),
        max_loss_share=float(values.get("max_loss_share", default.max_loss_share)),
    )
    return rules, Goal(objective), budget


def load_setup(session: Session, shop_id: int) -> PricingSetup:
    """The shop's rules, overrides and goals (defaults where nothing is stored)."""
    shop = session.get(ShopRow, shop_id)
    if shop is None:
        raise InvalidInputError(f"no shop {shop_id}", shop_id=shop_id)
    rows = session.scalars(select(PricingRuleRow).where(PricingRuleRow.shop_id == shop_id))
    by_scope: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SCOPES}
    for row in rows:
        by_scope[row.scope_kind][row.scope_value] = dict(row.rules)
    rules, goal, budget = _shop_parts(shop, by_scope["shop"].get("", {}))
    return PricingSetup(
        rules=rules,
        goal=goal,
        budget=budget,
        categories={k: _override(v, k) for k, v in by_scope["category"].items()},
        products={k: _override(v, k) for k, v in by_scope["product"].items()},
    )


def set_rules(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    scope_kind: str,
    scope_value: str = "",
    values: dict[str, Any],
    actor: str,
) -> PricingSetup:
    """Replace the rules stored at one scope with ``values`` (an empty dict clears them).

    The whole setup is validated with the change before anything is stored, so a category
    floor above the shop's cap is refused here, naming both.
    """
    if scope_kind not in SCOPES:
        raise InvalidInputError(f"scope must be one of {', '.join(SCOPES)}", scope=scope_kind)
    if (scope_kind == "shop") != (scope_value == ""):
        raise InvalidInputError("the shop scope has no value; a category or sku needs one")
    _require_scope(session, shop_id, scope_kind, scope_value)
    stored = {k: _plain(v) for k, v in values.items() if v is not None}
    row = session.scalar(
        select(PricingRuleRow).where(
            PricingRuleRow.shop_id == shop_id,
            PricingRuleRow.scope_kind == scope_kind,
            PricingRuleRow.scope_value == scope_value,
        )
    )
    before = dict(row.rules) if row is not None else {}
    if row is None:
        row = PricingRuleRow(
            shop_id=shop_id, scope_kind=scope_kind, scope_value=scope_value, rules={}
        )
        session.add(row)
    row.rules, row.updated_by, row.updated_at = stored, actor, clock.now()
    session.flush()
    # Read back whole: a refusal raises here and the caller's transaction stores nothing.
    setup = _checked(session, shop_id, scope_kind, scope_value)
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="pricing.rules_set",
        target_kind=f"pricing_rules:{scope_kind}",
        target_id=scope_value or str(shop_id),
        before=before,
        after=stored,
        reason=f"pricing rules for {scope_kind} {scope_value}".strip(),
    )
    return setup


def _require_scope(session: Session, shop_id: int, scope_kind: str, scope_value: str) -> None:
    """A category override needs a product in that category, a product one the product: an
    override of nothing is a typo, and is refused before it can hide one."""
    column = {"category": ProductRow.category, "product": ProductRow.sku}.get(scope_kind)
    if column is None:
        return
    found = session.scalar(
        select(ProductRow.id).where(ProductRow.shop_id == shop_id, column == scope_value).limit(1)
    )
    if found is None:
        what = "no product in category" if scope_kind == "category" else "no product with sku"
        raise NotFoundError(f"{what} {scope_value!r}", scope=scope_kind, value=scope_value)


def _checked(session: Session, shop_id: int, scope_kind: str, scope_value: str) -> PricingSetup:
    """The setup as stored now, the changed scope's merged rules validated."""
    setup = load_setup(session, shop_id)
    if scope_kind == "category":
        setup.rules_for("", scope_value)
    elif scope_kind == "product":
        category = session.scalar(
            select(ProductRow.category).where(
                ProductRow.shop_id == shop_id, ProductRow.sku == scope_value
            )
        )
        setup.rules_for(scope_value, category)
    return setup


def add_lock(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    sku: str,
    reason: str = LockReason.MANUAL.value,
    until: datetime | None = None,
    starts_at: datetime | None = None,
    note: str = "",
    actor: str,
) -> PriceLock:
    """Stop automatic price changes of ``sku`` (until ``until``, or until removed)."""
    # PriceLock refuses an unknown reason with the list of known ones.
    lock = PriceLock(sku, cast(LockReason, reason), until, starts_at)
    session.add(
        PriceLockRow(
            shop_id=shop_id,
            sku=sku,
            reason=lock.reason.value,
            starts_at=starts_at,
            until=until,
            note=note,
            created_by=actor,
            created_at=clock.now(),
        )
    )
    session.flush()
    return lock


def locks_of(session: Session, shop_id: int, now: datetime) -> dict[str, tuple[PriceLock, ...]]:
    """Locks that hold now or later, per sku."""
    rows = session.scalars(select(PriceLockRow).where(PriceLockRow.shop_id == shop_id))
    found: dict[str, list[PriceLock]] = {}
    for row in rows:
        lock = PriceLock(row.sku, LockReason(row.reason), row.until, row.starts_at)
        if lock.until is None or lock.until > now:
            found.setdefault(row.sku, []).append(lock)
    return {sku: tuple(locks) for sku, locks in found.items()}
