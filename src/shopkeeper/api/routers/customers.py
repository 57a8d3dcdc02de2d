"""Customers, addressed by the shop's external id. Secret keys only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.customers import CustomerCreate, CustomerPublic, CustomerUpdate
from shopkeeper.domain.schemas import Page
from shopkeeper.services import customers
from shopkeeper.services.access.principal import Principal

router = APIRouter(prefix="/v1/customers", tags=["customers"])
Reader = Annotated[Principal, Depends(require(Scope.CUSTOMERS_READ))]
Writer = Annotated[Principal, Depends(require(Scope.CUSTOMERS_WRITE))]


@router.get("", response_model=Page[CustomerPublic])
def list_customers(
    session: SessionDep,
    runtime: RuntimeDep,
    who: Reader,
    email: Annotated[str | None, Query(max_length=320, description="Exact email")] = None,
    segment: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=64, description="External id prefix")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=customers.MAX_PAGE)] = 50,
) -> Page[CustomerPublic]:
    return customers.list_customers(
        session,
        runtime.cipher,
        who.shop_id,
        email=email,
        segment=segment,
        q=q,
        offset=offset,
        limit=limit,
    )


@router.post("", response_model=CustomerPublic, status_code=201)
def create_customer(
    data: CustomerCreate, session: SessionDep, runtime: RuntimeDep, who: Writer
) -> CustomerPublic:
    return customers.create_customer(session, runtime.clock, runtime.cipher, who.shop_id, data)


@router.get("/{external_id}", response_model=CustomerPublic)
def get_customer(
    external_id: str, session: SessionDep, runtime: RuntimeDep, who: Reader
) -> CustomerPublic:
    return customers.get_customer(session, runtime.cipher, who.shop_id, external_id)


@router.patch("/{external_id}", response_model=CustomerPublic)
def update_customer(
    external_id: str, data: CustomerUpdate, session: SessionDep, runtime: RuntimeDep, who: Writer
) -> CustomerPublic:
    return customers.update_customer(
        session, runtime.clock, runtime.cipher, who.shop_id, external_id, data
    )
