"""Channel adapters without the network: parsing the documented payloads, email cleaning, settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from shopkeeper.core.errors import AuthenticationError, InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import SupportChannelRow
from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.support.channels import email, telegram, whatsapp
from shopkeeper.services.support.channels.base import Contact
from shopkeeper.services.support.channels.settings import (
    ChannelConfig,
    ChannelKind,
    ChannelUpdate,
    list_channels,
    load_channel,
    save_channel,
)

FIXTURES = Path(__file__).resolve().parents[2] / "contract" / "fixtures"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_telegram_documented_updates_parse() -> None:
    message = telegram.parse_update(load("telegram/update_message_text.json"))
    assert message is not None
    assert (message.sender_ref, message.address, message.text) == ("1111111", "1111111", "/start")
    assert message.message_id == "tg:1111111:1365"
    for name in ("update_message_voice", "update_edited_message", "update_callback_query"):
        assert telegram.parse_update(load(f"telegram/{name}.json")) is None
    group = load("telegram/update_message_text.json")
    group["message"]["chat"]["type"] = "supergroup"
    assert telegram.parse_update(group) is None
    with pytest.raises(InvalidInputError):
        telegram.parse_update({"message": {}})


def test_telegram_secret_check() -> None:
    config = ChannelConfig(1, ChannelKind.TELEGRAM, True, {"secret_token": "s3cret"}, {})
    telegram.check_secret(config, "s3cret")
    for given in (None, "", "S3cret", "s3cret "):
        with pytest.raises(AuthenticationError):
            telegram.check_secret(config, given)


def test_whatsapp_documented_payloads_parse() -> None:
    text = whatsapp.parse_notification(load("whatsapp/text_message.json"), "106540352242922")
    (message,) = text.messages
    assert (message.sender_ref, message.text) == ("16505551234", "Does it come in another color?")
    assert message.message_id == "wa:wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
    other_number = whatsapp.parse_notification(load("whatsapp/text_message.json"), "999")
    assert other_number.messages == []
    assert other_number.ignored == 1
    status = whatsapp.parse_notification(load("whatsapp/status_sent.json"))
    assert status.messages == []
    assert status.ignored == 1
    image = whatsapp.parse_notification(load("whatsapp/image_message.json"))
    assert image.messages == []
    assert image.ignored == 1
    with pytest.raises(InvalidInputError):
        whatsapp.parse_notification({"object": "whatsapp_business_account", "entry": {}})


def test_whatsapp_signature_is_over_the_raw_bytes() -> None:
    config = ChannelConfig(1, ChannelKind.WHATSAPP, True, {"app_secret": "app-secret"}, {})
    raw = (FIXTURES / "whatsapp/text_message.json").read_bytes()
    whatsapp.check_signature(config, raw, whatsapp.signature("app-secret", raw))
    # The same JSON re-serialised is other bytes: it must not pass.
    reserialised = json.dumps(json.loads(raw)).encode()
    with pytest.raises(AuthenticationError):
        whatsapp.check_signature(config, reserialised, whatsapp.signature("app-secret", raw))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Where is my parcel?\n\nOn Tue, Nov 24, 2026 at 9:14 AM Shop <help@shop.example> wrote:\n> Hello",
            "Where is my parcel?",
        ),
        (
            "Je veux annuler.\n\nLe mar. 24 nov. 2026 à 09:14, Boutique <help@shop.example> a\u00a0écrit\u00a0:\n> Bonjour",
            "Je veux annuler.",
        ),
        (
            "Thanks!\n\nOn Tue, Nov 24, 2026 at 9:14 AM Very Long Shop Name Customer Service <help@shop.example>\nwrote:\n> Hi",
            "Thanks!",
        ),
        ("ok merci\n-- \nAda Lovelace\n+33 6 00 00 00 00", "ok merci"),
        ("> quoted first\nmy answer\n> quoted after", "my answer"),
        (
            "Please cancel.\n\n________________________________\nFrom: Shop <help@shop.example>\nSent: Tuesday\nTo: Ada\n",
            "Please cancel.",
        ),
        ("Merci\n\nEnvoyé de mon iPhone", "Merci"),
        ("-----Original Message-----\nFrom: shop", ""),
    ],
)
def test_email_replies_keep_only_what_is_new(text: str, kept: str) -> None:
    assert email.strip_reply(text) == kept


def test_email_parsing_threads_and_hashes_the_sender(runtime: Runtime) -> None:
    message = email.EmailIn.model_validate(
        {
            "from": "Ada@Example.fr",
            "subject": "Retour",
            "text": "Bonjour\n> old",
            "message_id": "abc@mail.example",
            "in_reply_to": "<prev@shop.example>",
        }
    )
    inbound = email.parse_email(runtime.cipher, message)
    assert inbound.address == "ada@example.fr"
    assert inbound.text == "Bonjour"
    assert inbound.sender_ref == runtime.cipher.email_hash("ada@example.fr")
    assert inbound.thread["references"] == ["<prev@shop.example>", "<abc@mail.example>"]
    sender = email.EmailSender(
        None, ChannelConfig(1, ChannelKind.EMAIL, True, {}, {"from_address": "s@shop.example"})
    )
    composed = sender.compose(Contact("email", inbound.address, inbound.thread), ["Un", "Deux"])
    assert composed["Subject"] == "Re: Retour"
    assert composed["In-Reply-To"] == "<abc@mail.example>"
    assert composed["Auto-Submitted"] == "auto-replied"
    assert composed.get_content() == "Un\n\nDeux\n"


def test_channel_settings_are_encrypted_validated_and_merged(runtime: Runtime, shop: Shop) -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    with transaction(runtime.sessions) as session:
        save_channel(
            session,
            runtime.clock,
            runtime.cipher,
            shop_id=shop.id,
            kind=ChannelKind.TELEGRAM,
            update=ChannelUpdate(secrets={"bot_token": token, "secret_token": "abc_DEF-1"}),
            actor="test",
        )
        # A later change without secrets keeps them.
        save_channel(
            session,
            runtime.clock,
            runtime.cipher,
            shop_id=shop.id,
            kind=ChannelKind.TELEGRAM,
            update=ChannelUpdate(enabled=False),
            actor="test",
        )
        row = session.scalars(select(SupportChannelRow)).one()
        assert token.encode() not in (row.secrets_enc or b"")
        config = load_channel(session, runtime.cipher, shop.id, ChannelKind.TELEGRAM)
        assert config is not None
        assert config.secret("bot_token") == token
        assert not config.enabled
        (view,) = list_channels(session, runtime.cipher, shop.id)
        assert token not in view.model_dump_json()
        bad = [
            {"secret_token": "has spaces"},
            {"bot_token": "not-a-token"},
            {"unknown": "x"},
        ]
        for secrets in bad:
            with pytest.raises(InvalidInputError):
                save_channel(
                    session,
                    runtime.clock,
                    runtime.cipher,
                    shop_id=shop.id,
                    kind=ChannelKind.TELEGRAM,
                    update=ChannelUpdate(secrets=secrets),
                    actor="test",
                )
        with pytest.raises(InvalidInputError):
            save_channel(
                session,
                runtime.clock,
                runtime.cipher,
                shop_id=shop.id,
                kind=ChannelKind.EMAIL,
                update=ChannelUpdate(options={"from_address": "not an address"}),
                actor="test",
            )
