"""Customer-service conversations as the API and the dashboard see them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from shopkeeper.domain.schemas import Strict

# Longest customer message read; longer ones get a reply asking for a shorter message.
MAX_MESSAGE_CHARS = 4000


class Channel(StrEnum):
    WIDGET = "widget"
    API = "api"
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"


class ConversationStatus(StrEnum):
    """Who holds the conversation now."""

    ASSISTANT = "assistant"  # the assistant answers
    WAITING = "waiting"  # handed off, nobody claimed it yet
    WITH_AGENT = "with_agent"  # a person claimed it
    CLOSED = "closed"


class Outcome(StrEnum):
    """How the customer's latest request ended."""

    RESOLVED = "resolved"  # the assistant answered or did it
    HANDOFF = "handoff"  # passed to a person
    DECLINED = "declined"  # correctly refused: policy, identity, out of scope


class Role(StrEnum):
    CUSTOMER = "customer"
    ASSISTANT = "assistant"
    AGENT = "agent"


class SupportAction(StrEnum):
    """Changes the assistant may make to the shop's data; each can be switched off."""

    RETURN = "return_created"
    ADDRESS = "address_changed"
    CANCEL = "order_cancelled"
    INVOICE = "invoice_sent"


class MessageIn(Strict):
    """A customer's message; without ``conversation_id`` a new conversation starts."""

    text: str = Field(max_length=MAX_MESSAGE_CHARS * 4)
    conversation_id: str | None = Field(None, max_length=48)
    language: str | None = Field(None, pattern="^(fr|en)$")
    channel: Literal["widget", "api"] = "api"


class MessageOut(BaseModel):
    id: int
    role: Role
    text: str
    at: datetime
    author: str | None = None


class Reply(BaseModel):
    """What the assistant says back, with where the conversation stands."""

    conversation_id: str
    messages: list[MessageOut]
    status: ConversationStatus
    outcome: Outcome | None
    intent: str | None
    awaiting: str | None = Field(None, description="what the assistant asked for, if anything")
    actions: list[SupportAction] = Field(default_factory=list)


class Feedback(Strict):
    satisfied: bool


class Transcript(BaseModel):
    """A conversation's messages after a given one, for a client waiting for an answer."""

    conversation_id: str
    status: ConversationStatus
    messages: list[MessageOut]


class AgentReply(Strict):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class QueueEntry(BaseModel):
    handoff_id: int
    conversation_id: str
    status: str
    reason: str
    priority: str
    intent: str | None
    summary: str
    entities: dict[str, str]
    language: str
    channel: str
    assigned_to: str | None
    created_at: datetime


class PolicyBody(Strict):
    """A shop's support rules, as the API reads and writes them."""

    return_window_days: int = Field(30, ge=0, le=365)
    non_returnable_categories: list[str] = Field(default_factory=list, max_length=200)
    disabled_actions: list[SupportAction] = Field(
        default_factory=list, description="changes the assistant must leave to a person"
    )
    handling_days: int = Field(1, ge=0, le=30)
    delivery_days_min: int = Field(2, ge=1, le=60)
    delivery_days_max: int = Field(4, ge=1, le=60)
