"""Competitors' products matched to ours, and the prices seen for them day by day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.data.tables.base import Base, BigId, shop_fk


class CompetitorMatchRow(Base):
    """One competitor's product and which of ours it is: suggested, confirmed or rejected.

    ``competitor_key`` is ``sku:<their sku>`` or ``title:<normalised title>``; ``sku`` is
    ours (NULL while nothing matched). ``candidates`` keeps the matcher's best few
    (``[{"sku", "score", "reason"}]``) so the owner can pick another one.
    """

    __tablename__ = "competitor_matches"
    __table_args__ = (
        UniqueConstraint("shop_id", "competitor", "competitor_key"),
        Index("ix_competitor_matches_shop_status", "shop_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    competitor: Mapped[str] = mapped_column(String(200))
    competitor_key: Mapped[str] = mapped_column(String(520))
    competitor_sku: Mapped[str | None] = mapped_column(String(200))
    # The latest title and address the competitor used for it.
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    sku: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(500), default="")
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class CompetitorObservationRow(Base):
    """The price of one competitor's product on one day, whatever its match says.

    Kept for unmatched and rejected products too, so confirming a match later turns every
    price already seen into signals. One row a day: a later reading of the day replaces it.
    """

    __tablename__ = "competitor_observations"
    __table_args__ = (UniqueConstraint("match_id", "observed_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    match_id: Mapped[int] = mapped_column(ForeignKey("competitor_matches.id", ondelete="CASCADE"))
    observed_on: Mapped[date] = mapped_column(Date)
    observed_at: Mapped[datetime]
    title: Mapped[str] = mapped_column(String(500))
    price: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    url: Mapped[str | None] = mapped_column(String(2000))
    received_at: Mapped[datetime]
