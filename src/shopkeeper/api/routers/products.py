"""Products, addressed by sku."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shopkeeper.api.deps import RuntimeDep, SessionDep, ShopDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.catalog import ProductCreate, ProductPublic, ProductUpdate
from shopkeeper.domain.schemas import Page
from shopkeeper.services import catalog
from shopkeeper.services.access.principal import Principal

router = APIRouter(prefix="/v1/products", tags=["products"])
Reader = Annotated[Principal, Depends(require(Scope.CATALOG_READ))]
Writer = Annotated[Principal, Depends(require(Scope.CATALOG_WRITE))]


@router.get("", response_model=Page[ProductPublic])
def list_products(
    session: SessionDep,
    shop: ShopDep,
    _: Reader,
    q: Annotated[str | None, Query(max_length=200, description="Text in the title or sku")] = None,
    category: Annotated[str | None, Query(max_length=200)] = None,
    brand: Annotated[str | None, Query(max_length=200)] = None,
    status: Annotated[str | None, Query(pattern="^(active|archived)$")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=catalog.MAX_PAGE)] = 50,
) -> Page[ProductPublic]:
    return catalog.list_products(
        session,
        shop,
        q=q,
        category=category,
        brand=brand,
        status=status,
        offset=offset,
        limit=limit,
    )


@router.post("", response_model=ProductPublic, status_code=201)
def create_product(
    data: ProductCreate, session: SessionDep, shop: ShopDep, runtime: RuntimeDep, who: Writer
) -> ProductPublic:
    return catalog.create_product(session, runtime.clock, shop, data, who.actor)


@router.get("/{sku}", response_model=ProductPublic)
def get_product(sku: str, session: SessionDep, shop: ShopDep, _: Reader) -> ProductPublic:
    return catalog.get_product(session, shop, sku)


@router.patch("/{sku}", response_model=ProductPublic)
def update_product(
    sku: str,
    data: ProductUpdate,
    session: SessionDep,
    shop: ShopDep,
    runtime: RuntimeDep,
    who: Writer,
) -> ProductPublic:
    return catalog.update_product(session, runtime.clock, shop, sku, data, who.actor)
