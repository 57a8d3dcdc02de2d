"""The human queue: handed-off conversations that support agents claim, answer and resolve."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import ConflictError, NotFoundError
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import ConversationRow, HandoffRow, SupportMessageRow
from shopkeeper.domain.support import ConversationStatus, Outcome, QueueEntry, Role
from shopkeeper.services import audit

OPEN = ("waiting", "claimed")


def open_queue(
    session: Session, cipher: PiiCipher, shop_id: int, limit: int = 100
) -> list[QueueEntry]:
    """Unresolved handoffs, urgent ones first, then oldest first."""
    rows = session.execute(
        select(HandoffRow, ConversationRow)
        .join(ConversationRow, ConversationRow.id == HandoffRow.conversation_id)
        .where(HandoffRow.shop_id == shop_id, HandoffRow.status.in_(OPEN))
        .order_by(case((HandoffRow.priority == "high", 0), else_=1), HandoffRow.created_at)
        .limit(limit)
    ).all()
    return [entry(cipher, handoff, conversation) for handoff, conversation in rows]


def entry(cipher: PiiCipher, handoff: HandoffRow, conversation: ConversationRow) -> QueueEntry:
    """A handoff as an agent reads it, summary and entities decrypted."""
    return QueueEntry(
        handoff_id=handoff.id,
        conversation_id=conversation.public_id,
        status=handoff.status,
        reason=handoff.reason,
        priority=handoff.priority,
        intent=handoff.intent,
        summary=cipher.decrypt(handoff.summary_enc),
        entities={k: str(v) for k, v in (cipher.decrypt_json(handoff.entities_enc) or {}).items()},
        language=conversation.language,
        channel=conversation.channel,
        assigned_to=handoff.assigned_to,
        created_at=handoff.created_at,
    )


def find_handoff(
    session: Session, shop_id: int, handoff_id: int
) -> tuple[HandoffRow, ConversationRow]:
    """The shop's handoff and its conversation, whatever the status; ``NotFoundError``."""
    found = session.execute(
        select(HandoffRow, ConversationRow)
        .join(ConversationRow, ConversationRow.id == HandoffRow.conversation_id)
        .where(HandoffRow.shop_id == shop_id, HandoffRow.id == handoff_id)
    ).first()
    if found is None:
        raise NotFoundError("no such handoff", handoff_id=handoff_id)
    return found[0], found[1]


def _open_handoff(
    session: Session, shop_id: int, handoff_id: int
) -> tuple[HandoffRow, ConversationRow]:
    handoff, conversation = find_handoff(session, shop_id, handoff_id)
    if handoff.status not in OPEN:
        raise ConflictError("this handoff is already resolved", handoff_id=handoff_id)
    return handoff, conversation


def claim(session: Session, clock: Clock, shop_id: int, handoff_id: int, agent: str) -> None:
    """Take a handoff; another agent's claim must be released first."""
    handoff, conversation = _open_handoff(session, shop_id, handoff_id)
    if handoff.assigned_to not in (None, agent):
        raise ConflictError(f"already claimed by {handoff.assigned_to}", handoff_id=handoff_id)
    handoff.status = "claimed"
    handoff.assigned_to = agent
    handoff.claimed_at = handoff.claimed_at or clock.now()
    conversation.status = ConversationStatus.WITH_AGENT.value
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=agent,
        action="support.claim",
        target_kind="conversation",
        target_id=conversation.public_id,
    )


def reply(
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    shop_id: int,
    handoff_id: int,
    agent: str,
    text: str,
) -> SupportMessageRow:
    """An agent's answer, shown to the customer in the same conversation; claims if needed."""
    handoff, conversation = _open_handoff(session, shop_id, handoff_id)
    if handoff.assigned_to != agent:
        claim(session, clock, shop_id, handoff_id, agent)
    row = SupportMessageRow(
        shop_id=shop_id,
        conversation_id=conversation.id,
        role=Role.AGENT.value,
        text_enc=cipher.encrypt(text),
        author=agent,
        created_at=clock.now(),
    )
    session.add(row)
    conversation.updated_at = clock.now()
    session.flush()
    return row


def resolve(session: Session, clock: Clock, shop_id: int, handoff_id: int, agent: str) -> None:
    """Close the handoff; the conversation goes back to the assistant for what comes next."""
    handoff, conversation = _open_handoff(session, shop_id, handoff_id)
    handoff.status = "resolved"
    handoff.resolved_at = clock.now()
    handoff.assigned_to = handoff.assigned_to or agent
    conversation.status = ConversationStatus.ASSISTANT.value
    conversation.outcome = Outcome.HANDOFF.value
    conversation.resolved_at = clock.now()
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=agent,
        action="support.resolve",
        target_kind="conversation",
        target_id=conversation.public_id,
    )
