"""Demand forecasts of a category or of the whole shop, as the API and the dashboard read them.

A category's forecast is the sum of its products' forecasts (bottom-up reconciliation), so
the shop, its categories and its products tell the same story; the interval comes from the
category's (or the shop's) own sales history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from shopkeeper.domain.forecasts import ForecastPoint, SalesPoint

AggregateLevel = Literal["category", "shop"]


class AggregateForecastPublic(BaseModel):
    """A category's or the whole shop's current forecast, its recent sales and why.

    ``key`` is the category's name (``""`` for the shop); ``products`` counts the products
    whose forecasts it sums. ``explanation`` is ``{"summary": str, "factors": [...]}``, the
    factors being the products that contribute most.

    Examples
    --------
    >>> from datetime import UTC, date
    >>> shop = AggregateForecastPublic(
    ...     level="shop", key="", products=2, reconciliation="bottom_up", total_units=3.0,
    ...     computed_at=datetime(2026, 1, 3, tzinfo=UTC), history=[], explanation={},
    ...     points=[ForecastPoint(day=date(2026, 1, 4), mean=3.0, lo_80=1.0, hi_80=5.0)])
    >>> shop.points[0].hi_80
    5.0
    """

    level: AggregateLevel
    key: str
    products: int
    reconciliation: str
    computed_at: datetime
    total_units: float
    points: list[ForecastPoint]
    history: list[SalesPoint]
    explanation: dict[str, Any]


class CategoryForecastSummary(BaseModel):
    """One line of the category list: the units expected over the forecast's horizon.

    Examples
    --------
    >>> CategoryForecastSummary(category="Garden", products=4, days=28, total_units=50.5).days
    28
    """

    category: str
    products: int
    days: int
    total_units: float
