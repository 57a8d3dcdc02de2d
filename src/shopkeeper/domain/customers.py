"""Customers: personal fields are accepted here and encrypted before storage."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, EmailStr, Field

from shopkeeper.domain.schemas import ExternalId, ShortText, Strict


class Address(Strict):
    line1: str | None = Field(None, max_length=300)
    line2: str | None = Field(None, max_length=300)
    postcode: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)
    country: str | None = Field(None, min_length=2, max_length=2)


class CustomerFields(Strict):
    email: EmailStr | None = None
    first_name: ShortText | None = None
    last_name: ShortText | None = None
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9+() .\-]{4,40}$")
    address: Address | None = None
    segment: ShortText | None = None
    price_sensitivity: float | None = Field(None, ge=0)
    attributes: dict[str, Any] | None = None


class CustomerCreate(CustomerFields):
    """A new customer (or an upsert by external id).

    Examples
    --------
    >>> CustomerCreate(external_id="C1", email="ada@example.com").email
    'ada@example.com'
    """

    external_id: ExternalId


class CustomerUpdate(CustomerFields):
    """A partial update."""


class CustomerPublic(BaseModel):
    external_id: str
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    address: Address | None
    region: str | None
    country: str | None
    segment: str | None
    price_sensitivity: float | None
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime
