"""Reading a conversation back: its messages for the customer's app, feedback, lookups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.tables import ConversationRow, SupportMessageRow
from shopkeeper.domain.support import ConversationStatus, MessageOut, Role, Transcript
from shopkeeper.services.runtime import Runtime


def message_out(runtime: Runtime, row: SupportMessageRow) -> MessageOut:
    return MessageOut(
        id=row.id,
        role=Role(row.role),
        text=runtime.cipher.decrypt(row.text_enc),
        at=row.created_at,
        author=row.author,
    )


def find_conversation(session: Session, shop_id: int, public_id: str) -> ConversationRow:
    """The shop's conversation with this public id; ``NotFoundError`` otherwise."""
    row = session.scalar(
        select(ConversationRow).where(
            ConversationRow.shop_id == shop_id, ConversationRow.public_id == public_id
        )
    )
    if row is None:
        raise NotFoundError("no such conversation", conversation_id=public_id)
    return row


def transcript(
    session: Session, runtime: Runtime, shop_id: int, public_id: str, after: int = 0
) -> Transcript:
    """The conversation's messages with an id above ``after``."""
    conversation = find_conversation(session, shop_id, public_id)
    rows = session.scalars(
        select(SupportMessageRow)
        .where(SupportMessageRow.conversation_id == conversation.id, SupportMessageRow.id > after)
        .order_by(SupportMessageRow.id)
    )
    return Transcript(
        conversation_id=public_id,
        status=ConversationStatus(conversation.status),
        messages=[message_out(runtime, row) for row in rows],
    )


def record_feedback(session: Session, shop_id: int, public_id: str, satisfied: bool) -> None:
    """Thumbs up (1) or down (-1); a later answer replaces an earlier one."""
    find_conversation(session, shop_id, public_id).satisfaction = 1 if satisfied else -1
