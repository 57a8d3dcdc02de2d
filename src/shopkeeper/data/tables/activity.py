"""Storefront events and external signals: the high-volume time series."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.data.tables.base import Base, BigId, shop_fk


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (
        # The client's event_id is the idempotency key: a resent batch stores nothing twice.
        UniqueConstraint("shop_id", "event_id"),
        Index("ix_events_shop_session", "shop_id", "session_id"),
        Index("ix_events_shop_time", "shop_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # No separate shop index: the (shop_id, event_id) unique index already leads with it.
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[str] = mapped_column(String(128))
    customer_external_id: Mapped[str | None] = mapped_column(String(64))
    sku: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
    dwell_ms: Mapped[int | None]
    scroll_pct: Mapped[float | None] = mapped_column(Float)
    query: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int | None]
    order_external_id: Mapped[str | None] = mapped_column(String(64))
    rec_request_id: Mapped[str | None] = mapped_column(String(64))
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SignalRow(Base):
    """One point of a named external series (weather, local events, trends, competitor prices).

    ``region`` and ``sku`` are empty strings, not NULL, for shop-wide series so the
    uniqueness rule (one value per series and time) holds on every database.
    """

    __tablename__ = "signals"
    __table_args__ = (
        UniqueConstraint("shop_id", "name", "region", "sku", "ts"),
        Index("ix_signals_shop_name_ts", "shop_id", "name", "ts"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    name: Mapped[str] = mapped_column(String(100))
    granularity: Mapped[str] = mapped_column(String(8), default="daily")
    region: Mapped[str] = mapped_column(String(100), default="")
    sku: Mapped[str] = mapped_column(String(64), default="")
    ts: Mapped[datetime]
    value: Mapped[float] = mapped_column(Float)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
