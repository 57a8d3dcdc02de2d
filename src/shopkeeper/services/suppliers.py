"""Suppliers: upsert by reference (the key products point at through ``supplier_ref``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.data.tables import SupplierRow
from shopkeeper.domain.suppliers import SupplierCreate


def find_supplier(session: Session, shop_id: int, ref: str) -> SupplierRow | None:
    return session.scalar(
        select(SupplierRow).where(SupplierRow.shop_id == shop_id, SupplierRow.ref == ref)
    )


def upsert_supplier(
    session: Session, shop_id: int, data: SupplierCreate
) -> tuple[SupplierRow, bool]:
    """Insert or update by ``ref``; fields left unset keep their stored value."""
    row = find_supplier(session, shop_id, data.ref)
    created = row is None
    if row is None:
        row = SupplierRow(shop_id=shop_id, ref=data.ref, name=data.name)
        session.add(row)
        # A new row takes every field, defaults included; an update only what was sent.
        values = data.model_dump(exclude={"ref"})
    else:
        values = data.model_dump(exclude={"ref"}, exclude_unset=True)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return row, created
