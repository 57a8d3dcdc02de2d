"""Read-only lists the dashboard shows: product categories, price changes and job runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shopkeeper.data.tables import JobRunRow, PriceChangeRow, ProductRow
from shopkeeper.domain.proposals import JobRunPublic


@dataclass(frozen=True, slots=True)
class PriceChange:
    """One audited price change of a product.

    Examples
    --------
    >>> from datetime import UTC
    >>> PriceChange(Decimal("10"), Decimal("12"), "proposal", "", "user:a@b.c",
    ...             datetime(2026, 1, 1, tzinfo=UTC), 4).new_price
    Decimal('12')
    """

    old_price: Decimal
    new_price: Decimal
    source: str
    reason: str
    changed_by: str
    changed_at: datetime
    proposal_id: int | None


def product_categories(session: Session, shop_id: int) -> list[str]:
    """The shop's non-empty product categories, sorted."""
    query = (
        select(ProductRow.category)
        .where(ProductRow.shop_id == shop_id, ProductRow.category != "")
        .distinct()
        .order_by(ProductRow.category)
    )
    return list(session.scalars(query))


def recent_price_changes(
    session: Session, shop_id: int, sku: str, limit: int = 20
) -> list[PriceChange]:
    """Newest first; empty when the sku is unknown."""
    query = (
        select(PriceChangeRow)
        .join(ProductRow, ProductRow.id == PriceChangeRow.product_id)
        .where(PriceChangeRow.shop_id == shop_id, ProductRow.sku == sku)
        .order_by(PriceChangeRow.changed_at.desc(), PriceChangeRow.id.desc())
        .limit(limit)
    )
    return [
        PriceChange(
            r.old_price, r.new_price, r.source, r.reason, r.changed_by, r.changed_at, r.proposal_id
        )
        for r in session.scalars(query)
    ]


def recent_job_runs(session: Session, shop_id: int, limit: int = 50) -> list[JobRunPublic]:
    """The shop's job runs and deployment-wide ones (no shop), newest first."""
    query = (
        select(JobRunRow)
        .where(or_(JobRunRow.shop_id == shop_id, JobRunRow.shop_id.is_(None)))
        .order_by(JobRunRow.started_at.desc(), JobRunRow.id.desc())
        .limit(limit)
    )
    return [JobRunPublic.model_validate(r) for r in session.scalars(query)]
