"""Stock levels per product and location."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shopkeeper.domain.schemas import Sku, Strict


class StockSet(Strict):
    """Set the counted quantity on hand; the difference is recorded as an adjustment move.

    Examples
    --------
    >>> StockSet(sku="A1", on_hand=12).location
    'main'
    """

    sku: Sku
    location: str = Field("main", min_length=1, max_length=64)
    on_hand: int = Field(ge=0)
    reason: str = Field("adjustment", max_length=32)


class StockPublic(BaseModel):
    sku: str
    location: str
    on_hand: int
    reserved: int
    updated_at: datetime
