"""Telegram Bot API: the webhook's secret header, the ``Update`` it posts, ``sendMessage``.

Telegram posts one ``Update`` per request to the URL given to ``setWebhook`` and, when a
``secret_token`` was given there, sends it back in the ``X-Telegram-Bot-Api-Secret-Token``
header (https://core.telegram.org/bots/api#setwebhook). Only private text messages are
answered: other updates (edits, photos, button presses, group chats) are acknowledged and
ignored. Replies go out with ``sendMessage`` (https://core.telegram.org/bots/api#sendmessage).
"""

from __future__ import annotations

import hmac
import logging
import re
from typing import Any

import httpx

from shopkeeper.core.errors import AuthenticationError, InvalidInputError
from shopkeeper.services.support.channels.base import (
    SEND_TIMEOUT_S,
    ChannelSendError,
    Contact,
    InboundMessage,
    clip,
    response_json,
)
from shopkeeper.services.support.channels.settings import DEFAULT_TELEGRAM_API, ChannelConfig

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_GROUP_CHATS = frozenset({"group", "supergroup", "channel"})
_TOKEN_IN_URL = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")

log = logging.getLogger(__name__)


class _RedactBotTokens(logging.Filter):
    """httpx logs every request URL at INFO, and a Telegram URL carries the bot token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_URL.sub("/bot<redacted>", str(a)) if "/bot" in str(a) else a
                for a in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_RedactBotTokens())


def check_secret(config: ChannelConfig, given: str | None) -> None:
    """Refuse a request whose secret header is missing or wrong (constant-time compare)."""
    expected = config.secret("secret_token")
    if not given:
        raise AuthenticationError(f"missing {SECRET_HEADER} header")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise AuthenticationError(f"wrong {SECRET_HEADER} header")


def parse_update(payload: Any) -> InboundMessage | None:
    """The customer's text message in a Telegram ``Update``, or ``None`` for anything else.

    Examples
    --------
    >>> update = {"update_id": 1, "message": {"message_id": 5, "text": "hi",
    ...           "chat": {"id": 42, "type": "private"}}}
    >>> parse_update(update).message_id
    'tg:42:5'
    >>> parse_update({"update_id": 2, "edited_message": {}}) is None
    True
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        raise InvalidInputError("not a Telegram Update: an object with an integer update_id")
    message = payload.get("message")
    if not isinstance(message, dict):
        return None  # edits, button presses, inline queries...: nothing to answer
    text = message.get("text")
    if not isinstance(text, str):
        return None  # photos, voice notes, stickers
    chat = message.get("chat")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
        raise InvalidInputError("Telegram message without chat.id")
    if not isinstance(message.get("message_id"), int):
        raise InvalidInputError("Telegram message without message_id")
    if chat.get("type") in _GROUP_CHATS:
        return None  # customer service happens in private chats only
    sender = message.get("from")
    if isinstance(sender, dict) and sender.get("is_bot") is True:
        return None
    chat_id = str(chat["id"])
    return InboundMessage(
        channel="telegram",
        sender_ref=chat_id,
        address=chat_id,
        # message_id is unique within a chat only.
        message_id=f"tg:{chat_id}:{message['message_id']}",
        text=text,
    )


class TelegramSender:
    """Sends replies with the Bot API's ``sendMessage``, one message per reply.

    Examples
    --------
    >>> config = ChannelConfig(1, "telegram", True, {"bot_token": "1:x"}, {})
    >>> TelegramSender(config).base_url
    'https://api.telegram.org'
    """

    batches = False

    def __init__(self, config: ChannelConfig) -> None:
        self.base_url = config.option("api_base", DEFAULT_TELEGRAM_API)
        self._token = config.secret("bot_token")

    def send(self, contact: Contact, texts: list[str]) -> str | None:
        chat_id: int | str = (
            int(contact.address) if contact.address.lstrip("-").isdigit() else contact.address
        )
        sent: str | None = None
        for text in texts:
            body = {"chat_id": chat_id, "text": clip(text)}
            url = f"{self.base_url}/bot{self._token}/sendMessage"
            try:
                response = httpx.post(url, json=body, timeout=SEND_TIMEOUT_S)
            except httpx.HTTPError as exc:
                raise ChannelSendError(f"telegram unreachable: {type(exc).__name__}") from None
            answer = response_json(response)
            if response.status_code != 200 or answer.get("ok") is not True:
                description = str(answer.get("description") or response.reason_phrase)[:300]
                raise ChannelSendError(f"telegram refused ({response.status_code}): {description}")
            result = answer.get("result")
            if isinstance(result, dict) and "message_id" in result:
                sent = str(result["message_id"])
        return sent
