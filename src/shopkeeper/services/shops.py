"""Creating and finding shops; a fresh install gets a default one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import ConflictError, NotFoundError
from shopkeeper.core.ids import new_token
from shopkeeper.data.tables import ShopRow
from shopkeeper.domain.shops import Shop, ShopCreate

DEFAULT_SHOP_SLUG = "default"


def to_shop(row: ShopRow) -> Shop:
    return Shop(
        id=row.id,
        slug=row.slug,
        name=row.name,
        currency=row.currency,
        timezone=row.timezone,
        locale=row.locale,
        prices_include_vat=row.prices_include_vat,
        vat_rate=float(row.vat_rate),
        consent_required=row.consent_required,
        holdout_salt=row.holdout_salt,
    )


def create_shop(session: Session, data: ShopCreate, clock: Clock) -> Shop:
    if session.scalar(select(ShopRow.id).where(ShopRow.slug == data.slug)) is not None:
        raise ConflictError(f"a shop with slug {data.slug!r} already exists", slug=data.slug)
    row = ShopRow(
        **data.model_dump(),
        holdout_salt=new_token(12),
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return to_shop(row)


def get_shop(session: Session, shop_id: int) -> Shop:
    row = session.get(ShopRow, shop_id)
    if row is None:
        raise NotFoundError(f"no shop with id {shop_id}", shop_id=shop_id)
    return to_shop(row)


def get_shop_by_slug(session: Session, slug: str) -> Shop:
    row = session.scalar(select(ShopRow).where(ShopRow.slug == slug))
    if row is None:
        raise NotFoundError(f"no shop {slug!r}", slug=slug)
    return to_shop(row)


def list_shops(session: Session) -> list[Shop]:
    return [to_shop(r) for r in session.scalars(select(ShopRow).order_by(ShopRow.id))]


def ensure_default_shop(session: Session, data: ShopCreate, clock: Clock) -> Shop:
    """The shop a single-shop install uses; created on first start."""
    row = session.scalar(select(ShopRow).where(ShopRow.slug == data.slug))
    return to_shop(row) if row is not None else create_shop(session, data, clock)


def allowed_origins(session: Session, shop_id: int) -> list[str]:
    row = session.get(ShopRow, shop_id)
    return list(row.allowed_origins) if row is not None else []
