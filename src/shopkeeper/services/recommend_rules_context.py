"""What the business rules need for one request: the shop's rules, the candidates' facts.

Split from :mod:`shopkeeper.services.recommend_rules` (which re-exports it) so the request
path reads only what it must. With a :class:`~shopkeeper.services.serving_cache.ServingCache`
(the storefront API passes its worker's) the shop's rules and the products' facts come
from memory when read in the last few seconds; only a known customer's purchases are
always read live.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

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
from shopkeeper.services.serving_cache import ServingCache, ShopRules

# A cancelled or returned order leaves the customer without the product.
NOT_OWNED_STATUSES = ("cancelled", "returned")
# Up to this many products a worker caches the whole catalogue's facts (a few MB).
SNAPSHOT_LIMIT = 50_000


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


def read_shop_rules(session: Session, shop_id: int) -> ShopRules:
    """The shop's rules (oldest first), its policy and its currency."""
    rule_rows = session.scalars(
        select(RecommendationRuleRow)
        .where(RecommendationRuleRow.shop_id == shop_id)
        .order_by(RecommendationRuleRow.id)
    )
    rules = tuple(
        Rule(r.id, RuleAction(r.action), TargetKind(r.target_kind), r.target_value, r.factor)
        for r in rule_rows
    )
    policy = policy_of(
        session.scalar(
            select(RecommendationPolicyRow).where(RecommendationPolicyRow.shop_id == shop_id)
        )
    )
    currency = session.scalar(select(ShopRow.currency).where(ShopRow.id == shop_id)) or "EUR"
    return ShopRules(rules, policy, currency)


def read_product_facts(
    session: Session, shop_id: int, skus: list[str] | None
) -> dict[str, ProductFacts]:
    """Facts of the products among ``skus`` (all the shop's when ``None``) that exist.

    A product whose stock rows add up to nothing is sold out; one without stock rows is
    sold without tracking and stays sellable.
    """
    if skus is not None and not skus:
        return {}
    wanted = ProductRow.sku.in_(skus) if skus is not None else true()
    rows = session.execute(
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
        )
        # Joining on the shop too lets the (shop_id, product_id, location) index serve the
        # join: on product_id alone SQLite scans every stock row per product (1.2 s at 5k).
        .outerjoin(
            StockLevelRow,
            (StockLevelRow.shop_id == ProductRow.shop_id)
            & (StockLevelRow.product_id == ProductRow.id),
        )
        .where(ProductRow.shop_id == shop_id, wanted)
        .group_by(ProductRow.id)
    ).all()
    return {
        sku: ProductFacts(
            title=title,
            category=category,
            brand=brand,
            price=price,
            cost=cost,
            is_consumable=bool(consumable),
            sellable=status == "active" and (levels == 0 or int(on_hand) > 0),
        )
        for sku, title, category, brand, price, cost, consumable, status, levels, on_hand in rows
    }


def _catalogue(runtime: Runtime, shop_id: int) -> dict[str, ProductFacts] | None:
    """Every product's facts, or ``None`` for a catalogue too large to hold whole.

    It opens its own session: the cache may call it on a background thread.
    """
    with runtime.sessions() as session:
        count = session.scalar(
            select(func.count(ProductRow.id)).where(ProductRow.shop_id == shop_id)
        )
        if (count or 0) > SNAPSHOT_LIMIT:
            return None
        return read_product_facts(session, shop_id, None)


def _shop_rules(runtime: Runtime, shop_id: int) -> ShopRules:
    with runtime.sessions() as session:  # its own, as for _catalogue
        return read_shop_rules(session, shop_id)


def product_facts(
    runtime: Runtime,
    session: Session,
    shop_id: int,
    skus: list[str],
    cache: ServingCache | None,
) -> dict[str, ProductFacts]:
    """Facts of the products among ``skus`` that exist: from ``cache`` when given.

    A catalogue of up to :data:`SNAPSHOT_LIMIT` products is cached whole (one query per
    TTL per worker, then every lookup is a dictionary hit); a larger one sku by sku.
    ``session`` serves what is read now, for this caller only.
    """
    if cache is None:
        return read_product_facts(session, shop_id, skus)
    whole = cache.remember(
        ("catalogue", shop_id), lambda: _catalogue(runtime, shop_id), in_background=True
    )
    if whole is not None:
        return {sku: whole[sku] for sku in skus if sku in whole}
    return cache.product_facts(
        shop_id, skus, lambda missing: read_product_facts(session, shop_id, missing)
    )


def _owned(session: Session, shop_id: int, customer_id: str, skus: list[str]) -> set[str]:
    """The skus among ``skus`` the customer (an external id) bought and still has."""
    rows = session.scalars(
        select(OrderLineRow.sku)
        .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
        .join(CustomerRow, CustomerRow.id == OrderRow.customer_id)
        .where(
            OrderLineRow.shop_id == shop_id,
            OrderLineRow.sku.in_(skus),
            OrderRow.status.not_in(NOT_OWNED_STATUSES),
            CustomerRow.shop_id == shop_id,
            CustomerRow.external_id == customer_id,
        )
        .distinct()
    )
    return {str(sku) for sku in rows}


def load_rule_context(
    runtime: Runtime,
    shop_id: int,
    customer_id: str | None,
    skus: Iterable[str],
    cache: ServingCache | None = None,
) -> RuleContext:
    """Rules, policy, facts of ``skus`` (plus pinned skus) and the customer's bought durables.

    Without ``cache`` everything is read now; with it, what it holds is reused. A customer
    id nobody knows (or ``None``) owns nothing.
    """
    wanted = set(skus)
    with runtime.sessions() as session:
        if cache is None:
            shop = read_shop_rules(session, shop_id)
        else:
            shop = cache.shop_rules(shop_id, lambda: _shop_rules(runtime, shop_id))
        wanted |= {
            r.target_value
            for r in shop.rules
            if r.action is RuleAction.PIN and r.target_kind is TargetKind.SKU
        }
        products = product_facts(runtime, session, shop_id, sorted(wanted), cache)
        durables = [s for s, facts in products.items() if not facts.is_consumable]
        owned = (
            _owned(session, shop_id, customer_id, durables) if customer_id and durables else set()
        )
    return RuleContext(products, list(shop.rules), shop.policy, owned, shop.currency)
