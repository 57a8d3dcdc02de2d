"""A channel's customer message answered by the desk, and the answers sent back on it."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ConversationRow
from shopkeeper.domain.support import Channel, Role
from shopkeeper.services.support.channels.base import InboundMessage
from shopkeeper.services.support.channels.delivery import DeliveryReport, deliver, save_contact
from shopkeeper.services.support.channels.settings import ChannelConfig
from shopkeeper.services.support.conversations import Incoming, SupportDesk

log = logging.getLogger(__name__)


def answer(desk: SupportDesk, config: ChannelConfig, inbound: InboundMessage) -> DeliveryReport:
    """Let the desk answer ``inbound`` and send its replies back on the channel.

    A message the channel delivers again (same message id) is not answered twice: the
    desk returns the replies it already gave and the delivery log finds them sent.
    """
    runtime = desk.runtime
    reply = desk.handle(
        Incoming(
            shop_id=config.shop_id,
            text=inbound.text,
            channel=Channel(inbound.channel),
            channel_ref=inbound.sender_ref,
            channel_message_id=inbound.message_id,
        )
    )
    with transaction(runtime.sessions) as session:
        conversation_id = session.scalar(
            select(ConversationRow.id).where(
                ConversationRow.shop_id == config.shop_id,
                ConversationRow.public_id == reply.conversation_id,
            )
        )
        assert conversation_id is not None  # the desk just wrote to it
        contact = save_contact(
            session,
            runtime.clock,
            runtime.cipher,
            shop_id=config.shop_id,
            conversation_id=conversation_id,
            inbound=inbound,
        )

    def scope() -> AbstractContextManager[Session]:
        return transaction(runtime.sessions)

    outgoing = [(m.id, m.text) for m in reply.messages if m.role is not Role.CUSTOMER]
    return deliver(
        scope,
        runtime.clock,
        config=config,
        mailer=desk.mailer,
        conversation_id=conversation_id,
        contact=contact,
        messages=outgoing,
    )
