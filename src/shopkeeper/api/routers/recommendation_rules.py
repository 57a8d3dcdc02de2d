"""The shop's recommendation rules and policy, and personalised email blocks.

Back-office routes: a secret key is needed (the scopes below are never publishable).
Reading rules takes ``catalog:read``, changing them ``catalog:write``, and an email block,
which reveals what one customer bought and may like, ``customers:read``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.recommendations import RecommendedItem
from shopkeeper.domain.schemas import Page
from shopkeeper.services import recommend_rules
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.models import ModelCache
from shopkeeper.services.recommend_email import (
    DEFAULT_PRODUCT_PATH,
    MAX_EMAIL_ITEMS,
    email_block,
)

router = APIRouter(tags=["recommendation rules"])
Reader = Annotated[Principal, Depends(require(Scope.CATALOG_READ))]
Writer = Annotated[Principal, Depends(require(Scope.CATALOG_WRITE))]
CustomerReader = Annotated[Principal, Depends(require(Scope.CUSTOMERS_READ))]
RULES = "/v1/recommendation-rules"


class RuleIn(BaseModel):
    """A rule to add. Actions and target kinds are checked by the service, which names the
    accepted values in its error."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "action": "boost",
                "target_kind": "brand",
                "target_value": "Acme",
                "factor": 1.5,
            }
        },
    )

    action: str = Field(description="pin, boost, bury or exclude", max_length=16)
    target_kind: str = Field(description="sku, brand or category", max_length=16)
    target_value: str = Field(min_length=1, max_length=200)
    factor: float | None = Field(
        None, description="boost: above 1 (at most 10); bury: between 0 and 1; else none"
    )
    note: str = Field("", max_length=500, description="Why the rule exists, for colleagues")


class RulePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    target_kind: str
    target_value: str
    factor: float | None
    note: str
    created_by: str
    created_at: datetime


class PolicyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    max_per_category: int
    margin_weight: float
    exclude_bought_durables: bool


class PolicyUpdate(BaseModel):
    """Fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    max_per_category: int | None = Field(None, description="1 to 50")
    margin_weight: float | None = Field(None, description="0 (ignore margin) to 1")
    exclude_bought_durables: bool | None = None


class EmailBlockPublic(BaseModel):
    subject_hint: str
    html: str
    text: str
    items: list[RecommendedItem]
    rec_request_id: str


@router.get(RULES, response_model=Page[RulePublic])
def list_rules(session: SessionDep, who: Reader) -> Page[RulePublic]:
    rules = [RulePublic.model_validate(r) for r in recommend_rules.list_rules(session, who.shop_id)]
    return Page[RulePublic](data=rules, count=len(rules))


@router.post(RULES, response_model=RulePublic, status_code=201)
def add_rule(data: RuleIn, session: SessionDep, runtime: RuntimeDep, who: Writer) -> RulePublic:
    """Pin, boost, bury or exclude a sku, a brand or a category. The target must exist in
    the catalogue (404 otherwise); one rule per target (409 for a second)."""
    stored = recommend_rules.add_rule(
        session,
        runtime.clock,
        shop_id=who.shop_id,
        actor=who.actor,
        action=data.action,
        target_kind=data.target_kind,
        target_value=data.target_value,
        factor=data.factor,
        note=data.note,
    )
    return RulePublic.model_validate(stored)


@router.get(RULES + "/policy", response_model=PolicyPublic)
def get_policy(session: SessionDep, who: Reader) -> PolicyPublic:
    return PolicyPublic.model_validate(recommend_rules.get_policy(session, who.shop_id))


@router.put(RULES + "/policy", response_model=PolicyPublic)
def set_policy(
    data: PolicyUpdate, session: SessionDep, runtime: RuntimeDep, who: Writer
) -> PolicyPublic:
    policy = recommend_rules.set_policy(
        session,
        runtime.clock,
        shop_id=who.shop_id,
        actor=who.actor,
        max_per_category=data.max_per_category,
        margin_weight=data.margin_weight,
        exclude_bought_durables=data.exclude_bought_durables,
    )
    return PolicyPublic.model_validate(policy)


@router.delete(RULES + "/{rule_id}", status_code=204)
def delete_rule(rule_id: int, session: SessionDep, runtime: RuntimeDep, who: Writer) -> Response:
    recommend_rules.delete_rule(
        session, runtime.clock, shop_id=who.shop_id, actor=who.actor, rule_id=rule_id
    )
    return Response(status_code=204)


@router.get(
    "/v1/recommendations/email-block",
    response_model=EmailBlockPublic,
    responses={200: {"content": {"text/html": {}}}},
)
def get_email_block(
    request: Request,
    runtime: RuntimeDep,
    who: CustomerReader,
    customer_id: Annotated[str, Query(min_length=1, max_length=64)],
    base_url: Annotated[
        str, Query(max_length=300, description="The storefront, e.g. https://shop.example")
    ] = "http://localhost:8000",
    product_path: Annotated[
        str, Query(max_length=200, description="Product page path; {sku} is replaced")
    ] = DEFAULT_PRODUCT_PATH,
    k: Annotated[int, Query(ge=1, le=MAX_EMAIL_ITEMS)] = 4,
    format: Literal["html", "json"] = "json",
) -> EmailBlockPublic | HTMLResponse:
    """Products for one known customer as an email-safe HTML table (``format=html``) or as
    JSON with the HTML, a plain-text version and a subject hint. Unknown customer: 404."""
    models: ModelCache = request.app.state.models
    block = email_block(
        runtime,
        models,
        shop_id=who.shop_id,
        customer_id=customer_id,
        k=k,
        base_url=base_url,
        product_path=product_path,
    )
    if format == "html":
        return HTMLResponse(block.html)
    return EmailBlockPublic(
        subject_hint=block.subject_hint,
        html=block.html,
        text=block.text,
        items=block.items,
        rec_request_id=block.rec_request_id,
    )
