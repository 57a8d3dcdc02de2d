"""An agent's answer from the queue, sent on the conversation's channel too."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext

from sqlalchemy.orm import Session

from shopkeeper.data.mailer import Mailer
from shopkeeper.data.tables import SupportMessageRow
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.support.channels.delivery import DeliveryReport, contact_for, deliver
from shopkeeper.services.support.channels.settings import ChannelKind, load_channel

log = logging.getLogger(__name__)


def deliver_agent_reply(
    session: Session, runtime: Runtime, mailer: Mailer | None, message: SupportMessageRow
) -> DeliveryReport | None:
    """Send an agent's ``message`` to the customer on Telegram, WhatsApp or email.

    Call it right after :func:`shopkeeper.services.support.queue.reply`, in the same
    session. Widget and API conversations have no channel to push to (the customer reads
    the transcript): ``None``. A channel that fails is logged and recorded, never raised,
    so the agent's answer stays in the conversation whatever the platform does.
    """
    contact = contact_for(session, runtime.cipher, message.conversation_id)
    if contact is None:
        return None
    config = load_channel(session, runtime.cipher, message.shop_id, ChannelKind(contact.channel))
    if config is None:
        log.warning("agent reply not sent: %s is no longer set up", contact.channel)
        return DeliveryReport(failed=1, errors=[f"{contact.channel} is not set up"])

    def scope() -> AbstractContextManager[Session]:
        # The agent's message is not committed yet: claims and results join its transaction.
        return nullcontext(session)

    return deliver(
        scope,
        runtime.clock,
        config=config,
        mailer=mailer,
        conversation_id=message.conversation_id,
        contact=contact,
        messages=[(message.id, runtime.cipher.decrypt(message.text_enc))],
    )
