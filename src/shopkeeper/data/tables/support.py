"""Customer-service conversations, their messages, the human queue, returns and policies.

Message texts, summaries and the dialogue state hold what customers type (emails,
addresses, order numbers), so they are stored encrypted like the customers' own fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.data.tables.base import Base, shop_fk


class ConversationRow(Base):
    """One customer's exchange with the shop, whatever the channel."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("shop_id", "public_id"),
        Index("ix_conversations_shop_channel_ref", "shop_id", "channel", "channel_ref"),
        Index("ix_conversations_shop_updated", "shop_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    # Unguessable: whoever holds it may read the conversation (the widget, the app).
    public_id: Mapped[str] = mapped_column(String(48))
    channel: Mapped[str] = mapped_column(String(16))
    # Who the channel says is writing: a chat id, a phone number, an email address hash.
    channel_ref: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    intent: Mapped[str | None] = mapped_column(String(32))
    state_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    customer_messages: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class SupportMessageRow(Base):
    """One message of a conversation: the customer's, the assistant's or an agent's."""

    __tablename__ = "messages"
    __table_args__ = (
        # A channel that retries a webhook delivers the same message id twice.
        UniqueConstraint("shop_id", "channel_message_id"),
        Index("ix_messages_conversation", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    intent: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[float | None] = mapped_column(Float)
    author: Mapped[str | None] = mapped_column(String(320))
    channel_message_id: Mapped[str | None] = mapped_column(String(200))
    # Time from the customer's message to this reply, for the response-time figures.
    reply_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


class HandoffRow(Base):
    """A conversation passed to a person: the human queue is its unresolved rows."""

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_shop_status", "shop_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(32))
    summary_enc: Mapped[bytes] = mapped_column(LargeBinary)
    entities_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    assigned_to: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]


class ReturnRow(Base):
    """A return the assistant or an agent opened for one order line."""

    __tablename__ = "returns"
    __table_args__ = (UniqueConstraint("shop_id", "label_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int]
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    label_reference: Mapped[str] = mapped_column(String(32))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]


class SupportPolicyRow(Base):
    """What the assistant may do for one shop and the rules it applies; absent = defaults."""

    __tablename__ = "support_policies"
    __table_args__ = (UniqueConstraint("shop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    return_window_days: Mapped[int] = mapped_column(Integer, default=30)
    non_returnable_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Action type -> allowed; a missing action type is allowed.
    actions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    handling_days: Mapped[int] = mapped_column(Integer, default=1)
    delivery_days_min: Mapped[int] = mapped_column(Integer, default=2)
    delivery_days_max: Mapped[int] = mapped_column(Integer, default=4)
    updated_at: Mapped[datetime]


class SupportDocumentRow(Base):
    """A page of the shop's FAQ or policies, in markdown, that answers cite."""

    __tablename__ = "support_documents"
    __table_args__ = (UniqueConstraint("shop_id", "language", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    language: Mapped[str] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
