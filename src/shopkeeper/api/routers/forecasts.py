"""Demand forecasts: a product's, a category's or the whole shop's, with intervals and reasons.

The category and shop routes are declared before ``/{sku}``: a product whose sku is
``shop`` or ``categories`` would otherwise shadow them (and is reached only through them).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from shopkeeper.api.deps import RuntimeDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.aggregate_forecasts import AggregateForecastPublic, CategoryForecastSummary
from shopkeeper.domain.forecasts import ProductForecastPublic
from shopkeeper.domain.schemas import Page
from shopkeeper.services import aggregate_forecasts, forecasting
from shopkeeper.services.access.principal import Principal

router = APIRouter(prefix="/v1/forecasts", tags=["forecasts"])
Reader = Annotated[Principal, Depends(require(Scope.STOCK_READ))]


@router.get("/categories", response_model=Page[CategoryForecastSummary])
def list_category_forecasts(runtime: RuntimeDep, who: Reader) -> Page[CategoryForecastSummary]:
    """Every category with the units its products are expected to sell over the forecast's
    horizon, most first; empty until the first forecast run."""
    found = aggregate_forecasts.list_category_forecasts(runtime, who.shop_id)
    return Page[CategoryForecastSummary](data=found, count=len(found))


# ``:path``: a category name may hold a slash ("Home/Kitchen"), sent encoded as %2F.
@router.get("/categories/{category:path}", response_model=AggregateForecastPublic)
def get_category_forecast(
    category: Annotated[str, Path(min_length=1, max_length=200)],
    runtime: RuntimeDep,
    who: Reader,
) -> AggregateForecastPublic:
    """Expected daily units of one category: the sum of its products' forecasts, with 80%
    and 95% intervals from the category's own history, its last eight weeks of sales and
    the products that weigh most. Products without a category are in ``Uncategorised``."""
    return aggregate_forecasts.get_aggregate_forecast(runtime, who.shop_id, "category", category)


@router.get("/shop", response_model=AggregateForecastPublic)
def get_shop_forecast(runtime: RuntimeDep, who: Reader) -> AggregateForecastPublic:
    """Expected daily units of the whole shop: the sum of every product's forecast, with
    80% and 95% intervals from the shop's own history and its last eight weeks of sales."""
    return aggregate_forecasts.get_aggregate_forecast(runtime, who.shop_id, "shop")


@router.get("/{sku}", response_model=ProductForecastPublic)
def get_forecast(
    sku: Annotated[str, Path(min_length=1, max_length=64)],
    runtime: RuntimeDep,
    who: Reader,
) -> ProductForecastPublic:
    """Expected daily units for the coming weeks (80% and 95% intervals), the last eight
    weeks of sales, the model chosen for this product and why."""
    return forecasting.get_forecast(runtime, who.shop_id, sku)
