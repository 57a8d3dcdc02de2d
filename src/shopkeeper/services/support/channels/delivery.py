"""Replies out on a conversation's channel: each reply sent once, every failure recorded.

A reply is first *claimed* (a ``support_channel_deliveries`` row, unique per message) and
only then sent, so a webhook the platform delivers twice, or two workers racing on it,
send it once. A failed send is logged and kept with its reason; it never raises to the
caller, so a webhook sender never sees a 500 because a platform was down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.data.mailer import Mailer
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import SupportChannelContactRow, SupportDeliveryRow
from shopkeeper.services.support.channels.base import (
    ChannelSendError,
    Contact,
    InboundMessage,
    Sender,
)
from shopkeeper.services.support.channels.email import EmailSender
from shopkeeper.services.support.channels.settings import ChannelConfig, ChannelKind
from shopkeeper.services.support.channels.telegram import TelegramSender
from shopkeeper.services.support.channels.whatsapp import WhatsAppSender

Scope = Callable[[], AbstractContextManager[Session]]

# A claim older than this was left by a worker that died mid-send: it may be taken again.
STALE_CLAIM = timedelta(minutes=5)

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What happened to the replies handed to :func:`deliver`."""

    sent: int = 0
    failed: int = 0
    already: int = 0  # sent (or being sent) by an earlier delivery of the same webhook
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.already += other.already
        self.errors.extend(other.errors)


def sender_for(config: ChannelConfig, mailer: Mailer | None) -> Sender:
    """The adapter that sends replies on ``config``'s channel."""
    if config.kind is ChannelKind.TELEGRAM:
        return TelegramSender(config)
    if config.kind is ChannelKind.WHATSAPP:
        return WhatsAppSender(config)
    return EmailSender(mailer, config)


# -- contacts ----------------------------------------------------------------------------


def save_contact(
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    *,
    shop_id: int,
    conversation_id: int,
    inbound: InboundMessage,
) -> Contact:
    """Remember where the conversation's answers go (the latest email sets the thread)."""
    row = session.scalar(
        select(SupportChannelContactRow).where(
            SupportChannelContactRow.conversation_id == conversation_id
        )
    )
    if row is None:
        row = SupportChannelContactRow(shop_id=shop_id, conversation_id=conversation_id)
        session.add(row)
    row.channel = inbound.channel
    row.address_enc = cipher.encrypt(inbound.address)
    row.thread_enc = cipher.encrypt_json(inbound.thread)
    row.updated_at = clock.now()
    session.flush()
    return Contact(inbound.channel, inbound.address, dict(inbound.thread))


def contact_for(session: Session, cipher: PiiCipher, conversation_id: int) -> Contact | None:
    """Where the conversation's answers go, or ``None`` for widget and API conversations."""
    row = session.scalar(
        select(SupportChannelContactRow).where(
            SupportChannelContactRow.conversation_id == conversation_id
        )
    )
    if row is None:
        return None
    thread = cipher.decrypt_json(row.thread_enc) or {}
    return Contact(row.channel, cipher.decrypt(row.address_enc), thread)


# -- deliveries --------------------------------------------------------------------------


def _claim(
    session: Session,
    clock: Clock,
    *,
    shop_id: int,
    conversation_id: int,
    channel: str,
    message_id: int,
) -> bool:
    now = clock.now()
    row = session.scalar(
        select(SupportDeliveryRow).where(SupportDeliveryRow.message_id == message_id)
    )
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    SupportDeliveryRow(
                        shop_id=shop_id,
                        message_id=message_id,
                        conversation_id=conversation_id,
                        channel=channel,
                        status="sending",
                        attempts=1,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            return False  # another worker claimed it first
        return True
    retry = row.status == "failed" or (
        row.status == "sending" and now - row.updated_at > STALE_CLAIM
    )
    if not retry:
        return False
    # Conditional on the state read, so of two workers retrying only one wins.
    taken = session.execute(
        update(SupportDeliveryRow)
        .where(
            SupportDeliveryRow.id == row.id,
            SupportDeliveryRow.status == row.status,
            SupportDeliveryRow.attempts == row.attempts,
        )
        .values(status="sending", attempts=row.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(taken, "rowcount", 0) == 1)


def _record(
    session: Session,
    clock: Clock,
    message_ids: list[int],
    *,
    error: str | None,
    external_id: str | None,
) -> None:
    for row in session.scalars(
        select(SupportDeliveryRow).where(SupportDeliveryRow.message_id.in_(message_ids))
    ):
        row.status = "failed" if error else "sent"
        row.error = error
        row.external_id = external_id[:200] if external_id else None
        row.updated_at = clock.now()


def deliver(
    scope: Scope,
    clock: Clock,
    *,
    config: ChannelConfig,
    mailer: Mailer | None,
    conversation_id: int,
    contact: Contact,
    messages: list[tuple[int, str]],
) -> DeliveryReport:
    """Send ``messages`` (id, text) not sent yet to ``contact``; never raises for a failed send.

    ``scope`` opens the unit of work for each claim and each result: a fresh transaction
    for webhooks (so a claim is visible to other workers at once), or the caller's own
    session for an agent's reply that is not committed yet.
    """
    report = DeliveryReport()
    claimed: list[tuple[int, str]] = []
    for message_id, text in messages:
        with scope() as session:
            won = _claim(
                session,
                clock,
                shop_id=config.shop_id,
                conversation_id=conversation_id,
                channel=contact.channel,
                message_id=message_id,
            )
        if won:
            claimed.append((message_id, text))
        else:
            report.already += 1
    if not claimed:
        return report
    sender = sender_for(config, mailer)
    groups = [claimed] if sender.batches else [[item] for item in claimed]
    for group in groups:
        error: str | None = None
        external_id: str | None = None
        if not config.enabled:
            error = f"{config.kind.value} is switched off for this shop"
        else:
            try:
                external_id = sender.send(contact, [text for _, text in group])
            except ChannelSendError as exc:
                error = str(exc)
            except Exception as exc:  # a bug in an adapter must not lose the other replies
                log.exception("support reply on %s failed unexpectedly", config.kind.value)
                error = f"unexpected {type(exc).__name__}"
        if error:
            log.warning(
                "support reply not delivered on %s (shop %s, conversation %s): %s",
                config.kind.value,
                config.shop_id,
                conversation_id,
                error,
            )
            report.failed += len(group)
            report.errors.append(error)
        else:
            report.sent += len(group)
        with scope() as session:
            _record(session, clock, [m for m, _ in group], error=error, external_id=external_id)
    return report
