"""Products as the API, importers and services exchange them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shopkeeper.domain.schemas import ShortText, Sku, Strict

ProductStatus = Literal["active", "archived"]


class ProductFields(Strict):
    title: str | None = Field(None, min_length=1, max_length=500)
    description: str | None = Field(None, max_length=20_000)
    category: ShortText | None = None
    brand: ShortText | None = None
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=4)
    price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=4)
    size: str | None = Field(None, max_length=64)
    weight_kg: float | None = Field(None, ge=0)
    volume_l: float | None = Field(None, ge=0)
    is_consumable: bool | None = None
    is_bulky: bool | None = None
    status: ProductStatus | None = None
    supplier_ref: str | None = Field(None, max_length=64)
    attributes: dict[str, Any] | None = None


class ProductCreate(ProductFields):
    """A new product (or a full upsert by sku).

    Examples
    --------
    >>> ProductCreate(sku="TEE-1", title="T-shirt", price="19.90").price
    Decimal('19.90')
    """

    sku: Sku
    title: str = Field(min_length=1, max_length=500)
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=4)

    @model_validator(mode="after")
    def _price_covers_nothing_odd(self) -> ProductCreate:
        if self.cost is not None and self.cost > self.price * 10:
            raise ValueError("cost is more than ten times the price; check the units")
        return self


class ProductUpdate(ProductFields):
    """A partial update: only the fields sent change."""


class ProductPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    title: str
    description: str
    category: str
    brand: str
    cost: Decimal | None
    price: Decimal
    currency: str
    size: str | None
    weight_kg: float | None
    volume_l: float | None
    is_consumable: bool
    is_bulky: bool
    status: str
    supplier_ref: str | None
    attributes: dict[str, Any]
    on_hand: int | None = None
    created_at: datetime
    updated_at: datetime
