"""Orders: the source of truth for sales."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from shopkeeper.domain.customers import Address
from shopkeeper.domain.schemas import ExternalId, Sku, Strict

OrderStatus = Literal["pending", "processing", "shipped", "delivered", "cancelled", "returned"]


class OrderLineIn(Strict):
    sku: Sku
    quantity: int = Field(ge=1, le=100_000)
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=4)
    discount: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=4)


class OrderCreate(Strict):
    """An order with its lines; totals are derived from the lines when not given.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> o = OrderCreate(external_id="O1", placed_at=datetime(2026, 1, 1, tzinfo=UTC),
    ...                 lines=[OrderLineIn(sku="A", quantity=2, unit_price="5.00")])
    >>> o.computed_total()
    Decimal('10.00')
    """

    external_id: ExternalId
    customer_id: ExternalId | None = None
    placed_at: AwareDatetime
    status: OrderStatus = "processing"
    channel: str = Field("web", max_length=32)
    currency: str | None = Field(None, min_length=3, max_length=3)
    shipping_total: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=4)
    order_discount: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=4)
    total: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=4)
    shipping_address: Address | None = None
    shipped_at: AwareDatetime | None = None
    delivered_at: AwareDatetime | None = None
    carrier: str | None = Field(None, max_length=64)
    tracking_number: str | None = Field(None, max_length=64)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=1000)

    def computed_subtotal(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal(0))

    def computed_discount(self) -> Decimal:
        return self.order_discount + sum((line.discount for line in self.lines), Decimal(0))

    def computed_total(self) -> Decimal:
        return self.computed_subtotal() - self.computed_discount() + self.shipping_total

    @model_validator(mode="after")
    def _total_consistent(self) -> OrderCreate:
        if self.computed_total() < 0:
            raise ValueError("discounts exceed the order value")
        if self.total is not None and abs(self.total - self.computed_total()) > Decimal("0.05"):
            raise ValueError(
                f"total {self.total} does not match lines - discounts + shipping "
                f"({self.computed_total()})"
            )
        return self


class OrderUpdate(Strict):
    status: OrderStatus | None = None
    shipping_address: Address | None = None
    shipped_at: AwareDatetime | None = None
    delivered_at: AwareDatetime | None = None
    carrier: str | None = Field(None, max_length=64)
    tracking_number: str | None = Field(None, max_length=64)


class OrderLinePublic(BaseModel):
    line_no: int
    sku: str
    quantity: int
    unit_price: Decimal
    discount: Decimal


class OrderPublic(BaseModel):
    external_id: str
    customer_id: str | None
    placed_at: datetime
    status: str
    channel: str
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    total: Decimal
    shipping_address: Address | None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    lines: list[OrderLinePublic]
