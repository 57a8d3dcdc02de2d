"""The customer-service pages: figures, the handoff queue and transcripts, per role.

Handed-off conversations are written row by row (so the queue's content is known), and the
customer's side is read through the public API, as the chat widget reads it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ConversationRow, HandoffRow, SupportMessageRow
from shopkeeper.domain.access import Role
from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres

SignIn = Callable[[Role], str]


@dataclass(frozen=True)
class Handed:
    """A conversation waiting in the queue."""

    conversation_id: str
    handoff_id: int


def hand_off(
    runtime: Runtime,
    shop: Shop,
    text: str,
    *,
    reason: str = "dispute",
    priority: str = "normal",
    minutes_ago: float = 10,
) -> Handed:
    """A customer's message the assistant passed to a person, as the desk records it."""
    cipher = runtime.cipher
    at = runtime.clock.now() - timedelta(minutes=minutes_ago)
    with transaction(runtime.sessions) as session:
        conversation = ConversationRow(
            shop_id=shop.id,
            public_id=secrets.token_urlsafe(24),
            channel="widget",
            language="en",
            status="waiting",
            outcome="handoff",
            priority=priority,
            intent="dispute",
            customer_messages=1,
            state_enc=cipher.encrypt_json({"slots": {"order_number": "O0000102"}}),
            created_at=at,
            updated_at=at,
        )
        session.add(conversation)
        session.flush()
        for role, said, reply_ms in (
            ("customer", text, None),
            ("assistant", "I am passing you to a colleague.", 42),
        ):
            session.add(
                SupportMessageRow(
                    shop_id=shop.id,
                    conversation_id=conversation.id,
                    role=role,
                    text_enc=cipher.encrypt(said),
                    reply_ms=reply_ms,
                    created_at=at,
                )
            )
        handoff = HandoffRow(
            shop_id=shop.id,
            conversation_id=conversation.id,
            status="waiting",
            reason=reason,
            priority=priority,
            intent="dispute",
            summary_enc=cipher.encrypt(f"{reason} (dispute, en): {text}"),
            entities_enc=cipher.encrypt_json({"order_number": "O0000102", "email": "ada@x.fr"}),
            created_at=at,
        )
        session.add(handoff)
        session.flush()
        return Handed(conversation.public_id, handoff.id)


def htmx(token: str) -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRF-Token": token}


def queue_order(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-handoff="(\d+)"', page)]


def customer_view(client: TestClient, keys: Keys, handed: Handed) -> dict[str, object]:
    """What the chat widget reads: the conversation's messages and status."""
    response = client.get(
        f"/v1/support/conversations/{handed.conversation_id}/messages",
        headers=auth(keys.publishable),
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_pages_render_with_figures_queue_and_transcript(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    calm = hand_off(runtime, shop, "Is the blue lamp good for reading? <b>x</b>", minutes_ago=30)
    angry = hand_off(
        runtime, shop, "This is a SCAM, I call my lawyer", reason="dispute", priority="high"
    )
    signed_in(Role.OWNER)

    overview = client.get("/support")
    assert overview.status_code == 200
    assert 'data-kpi="conversations" data-value="2"' in overview.text
    assert 'data-kpi="handoffs" data-value="2"' in overview.text
    assert 'data-kpi="assistant-ms" data-value="42"' in overview.text
    assert 'id="support-data"' in overview.text
    assert "without any handoff" in overview.text
    assert f"/support/conversations/{angry.conversation_id}" in overview.text

    queue = client.get("/support/queue")
    assert queue.status_code == 200
    assert queue_order(queue.text) == [angry.handoff_id, calm.handoff_id], "urgent first"
    assert "This is a SCAM" in queue.text
    assert 'id="queue-badge" class="badge">2<' in queue.text

    page = client.get(f"/support/conversations/{calm.conversation_id}")
    assert page.status_code == 200
    assert "Is the blue lamp good for reading? &lt;b&gt;x&lt;/b&gt;" in page.text
    assert "<b>x</b>" not in page.text
    assert "I am passing you to a colleague." in page.text
    assert 'data-entity="order_number">O0000102<' in page.text
    assert 'data-role="intent">Dispute<' in page.text
    assert "dispute (dispute, en)" in page.text

    french = client.get("/support?lang=fr")
    assert "Résolution au premier contact" in french.text

    assert client.get("/support/conversations/nope").status_code == 404


def test_agent_claims_replies_and_resolves_and_the_customer_sees_it(
    backend: str,
    client: TestClient,
    signed_in: SignIn,
    runtime: Runtime,
    shop: Shop,
    keys: Keys,
) -> None:
    handed = hand_off(runtime, shop, "My parcel arrived broken, I want a refund")
    token = signed_in(Role.SUPPORT_AGENT)
    base = f"/support/queue/{handed.handoff_id}"

    claimed = client.post(f"{base}/claim", headers=htmx(token))
    assert claimed.status_code == 200, claimed.text
    assert 'data-status="claimed"' in claimed.text
    assert "agent@shop.test" in claimed.text
    assert customer_view(client, keys, handed)["status"] == "with_agent"

    runtime.clock.advance(minutes=5)  # type: ignore[attr-defined]
    sent = client.post(
        f"{base}/reply",
        data={"text": "Sorry about that! A refund is on its way."},
        headers=htmx(token),
    )
    assert sent.status_code == 200, sent.text
    assert sent.headers["HX-Trigger"] == "support-updated"
    seen = customer_view(client, keys, handed)
    messages = seen["messages"]
    assert isinstance(messages, list)
    assert messages[-1]["role"] == "agent"
    assert messages[-1]["text"] == "Sorry about that! A refund is on its way."
    assert messages[-1]["author"] == "user:agent@shop.test"

    transcript = client.get(f"/support/conversations/{handed.conversation_id}/messages")
    assert "A refund is on its way." in transcript.text

    resolved = client.post(f"{base}/resolve", headers=htmx(token))
    assert resolved.status_code == 200
    assert 'data-status="resolved"' in resolved.text
    assert 'data-action="reply"' not in resolved.text
    assert customer_view(client, keys, handed)["status"] == "assistant"
    assert queue_order(client.get("/support/queue").text) == []

    overview = client.get("/support").text
    assert 'data-kpi="agent-time" data-value="900"' in overview  # 10 min waiting + 5 min


def test_forms_without_htmx_redirect_back(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    first = hand_off(runtime, shop, "I want to talk to someone")
    second = hand_off(runtime, shop, "Another question")
    token = signed_in(Role.STAFF)
    page = f"/support/conversations/{first.conversation_id}"
    response = client.post(
        f"/support/queue/{first.handoff_id}/claim",
        data={"csrf_token": token, "next": page},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, page)
    response = client.post(
        f"/support/queue/{second.handoff_id}/resolve",
        data={"csrf_token": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/support/queue")


def test_a_viewer_reads_the_queue_but_cannot_reply(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    handed = hand_off(runtime, shop, "my email is ada@x.fr and I am furious")
    token = signed_in(Role.VIEWER)
    queue = client.get("/support/queue")
    assert queue.status_code == 200
    assert f'data-handoff="{handed.handoff_id}"' in queue.text
    assert "ada@x.fr" not in queue.text, "summaries and entities are personal data"
    assert 'data-action="reply"' not in queue.text
    assert client.get("/support").status_code == 200
    assert "ada@x.fr" not in client.get("/support").text

    for action, data in (("reply", {"text": "Hello"}), ("claim", {}), ("resolve", {})):
        refused = client.post(
            f"/support/queue/{handed.handoff_id}/{action}", data=data, headers=htmx(token)
        )
        assert refused.status_code == 403, action
    assert client.get(f"/support/conversations/{handed.conversation_id}").status_code == 403
    with runtime.sessions() as session:
        roles = session.scalars(select(SupportMessageRow.role)).all()
        assert "agent" not in roles
        assert session.scalar(select(HandoffRow.status)) == "waiting"


def test_replies_are_checked(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    handed = hand_off(runtime, shop, "hello?")
    token = signed_in(Role.OWNER)
    url = f"/support/queue/{handed.handoff_id}/reply"
    assert client.post(url, data={"text": "   "}, headers=htmx(token)).status_code == 422
    too_long = client.post(url, data={"text": "x" * 4001}, headers=htmx(token))
    assert too_long.status_code == 422
    # Without the CSRF token: refused before anything happens.
    assert client.post(url, data={"text": "hi"}, headers={"HX-Request": "true"}).status_code == 403


def test_a_handoff_claimed_by_someone_else_is_theirs(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    handed = hand_off(runtime, shop, "where is my refund")
    staff_token = signed_in(Role.STAFF)
    assert client.post(
        f"/support/queue/{handed.handoff_id}/claim", headers=htmx(staff_token)
    ).is_success
    agent_token = signed_in(Role.SUPPORT_AGENT)
    page = client.get("/support/queue").text
    assert "Claimed by staff@shop.test" in page
    taken = client.post(
        f"/support/queue/{handed.handoff_id}/reply",
        data={"text": "me too"},
        headers=htmx(agent_token),
    )
    assert taken.status_code == 409
    assert "already claimed" in taken.text


def test_support_agents_see_only_the_support_pages(
    backend: str, client: TestClient, signed_in: SignIn
) -> None:
    signed_in(Role.SUPPORT_AGENT)
    home = client.get("/", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "/support/queue")
    for path in ("/recommendations", "/jobs", "/settings/capabilities", "/capabilities/support"):
        assert client.get(path).status_code == 403, path
    for path in ("/support", "/support/queue", "/orders", "/customers", "/products"):
        assert client.get(path).status_code == 200, path
    nav = client.get("/support/queue").text
    assert 'href="/inbox"' not in nav
    assert 'href="/recommendations"' not in nav
    assert 'href="/support/queue"' in nav
    # Other roles keep the whole navigation, support included.
    signed_in(Role.VIEWER)
    nav = client.get("/").text
    assert 'href="/inbox"' in nav
    assert 'href="/support"' in nav


def test_a_customer_asking_for_a_person_reaches_the_queue(
    backend: str, client: TestClient, signed_in: SignIn, keys: Keys
) -> None:
    """The whole path: the REST channel, the assistant's handoff, the dashboard queue."""
    sent = client.post(
        "/v1/support/messages",
        json={"text": "I want to talk to a human agent please", "channel": "widget"},
        headers=auth(keys.publishable),
    )
    assert sent.status_code == 200, sent.text
    reply = sent.json()
    assert reply["status"] == "waiting", reply
    signed_in(Role.SUPPORT_AGENT)
    queue = client.get("/support/queue").text
    assert reply["conversation_id"] in queue
    assert "I want to talk to a human agent please" in queue
