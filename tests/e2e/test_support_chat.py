"""The customer-service chat of ``shopkeeper.js`` in chromium, on the demo store.

A live server holds the support test shop (orders of Ada and Bob in every state, the demo
FAQ, the assistant in automatic mode); the customer opens the chat from the "Help"
button and types, as a shopper would.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from shopkeeper.api.app import create_app
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ConversationRow, HandoffRow
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import get_shop
from shopkeeper.services.support import queue
from shopkeeper.testing.settings import make_test_settings
from tests.e2e.conftest import LiveServer, _seed
from tests.threaded_server import serving
from tests.unit.services.support_shop import ADA, SupportShop, build_support_shop

pytestmark = pytest.mark.browser

LAUNCHER = ".sk-chat-launcher"
INPUT = ".sk-chat-input"
REPLIES = ".sk-chat-msg[data-role=assistant]"


@dataclass(frozen=True)
class SupportServer:
    live: LiveServer
    orders: SupportShop


@pytest.fixture(scope="module")
def support_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SupportServer]:
    folder = tmp_path_factory.mktemp("support")
    settings = make_test_settings(
        database_url=f"sqlite:///{folder / 'live.db'}", model_dir=folder / "models"
    )
    runtime = Runtime.from_settings(settings)
    shop_id, key = _seed(runtime, settings, consent_required=True)
    with transaction(runtime.sessions) as session:
        shop = get_shop(session, shop_id)
    orders = build_support_shop(runtime, shop)
    with serving(create_app(settings, runtime=runtime)) as url:
        yield SupportServer(LiveServer(url, runtime, key, shop_id), orders)
    runtime.engine.dispose()


def say(page: Any, text: str) -> str:
    """Type ``text``, press Enter and return the assistant's newest reply."""
    before = page.locator(REPLIES).count()
    page.fill(INPUT, text)
    page.press(INPUT, "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.sk-chat-msg[data-role=assistant]').length > n",
        arg=before,
    )
    reply: str = page.locator(f"{REPLIES} .sk-chat-text").last.inner_text()
    return reply


def conversation_id(page: Any) -> str:
    value: str = page.evaluate("() => shopkeeper.chat().conversationId()")
    return value


def test_a_shopper_greets_then_asks_where_an_order_is(
    support_server: SupportServer, page: Any
) -> None:
    server, shipped = support_server.live, support_server.orders.shipped
    # Consent is required on this shop and not given: the chat works all the same.
    page.goto(server.page_url("/demo-store"))
    page.click(LAUNCHER)
    assert page.is_visible(".sk-chat-panel")
    assert page.evaluate("() => document.activeElement.classList.contains('sk-chat-input')")
    assert page.get_attribute(".sk-chat-log", "aria-live") == "polite"

    greeting = say(page, "bonjour")
    assert any(w in greeting for w in ("track an order", "suivre une commande")), greeting
    assert page.locator(".sk-chat-msg[data-role=customer] .sk-chat-text").first.inner_text() == (
        "bonjour"
    )

    asked = say(page, f"where is my order {shipped}?")
    assert any(w in asked.lower() for w in ("email", "e-mail")), asked
    assert "6A" not in asked, "no tracking number before the customer is verified"
    first_id = conversation_id(page)
    with server.runtime.sessions() as session:
        row = session.scalar(select(ConversationRow).where(ConversationRow.public_id == first_id))
        assert row is not None
        assert (row.channel, row.customer_messages) == ("widget", 2)

    # Another page of the shop: the same conversation, open where it was.
    page.goto(server.page_url("/demo-store/p/LAMP-1"))
    page.wait_for_selector(f"{REPLIES} >> nth=1")
    assert conversation_id(page) == first_id
    answer = say(page, ADA)
    assert f"6A{shipped[1:]}" in answer, answer  # verified: the order's tracking number

    # Keyboard: Escape closes the panel and gives the focus back to the button.
    page.keyboard.press("Escape")
    assert page.is_hidden(".sk-chat-panel")
    assert page.evaluate("() => document.activeElement.classList.contains('sk-chat-launcher')")
    page.keyboard.press("Enter")
    assert page.is_visible(".sk-chat-panel")


def _hand_to_a_person(runtime: Runtime, public_id: str) -> int:
    """What the assistant does on a handoff, done directly so the test needs no NLU quirk."""
    with transaction(runtime.sessions) as session:
        row = session.scalar(select(ConversationRow).where(ConversationRow.public_id == public_id))
        assert row is not None
        row.status = "waiting"
        handoff = HandoffRow(
            shop_id=row.shop_id,
            conversation_id=row.id,
            status="waiting",
            reason="human_agent",
            priority="normal",
            intent=row.intent,
            summary_enc=runtime.cipher.encrypt("test"),
            entities_enc=runtime.cipher.encrypt_json({}),
            created_at=runtime.clock.now(),
        )
        session.add(handoff)
        session.flush()
        return handoff.id


def test_an_agents_reply_appears_and_the_customer_rates_the_conversation(
    support_server: SupportServer, page: Any
) -> None:
    server = support_server.live
    runtime = server.runtime
    page.goto(server.page_url("/demo-store"))
    page.click(LAUNCHER)
    say(page, "hello")
    handoff_id = _hand_to_a_person(runtime, conversation_id(page))

    # The next message finds a person in charge: no assistant reply, and the widget waits.
    page.fill(INPUT, "is anyone there?")
    page.press(INPUT, "Enter")
    page.wait_for_function("() => document.querySelector('.sk-chat-status').textContent.length > 0")
    agent = f"user:agent-{secrets.token_hex(2)}@shop.test"
    with transaction(runtime.sessions) as session:
        queue.reply(
            session,
            runtime.clock,
            runtime.cipher,
            server.shop_id,
            handoff_id,
            agent,
            "Hi, Sam here: your parcel leaves today.",
        )
    page.wait_for_selector(".sk-chat-msg[data-role=agent]", timeout=15000)
    assert "Sam here" in page.locator(".sk-chat-msg[data-role=agent]").inner_text()

    with transaction(runtime.sessions) as session:
        queue.resolve(session, runtime.clock, server.shop_id, handoff_id, agent)
    page.wait_for_selector(".sk-chat-rating:not([hidden]) .sk-chat-yes", timeout=15000)
    page.click(".sk-chat-yes")
    page.wait_for_selector(".sk-chat-thanks")

    def rated() -> int | None:
        with runtime.sessions() as session:
            value: int | None = session.scalar(
                select(ConversationRow.satisfaction).where(
                    ConversationRow.public_id == conversation_id(page)
                )
            )
            return value

    deadline = time.monotonic() + 10  # the feedback request lands after the click
    while rated() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert rated() == 1
