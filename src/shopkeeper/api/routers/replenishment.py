"""Replenishment: proposals with reasons, a plan on demand, purchase orders and their copies."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.api.routers.proposals import add_capability_listing
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.access import Scope
from shopkeeper.domain.proposals import Capability, ProposalPublic
from shopkeeper.domain.schemas import Strict
from shopkeeper.domain.suppliers import PurchaseOrderPublic
from shopkeeper.services import purchase_orders
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.replenish_run import run_replenishment
from shopkeeper.services.shops import get_shop

router = APIRouter(prefix="/v1/replenishment", tags=["replenishment"])
orders_router = APIRouter(prefix="/v1/purchase-orders", tags=["replenishment"])
StockReader = Annotated[Principal, Depends(require(Scope.STOCK_READ))]
StockWriter = Annotated[Principal, Depends(require(Scope.STOCK_WRITE))]
Planner = Annotated[Principal, Depends(require(Scope.PROPOSALS_WRITE))]


class PlanRequest(Strict):
    """Options of a plan made on demand; the defaults are the scheduled job's."""

    service_level: float = Field(0.95, ge=0.5, lt=1)
    budget: Decimal | None = Field(None, gt=0)
    capacity_l: float | None = Field(None, gt=0)
    clearance: bool = True


class PlanResult(BaseModel):
    figures: dict[str, Any]
    proposals: list[ProposalPublic]
    spikes: list[str]


add_capability_listing(
    router,
    Capability.REPLENISH,
    "Purchase orders and clearances proposed, each with its reason (waiting ones by default).",
)


@router.post("/plan", response_model=PlanResult)
def plan_now(runtime: RuntimeDep, who: Planner, body: PlanRequest | None = None) -> PlanResult:
    """Plan now, as the daily job would: spikes, purchase orders, clearances."""
    options = body or PlanRequest()
    report = run_replenishment(
        runtime,
        who.shop_id,
        service_level=options.service_level,
        budget=options.budget,
        capacity_l=options.capacity_l,
        clearance=options.clearance,
    )
    return PlanResult(
        figures=report.figures(),
        proposals=[*report.orders.proposals, *report.clearances],
        spikes=[finding.uplift.reason for finding in report.spikes],
    )


@orders_router.get("", response_model=list[PurchaseOrderPublic])
def list_purchase_orders(
    session: SessionDep,
    who: StockReader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[PurchaseOrderPublic]:
    return purchase_orders.list_purchase_orders(session, who.shop_id, limit=limit)


def _order(session: SessionDep, shop_id: int, reference: str) -> PurchaseOrderPublic:
    if len(reference) > 64:
        raise InvalidInputError("reference is at most 64 characters")
    return purchase_orders.get_purchase_order(session, shop_id, reference)


@orders_router.get("/{reference}", response_model=PurchaseOrderPublic)
def get_purchase_order(
    reference: str, session: SessionDep, who: StockReader
) -> PurchaseOrderPublic:
    return _order(session, who.shop_id, reference)


@orders_router.get("/{reference}/csv", response_class=PlainTextResponse)
def purchase_order_csv(reference: str, session: SessionDep, who: StockReader) -> Response:
    order = _order(session, who.shop_id, reference)
    return Response(
        purchase_orders.purchase_order_csv(order),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{order.reference}.csv"'},
    )


@orders_router.get("/{reference}/pdf", response_class=Response)
def purchase_order_pdf(reference: str, session: SessionDep, who: StockReader) -> Response:
    order = _order(session, who.shop_id, reference)
    shop = get_shop(session, who.shop_id)
    return Response(
        purchase_orders.purchase_order_pdf(order, shop_name=shop.name),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{order.reference}.pdf"'},
    )


@orders_router.post("/{reference}/send", response_model=PurchaseOrderPublic)
def send_purchase_order(
    reference: str, request: Request, session: SessionDep, runtime: RuntimeDep, who: StockWriter
) -> PurchaseOrderPublic:
    """Email the order to its supplier, CSV and PDF attached."""
    _order(session, who.shop_id, reference)  # another shop's order is not found, whatever else
    mailer = request.app.state.mailer
    if mailer is None:
        raise InvalidInputError("no SMTP host configured: set SHOPKEEPER_SMTP_HOST")
    return purchase_orders.send_to_supplier(
        session, runtime.clock, mailer, shop_id=who.shop_id, reference=reference, actor=who.actor
    )


@orders_router.post("/{reference}/receive", response_model=PurchaseOrderPublic)
def receive_purchase_order(
    reference: str, session: SessionDep, runtime: RuntimeDep, who: StockWriter
) -> PurchaseOrderPublic:
    """Book the order's goods into stock."""
    return purchase_orders.receive_purchase_order(
        session, runtime.clock, shop_id=who.shop_id, reference=reference, actor=who.actor
    )
