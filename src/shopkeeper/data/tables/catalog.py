"""Products, suppliers, stock, purchase orders and the price-change audit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.data.tables.base import Base, BigId, shop_fk


class SupplierRow(Base):
    __tablename__ = "suppliers"
    __table_args__ = (UniqueConstraint("shop_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    ref: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    lead_time_days: Mapped[int] = mapped_column(default=7)
    moq: Mapped[int] = mapped_column(default=1)
    pack_size: Mapped[int] = mapped_column(default=1)


class ProductRow(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("shop_id", "sku"),
        Index("ix_products_shop_category", "shop_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    sku: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(200), default="")
    brand: Mapped[str] = mapped_column(String(200), default="")
    cost: Mapped[Decimal | None]
    price: Mapped[Decimal]
    size: Mapped[str | None] = mapped_column(String(64))
    weight_kg: Mapped[float | None] = mapped_column(Float)
    volume_l: Mapped[float | None] = mapped_column(Float)
    is_consumable: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bulky: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="active")
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id", ondelete="SET NULL"))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StockLevelRow(Base):
    __tablename__ = "stock_levels"
    __table_args__ = (UniqueConstraint("shop_id", "product_id", "location"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    location: Mapped[str] = mapped_column(String(64), default="main")
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]


class StockMoveRow(Base):
    __tablename__ = "stock_moves"
    __table_args__ = (
        Index("ix_stock_moves_shop_product_time", "shop_id", "product_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    location: Mapped[str] = mapped_column(String(64), default="main")
    quantity: Mapped[int]
    reason: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime]


class PurchaseOrderRow(Base):
    __tablename__ = "purchase_orders"
    __table_args__ = (UniqueConstraint("shop_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    reference: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expected_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class PurchaseOrderLineRow(Base):
    __tablename__ = "purchase_order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    purchase_order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int]
    unit_cost: Mapped[Decimal]


class PriceChangeRow(Base):
    __tablename__ = "price_changes"
    __table_args__ = (
        Index("ix_price_changes_shop_product_time", "shop_id", "product_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    old_price: Mapped[Decimal]
    new_price: Mapped[Decimal]
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(32), default="manual")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    changed_by: Mapped[str] = mapped_column(String(200), default="system")
    changed_at: Mapped[datetime]
