"""A shop's pricing guardrails (with per-category and per-product overrides) and price locks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.data.tables.base import Base, shop_fk


class PricingRuleRow(Base):
    """Guardrail settings at one scope: the shop (``scope_value`` empty), a category or a sku.

    ``rules`` holds the :class:`~shopkeeper.domain.pricing.PricingRules` fields as strings
    (Decimals kept exact); at shop scope also the objective and the experiment budget. The
    narrower scopes hold only the fields they override.
    """

    __tablename__ = "pricing_rules"
    __table_args__ = (UniqueConstraint("shop_id", "scope_kind", "scope_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_value: Mapped[str] = mapped_column(String(200), default="")
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_by: Mapped[str] = mapped_column(String(200), default="system")
    updated_at: Mapped[datetime]


class PriceLockRow(Base):
    """No automatic price change of ``sku`` between ``starts_at`` and ``until`` (either open)."""

    __tablename__ = "price_locks"
    __table_args__ = (Index("ix_price_locks_shop_sku", "shop_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    sku: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime | None]
    until: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[datetime]
