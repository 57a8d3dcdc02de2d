"""A shop's merchandising rules for recommendations, and its recommendation policy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.data.tables.base import Base, shop_fk


class RecommendationRuleRow(Base):
    """Pin, boost, bury or exclude the products of one sku, brand or category.

    One rule per target: two rules on the same brand would leave the owner guessing
    which one the shopper sees.
    """

    __tablename__ = "recommendation_rules"
    __table_args__ = (UniqueConstraint("shop_id", "target_kind", "target_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    action: Mapped[str] = mapped_column(String(16))
    target_kind: Mapped[str] = mapped_column(String(16))
    target_value: Mapped[str] = mapped_column(String(200))
    # Only boost (> 1) and bury (< 1) carry a factor; pin and exclude need none.
    factor: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class RecommendationPolicyRow(Base):
    """The shop-wide choices every recommendation obeys; absent means the defaults."""

    __tablename__ = "recommendation_policies"
    __table_args__ = (UniqueConstraint("shop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    max_per_category: Mapped[int] = mapped_column(default=3)
    margin_weight: Mapped[float] = mapped_column(Float, default=0.0)
    exclude_bought_durables: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]
