"""Conversations as the dashboard reviews them: recent ones, and one with its whole file.

Reading only: the queue's changes (claim, reply, resolve) live in
:mod:`shopkeeper.services.support.queue`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import ConversationRow, HandoffRow, SupportMessageRow
from shopkeeper.domain.support import MessageOut, QueueEntry, Role
from shopkeeper.services.support.queue import OPEN, entry, find_handoff
from shopkeeper.services.support.state import DialogueState
from shopkeeper.services.support.transcripts import find_conversation

RECENT = 20


@dataclass(frozen=True, slots=True)
class ConversationLine:
    """One conversation in a list: where it stands, without its messages."""

    public_id: str
    channel: str
    language: str
    status: str
    outcome: str | None
    intent: str | None
    priority: str
    satisfaction: int | None
    customer_messages: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ConversationFile:
    """A conversation with its handoffs (newest first), messages and what the assistant knows.

    Examples
    --------
    >>> from datetime import UTC
    >>> at = datetime(2026, 11, 25, tzinfo=UTC)
    >>> line = ConversationLine("c1", "widget", "fr", "assistant", "resolved", "greeting",
    ...                         "normal", None, 1, at, at)
    >>> ConversationFile(line).open_handoff is None
    True
    """

    conversation: ConversationLine
    handoffs: list[QueueEntry] = field(default_factory=list)
    messages: list[MessageOut] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)
    task: str | None = None
    awaiting: str | None = None

    @property
    def open_handoff(self) -> QueueEntry | None:
        return next((h for h in self.handoffs if h.status in OPEN), None)

    @property
    def entities(self) -> dict[str, str]:
        """What the latest handoff recorded, completed by what the dialogue holds now."""
        found = dict(self.known)
        if self.handoffs:
            found.update(self.handoffs[0].entities)
        return found


def _line(row: ConversationRow) -> ConversationLine:
    return ConversationLine(
        public_id=row.public_id,
        channel=row.channel,
        language=row.language,
        status=row.status,
        outcome=row.outcome,
        intent=row.intent,
        priority=row.priority,
        satisfaction=row.satisfaction,
        customer_messages=row.customer_messages,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def recent_conversations(
    session: Session, shop_id: int, limit: int = RECENT
) -> list[ConversationLine]:
    """The shop's conversations, the most recently active first."""
    rows = session.scalars(
        select(ConversationRow)
        .where(ConversationRow.shop_id == shop_id)
        .order_by(ConversationRow.updated_at.desc(), ConversationRow.id.desc())
        .limit(limit)
    )
    return [_line(row) for row in rows]


def handoff_item(session: Session, cipher: PiiCipher, shop_id: int, handoff_id: int) -> QueueEntry:
    """One handoff as the queue shows it, whatever its status."""
    return entry(cipher, *find_handoff(session, shop_id, handoff_id))


def conversation_messages(
    session: Session, cipher: PiiCipher, shop_id: int, public_id: str
) -> tuple[ConversationLine, list[MessageOut]]:
    """The conversation and every message of it, oldest first."""
    row = find_conversation(session, shop_id, public_id)
    messages = session.scalars(
        select(SupportMessageRow)
        .where(SupportMessageRow.conversation_id == row.id)
        .order_by(SupportMessageRow.id)
    )
    return _line(row), [
        MessageOut(
            id=m.id,
            role=Role(m.role),
            text=cipher.decrypt(m.text_enc),
            at=m.created_at,
            author=m.author,
        )
        for m in messages
    ]


def conversation_file(
    session: Session, cipher: PiiCipher, shop_id: int, public_id: str
) -> ConversationFile:
    """Everything the dashboard shows about one conversation."""
    row = find_conversation(session, shop_id, public_id)
    line, messages = conversation_messages(session, cipher, shop_id, public_id)
    handoffs = session.scalars(
        select(HandoffRow)
        .where(HandoffRow.conversation_id == row.id)
        .order_by(HandoffRow.created_at.desc(), HandoffRow.id.desc())
    )
    state = DialogueState.from_json(cipher.decrypt_json(row.state_enc))
    return ConversationFile(
        conversation=line,
        handoffs=[entry(cipher, h, row) for h in handoffs],
        messages=messages,
        known=dict(state.slots),
        task=state.task,
        awaiting=state.awaiting,
    )
