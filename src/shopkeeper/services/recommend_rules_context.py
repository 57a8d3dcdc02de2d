"""What the business rules need for one request, read in a few small queries.

Split from :mod:`shopkeeper.services.recommend_rules` (which re-exports it) so the request
path reads only what it must: the rules, the policy and the facts of the candidates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import Select, exists, false, func, select

from shopkeeper.data.tables import (
    CustomerRow,
    OrderLineRow,
    OrderRow,
    ProductRow,
    RecommendationPolicyRow,
    RecommendationRuleRow,
    ShopRow,
    StockLevelRow,
)
from shopkeeper.services.recommend_rules_apply import (
    Policy,
    ProductFacts,
    Rule,
    RuleAction,
    TargetKind,
)
from shopkeeper.services.runtime import Runtime

# A cancelled or returned order leaves the customer without the product.
NOT_OWNED_STATUSES = ("cancelled", "returned")


class RuleContext(NamedTuple):
    """Everything :func:`apply_rules` needs besides the candidates and ``k``."""

    products: dict[str, ProductFacts]
    rules: list[Rule]
    policy: Policy
    bought_durables: set[str]
    currency: str = "EUR"


def policy_of(row: RecommendationPolicyRow | None) -> Policy:
    """The policy a row holds, or the defaults for a shop that never set one."""
    if row is None:
        return Policy()
    return Policy(row.max_per_category, row.margin_weight, row.exclude_bought_durables)


def _facts_query(
    shop_id: int, customer_id: str | None, skus: list[str]
) -> Select[*tuple[Any, ...]]:
    # "Bought by this customer" rides along as a correlated EXISTS: one round trip for both.
    bought = (
        exists()
        .where(
            OrderLineRow.shop_id == shop_id,
            OrderLineRow.sku == ProductRow.sku,
            OrderRow.id == OrderLineRow.order_id,
            OrderRow.status.not_in(NOT_OWNED_STATUSES),
            CustomerRow.id == OrderRow.customer_id,
            CustomerRow.shop_id == shop_id,
            CustomerRow.external_id == (customer_id or ""),
        )
        .correlate(ProductRow)
    )
    return (
        select(
            ProductRow.sku,
            ProductRow.title,
            ProductRow.category,
            ProductRow.brand,
            ProductRow.price,
            ProductRow.cost,
            ProductRow.is_consumable,
            ProductRow.status,
            func.count(StockLevelRow.id),
            func.coalesce(func.sum(StockLevelRow.on_hand), 0),
            bought if customer_id else false(),
        )
        .outerjoin(StockLevelRow, StockLevelRow.product_id == ProductRow.id)
        .where(ProductRow.shop_id == shop_id, ProductRow.sku.in_(skus))
        .group_by(ProductRow.id)
    )


def load_rule_context(
    runtime: Runtime, shop_id: int, customer_id: str | None, skus: Iterable[str]
) -> RuleContext:
    """Rules, policy, facts of ``skus`` (plus pinned skus) and the customer's bought durables.

    Four small queries on one connection: rules, policy, products with their stock and
    whether the customer (an external id; unknown or ``None`` means nobody) already owns
    each one, and the shop's currency (prices are shown in its precision). A
    product whose stock rows add up to nothing is sold out; one without stock rows is sold
    without tracking and stays sellable, as in :mod:`shopkeeper.services.recommend`.
    """
    with runtime.sessions() as session:
        rule_rows = list(
            session.scalars(
                select(RecommendationRuleRow)
                .where(RecommendationRuleRow.shop_id == shop_id)
                .order_by(RecommendationRuleRow.id)
            )
        )
        policy = policy_of(
            session.scalar(
                select(RecommendationPolicyRow).where(RecommendationPolicyRow.shop_id == shop_id)
            )
        )
        rules = [
            Rule(r.id, RuleAction(r.action), TargetKind(r.target_kind), r.target_value, r.factor)
            for r in rule_rows
        ]
        pins = [
            r.target_value
            for r in rules
            if r.action is RuleAction.PIN and r.target_kind is TargetKind.SKU
        ]
        wanted = sorted(set(skus) | set(pins))
        rows = session.execute(_facts_query(shop_id, customer_id, wanted)).all() if wanted else []
        currency = session.scalar(select(ShopRow.currency).where(ShopRow.id == shop_id)) or "EUR"
    products: dict[str, ProductFacts] = {}
    bought: set[str] = set()
    for (
        sku,
        title,
        category,
        brand,
        price,
        cost,
        consumable,
        status,
        levels,
        on_hand,
        owned,
    ) in rows:
        products[sku] = ProductFacts(
            title=title,
            category=category,
            brand=brand,
            price=price,
            cost=cost,
            is_consumable=bool(consumable),
            sellable=status == "active" and (levels == 0 or int(on_hand) > 0),
        )
        if owned and not consumable:
            bought.add(sku)
    return RuleContext(products, rules, policy, bought, currency)
