"""Where each product stands: units on hand, units already ordered, its supplier's terms.

The replenishment plan and the stock-health view read the same positions, so both agree
on what "in stock" and "on order" mean: on hand minus reserved, and the open lines of
purchase orders not yet received.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from shopkeeper.data.tables import (
    ProductRow,
    PurchaseOrderLineRow,
    PurchaseOrderRow,
    StockLevelRow,
    SupplierRow,
)
from shopkeeper.services.runtime import Runtime

# Purchase orders whose goods have not arrived yet.
OPEN_ORDER_STATUSES = ("draft", "ordered", "sent")


@dataclass(frozen=True)
class SupplierTerms:
    ref: str
    name: str
    email: str | None
    lead_time_days: int
    moq: int
    pack_size: int


@dataclass(frozen=True)
class StockPosition:
    """One active product's stock, what is on its way, and who supplies it."""

    sku: str
    title: str
    category: str
    price: Decimal
    cost: Decimal | None
    is_bulky: bool
    volume_l: float | None
    available: int
    on_order: int
    supplier: SupplierTerms | None

    @property
    def position(self) -> int:
        return self.available + self.on_order


def stock_positions(runtime: Runtime, shop_id: int) -> dict[str, StockPosition]:
    """Every active product's position, by sku."""
    with runtime.sessions() as session:
        available = dict(
            session.execute(
                select(
                    StockLevelRow.product_id,
                    func.sum(StockLevelRow.on_hand - StockLevelRow.reserved),
                )
                .where(StockLevelRow.shop_id == shop_id)
                .group_by(StockLevelRow.product_id)
            ).all()
        )
        on_order = dict(
            session.execute(
                select(PurchaseOrderLineRow.product_id, func.sum(PurchaseOrderLineRow.quantity))
                .join(
                    PurchaseOrderRow, PurchaseOrderRow.id == PurchaseOrderLineRow.purchase_order_id
                )
                .where(PurchaseOrderRow.shop_id == shop_id)
                .where(PurchaseOrderRow.status.in_(OPEN_ORDER_STATUSES))
                .group_by(PurchaseOrderLineRow.product_id)
            ).all()
        )
        suppliers = {
            row.id: SupplierTerms(
                ref=row.ref,
                name=row.name,
                email=row.email,
                lead_time_days=row.lead_time_days,
                moq=row.moq,
                pack_size=row.pack_size,
            )
            for row in session.scalars(select(SupplierRow).where(SupplierRow.shop_id == shop_id))
        }
        products = session.scalars(
            select(ProductRow).where(ProductRow.shop_id == shop_id, ProductRow.status == "active")
        ).all()
        return {
            p.sku: StockPosition(
                sku=p.sku,
                title=p.title,
                category=p.category,
                price=p.price,
                cost=p.cost,
                is_bulky=p.is_bulky,
                volume_l=p.volume_l,
                # Reservations above the count (an oversold item) leave nothing to sell.
                available=max(int(available.get(p.id) or 0), 0),
                on_order=int(on_order.get(p.id) or 0),
                supplier=suppliers.get(p.supplier_id) if p.supplier_id is not None else None,
            )
            for p in products
        }
