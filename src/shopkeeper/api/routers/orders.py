"""Orders, addressed by the shop's external id. Secret keys only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from shopkeeper.api.deps import RuntimeDep, SessionDep, ShopDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.orders import OrderCreate, OrderPublic, OrderUpdate
from shopkeeper.domain.schemas import Page
from shopkeeper.services import orders
from shopkeeper.services.access.principal import Principal

router = APIRouter(prefix="/v1/orders", tags=["orders"])
Reader = Annotated[Principal, Depends(require(Scope.ORDERS_READ))]
Writer = Annotated[Principal, Depends(require(Scope.ORDERS_WRITE))]


@router.get("", response_model=Page[OrderPublic])
def list_orders(
    session: SessionDep,
    runtime: RuntimeDep,
    who: Reader,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    placed_from: AwareDatetime | None = None,
    placed_to: AwareDatetime | None = None,
    q: Annotated[str | None, Query(max_length=64, description="External id prefix")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=orders.MAX_PAGE)] = 50,
) -> Page[OrderPublic]:
    return orders.list_orders(
        session,
        runtime.cipher,
        who.shop_id,
        customer_id=customer_id,
        status=status,
        placed_from=placed_from,
        placed_to=placed_to,
        q=q,
        offset=offset,
        limit=limit,
    )


@router.post("", response_model=OrderPublic, status_code=201)
def create_order(
    data: OrderCreate, session: SessionDep, shop: ShopDep, runtime: RuntimeDep, _: Writer
) -> OrderPublic:
    return orders.create_order(session, runtime.clock, runtime.cipher, shop, data)


@router.get("/{external_id}", response_model=OrderPublic)
def get_order(
    external_id: str, session: SessionDep, runtime: RuntimeDep, who: Reader
) -> OrderPublic:
    return orders.get_order(session, runtime.cipher, who.shop_id, external_id)


@router.patch("/{external_id}", response_model=OrderPublic)
def update_order(
    external_id: str,
    data: OrderUpdate,
    session: SessionDep,
    shop: ShopDep,
    runtime: RuntimeDep,
    who: Writer,
) -> OrderPublic:
    return orders.update_order(
        session, runtime.clock, runtime.cipher, shop, external_id, data, who.actor
    )
