"""Messaging channels of a shop's customer service: settings, who to answer, what went out.

Channel secrets (bot tokens, app secrets) and customers' addresses (phone numbers, email
addresses) are stored encrypted with the PII cipher, like the customers' own fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.data.tables.base import Base, shop_fk


class SupportChannelRow(Base):
    """One messaging channel (telegram, whatsapp, email) as a shop set it up."""

    __tablename__ = "support_channels"
    __table_args__ = (UniqueConstraint("shop_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    kind: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Encrypted JSON object: secret name -> value.
    secrets_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Settings that are not secret: API base URL, phone number id, sender address.
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_by: Mapped[str] = mapped_column(String(320), default="")
    updated_at: Mapped[datetime]


class SupportChannelContactRow(Base):
    """Where a conversation's answers go on its channel, for the assistant and for agents."""

    __tablename__ = "support_channel_contacts"
    __table_args__ = (UniqueConstraint("conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    # A chat id, a WhatsApp id (a phone number) or an email address: encrypted.
    address_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # Email threading (subject, message ids): encrypted JSON, absent for chat apps.
    thread_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]


class SupportDeliveryRow(Base):
    """One reply sent (or not) on a channel: sends each reply once and keeps the failures."""

    __tablename__ = "support_channel_deliveries"
    # A redelivered webhook returns the same replies: the unique message id sends them once.
    __table_args__ = (UniqueConstraint("message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = shop_fk()
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # sending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    external_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
