"""Customers: personal fields are encrypted on the way in and decrypted on the way out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import ConflictError, NotFoundError
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import CustomerRow
from shopkeeper.domain.customers import (
    Address,
    CustomerCreate,
    CustomerFields,
    CustomerPublic,
    CustomerUpdate,
)
from shopkeeper.domain.schemas import Page, check_page_window

MAX_PAGE = 500


def find_customer(session: Session, shop_id: int, external_id: str) -> CustomerRow | None:
    return session.scalar(
        select(CustomerRow).where(
            CustomerRow.shop_id == shop_id, CustomerRow.external_id == external_id
        )
    )


def get_customer_row(session: Session, shop_id: int, external_id: str) -> CustomerRow:
    row = find_customer(session, shop_id, external_id)
    if row is None:
        raise NotFoundError(f"no customer {external_id!r}", customer_id=external_id)
    return row


def _apply(row: CustomerRow, data: CustomerFields, cipher: PiiCipher) -> None:
    values = data.model_dump(exclude_unset=True)
    if "email" in values:
        row.email_enc = cipher.encrypt_optional(values["email"])
        row.email_hash = cipher.email_hash(values["email"])
    if "first_name" in values or "last_name" in values:
        current = cipher.decrypt_json(row.name_enc) or {}
        current.update({k: values[k] for k in ("first_name", "last_name") if k in values})
        row.name_enc = cipher.encrypt_json({k: v for k, v in current.items() if v})
    if "phone" in values:
        row.phone_enc = cipher.encrypt_optional(values["phone"])
    if "address" in values:
        address = values["address"] or {}
        row.address_enc = cipher.encrypt_json({k: v for k, v in address.items() if v})
        row.region = address.get("region")
        row.country = address.get("country")
    for name in ("segment", "price_sensitivity", "attributes"):
        if name in values:
            setattr(row, name, values[name] if values[name] is not None else getattr(row, name))


def upsert_customer(
    session: Session, clock: Clock, cipher: PiiCipher, shop_id: int, data: CustomerCreate
) -> tuple[CustomerRow, bool]:
    now = clock.now()
    row = find_customer(session, shop_id, data.external_id)
    created = row is None
    if row is None:
        row = CustomerRow(
            shop_id=shop_id, external_id=data.external_id, created_at=now, attributes={}
        )
        session.add(row)
    _apply(row, data, cipher)
    row.updated_at = now
    session.flush()
    return row, created


def create_customer(
    session: Session, clock: Clock, cipher: PiiCipher, shop_id: int, data: CustomerCreate
) -> CustomerPublic:
    if find_customer(session, shop_id, data.external_id) is not None:
        raise ConflictError(
            f"customer {data.external_id!r} already exists", customer_id=data.external_id
        )
    row, _ = upsert_customer(session, clock, cipher, shop_id, data)
    return to_public(row, cipher)


def update_customer(
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    shop_id: int,
    external_id: str,
    data: CustomerUpdate,
) -> CustomerPublic:
    row = get_customer_row(session, shop_id, external_id)
    _apply(row, data, cipher)
    row.updated_at = clock.now()
    return to_public(row, cipher)


def to_public(row: CustomerRow, cipher: PiiCipher) -> CustomerPublic:
    names: dict[str, Any] = cipher.decrypt_json(row.name_enc) or {}
    address = cipher.decrypt_json(row.address_enc)
    return CustomerPublic(
        external_id=row.external_id,
        email=cipher.decrypt_optional(row.email_enc),
        first_name=names.get("first_name"),
        last_name=names.get("last_name"),
        phone=cipher.decrypt_optional(row.phone_enc),
        address=Address(**address) if address else None,
        region=row.region,
        country=row.country,
        segment=row.segment,
        price_sensitivity=row.price_sensitivity,
        attributes=row.attributes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def get_customer(
    session: Session, cipher: PiiCipher, shop_id: int, external_id: str
) -> CustomerPublic:
    return to_public(get_customer_row(session, shop_id, external_id), cipher)


def list_customers(
    session: Session,
    cipher: PiiCipher,
    shop_id: int,
    *,
    email: str | None = None,
    segment: str | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[CustomerPublic]:
    """Filter by exact email (through its lookup hash), segment, or external id prefix."""
    check_page_window(offset, limit, MAX_PAGE)
    filters: list[Any] = [CustomerRow.shop_id == shop_id]
    if email:
        filters.append(CustomerRow.email_hash == cipher.email_hash(email))
    if segment:
        filters.append(CustomerRow.segment == segment)
    if q:
        filters.append(CustomerRow.external_id.like(f"{q}%"))
    count = session.scalar(select(func.count(CustomerRow.id)).where(*filters)) or 0
    rows = session.scalars(
        select(CustomerRow)
        .where(*filters)
        .order_by(CustomerRow.external_id)
        .offset(offset)
        .limit(limit)
    )
    return Page[CustomerPublic](data=[to_public(r, cipher) for r in rows], count=count)
