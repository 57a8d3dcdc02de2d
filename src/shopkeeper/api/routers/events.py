"""``POST /v1/events``: batches of storefront events, stored idempotently."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from shopkeeper.api.deps import RuntimeDep, require
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.access import Scope
from shopkeeper.domain.events import MAX_EVENTS_PER_BATCH, EventIn
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.events import record_events

router = APIRouter(prefix="/v1/events", tags=["events"])


class RejectedEventPublic(BaseModel):
    index: int
    event_id: str | None
    reason: str


class EventBatchResult(BaseModel):
    accepted: list[str]
    duplicates: list[str]
    rejected: list[RejectedEventPublic]


_BATCH_EXAMPLE = {
    "events": [
        {
            "event_id": "0b0c2f0e-6f1e-4a53-9d1f-2b8f1f7c2a11",
            "type": "view",
            "session_id": "s-42",
            "sku": "TEE-001",
            "occurred_at": "2026-11-25T10:00:00Z",
            "dwell_ms": 5400,
            "context": {"page_type": "product", "device": "mobile"},
        }
    ]
}


# The body is parsed by hand (see below), so its schema is declared for the docs here.
_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["events"],
                    "properties": {
                        "events": {
                            "type": "array",
                            "maxItems": MAX_EVENTS_PER_BATCH,
                            "items": EventIn.model_json_schema(
                                ref_template="#/components/schemas/{model}"
                            ),
                        }
                    },
                },
                "example": _BATCH_EXAMPLE,
            }
        },
    }
}


@router.post(
    "",
    response_model=EventBatchResult,
    summary="Record a batch of events",
    openapi_extra=_REQUEST_BODY,
)
async def post_events(
    request: Request,
    runtime: RuntimeDep,
    principal: Annotated[Principal, Depends(require(Scope.EVENTS_WRITE))],
) -> EventBatchResult:
    """Store up to 1,000 events. Each invalid event is rejected with its reason; the valid
    ones are stored; an event already stored (same ``event_id``) is reported as a duplicate.

    The body is read as JSON whatever its content type, because ``navigator.sendBeacon``
    posts ``text/plain``.
    """
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"body is not valid JSON: {exc}") from exc
    events = body.get("events") if isinstance(body, dict) else body
    if not isinstance(events, list):
        raise InvalidInputError("send {'events': [...]} or a JSON array of events")
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise InvalidInputError(
            f"a batch holds at most {MAX_EVENTS_PER_BATCH} events", limit=MAX_EVENTS_PER_BATCH
        )
    # Database work runs in the thread pool so the event loop keeps accepting requests.
    result = await run_in_threadpool(
        record_events,
        runtime.sessions,
        runtime.clock,
        runtime.session_store,
        shop_id=principal.shop_id,
        raw_events=events,
    )
    return EventBatchResult(
        accepted=result.accepted,
        duplicates=result.duplicates,
        rejected=[
            RejectedEventPublic(index=r.index, event_id=r.event_id, reason=r.reason)
            for r in result.rejected
        ],
    )
