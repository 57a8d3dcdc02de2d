"""Customer-service figures over a period: how much the assistant settles, how fast, how well.

Definitions (the dashboard states them next to the numbers):

- a period is the last ``days`` local days of the shop, as for the overview
  (:class:`~shopkeeper.services.kpis.Period`); conversations, handoffs and replies count in
  the period they were created in;
- resolution rate: conversations whose latest request ended ``resolved`` divided by the
  conversations with an outcome (``resolved``, ``handoff`` or ``declined``); conversations
  still without one (a greeting, a question left unanswered by the customer) are left out;
- first-contact resolution: conversations resolved by the assistant without any handoff,
  over the same conversations with an outcome;
- assistant response time: the median of ``reply_ms`` of the assistant's first reply to
  each customer message (the time the server took to answer, network excluded);
- agent response time: the median time from a handoff to the first agent message in its
  conversation, over the handoffs that got one;
- satisfaction: thumbs up among the rated conversations;
- top unresolved questions: the customer message that led to each handoff for
  ``unanswered_question`` or ``not_understood``, grouped by :func:`question_key`.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import ConversationRow, HandoffRow, SupportMessageRow
from shopkeeper.domain.shops import Shop
from shopkeeper.domain.support import Outcome, Role
from shopkeeper.services.kpis import DEFAULT_PERIOD_DAYS, Period

# Handoffs that say the assistant lacked an answer: what the shop's FAQ should cover.
UNRESOLVED_REASONS: tuple[str, ...] = ("unanswered_question", "not_understood")
TOP_QUESTIONS = 10
MAX_QUESTION_CHARS = 160
OPEN_HANDOFF_STATUSES: tuple[str, ...] = ("waiting", "claimed")

_EMAIL = re.compile(r"\S+@\S+")
# A word holding a digit is an order number, a postcode, a phone number or an amount.
_WITH_DIGIT = re.compile(r"\b\w*\d\w*\b")
_NOT_WORD = re.compile(r"[^\w#' ]+")
_MASKS = re.compile(r"#+")
_SPACES = re.compile(r"\s+")
_OUTCOMES = frozenset(o.value for o in Outcome)


def question_key(text: str) -> str:
    """``text`` reduced to what several customers asking the same thing have in common.

    Lower case, no accents, no punctuation or emoji; email addresses and words holding
    digits (order numbers, postcodes) become ``#``, so the key carries no customer detail
    of that kind and "Order 10234?" groups with "order 99812".

    Examples
    --------
    >>> question_key("Où est ma commande O0000102 ??? 😡")
    'ou est ma commande #'
    >>> question_key("Do you ship to  Québec? ada@example.fr")
    'do you ship to quebec #'
    """
    folded = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    masked = _MASKS.sub("#", _WITH_DIGIT.sub("#", _EMAIL.sub("#", plain)))
    words = _SPACES.sub(" ", _NOT_WORD.sub(" ", masked).replace("_", " ")).strip()
    return words[:MAX_QUESTION_CHARS].rstrip()


@dataclass(frozen=True, slots=True)
class DayConversations:
    """Conversations started on one local day, by outcome (``open``: none yet)."""

    day: date
    resolved: int = 0
    handoff: int = 0
    declined: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.resolved + self.handoff + self.declined + self.open


@dataclass(frozen=True, slots=True)
class UnresolvedQuestion:
    text: str
    count: int


@dataclass(frozen=True, slots=True)
class SupportMetrics:
    """The customer-service figures of one shop over one period.

    Examples
    --------
    >>> from datetime import UTC
    >>> from zoneinfo import ZoneInfo
    >>> period = Period.ending(datetime(2026, 11, 25, tzinfo=UTC), ZoneInfo("UTC"), 1)
    >>> m = SupportMetrics(period, conversations=4, with_outcome=3, resolved=2,
    ...                    resolved_without_handoff=1, rated=0, satisfied=0, handoffs=1)
    >>> str(m.resolution_rate.quantize(Decimal("0.01"))), m.satisfaction
    ('0.67', None)
    """

    period: Period
    conversations: int
    with_outcome: int
    resolved: int
    resolved_without_handoff: int
    rated: int
    satisfied: int
    handoffs: int
    handoffs_by_reason: dict[str, int] | None = None
    assistant_reply_ms: int | None = None
    assistant_replies: int = 0
    agent_first_reply: timedelta | None = None
    agent_replies: int = 0
    per_day: tuple[DayConversations, ...] = ()
    top_unresolved: tuple[UnresolvedQuestion, ...] = ()

    @property
    def resolution_rate(self) -> Decimal | None:
        return _ratio(self.resolved, self.with_outcome)

    @property
    def first_contact_resolution(self) -> Decimal | None:
        return _ratio(self.resolved_without_handoff, self.with_outcome)

    @property
    def satisfaction(self) -> Decimal | None:
        return _ratio(self.satisfied, self.rated)


def _ratio(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _in(column: InstrumentedAttribute[datetime], period: Period) -> list[ColumnElement[bool]]:
    return [column >= period.start, column < period.end]


def _per_day(
    session: Session, shop_id: int, period: Period
) -> tuple[tuple[DayConversations, ...], dict[int, str | None]]:
    """Conversations per local day and outcome; also each conversation's outcome by id."""
    # Local days are bucketed here, not in SQL: SQLite has no time zones (as in kpis).
    counts: dict[date, Counter[str]] = {day: Counter() for day in period.days}
    outcomes: dict[int, str | None] = {}
    rows = session.execute(
        select(ConversationRow.id, ConversationRow.created_at, ConversationRow.outcome).where(
            ConversationRow.shop_id == shop_id, *_in(ConversationRow.created_at, period)
        )
    )
    for conversation_id, created_at, outcome in rows:
        outcomes[conversation_id] = outcome
        bucket = outcome if outcome in _OUTCOMES else "open"
        counts.setdefault(period.local_day(created_at), Counter())[bucket] += 1
    days = tuple(DayConversations(day, **dict(counts[day])) for day in period.days)
    return days, outcomes


def _assistant_reply_ms(session: Session, shop_id: int, period: Period) -> list[int]:
    """``reply_ms`` of the assistant's first reply after each customer message."""
    rows = session.execute(
        select(
            SupportMessageRow.conversation_id, SupportMessageRow.role, SupportMessageRow.reply_ms
        )
        .where(
            SupportMessageRow.shop_id == shop_id,
            SupportMessageRow.role.in_((Role.CUSTOMER.value, Role.ASSISTANT.value)),
            *_in(SupportMessageRow.created_at, period),
        )
        .order_by(SupportMessageRow.conversation_id, SupportMessageRow.id)
        .execution_options(yield_per=2000)
    )
    samples: list[int] = []
    waiting_for: int | None = None  # the conversation whose customer message awaits a reply
    for conversation_id, role, reply_ms in rows:
        if role == Role.CUSTOMER.value:
            waiting_for = conversation_id
        elif waiting_for == conversation_id and reply_ms is not None:
            samples.append(reply_ms)
            waiting_for = None
    return samples


def _agent_first_replies(session: Session, shop_id: int, period: Period) -> list[timedelta]:
    first_agent = func.min(SupportMessageRow.created_at)
    rows = session.execute(
        select(HandoffRow.created_at, first_agent)
        .join(
            SupportMessageRow,
            and_(
                SupportMessageRow.conversation_id == HandoffRow.conversation_id,
                SupportMessageRow.role == Role.AGENT.value,
                SupportMessageRow.created_at >= HandoffRow.created_at,
            ),
        )
        .where(HandoffRow.shop_id == shop_id, *_in(HandoffRow.created_at, period))
        .group_by(HandoffRow.id, HandoffRow.created_at)
    )
    return [answered - handed for handed, answered in rows]


def _unresolved_questions(
    session: Session, cipher: PiiCipher, shop_id: int, period: Period, limit: int
) -> tuple[UnresolvedQuestion, ...]:
    # The customer message a handoff answers is the conversation's latest one at that time:
    # the handoff is written in the same transaction as that message.
    trigger = (
        select(func.max(SupportMessageRow.id))
        .where(
            SupportMessageRow.conversation_id == HandoffRow.conversation_id,
            SupportMessageRow.role == Role.CUSTOMER.value,
            SupportMessageRow.created_at <= HandoffRow.created_at,
        )
        .correlate(HandoffRow)
        .scalar_subquery()
    )
    ids = select(trigger).where(
        HandoffRow.shop_id == shop_id,
        HandoffRow.reason.in_(UNRESOLVED_REASONS),
        *_in(HandoffRow.created_at, period),
    )
    texts = session.scalars(
        select(SupportMessageRow.text_enc).where(SupportMessageRow.id.in_(ids.scalar_subquery()))
    )
    counted = Counter(key for blob in texts if (key := question_key(cipher.decrypt(blob))))
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return tuple(UnresolvedQuestion(text, count) for text, count in ranked)


def support_metrics(
    session: Session,
    cipher: PiiCipher,
    shop: Shop,
    now: datetime,
    days: int = DEFAULT_PERIOD_DAYS,
    *,
    top: int = TOP_QUESTIONS,
) -> SupportMetrics:
    """Every customer-service figure of ``shop`` for the ``days`` local days ending at ``now``."""
    period = Period.ending(now, shop.zone, days)
    per_day, outcomes = _per_day(session, shop.id, period)
    handed_off = set(
        session.scalars(
            select(HandoffRow.conversation_id)
            .join(ConversationRow, ConversationRow.id == HandoffRow.conversation_id)
            .where(HandoffRow.shop_id == shop.id, *_in(ConversationRow.created_at, period))
        )
    )
    resolved = [cid for cid, outcome in outcomes.items() if outcome == Outcome.RESOLVED.value]
    reasons = Counter(
        session.scalars(
            select(HandoffRow.reason).where(
                HandoffRow.shop_id == shop.id, *_in(HandoffRow.created_at, period)
            )
        )
    )
    rated = Counter(
        session.scalars(
            select(ConversationRow.satisfaction).where(
                ConversationRow.shop_id == shop.id,
                ConversationRow.satisfaction.is_not(None),
                *_in(ConversationRow.created_at, period),
            )
        )
    )
    reply_ms = _assistant_reply_ms(session, shop.id, period)
    agent = _agent_first_replies(session, shop.id, period)
    return SupportMetrics(
        period=period,
        conversations=len(outcomes),
        with_outcome=sum(1 for outcome in outcomes.values() if outcome),
        resolved=len(resolved),
        resolved_without_handoff=sum(1 for cid in resolved if cid not in handed_off),
        rated=sum(rated.values()),
        satisfied=rated[1],
        handoffs=sum(reasons.values()),
        handoffs_by_reason=dict(reasons.most_common()),
        assistant_reply_ms=round(statistics.median(reply_ms)) if reply_ms else None,
        assistant_replies=len(reply_ms),
        # The median of timedeltas: the mean of the two middle ones for an even count.
        agent_first_reply=_median_delta(agent),
        agent_replies=len(agent),
        per_day=per_day,
        top_unresolved=_unresolved_questions(session, cipher, shop.id, period, top),
    )


def _median_delta(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def open_handoffs(session: Session, shop_id: int) -> int:
    """How many handed-off conversations wait for a person or are being answered."""
    count = session.scalar(
        select(func.count(HandoffRow.id)).where(
            HandoffRow.shop_id == shop_id, HandoffRow.status.in_(OPEN_HANDOFF_STATUSES)
        )
    )
    return int(count or 0)
