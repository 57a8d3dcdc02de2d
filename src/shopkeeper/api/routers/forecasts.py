"""Demand forecasts: one product's daily forecast with its interval and reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from shopkeeper.api.deps import RuntimeDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.forecasts import ProductForecastPublic
from shopkeeper.services import forecasting
from shopkeeper.services.access.principal import Principal

router = APIRouter(prefix="/v1/forecasts", tags=["forecasts"])


@router.get("/{sku}", response_model=ProductForecastPublic)
def get_forecast(
    sku: Annotated[str, Path(min_length=1, max_length=64)],
    runtime: RuntimeDep,
    who: Annotated[Principal, Depends(require(Scope.STOCK_READ))],
) -> ProductForecastPublic:
    """Expected daily units for the coming weeks (80% and 95% intervals), the last eight
    weeks of sales, the model chosen for this product and why."""
    return forecasting.get_forecast(runtime, who.shop_id, sku)
