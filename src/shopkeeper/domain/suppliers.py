"""Suppliers: who a product is bought from, and on what terms."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, EmailStr, Field

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


class PurchaseOrderLine(BaseModel):
    sku: str
    title: str
    quantity: int
    unit_cost: Decimal
    line_total: Decimal


class PurchaseOrderPublic(BaseModel):
    """A purchase order as the API, the dashboard and the supplier's copy show it.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> po = PurchaseOrderPublic(
    ...     reference="PO-20261126-7", supplier_ref="ACME", supplier_name="Acme Ltd",
    ...     supplier_email=None, status="ordered", currency="EUR",
    ...     created_at=datetime(2026, 11, 26, tzinfo=UTC), expected_at=None, sent_at=None,
    ...     received_at=None, proposal_id=7, lines=[], total=Decimal("0"),
    ... )
    >>> po.is_open
    True
    """

    reference: str
    supplier_ref: str
    supplier_name: str
    supplier_email: str | None
    status: str
    currency: str
    created_at: datetime
    expected_at: datetime | None
    sent_at: datetime | None
    received_at: datetime | None
    proposal_id: int | None
    lines: list[PurchaseOrderLine]
    total: Decimal

    @property
    def is_open(self) -> bool:
        return self.received_at is None and self.status != "cancelled"
