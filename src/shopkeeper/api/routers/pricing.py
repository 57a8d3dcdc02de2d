"""Dynamic pricing: the storefront's price, runs, the kill switch, guardrails and locks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy.orm import Session

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.api.routers.proposals import add_capability_listing
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.access import Scope
from shopkeeper.domain.proposals import (
    Capability,
    CapabilityMode,
    CapabilitySetting,
)
from shopkeeper.domain.schemas import Strict
from shopkeeper.services import modes
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.pricing_rules import PricingSetup, add_lock, load_setup, set_rules
from shopkeeper.services.pricing_run import kill_switch, run_pricing
from shopkeeper.services.pricing_storefront import StorefrontPrice, storefront_price
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.serving_cache import ServingCache

prices_router = APIRouter(prefix="/v1/prices", tags=["pricing"])
router = APIRouter(prefix="/v1/pricing", tags=["pricing"])
PriceReader = Annotated[Principal, Depends(require(Scope.PRICES_READ))]
Reader = Annotated[Principal, Depends(require(Scope.PROPOSALS_READ))]
Writer = Annotated[Principal, Depends(require(Scope.PROPOSALS_WRITE))]


@prices_router.get("/{sku}", response_model=StorefrontPrice)
def get_price(request: Request, sku: str, who: PriceReader) -> StorefrontPrice:
    """The price to show for ``sku`` now (publishable key; cached for 10 seconds)."""
    runtime: Runtime = request.app.state.runtime
    cache: ServingCache = request.app.state.serving
    return cache.remember(
        ("price", who.shop_id, sku), lambda: storefront_price(runtime, who.shop_id, sku)
    )


class RunResult(BaseModel):
    model_run_id: int | None
    products: int
    quoted: int
    changes: int
    applied: int
    explored: list[str]
    refused: dict[str, str]
    note: str
    seconds: float


@router.post("/run", response_model=RunResult)
def run_now(runtime: RuntimeDep, who: Writer) -> RunResult:
    """Quote every product now, as the scheduled job does, and propose the changes."""
    summary = run_pricing(runtime, who.shop_id)
    return RunResult(
        model_run_id=summary.model_run_id,
        products=summary.products,
        quoted=summary.quoted,
        changes=summary.changes,
        applied=summary.applied,
        explored=list(summary.explored),
        refused=summary.refused,
        note=summary.note,
        seconds=summary.seconds,
    )


class KillSwitchPublic(BaseModel):
    reverted: dict[str, list[Decimal]]
    modes_off: int
    proposals_expired: int


@router.post("/kill-switch", response_model=KillSwitchPublic)
def press_kill_switch(runtime: RuntimeDep, who: Writer) -> KillSwitchPublic:
    """Turn pricing off everywhere and put automatic prices back to list prices at once."""
    result = kill_switch(runtime, who.shop_id, actor=who.actor)
    return KillSwitchPublic(
        reverted={sku: [old, new] for sku, (old, new) in result.reverted.items()},
        modes_off=result.modes_off,
        proposals_expired=result.expired,
    )


class ModeIn(Strict):
    mode: CapabilityMode
    category: str | None = Field(None, max_length=200)
    sku: str | None = Field(None, max_length=64)


@router.put("/mode", response_model=CapabilitySetting)
def put_mode(
    runtime: RuntimeDep, session: SessionDep, who: Writer, body: ModeIn
) -> CapabilitySetting:
    """Pricing ``off``, ``suggest`` or ``auto`` for the shop, or for one category or sku."""
    if body.category is not None and body.sku is not None:
        raise InvalidInputError("give a category or a sku, not both")
    kind, value = (
        ("product", body.sku)
        if body.sku is not None
        else ("category", body.category)
        if body.category is not None
        else ("shop", "")
    )
    return modes.set_mode(
        session,
        runtime.clock,
        shop_id=who.shop_id,
        capability=Capability.PRICING,
        mode=body.mode,
        actor=who.actor,
        scope_kind=kind,
        scope_value=value,
    )


class RulesPublic(BaseModel):
    shop: dict[str, Any]
    objective: str
    explore_share: float
    max_loss_share: float
    categories: dict[str, dict[str, Any]]
    products: dict[str, dict[str, Any]]


def _public(setup: PricingSetup) -> RulesPublic:
    def plain(obj: object) -> dict[str, Any]:
        fields = getattr(obj, "__dataclass_fields__", {})
        values = {name: getattr(obj, name) for name in fields}
        return {
            k: str(v) if isinstance(v, Decimal) else v for k, v in values.items() if v is not None
        }

    return RulesPublic(
        shop=plain(setup.rules),
        objective=setup.goal.objective.value,
        explore_share=setup.budget.explore_share,
        max_loss_share=setup.budget.max_loss_share,
        categories={k: plain(v) for k, v in setup.categories.items()},
        products={k: plain(v) for k, v in setup.products.items()},
    )


@router.get("/rules", response_model=RulesPublic)
def get_rules(session: SessionDep, who: Reader) -> RulesPublic:
    """The guardrails in force: the shop's, and each category's and product's overrides."""
    return _public(load_setup(session, who.shop_id))


def _set(
    runtime: Runtime, session: Session, who: Principal, kind: str, value: str, rules: dict[str, Any]
) -> RulesPublic:
    setup = set_rules(
        session,
        runtime.clock,
        shop_id=who.shop_id,
        scope_kind=kind,
        scope_value=value,
        values=rules,
        actor=who.actor,
    )
    return _public(setup)


@router.put("/rules", response_model=RulesPublic)
def put_shop_rules(
    runtime: RuntimeDep, session: SessionDep, who: Writer, rules: dict[str, Any]
) -> RulesPublic:
    """Replace the shop's guardrails, objective and experiment budget; an impossible
    configuration (a floor above the cap, an unknown field) is refused and nothing changes."""
    return _set(runtime, session, who, "shop", "", rules)


@router.put("/rules/categories/{category}", response_model=RulesPublic)
def put_category_rules(
    runtime: RuntimeDep, session: SessionDep, who: Writer, category: str, rules: dict[str, Any]
) -> RulesPublic:
    """Replace the fields one category overrides (an empty object removes them)."""
    return _set(runtime, session, who, "category", category, rules)


@router.put("/rules/products/{sku}", response_model=RulesPublic)
def put_product_rules(
    runtime: RuntimeDep, session: SessionDep, who: Writer, sku: str, rules: dict[str, Any]
) -> RulesPublic:
    """Replace the fields one product overrides (an empty object removes them)."""
    return _set(runtime, session, who, "product", sku, rules)


class LockIn(Strict):
    sku: str = Field(min_length=1, max_length=64)
    reason: str = "manual"
    until: AwareDatetime | None = None
    starts_at: AwareDatetime | None = None
    note: str = Field("", max_length=500)


class LockPublic(BaseModel):
    sku: str
    reason: str
    until: datetime | None
    starts_at: datetime | None


@router.post("/locks", response_model=LockPublic, status_code=201)
def post_lock(runtime: RuntimeDep, session: SessionDep, who: Writer, lock: LockIn) -> LockPublic:
    """Stop automatic price changes of one product (until ``until``, or until removed)."""
    made = add_lock(
        session,
        runtime.clock,
        shop_id=who.shop_id,
        sku=lock.sku,
        reason=lock.reason,
        until=lock.until,
        starts_at=lock.starts_at,
        note=lock.note,
        actor=who.actor,
    )
    return LockPublic(
        sku=made.sku, reason=made.reason.value, until=made.until, starts_at=made.starts_at
    )


add_capability_listing(
    router,
    Capability.PRICING,
    "Price changes proposed by pricing runs, each with its reason and expected effect.",
)
