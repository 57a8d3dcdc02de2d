"""External signals: ``POST /v1/signals`` stores a batch, ``GET`` reads one name back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel, Field

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.schemas import Page
from shopkeeper.domain.signals import (
    MAX_SIGNALS_PER_BATCH,
    SignalNamePublic,
    SignalPointIn,
    SignalPointPublic,
)
from shopkeeper.services import signals
from shopkeeper.services.access.principal import Principal

router = APIRouter(prefix="/v1/signals", tags=["signals"])
Reader = Annotated[Principal, Depends(require(Scope.SIGNALS_READ))]
Writer = Annotated[Principal, Depends(require(Scope.SIGNALS_WRITE))]

_POINT_SCHEMA = {
    key: value
    for key, value in SignalPointIn.model_json_schema(
        ref_template="#/components/schemas/{model}"
    ).items()
    if key != "$defs"
}


class SignalBatchIn(BaseModel):
    """A batch of points. Items are checked one by one by the service, so a bad point is
    rejected alone with its reason instead of failing the whole request."""

    points: list[Any] = Field(
        json_schema_extra={"items": _POINT_SCHEMA, "maxItems": MAX_SIGNALS_PER_BATCH}
    )

    model_config = {
        "json_schema_extra": {
            "example": {
                "points": [
                    {
                        "name": "weather.temp_c",
                        "region": "Bretagne",
                        "ts": "2026-03-01",
                        "value": 11.5,
                        "meta": {"source": "meteo-station-35"},
                    }
                ]
            }
        }
    }


class RejectedPointPublic(BaseModel):
    index: int
    name: str | None
    reason: str


class SignalBatchResultPublic(BaseModel):
    stored: int
    rejected: list[RejectedPointPublic]


@router.post("", response_model=SignalBatchResultPublic, summary="Record a batch of signals")
def post_signals(data: SignalBatchIn, runtime: RuntimeDep, who: Writer) -> SignalBatchResultPublic:
    """Store up to 5,000 points. Each invalid point is rejected with its reason; the valid
    ones are stored. A point for a series and period already stored replaces it."""
    result = signals.record_signals(
        runtime.sessions, runtime.clock, shop_id=who.shop_id, raw_points=data.points
    )
    return SignalBatchResultPublic(
        stored=result.stored,
        rejected=[
            RejectedPointPublic(index=r.index, name=r.name, reason=r.reason)
            for r in result.rejected
        ],
    )


@router.get("", response_model=Page[SignalPointPublic])
def list_points(
    session: SessionDep,
    who: Reader,
    # Not held to the write pattern: any name that is stored can be read back.
    name: Annotated[str, Query(min_length=1, max_length=100, description="The signal name")],
    region: Annotated[
        str | None, Query(max_length=100, description="Omit for all regions, empty for shop-wide")
    ] = None,
    sku: Annotated[
        str | None, Query(max_length=64, description="Omit for all skus, empty for none")
    ] = None,
    start: Annotated[AwareDatetime | None, Query(description="From this time, included")] = None,
    end: Annotated[AwareDatetime | None, Query(description="Up to this time, included")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=signals.MAX_PAGE)] = 1000,
) -> Page[SignalPointPublic]:
    return signals.list_points(
        session,
        who.shop_id,
        name,
        region=region,
        sku=sku,
        start=start,
        end=end,
        offset=offset,
        limit=limit,
    )


@router.get("/names", response_model=Page[SignalNamePublic])
def list_names(session: SessionDep, who: Reader) -> Page[SignalNamePublic]:
    """Each signal name the shop holds, with its number of points and first and last time."""
    names = signals.list_names(session, who.shop_id)
    return Page[SignalNamePublic](data=names, count=len(names))
