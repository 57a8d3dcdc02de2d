"""The storefront event vocabulary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator


class EventType(StrEnum):
    """What a visitor did. Purchases here are behaviour signals; imported orders are sales."""

    VIEW = "view"
    CLICK = "click"
    ADD_TO_CART = "add_to_cart"
    REMOVE_FROM_CART = "remove_from_cart"
    SEARCH = "search"
    CHECKOUT_START = "checkout_start"
    PURCHASE = "purchase"
    SCROLL = "scroll"
    HESITATION = "hesitation"
    RECOMMENDATION_IMPRESSION = "recommendation_impression"
    RECOMMENDATION_CLICK = "recommendation_click"
    CHAT_OPEN = "chat_open"


MAX_EVENTS_PER_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Event:
    """One stored storefront event, as models see it.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> Event("e1", EventType.VIEW, "s1", datetime(2026, 1, 1, tzinfo=UTC), sku="A1").sku
    'A1'
    """

    event_id: str
    type: EventType
    session_id: str
    occurred_at: datetime
    customer_id: str | None = None
    sku: str | None = None
    dwell_ms: int | None = None
    scroll_pct: float | None = None
    query: str | None = None
    quantity: int | None = None
    order_id: str | None = None
    rec_request_id: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


# Types that make no sense without the product they are about.
_NEEDS_SKU = frozenset(
    {EventType.ADD_TO_CART, EventType.REMOVE_FROM_CART, EventType.RECOMMENDATION_CLICK}
)


class EventContext(BaseModel):
    """Where and how the event happened; extra keys are kept as sent."""

    model_config = ConfigDict(extra="allow")

    page_type: str | None = Field(None, max_length=32)
    referrer: str | None = Field(None, max_length=2000)
    device: str | None = Field(None, max_length=32)
    locale: str | None = Field(None, max_length=16)
    country: str | None = Field(None, max_length=2)
    region: str | None = Field(None, max_length=100)
    city: str | None = Field(None, max_length=100)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class EventIn(BaseModel):
    """One event as the storefront sends it (see docs/events.md).

    Examples
    --------
    >>> e = EventIn.model_validate({"event_id": "0b0c2f0e-6f1e-4a53-9d1f-2b8f1f7c2a11",
    ...     "type": "view", "session_id": "s1", "sku": "TEE-1",
    ...     "occurred_at": "2026-11-25T10:00:00Z"})
    >>> e.type
    <EventType.VIEW: 'view'>
    """

    model_config = ConfigDict(extra="forbid")

    event_id: uuid.UUID
    type: EventType
    session_id: str = Field(min_length=1, max_length=128)
    customer_id: str | None = Field(None, min_length=1, max_length=64)
    sku: str | None = Field(None, min_length=1, max_length=64)
    occurred_at: AwareDatetime
    dwell_ms: int | None = Field(None, ge=0, le=86_400_000)
    scroll_pct: float | None = Field(None, ge=0, le=100)
    query: str | None = Field(None, max_length=500)
    quantity: int | None = Field(None, ge=1, le=10_000)
    order_id: str | None = Field(None, min_length=1, max_length=64)
    rec_request_id: str | None = Field(None, min_length=1, max_length=64)
    context: EventContext = Field(default_factory=EventContext)

    @model_validator(mode="after")
    def _required_by_type(self) -> EventIn:
        if self.type in _NEEDS_SKU and self.sku is None:
            raise ValueError(f"a '{self.type.value}' event needs a sku")
        if self.type is EventType.SEARCH and not self.query:
            raise ValueError("a 'search' event needs a query")
        return self
