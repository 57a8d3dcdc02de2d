"""A customer message in, the assistant's replies out, whatever the channel.

Each message is one transaction: the customer's message, the replies, any change to an
order and the handoff commit together or not at all. Texts are stored encrypted.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.ai.support import FaqDocument, FaqRetriever
from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.database import transaction
from shopkeeper.data.mailer import Mailer
from shopkeeper.data.tables import (
    ConversationRow,
    HandoffRow,
    SupportDocumentRow,
    SupportMessageRow,
)
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.domain.support import (
    MAX_MESSAGE_CHARS,
    Channel,
    ConversationStatus,
    Outcome,
    Reply,
    Role,
)
from shopkeeper.services.modes import resolve_mode
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.serving_cache import ServingCache
from shopkeeper.services.shops import get_shop
from shopkeeper.services.support.desk import Desk, shop_product_titles
from shopkeeper.services.support.dialogue import Handoff, Turn, take_turn
from shopkeeper.services.support.policy import load_policy
from shopkeeper.services.support.replies import say
from shopkeeper.services.support.state import DialogueState
from shopkeeper.services.support.transcripts import message_out
from shopkeeper.services.support.understanding import Understander, Understanding

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PRIORITY_ORDER = ("normal", "high")


@dataclass(frozen=True)
class Incoming:
    """One customer message as a channel hands it over."""

    shop_id: int
    text: str
    channel: Channel
    conversation_id: str | None = None
    channel_ref: str | None = None
    channel_message_id: str | None = None
    language: str | None = None


def _readable(text: str) -> str | None:
    """``text`` without control characters, or ``None`` when it is mostly not text."""
    # Binary sent as text shows NUL bytes or undecodable characters.
    if "\x00" in text or text.count("\ufffd") > max(3, len(text) // 10):
        return None
    return _CONTROL.sub("", text)


def _conversation(session: Session, runtime: Runtime, message: Incoming) -> ConversationRow:
    now = runtime.clock.now()
    if message.conversation_id is not None:
        row = session.scalar(
            select(ConversationRow).where(
                ConversationRow.shop_id == message.shop_id,
                ConversationRow.public_id == message.conversation_id,
            )
        )
        if row is None:
            raise NotFoundError("no such conversation", conversation_id=message.conversation_id)
        return row
    if message.channel_ref is not None:
        # Messaging apps and email have no conversation id: the sender's latest open one.
        row = session.scalar(
            select(ConversationRow)
            .where(
                ConversationRow.shop_id == message.shop_id,
                ConversationRow.channel == message.channel.value,
                ConversationRow.channel_ref == message.channel_ref,
                ConversationRow.status != ConversationStatus.CLOSED.value,
            )
            .order_by(ConversationRow.id.desc())
            .limit(1)
        )
        if row is not None:
            return row
    row = ConversationRow(
        shop_id=message.shop_id,
        public_id=secrets.token_urlsafe(24),
        channel=message.channel.value,
        channel_ref=message.channel_ref,
        language=message.language or "fr",
        status=ConversationStatus.ASSISTANT.value,
        priority="normal",
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


class SupportDesk:
    """Answers customer messages for every shop of a process.

    Examples
    --------
    >>> from shopkeeper.core.config import Settings
    >>> runtime = Runtime.from_settings(Settings(database_url="sqlite://"))
    >>> desk = SupportDesk(runtime, Understander())
    >>> desk.runtime is runtime
    True
    """

    def __init__(
        self, runtime: Runtime, understander: Understander, mailer: Mailer | None = None
    ) -> None:
        self.runtime = runtime
        self.understander = understander
        self.mailer = mailer
        self._cache = ServingCache(runtime.clock)

    def handle(self, message: Incoming) -> Reply:
        started = time.perf_counter()
        runtime = self.runtime
        with transaction(runtime.sessions) as session:
            conversation = _conversation(session, runtime, message)
            if message.channel_message_id is not None:
                seen = session.scalar(
                    select(SupportMessageRow.id).where(
                        SupportMessageRow.shop_id == message.shop_id,
                        SupportMessageRow.channel_message_id == message.channel_message_id,
                    )
                )
                if seen is not None:
                    return self._reply(session, conversation, since=seen, turn=None)
            text = _readable(message.text)
            stored = (text or "")[:MAX_MESSAGE_CHARS]
            first = self._store(
                session, conversation, Role.CUSTOMER, stored, message.channel_message_id
            )
            conversation.customer_messages += 1
            turn, heard = self._turn(session, conversation, message, text)
            elapsed = int((time.perf_counter() - started) * 1000)
            for reply in turn.replies:
                self._store(session, conversation, Role.ASSISTANT, reply, None, reply_ms=elapsed)
            if turn.handoff is not None:
                self._hand_off(session, conversation, turn.handoff, heard)
            if turn.outcome is not None:
                conversation.outcome = turn.outcome.value
            conversation.updated_at = runtime.clock.now()
            return self._reply(session, conversation, since=first.id - 1, turn=turn)

    # -- the turn ------------------------------------------------------------------------

    def _turn(
        self, session: Session, conversation: ConversationRow, message: Incoming, text: str | None
    ) -> tuple[Turn, Understanding | None]:
        language = conversation.language
        if text is None:
            return Turn([say("unreadable", language)]), None
        if not text.strip():
            return Turn([say("empty", language)]), None
        if len(text) > MAX_MESSAGE_CHARS:
            return Turn([say("too_long", language, chars=len(text))]), None
        if conversation.status in (ConversationStatus.WAITING, ConversationStatus.WITH_AGENT):
            # A person holds the conversation: the message waits for them.
            return Turn(), None
        runtime = self.runtime
        shop = get_shop(session, message.shop_id)
        mode = resolve_mode(session, shop.id, Capability.SUPPORT)
        state = DialogueState.from_json(
            runtime.cipher.decrypt_json(conversation.state_enc) if conversation.state_enc else None
        )
        # The catalogue's titles change rarely: read once per TTL, not on every message.
        shop_id = shop.id

        def load_titles() -> tuple[str, ...]:
            # Its own session: the cache may reload it on a background thread.
            with runtime.sessions() as own:
                return shop_product_titles(own, shop_id)

        titles = self._cache.remember(("support-titles", shop_id), load_titles, in_background=True)
        heard = self.understander.read(
            text,
            language=message.language or (language if conversation.customer_messages > 1 else None),
            expecting=state.awaiting,
            products=titles,
        )
        conversation.language = heard.language
        conversation.intent = heard.intent
        if heard.tone.priority == "high":
            conversation.priority = "high"
        if mode is CapabilityMode.OFF:
            turn = Turn([say("handoff", heard.language)], Outcome.HANDOFF)
            turn.handoff = Handoff("assistant_off", heard.tone.priority)
            return turn, heard
        desk = Desk(
            session=session,
            clock=runtime.clock,
            cipher=runtime.cipher,
            shop=shop,
            policy=load_policy(session, shop.id),
            mode=mode,
            conversation_id=conversation.id,
            mailer=self.mailer,
            faq=self._faq(session, shop.id, heard.language),
            product_titles=titles,
            actor=f"assistant:conversation:{conversation.public_id[:8]}",
        )
        turn = take_turn(state, desk, heard)
        conversation.state_enc = runtime.cipher.encrypt_json(state.to_json())
        return turn, heard

    def _faq(self, session: Session, shop_id: int, language: str) -> FaqRetriever | None:
        mine = (SupportDocumentRow.shop_id == shop_id) & (SupportDocumentRow.language == language)
        # Names and dates only: the texts are read when they changed, not on every message.
        version = tuple(
            sorted(
                (source, updated.isoformat())
                for source, updated in session.execute(
                    select(SupportDocumentRow.source, SupportDocumentRow.updated_at).where(mine)
                )
            )
        )
        if not version:
            return None

        def documents() -> list[FaqDocument]:
            rows = session.execute(
                select(SupportDocumentRow.source, SupportDocumentRow.text).where(mine)
            )
            return [FaqDocument(source, text) for source, text in rows]

        return self.understander.faq(shop_id, language, version, documents)

    # -- storage -------------------------------------------------------------------------

    def _store(
        self,
        session: Session,
        conversation: ConversationRow,
        role: Role,
        text: str,
        channel_message_id: str | None,
        *,
        reply_ms: int | None = None,
        author: str | None = None,
    ) -> SupportMessageRow:
        row = SupportMessageRow(
            shop_id=conversation.shop_id,
            conversation_id=conversation.id,
            role=role.value,
            text_enc=self.runtime.cipher.encrypt(text),
            intent=conversation.intent if role is Role.CUSTOMER else None,
            author=author,
            channel_message_id=channel_message_id,
            reply_ms=reply_ms,
            created_at=self.runtime.clock.now(),
        )
        session.add(row)
        session.flush()
        return row

    def _hand_off(
        self,
        session: Session,
        conversation: ConversationRow,
        handoff: Handoff,
        heard: Understanding | None,
    ) -> None:
        now = self.runtime.clock.now()
        priority = max(handoff.priority, conversation.priority, key=PRIORITY_ORDER.index)
        conversation.priority = priority
        conversation.status = ConversationStatus.WAITING.value
        entities = {e.type: e.value for e in heard.entities} if heard else {}
        summary = self._summary(session, conversation, handoff.reason)
        session.add(
            HandoffRow(
                shop_id=conversation.shop_id,
                conversation_id=conversation.id,
                status="waiting",
                reason=handoff.reason[:32],
                priority=priority,
                intent=conversation.intent,
                summary_enc=self.runtime.cipher.encrypt(summary),
                entities_enc=self.runtime.cipher.encrypt_json(entities),
                created_at=now,
            )
        )

    def _summary(self, session: Session, conversation: ConversationRow, reason: str) -> str:
        customer = [
            self.runtime.cipher.decrypt(blob)
            for blob in session.scalars(
                select(SupportMessageRow.text_enc)
                .where(
                    SupportMessageRow.conversation_id == conversation.id,
                    SupportMessageRow.role == Role.CUSTOMER.value,
                )
                .order_by(SupportMessageRow.id.desc())
                .limit(3)
            )
        ]
        said = " / ".join(reversed([t[:200] for t in customer]))
        return f"{reason} ({conversation.intent or 'unknown'}, {conversation.language}): {said}"

    def _reply(
        self, session: Session, conversation: ConversationRow, *, since: int, turn: Turn | None
    ) -> Reply:
        rows = session.scalars(
            select(SupportMessageRow)
            .where(
                SupportMessageRow.conversation_id == conversation.id, SupportMessageRow.id > since
            )
            .order_by(SupportMessageRow.id)
        )
        state = DialogueState.from_json(
            self.runtime.cipher.decrypt_json(conversation.state_enc)
            if conversation.state_enc
            else None
        )
        return Reply(
            conversation_id=conversation.public_id,
            messages=[message_out(self.runtime, row) for row in rows],
            status=ConversationStatus(conversation.status),
            outcome=Outcome(conversation.outcome) if conversation.outcome else None,
            intent=conversation.intent,
            awaiting=state.awaiting,
            actions=list(turn.actions) if turn else [],
        )
