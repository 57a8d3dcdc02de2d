"""Contract tests of the messaging channels, on the platforms' documented example payloads.

The payloads in ``tests/contract/fixtures`` are copied from Telegram's and Meta's public
documentation (sources in its README). A real local HTTP server stands in for the Bot API
and the Graph API and records what the shop sends; email goes through a real SMTP server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shopkeeper.api.app import create_app
from shopkeeper.core.config import Settings
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import (
    AuditLogRow,
    ConversationRow,
    SupportDeliveryRow,
    SupportMessageRow,
)
from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.support.channels.settings import ChannelKind, ChannelUpdate, save_channel
from shopkeeper.services.support.channels.whatsapp import signature
from shopkeeper.testing.smtp import Inbox, free_port, smtp_server
from tests.conftest import Keys, auth
from tests.threaded_server import serving
from tests.unit.services.support_shop import ADA, build_support_shop

FIXTURES = Path(__file__).resolve().parents[1] / "contract" / "fixtures"
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
TG_SECRET = "tg-webhook-secret_0123456789"
APP_SECRET = "meta-app-secret-for-tests"
VERIFY_TOKEN = "verify-me-please"
ACCESS_TOKEN = "EAAG-test-access-token"
PHONE_NUMBER_ID = "106540352242922"  # the business number of Meta's examples
TG_URL = "/v1/support/webhooks/telegram/default"
WA_URL = "/v1/support/webhooks/whatsapp/default"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(fixture_bytes(name))
    return loaded


# -- a stand-in for api.telegram.org and graph.facebook.com --------------------------------


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Platform:
    """Records every request; answers as the real APIs document, or refuses when told."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    refuse: bool = False

    def texts(self) -> list[str]:
        return [
            r.body["text"] if "chat_id" in r.body else r.body["text"]["body"] for r in self.requests
        ]


def platform_app(platform: Platform) -> FastAPI:
    app = FastAPI()

    @app.post("/{path:path}")
    async def record(path: str, request: Request) -> JSONResponse:
        body = await request.json()
        platform.requests.append(Recorded(path, dict(request.headers), body))
        if path.startswith("bot"):
            if platform.refuse:
                return JSONResponse(
                    {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
                    status_code=400,
                )
            return JSONResponse(
                {"ok": True, "result": {"message_id": len(platform.requests), "text": body["text"]}}
            )
        if platform.refuse:
            error = {"message": "(#131047) Re-engagement message", "code": 131047}
            return JSONResponse({"error": error}, status_code=400)
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": f"wamid.OUT{len(platform.requests)}"}],
            }
        )

    return app


@pytest.fixture(scope="module")
def platform_server() -> Iterator[Platform]:
    platform = Platform()
    with serving(platform_app(platform)) as url:
        platform.url = url
        yield platform


@pytest.fixture
def platform(platform_server: Platform) -> Platform:
    platform_server.requests.clear()
    platform_server.refuse = False
    return platform_server


def set_up(runtime: Runtime, shop: Shop, kind: ChannelKind, api_base: str, **extra: str) -> None:
    secrets = {
        ChannelKind.TELEGRAM: {"bot_token": BOT_TOKEN, "secret_token": TG_SECRET},
        ChannelKind.WHATSAPP: {
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
            "access_token": ACCESS_TOKEN,
        },
        ChannelKind.EMAIL: {},
    }[kind]
    options = {"api_base": api_base} if api_base else {}
    if kind is ChannelKind.WHATSAPP:
        options["phone_number_id"] = PHONE_NUMBER_ID
    options.update(extra)
    with transaction(runtime.sessions) as session:
        save_channel(
            session,
            runtime.clock,
            runtime.cipher,
            shop_id=shop.id,
            kind=kind,
            update=ChannelUpdate(secrets=secrets, options=options),
            actor="test",
            operator=True,
        )


def tg_headers(secret: str = TG_SECRET) -> dict[str, str]:
    return {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}


def wa_headers(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    return {"X-Hub-Signature-256": signature(secret, body), "Content-Type": "application/json"}


def tg_update(text: str, message_id: int = 1365, update_id: int = 10000) -> bytes:
    """Telegram's documented text update with another text and ids."""
    update = fixture_json("telegram/update_message_text.json")
    update["update_id"] = update_id
    update["message"]["message_id"] = message_id
    update["message"]["text"] = text
    return json.dumps(update).encode()


def count(runtime: Runtime, model: Any, **where: Any) -> int:
    with transaction(runtime.sessions) as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(session.scalar(query) or 0)


# -- Telegram --------------------------------------------------------------------------------


def test_telegram_documented_update_is_answered_on_telegram(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    set_up(runtime, shop, ChannelKind.TELEGRAM, platform.url)
    response = client.post(
        TG_URL, content=fixture_bytes("telegram/update_message_text.json"), headers=tg_headers()
    )
    assert response.status_code == 200, response.text
    assert response.json()["handled"] == 1
    assert response.json()["sent"] >= 1
    assert platform.requests, "nothing reached the Bot API"
    sent = platform.requests[0]
    assert sent.path == f"bot{BOT_TOKEN}/sendMessage"
    assert sent.body["chat_id"] == 1111111
    assert sent.body["text"].strip()
    with transaction(runtime.sessions) as session:
        conversation = session.scalars(select(ConversationRow)).one()
    assert (conversation.channel, conversation.channel_ref) == ("telegram", "1111111")


def test_telegram_order_question_gets_the_assistants_answer(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    build_support_shop(runtime, shop)
    set_up(runtime, shop, ChannelKind.TELEGRAM, platform.url)
    first = client.post(
        TG_URL, content=tg_update("où en est ma commande O0000102 ?", 1), headers=tg_headers()
    )
    assert first.status_code == 200
    assert first.json()["sent"] >= 1
    second = client.post(TG_URL, content=tg_update(ADA, 2, 10001), headers=tg_headers())
    assert second.status_code == 200
    assert second.json()["sent"] >= 1
    # Both messages went to one conversation, found again by the chat id, and the customer
    # got on Telegram exactly what the assistant said, in order.
    assert count(runtime, ConversationRow) == 1
    with transaction(runtime.sessions) as session:
        said = [
            runtime.cipher.decrypt(row.text_enc)
            for row in session.scalars(
                select(SupportMessageRow)
                .where(SupportMessageRow.role == "assistant")
                .order_by(SupportMessageRow.id)
            )
        ]
    assert platform.texts() == said


def test_telegram_bad_or_missing_secret_is_refused(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    set_up(runtime, shop, ChannelKind.TELEGRAM, platform.url)
    body = fixture_bytes("telegram/update_message_text.json")
    wrong = client.post(TG_URL, content=body, headers=tg_headers("not-the-secret"))
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "unauthenticated"
    assert "X-Telegram-Bot-Api-Secret-Token" in wrong.json()["message"]
    missing = client.post(TG_URL, content=body, headers={"Content-Type": "application/json"})
    assert missing.status_code == 401
    assert platform.requests == []
    assert count(runtime, ConversationRow) == 0


@pytest.mark.parametrize(
    "name",
    [
        "telegram/update_message_voice.json",
        "telegram/update_edited_message.json",
        "telegram/update_callback_query.json",
    ],
)
def test_telegram_updates_without_text_are_acknowledged_and_ignored(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform, name: str
) -> None:
    set_up(runtime, shop, ChannelKind.TELEGRAM, platform.url)
    response = client.post(TG_URL, content=fixture_bytes(name), headers=tg_headers())
    assert response.status_code == 200, response.text
    assert response.json()["ignored"] == 1
    assert response.json()["handled"] == 0
    assert platform.requests == []
    assert count(runtime, ConversationRow) == 0


@pytest.mark.postgres
def test_a_redelivered_update_is_answered_once(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    set_up(runtime, shop, ChannelKind.TELEGRAM, platform.url)
    body = fixture_bytes("telegram/update_message_text.json")
    first = client.post(TG_URL, content=body, headers=tg_headers())
    sent_once = len(platform.requests)
    again = client.post(TG_URL, content=body, headers=tg_headers())
    assert first.status_code == again.status_code == 200
    assert sent_once >= 1
    assert len(platform.requests) == sent_once
    assert again.json()["sent"] == 0
    assert again.json()["already"] == sent_once
    assert count(runtime, SupportMessageRow, role="customer") == 1


def test_malformed_webhooks_get_clear_errors_never_a_500(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    set_up(runtime, shop, ChannelKind.TELEGRAM, platform.url)
    for body in (b"{not json", b"\xff\xfe\x00", b"[]", b'{"message": {"text": "hi"}}'):
        response = client.post(TG_URL, content=body, headers=tg_headers())
        assert response.status_code in (400, 422), (body, response.text)
        assert response.json()["code"] == "invalid_input"
        assert response.json()["message"]
    broken = fixture_json("telegram/update_message_text.json")
    del broken["message"]["chat"]
    response = client.post(TG_URL, content=json.dumps(broken), headers=tg_headers())
    assert response.status_code == 422
    assert "chat" in response.json()["message"]
    huge = client.post(TG_URL, content=b"x" * 2_000_000, headers=tg_headers())
    assert huge.status_code == 413
    unknown = client.post("/v1/support/webhooks/telegram/nope", content=b"{}", headers=tg_headers())
    assert unknown.status_code == 404
    not_set_up = client.post(WA_URL, content=b"{}", headers=wa_headers(b"{}"))
    assert not_set_up.status_code == 404
    assert "whatsapp" in not_set_up.json()["message"]
    assert platform.requests == []


def test_a_platform_that_is_down_or_refuses_is_recorded_not_a_500(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    set_up(runtime, shop, ChannelKind.TELEGRAM, f"http://127.0.0.1:{free_port()}")
    down = client.post(TG_URL, content=tg_update("bonjour", 1), headers=tg_headers())
    assert down.status_code == 200
    assert down.json()["failed"] >= 1
    assert down.json()["sent"] == 0
    set_up(runtime, shop, ChannelKind.TELEGRAM, platform.url)
    platform.refuse = True
    refused = client.post(
        TG_URL, content=tg_update("bonjour encore", 2, 10001), headers=tg_headers()
    )
    assert refused.status_code == 200
    assert refused.json()["failed"] >= 1
    with transaction(runtime.sessions) as session:
        errors = [row.error or "" for row in session.scalars(select(SupportDeliveryRow))]
    assert any("telegram unreachable" in e for e in errors)
    assert any("chat not found" in e for e in errors)
    assert not any(BOT_TOKEN in e for e in errors)


# -- WhatsApp --------------------------------------------------------------------------------


def test_whatsapp_verification_echoes_the_challenge_for_the_right_token(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    set_up(runtime, shop, ChannelKind.WHATSAPP, platform.url)
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    ok = client.get(WA_URL, params=params)
    assert ok.status_code == 200
    assert ok.text == "1158201444"
    wrong = client.get(WA_URL, params={**params, "hub.verify_token": "guess"})
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "permission_denied"
    assert client.get(WA_URL, params={**params, "hub.mode": "unsubscribe"}).status_code == 403


def test_whatsapp_documented_text_message_is_answered_through_the_graph_api(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    set_up(runtime, shop, ChannelKind.WHATSAPP, platform.url, api_version="v25.0")
    body = fixture_bytes("whatsapp/text_message.json")
    response = client.post(WA_URL, content=body, headers=wa_headers(body))
    assert response.status_code == 200, response.text
    assert response.json()["handled"] == 1
    assert response.json()["sent"] >= 1
    sent = platform.requests[0]
    assert sent.path == f"v25.0/{PHONE_NUMBER_ID}/messages"
    assert sent.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert sent.body["messaging_product"] == "whatsapp"
    assert sent.body["type"] == "text"
    assert sent.body["to"] == "16505551234"
    assert sent.body["text"]["body"].strip()
    with transaction(runtime.sessions) as session:
        delivery = session.scalars(select(SupportDeliveryRow)).first()
    assert delivery is not None
    assert delivery.status == "sent"
    assert (delivery.external_id or "").startswith("wamid.OUT")


def test_whatsapp_bad_signature_is_refused(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    set_up(runtime, shop, ChannelKind.WHATSAPP, platform.url)
    body = fixture_bytes("whatsapp/text_message.json")
    tampered = body.replace(b"another color", b"a free sample")
    cases = [
        (tampered, wa_headers(body)),  # signature of another body
        (body, wa_headers(body, secret="another-app-secret")),
        (body, {"Content-Type": "application/json"}),
        (body, {"X-Hub-Signature-256": "sha1=" + "0" * 40}),
    ]
    for content, headers in cases:
        response = client.post(WA_URL, content=content, headers=headers)
        assert response.status_code == 401, response.text
        assert "X-Hub-Signature-256" in response.json()["message"]
    assert platform.requests == []
    assert count(runtime, ConversationRow) == 0


@pytest.mark.parametrize("name", ["whatsapp/status_sent.json", "whatsapp/image_message.json"])
def test_whatsapp_statuses_and_media_are_acknowledged(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform, name: str
) -> None:
    set_up(runtime, shop, ChannelKind.WHATSAPP, platform.url)
    body = fixture_bytes(name)
    response = client.post(WA_URL, content=body, headers=wa_headers(body))
    assert response.status_code == 200, response.text
    assert response.json() == {"handled": 0, "ignored": 1, "sent": 0, "failed": 0, "already": 0}
    assert platform.requests == []


def test_whatsapp_redelivery_is_answered_once(
    client: TestClient, runtime: Runtime, shop: Shop, platform: Platform
) -> None:
    set_up(runtime, shop, ChannelKind.WHATSAPP, platform.url)
    body = fixture_bytes("whatsapp/text_message.json")
    client.post(WA_URL, content=body, headers=wa_headers(body))
    sent_once = len(platform.requests)
    again = client.post(WA_URL, content=body, headers=wa_headers(body))
    assert again.status_code == 200
    assert again.json()["already"] == sent_once
    assert len(platform.requests) == sent_once


# -- the human queue answers on the channel --------------------------------------------------


@pytest.mark.postgres
def test_an_agent_reply_reaches_the_customer_on_telegram(
    client: TestClient,
    runtime: Runtime,
    shop: Shop,
    keys: Keys,
    platform: Platform,
) -> None:
    build_support_shop(runtime, shop)
    set_up(runtime, shop, ChannelKind.TELEGRAM, platform.url)
    asked = client.post(
        TG_URL, content=tg_update("je veux parler à un humain svp", 7), headers=tg_headers()
    )
    assert asked.status_code == 200
    (entry,) = client.get("/v1/support/handoffs", headers=auth(keys.secret)).json()
    assert entry["channel"] == "telegram"
    before = len(platform.requests)
    replied = client.post(
        f"/v1/support/handoffs/{entry['handoff_id']}/reply",
        json={"text": "Bonjour, je suis Léa du service client."},
        headers=auth(keys.secret),
    )
    assert replied.status_code == 200, replied.text
    assert len(platform.requests) == before + 1
    assert platform.requests[-1].body == {
        "chat_id": 1111111,
        "text": "Bonjour, je suis Léa du service client.",
    }


def test_an_agent_reply_whose_platform_is_down_still_lands_in_the_conversation(
    client: TestClient, runtime: Runtime, shop: Shop, keys: Keys, platform: Platform
) -> None:
    build_support_shop(runtime, shop)
    set_up(runtime, shop, ChannelKind.WHATSAPP, platform.url)
    body = fixture_bytes("whatsapp/text_message.json").replace(
        b"Does it come in another color?", b"I want to talk to a human please"
    )
    client.post(WA_URL, content=body, headers=wa_headers(body))
    (entry,) = client.get("/v1/support/handoffs", headers=auth(keys.secret)).json()
    platform.refuse = True  # e.g. the 24-hour customer-service window has closed
    replied = client.post(
        f"/v1/support/handoffs/{entry['handoff_id']}/reply",
        json={"text": "Sorry for the wait!"},
        headers=auth(keys.secret),
    )
    assert replied.status_code == 200
    with transaction(runtime.sessions) as session:
        last = session.scalars(
            select(SupportDeliveryRow).order_by(SupportDeliveryRow.id.desc())
        ).first()
    assert last is not None
    assert last.status == "failed"
    assert "131047" in (last.error or "")


# -- email -----------------------------------------------------------------------------------


@pytest.fixture
def mail(settings: Settings, runtime: Runtime) -> Iterator[tuple[TestClient, Inbox]]:
    """The app with a real SMTP server behind its mailer."""
    with smtp_server() as (inbox, port):
        configured = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": port, "mail_from": "help@shop.example"}
        )
        with TestClient(create_app(configured, runtime=runtime)) as mail_client:
            yield mail_client, inbox


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def an_email(text: str, message_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "from": "Ada.Lovelace@example.fr",
        "to": "help@shop.example",
        "subject": "Ma commande",
        "text": text,
        "message_id": message_id,
        **extra,
    }


def test_email_round_trip_through_a_real_smtp_server(
    mail: tuple[TestClient, Inbox], runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    client, inbox = mail
    build_support_shop(runtime, shop)
    set_up(runtime, shop, ChannelKind.EMAIL, "")
    first = an_email(
        "Où en est ma commande O0000102 ?\n\n-- \nAda\n\n"
        "Le lun. 23 nov. 2026 à 10:00, Boutique <help@shop.example> a écrit :\n> Bonjour",
        "<CAF1@mail.example.fr>",
    )
    response = client.post("/v1/support/webhooks/email", json=first, headers=auth(keys.secret))
    assert response.status_code == 200, response.text
    assert response.json()["sent"] >= 1
    (mail_from, rcpt, message) = inbox.messages[0]
    assert rcpt == ["ada.lovelace@example.fr"]
    assert mail_from == "help@shop.example"
    assert message["Subject"] == "Re: Ma commande"
    assert message["In-Reply-To"] == "<CAF1@mail.example.fr>"
    assert "<CAF1@mail.example.fr>" in message["References"]
    assert body_of(message).strip()
    # The customer answers in the thread; the same conversation continues.
    second = an_email(
        f"{ADA}\n\nOn Mon, 23 Nov 2026 at 10:05, Shop <help@shop.example> wrote:\n> which email?",
        "<CAF2@mail.example.fr>",
        subject="Re: Ma commande",
        in_reply_to=str(message["Message-ID"]),
    )
    again = client.post("/v1/support/webhooks/email", json=second, headers=auth(keys.secret))
    assert again.status_code == 200
    assert again.json()["sent"] >= 1
    reply = inbox.messages[-1][2]
    assert reply["Subject"] == "Re: Ma commande"
    assert reply["In-Reply-To"] == "<CAF2@mail.example.fr>"
    assert str(message["Message-ID"]) in reply["References"]
    assert count(runtime, ConversationRow) == 1
    with transaction(runtime.sessions) as session:
        texts = [
            runtime.cipher.decrypt(row.text_enc)
            for row in session.scalars(
                select(SupportMessageRow).where(SupportMessageRow.role == "customer")
            )
        ]
        refs = list(session.scalars(select(ConversationRow.channel_ref)))
    # Quoted text and signatures were cut; the address is kept only as a keyed hash.
    assert texts == ["Où en est ma commande O0000102 ?", ADA]
    assert refs == [runtime.cipher.email_hash(ADA)]
    # The redelivered email is answered once.
    client.post("/v1/support/webhooks/email", json=second, headers=auth(keys.secret))
    assert len(inbox.messages) == 2


def test_an_agent_reply_to_an_email_conversation_goes_out_by_smtp(
    mail: tuple[TestClient, Inbox], runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    client, inbox = mail
    build_support_shop(runtime, shop)
    set_up(runtime, shop, ChannelKind.EMAIL, "", from_address="sav@shop.example")
    client.post(
        "/v1/support/webhooks/email",
        json=an_email("je veux parler à un humain svp", "<H1@mail.example.fr>"),
        headers=auth(keys.secret),
    )
    (entry,) = client.get("/v1/support/handoffs", headers=auth(keys.secret)).json()
    before = len(inbox.messages)
    client.post(
        f"/v1/support/handoffs/{entry['handoff_id']}/reply",
        json={"text": "Bonjour Ada, je regarde votre commande."},
        headers=auth(keys.secret),
    )
    assert len(inbox.messages) == before + 1
    mail_from, rcpt, message = inbox.messages[-1]
    assert (mail_from, rcpt) == ("sav@shop.example", ["ada.lovelace@example.fr"])
    assert message["Subject"] == "Re: Ma commande"
    assert message["In-Reply-To"] == "<H1@mail.example.fr>"
    assert "je regarde votre commande" in body_of(message)


def test_the_email_webhook_needs_a_secret_key_and_ignores_robots(
    mail: tuple[TestClient, Inbox], runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    client, inbox = mail
    set_up(runtime, shop, ChannelKind.EMAIL, "")
    body = an_email("bonjour", "<R1@mail.example.fr>")
    assert client.post("/v1/support/webhooks/email", json=body).status_code == 401
    public = client.post("/v1/support/webhooks/email", json=body, headers=auth(keys.publishable))
    assert public.status_code == 403
    bounce = client.post(
        "/v1/support/webhooks/email",
        json={**body, "from": "MAILER-DAEMON@mx.example.fr"},
        headers=auth(keys.secret),
    )
    assert bounce.status_code == 200
    assert bounce.json()["ignored"] == 1
    bad = client.post(
        "/v1/support/webhooks/email",
        json={**body, "from": "not an address"},
        headers=auth(keys.secret),
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input"
    assert inbox.messages == []


# -- settings --------------------------------------------------------------------------------


def test_channel_settings_api_masks_secrets_and_audits_changes(
    client: TestClient, runtime: Runtime, shop: Shop, keys: Keys
) -> None:
    put = client.put(
        "/v1/support/channels/telegram",
        json={"secrets": {"bot_token": BOT_TOKEN, "secret_token": TG_SECRET}},
        headers=auth(keys.secret),
    )
    assert put.status_code == 200, put.text
    listed = client.get("/v1/support/channels", headers=auth(keys.secret))
    assert listed.status_code == 200
    assert BOT_TOKEN not in listed.text
    assert TG_SECRET not in listed.text
    assert listed.json()[0]["secrets"]["bot_token"].endswith("Dsaw")
    # Where tokens are sent is the operator's choice, not an API key's.
    moved = client.put(
        "/v1/support/channels/telegram",
        json={"options": {"api_base": "https://evil.example"}},
        headers=auth(keys.secret),
    )
    assert moved.status_code == 422
    incomplete = client.put(
        "/v1/support/channels/whatsapp",
        json={"secrets": {"app_secret": "x"}},
        headers=auth(keys.secret),
    )
    assert incomplete.status_code == 422
    assert "verify_token" in incomplete.json()["message"]
    assert client.get("/v1/support/channels", headers=auth(keys.publishable)).status_code == 403
    with transaction(runtime.sessions) as session:
        audits = list(
            session.scalars(select(AuditLogRow).where(AuditLogRow.action == "support.channel.set"))
        )
    assert len(audits) == 1
    assert audits[0].after["changed_secrets"] == ["bot_token", "secret_token"]
    assert BOT_TOKEN not in json.dumps(audits[0].after)
