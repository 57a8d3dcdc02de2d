"""Stock levels per sku and location."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.schemas import Page
from shopkeeper.domain.stock import StockPublic, StockSet
from shopkeeper.services import stock
from shopkeeper.services.access.principal import Principal

router = APIRouter(prefix="/v1/stock", tags=["stock"])


@router.get("", response_model=Page[StockPublic])
def list_stock(
    session: SessionDep,
    who: Annotated[Principal, Depends(require(Scope.STOCK_READ))],
    sku: Annotated[str | None, Query(max_length=64)] = None,
    location: Annotated[str | None, Query(max_length=64)] = None,
    below: Annotated[int | None, Query(ge=0, description="Only levels under this quantity")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=stock.MAX_PAGE)] = 50,
) -> Page[StockPublic]:
    return stock.list_stock(
        session, who.shop_id, sku=sku, location=location, below=below, offset=offset, limit=limit
    )


@router.put("", response_model=StockPublic)
def set_stock(
    data: StockSet,
    session: SessionDep,
    runtime: RuntimeDep,
    who: Annotated[Principal, Depends(require(Scope.STOCK_WRITE))],
) -> StockPublic:
    return stock.set_stock(session, runtime.clock, who.shop_id, data)
