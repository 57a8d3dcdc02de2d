"""Demand forecasts as the API, the dashboard and replenishment read them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class ForecastPoint(BaseModel):
    """Expected units one day, with the 80% and 95% prediction intervals.

    Examples
    --------
    >>> ForecastPoint(day=date(2026, 11, 27), mean=3.5, lo_80=1.0, hi_80=6.0).hi_95 is None
    True
    """

    day: date
    mean: float = Field(ge=0)
    lo_80: float | None = None
    hi_80: float | None = None
    lo_95: float | None = None
    hi_95: float | None = None


class SalesPoint(BaseModel):
    """Units sold one day (the history drawn before a forecast)."""

    day: date
    units: float


class ProductForecastPublic(BaseModel):
    """One product's current forecast, its recent history and why the model was chosen.

    ``explanation`` is ``{"summary": str, "factors": [{"name", "weight", "detail"}]}``.
    """

    sku: str
    model: str
    demand_class: str
    computed_at: datetime
    total_units: float
    points: list[ForecastPoint]
    history: list[SalesPoint]
    explanation: dict[str, Any]


class ForecastRunSummary(BaseModel):
    """What one forecast run did, for the CLI, the job log and the API."""

    model_run_id: int | None
    series: int
    reselected: bool
    models: dict[str, int]
    last_day: date | None
    horizon: int
    seconds: float
