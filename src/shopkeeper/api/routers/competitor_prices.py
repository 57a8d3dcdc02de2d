"""Competitor prices: ``POST /v1/signals/competitor-prices`` stores a batch; the owner reads
the matches at ``/v1/competitor-matches`` and confirms or rejects them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel, Field

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.competitor_prices import (
    MAX_PRICES_PER_BATCH,
    CompetitorMatchPublic,
    CompetitorPriceIn,
    MatchStatus,
)
from shopkeeper.domain.schemas import Page, Sku
from shopkeeper.services import competitor_matches, competitor_prices
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.competitor_prices import PriceOutcome

router = APIRouter(tags=["competitor prices"])
# The signals scopes: a competitor's price is a signal, and matching decides which series.
Reader = Annotated[Principal, Depends(require(Scope.SIGNALS_READ))]
Writer = Annotated[Principal, Depends(require(Scope.SIGNALS_WRITE))]
MatchId = Annotated[int, Path(ge=1, description="The match's id")]

_PRICE_SCHEMA = {
    key: value
    for key, value in CompetitorPriceIn.model_json_schema(
        ref_template="#/components/schemas/{model}"
    ).items()
    if key != "$defs"
}


class CompetitorPriceBatchIn(BaseModel):
    """Prices seen at competitors. Each is checked alone, so a bad one is rejected with its
    reason while the others are stored."""

    prices: list[Any] = Field(
        json_schema_extra={"items": _PRICE_SCHEMA, "maxItems": MAX_PRICES_PER_BATCH}
    )

    model_config = {
        "json_schema_extra": {
            "example": {
                "prices": [
                    {
                        "competitor": "PrixMalin",
                        "title": "Café en grains Maison Arabica pur arabica 500g",
                        "price": "12.90",
                        "currency": "EUR",
                        "observed_at": "2026-03-01T09:30:00+01:00",
                        "competitor_sku": "PM-88231",
                        "url": "https://prixmalin.example/p/88231",
                    }
                ]
            }
        }
    }


class StoredPricePublic(BaseModel):
    index: int
    match_id: int
    outcome: PriceOutcome = Field(
        description="matched: written as a signal; suggested / unmatched: kept until the "
        "owner confirms a match"
    )
    sku: str | None = Field(description="Our sku: confirmed, or suggested")
    changed: bool = Field(description="False when the same price was already held")


class RejectedPricePublic(BaseModel):
    index: int
    competitor: str | None
    reason: str


class CompetitorPriceBatchPublic(BaseModel):
    stored: int
    unchanged: int
    matched: int
    suggested: int
    unmatched: int
    prices: list[StoredPricePublic]
    rejected: list[RejectedPricePublic]


class ConfirmIn(BaseModel):
    sku: Sku | None = Field(None, description="Our sku, when not the suggested one")


class ConfirmedPublic(BaseModel):
    match: CompetitorMatchPublic
    signals_written: int


class RejectedMatchPublic(BaseModel):
    match: CompetitorMatchPublic
    signals_removed: int


@router.post(
    "/v1/signals/competitor-prices",
    response_model=CompetitorPriceBatchPublic,
    summary="Record a batch of competitor prices",
)
def post_prices(
    data: CompetitorPriceBatchIn, runtime: RuntimeDep, who: Writer
) -> CompetitorPriceBatchPublic:
    """Store up to 5,000 prices. Prices of products matched to ours (confirmed) become
    ``competitor_price.<competitor>`` signals; the others are kept until the owner confirms
    a match. The same competitor, product and day sent again changes nothing."""
    result = competitor_prices.record_competitor_prices(
        runtime.sessions,
        runtime.clock,
        shop_id=who.shop_id,
        raw_items=data.prices,
        actor=who.actor,
    )
    counts = result.counts()
    return CompetitorPriceBatchPublic(
        stored=counts["stored"],
        unchanged=counts["unchanged"],
        matched=counts["matched"],
        suggested=counts["suggested"],
        unmatched=counts["unmatched"],
        prices=[
            StoredPricePublic(
                index=s.index, match_id=s.match_id, outcome=s.outcome, sku=s.sku, changed=s.changed
            )
            for s in result.stored
        ],
        rejected=[
            RejectedPricePublic(index=r.index, competitor=r.competitor, reason=r.reason)
            for r in result.rejected
        ],
    )


@router.get("/v1/competitor-matches", response_model=Page[CompetitorMatchPublic])
def list_matches(
    session: SessionDep,
    who: Reader,
    status: Annotated[MatchStatus | None, Query(description="Only matches in this state")] = None,
    competitor: Annotated[str | None, Query(max_length=200)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=competitor_matches.MAX_PAGE)] = 100,
) -> Page[CompetitorMatchPublic]:
    """Competitors' products and the product of ours each is (or may be), newest first."""
    return competitor_matches.list_matches(
        session, who.shop_id, status=status, competitor=competitor, offset=offset, limit=limit
    )


@router.get("/v1/competitor-matches/{match_id}", response_model=CompetitorMatchPublic)
def get_match(match_id: MatchId, session: SessionDep, who: Reader) -> CompetitorMatchPublic:
    return competitor_matches.get_match(session, who.shop_id, match_id)


@router.post("/v1/competitor-matches/{match_id}/confirm", response_model=ConfirmedPublic)
def confirm(
    match_id: MatchId,
    runtime: RuntimeDep,
    session: SessionDep,
    who: Writer,
    data: Annotated[ConfirmIn | None, Body()] = None,
) -> ConfirmedPublic:
    """Confirm the suggested product, or name another sku of ours. Every price already seen
    for the competitor's product is written to the signals."""
    match, written = competitor_matches.confirm_match(
        session,
        runtime.clock,
        who.shop_id,
        match_id,
        actor=who.actor,
        sku=data.sku if data else None,
    )
    return ConfirmedPublic(match=match, signals_written=written)


@router.post("/v1/competitor-matches/{match_id}/reject", response_model=RejectedMatchPublic)
def reject(
    match_id: MatchId, runtime: RuntimeDep, session: SessionDep, who: Writer
) -> RejectedMatchPublic:
    """The competitor's product is not ours: its prices stay stored but feed no signal."""
    match, removed = competitor_matches.reject_match(
        session, runtime.clock, who.shop_id, match_id, actor=who.actor
    )
    return RejectedMatchPublic(match=match, signals_removed=removed)
