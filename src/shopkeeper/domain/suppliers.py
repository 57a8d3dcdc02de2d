"""Suppliers: who a product is bought from, and on what terms."""

from __future__ import annotations

from pydantic import EmailStr, Field

from shopkeeper.domain.schemas import ExternalId, Strict


class SupplierCreate(Strict):
    """A supplier (or an upsert by ``ref``).

    Examples
    --------
    >>> SupplierCreate(ref="ACME", name="Acme Ltd", moq=12).pack_size
    1
    """

    ref: ExternalId
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    lead_time_days: int = Field(7, ge=0, le=365)
    moq: int = Field(1, ge=1, le=1_000_000)
    pack_size: int = Field(1, ge=1, le=100_000)
