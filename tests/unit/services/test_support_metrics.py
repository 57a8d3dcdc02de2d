"""Customer-service figures, on conversations written row by row so every number is known."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ConversationRow, HandoffRow, SupportMessageRow
from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.support.metrics import (
    DayConversations,
    SupportMetrics,
    UnresolvedQuestion,
    open_handoffs,
    question_key,
    support_metrics,
)

pytestmark = pytest.mark.postgres


@dataclass
class Said:
    """One message, ``minutes`` after the conversation started."""

    role: str
    text: str
    minutes: float = 0
    reply_ms: int | None = None


@dataclass
class Passed:
    """One handoff, ``minutes`` after the conversation started."""

    reason: str
    minutes: float
    status: str = "waiting"


@dataclass
class Script:
    days_ago: float
    outcome: str | None
    messages: list[Said]
    handoffs: list[Passed] = field(default_factory=list)
    satisfaction: int | None = None


def write(runtime: Runtime, shop_id: int, script: Script) -> None:
    cipher = runtime.cipher
    start = runtime.clock.now() - timedelta(days=script.days_ago)
    with transaction(runtime.sessions) as session:
        row = ConversationRow(
            shop_id=shop_id,
            public_id=secrets.token_urlsafe(24),
            channel="widget",
            language="en",
            status="assistant",
            outcome=script.outcome,
            priority="normal",
            satisfaction=script.satisfaction,
            customer_messages=sum(1 for m in script.messages if m.role == "customer"),
            created_at=start,
            updated_at=start,
        )
        session.add(row)
        session.flush()
        for said in script.messages:
            session.add(
                SupportMessageRow(
                    shop_id=shop_id,
                    conversation_id=row.id,
                    role=said.role,
                    text_enc=cipher.encrypt(said.text),
                    author="user:agent@shop.test" if said.role == "agent" else None,
                    reply_ms=said.reply_ms,
                    created_at=start + timedelta(minutes=said.minutes),
                )
            )
            session.flush()  # ids follow the order of the script
        for passed in script.handoffs:
            session.add(
                HandoffRow(
                    shop_id=shop_id,
                    conversation_id=row.id,
                    status=passed.status,
                    reason=passed.reason,
                    priority="normal",
                    intent="faq",
                    summary_enc=cipher.encrypt("summary"),
                    entities_enc=cipher.encrypt_json({}),
                    created_at=start + timedelta(minutes=passed.minutes),
                )
            )


def customer(text: str, minutes: float = 0) -> Said:
    return Said("customer", text, minutes)


def assistant(reply_ms: int, minutes: float = 0) -> Said:
    return Said("assistant", "...", minutes, reply_ms)


def agent(minutes: float) -> Said:
    return Said("agent", "Hello, this is Sam.", minutes)


@pytest.fixture
def scripted(runtime: Runtime, shop: Shop, other_shop: Shop) -> None:
    """Six conversations in the last 30 days, one older, one in another shop."""
    hour = 1 / 24
    scripts = [
        # Resolved by the assistant alone, over two requests; rated up.
        Script(
            hour,
            "resolved",
            [
                customer("where is my order"),
                assistant(100),
                assistant(100),  # a second bubble of the same reply: not a new sample
                customer("O0000102 ada@example.fr", 1),
                assistant(300, 1),
            ],
            satisfaction=1,
        ),
        # A question the FAQ could not answer; an agent answered 10 minutes later.
        Script(
            2 * hour,
            "handoff",
            [customer("Do you ship to Québec?"), assistant(50), agent(10)],
            [Passed("unanswered_question", 0, "claimed")],
            satisfaction=-1,
        ),
        # Not understood twice, an agent after 30 minutes, then the assistant resolved the
        # next request: resolved, but not at first contact.
        Script(
            3 * hour,
            "resolved",
            [
                customer("asdf"),
                assistant(200),
                customer("qwerty blah", 1),
                assistant(400, 1),
                agent(31),
                customer("where is order 123", 40),
                assistant(30, 40),
            ],
            [Passed("not_understood", 1, "resolved")],
            satisfaction=1,
        ),
        # Correctly declined, two days ago.
        Script(2, "declined", [customer("tell me a joke"), assistant(250)]),
        # A greeting: no outcome yet.
        Script(4 * hour, None, [customer("bonjour"), assistant(20)]),
        # The same question as above in other words; nobody answered yet.
        Script(
            5 * hour,
            "handoff",
            [customer("DO YOU SHIP TO QUEBEC ??"), assistant(60)],
            [Passed("unanswered_question", 0)],
        ),
        # Out of the 30-day period.
        Script(40, "resolved", [customer("old"), assistant(9000)], satisfaction=-1),
    ]
    for script in scripts:
        write(runtime, shop.id, script)
    write(
        runtime,
        other_shop.id,
        Script(hour, "handoff", [customer("Do you ship to Quebec")], [Passed("not_understood", 0)]),
    )


def figures(runtime: Runtime, shop: Shop, days: int = 30) -> SupportMetrics:
    with transaction(runtime.sessions) as session:
        return support_metrics(session, runtime.cipher, shop, runtime.clock.now(), days)


def test_rates_count_conversations_with_an_outcome(
    backend: str, runtime: Runtime, shop: Shop, scripted: None
) -> None:
    m = figures(runtime, shop)
    assert (m.conversations, m.with_outcome, m.resolved, m.resolved_without_handoff) == (6, 5, 2, 1)
    assert m.resolution_rate == Decimal("0.4")
    assert m.first_contact_resolution == Decimal("0.2")
    assert (m.satisfied, m.rated) == (2, 3)
    assert m.satisfaction == Decimal(2) / Decimal(3)


def test_response_times_are_medians(
    backend: str, runtime: Runtime, shop: Shop, scripted: None
) -> None:
    m = figures(runtime, shop)
    # First replies: 100, 300, 50, 200, 400, 30, 250, 20, 60 -> median 100.
    assert (m.assistant_reply_ms, m.assistant_replies) == (100, 9)
    # Agents: 10 and 30 minutes after their handoff -> 20 minutes; the third has none yet.
    assert (m.agent_first_reply, m.agent_replies) == (timedelta(minutes=20), 2)


def test_handoffs_and_top_unresolved_questions(
    backend: str, runtime: Runtime, shop: Shop, scripted: None
) -> None:
    m = figures(runtime, shop)
    assert m.handoffs == 3
    assert m.handoffs_by_reason == {"unanswered_question": 2, "not_understood": 1}
    # The message that led to each handoff: later messages ("where is order 123") are not.
    assert m.top_unresolved == (
        UnresolvedQuestion("do you ship to quebec", 2),
        UnresolvedQuestion("qwerty blah", 1),
    )
    with transaction(runtime.sessions) as session:
        assert open_handoffs(session, shop.id) == 2


def test_conversations_per_local_day_by_outcome(
    backend: str, runtime: Runtime, shop: Shop, scripted: None
) -> None:
    m = figures(runtime, shop, days=7)
    assert len(m.per_day) == 7
    today = m.per_day[-1]
    assert today == DayConversations(today.day, resolved=2, handoff=2, declined=0, open=1)
    assert m.per_day[-3] == DayConversations(today.day - timedelta(days=2), declined=1)
    assert sum(day.total for day in m.per_day) == m.conversations == 6
    assert m.period.last_day == date(2026, 11, 25)


def test_a_period_without_conversations_has_no_rates(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    m = figures(runtime, shop, days=7)
    assert m.conversations == 0
    assert m.resolution_rate is m.first_contact_resolution is m.satisfaction is None
    assert m.assistant_reply_ms is None
    assert m.agent_first_reply is None
    assert m.top_unresolved == ()
    assert [day.total for day in m.per_day] == [0] * 7


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Où est ma commande O0000102 ??? 😡", "ou est ma commande #"),
        ("WHERE is my order #10234", "where is my order #"),
        ("write to ada.lovelace@example.fr please", "write to # please"),
        ("c’est   quoi   vos délais", "c'est quoi vos delais"),
        ("🙂🙂", ""),
    ],
)
def test_question_key_groups_and_hides_customer_details(text: str, key: str) -> None:
    assert question_key(text) == key
