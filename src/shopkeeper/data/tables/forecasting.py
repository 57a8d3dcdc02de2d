"""Current demand forecasts per product, rewritten by each forecast run."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.data.tables.base import Base, shop_fk


class ProductForecastRow(Base):
    """One product's latest forecast: daily points with intervals, the model and why.

    One row per product, replaced in place, so the storefront, replenishment and the
    dashboard read a forecast with one indexed lookup; the run that made it is kept.
    """

    __tablename__ = "product_forecasts"
    __table_args__ = (UniqueConstraint("shop_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    model_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_runs.id", ondelete="SET NULL")
    )
    model: Mapped[str] = mapped_column(String(64))
    demand_class: Mapped[str] = mapped_column(String(32))
    first_day: Mapped[date] = mapped_column(Date)
    # [{"ds": "2026-11-27", "mean": 3.2, "lo-80": 1.0, "hi-80": 5.1, ...}, ...]
    points: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed_at: Mapped[datetime]


class AggregateForecastRow(Base):
    """A category's or the whole shop's latest forecast, the sum of its products' forecasts.

    ``level`` is ``category`` (``key`` the category's name) or ``shop`` (``key`` empty).
    One row per node, rewritten by each forecast run right after the products' rows.
    """

    __tablename__ = "aggregate_forecasts"
    __table_args__ = (UniqueConstraint("shop_id", "level", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    level: Mapped[str] = mapped_column(String(16))
    # As long as products.category: a category name is stored whole.
    key: Mapped[str] = mapped_column(String(200), default="")
    model_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_runs.id", ondelete="SET NULL")
    )
    # Same shape as product_forecasts.points.
    points: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed_at: Mapped[datetime]
