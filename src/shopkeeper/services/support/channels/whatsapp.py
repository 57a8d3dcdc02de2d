"""WhatsApp Business Cloud API: webhook verification, signed notifications, text replies.

Meta verifies the callback URL with a GET carrying ``hub.mode=subscribe``,
``hub.verify_token`` and ``hub.challenge`` (answer the challenge when the token matches),
then POSTs notifications signed in ``X-Hub-Signature-256: sha256=<hex>``, an HMAC-SHA256
of the raw body keyed with the app secret
(https://developers.facebook.com/docs/graph-api/webhooks/getting-started). Customer
messages sit in ``entry[].changes[].value.messages[]``; payloads holding only
``statuses`` (sent, delivered, read) are acknowledged and ignored
(https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
Replies are ``POST /<version>/<phone-number-id>/messages`` on the Graph API.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from shopkeeper.core.errors import AuthenticationError, InvalidInputError, PermissionDeniedError
from shopkeeper.services.support.channels.base import (
    SEND_TIMEOUT_S,
    ChannelSendError,
    Contact,
    InboundMessage,
    clip,
    response_json,
)
from shopkeeper.services.support.channels.settings import (
    DEFAULT_GRAPH_API,
    DEFAULT_GRAPH_VERSION,
    ChannelConfig,
)

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="

log = logging.getLogger(__name__)


def verify_subscription(config: ChannelConfig, params: Mapping[str, str]) -> str:
    """The ``hub.challenge`` to echo when Meta's verification request is genuine."""
    token = params.get("hub.verify_token", "")
    challenge = params.get("hub.challenge", "")
    expected = config.secret("verify_token")
    if params.get("hub.mode") != "subscribe" or not challenge:
        raise PermissionDeniedError("expected hub.mode=subscribe with a hub.challenge")
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise PermissionDeniedError("hub.verify_token does not match this shop's verify token")
    return challenge


def signature(app_secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends for ``body``.

    Examples
    --------
    >>> signature("secret", b"{}")[:15]
    'sha256=77325902'
    """
    return _PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def check_signature(config: ChannelConfig, body: bytes, header: str | None) -> None:
    """Refuse a notification whose signature is missing or does not match the raw body."""
    if not header:
        raise AuthenticationError(f"missing {SIGNATURE_HEADER} header")
    if not header.startswith(_PREFIX):
        raise AuthenticationError(f"{SIGNATURE_HEADER} must look like sha256=<hex digest>")
    app_secret = config.secret("app_secret")
    expected = signature(app_secret, body)
    if not app_secret or not hmac.compare_digest(header.lower().encode(), expected.encode()):
        raise AuthenticationError(f"{SIGNATURE_HEADER} does not match the body")


@dataclass
class Notification:
    """What one webhook POST holds: customer text messages, and how much was skipped."""

    messages: list[InboundMessage] = field(default_factory=list)
    ignored: int = 0


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInputError(f"WhatsApp notification: {where} must be a list")
    return value


def parse_notification(payload: Any, phone_number_id: str = "") -> Notification:
    """The text messages of a notification; statuses and other message types are skipped.

    Messages sent to another phone number than ``phone_number_id`` (when given) are
    skipped too: one Meta app may serve several numbers.

    Examples
    --------
    >>> value = {"metadata": {"phone_number_id": "1"}, "messages": [
    ...     {"from": "33600", "id": "wamid.A", "type": "text", "text": {"body": "hi"}}]}
    >>> payload = {"object": "whatsapp_business_account",
    ...            "entry": [{"changes": [{"field": "messages", "value": value}]}]}
    >>> [m.message_id for m in parse_notification(payload).messages]
    ['wa:wamid.A']
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise InvalidInputError("not a WhatsApp notification: an object with an entry list")
    found = Notification()
    if payload.get("object") != "whatsapp_business_account":
        found.ignored += 1
        return found
    for entry in payload["entry"]:
        if not isinstance(entry, dict):
            raise InvalidInputError("WhatsApp notification: each entry must be an object")
        for change in _list(entry.get("changes"), "entry[].changes"):
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict) or change.get("field") != "messages":
                found.ignored += 1
                continue
            found.ignored += len(_list(value.get("statuses"), "value.statuses"))
            metadata = value.get("metadata")
            to_number = (
                str(metadata.get("phone_number_id", "")) if isinstance(metadata, dict) else ""
            )
            for message in _list(value.get("messages"), "value.messages"):
                inbound = _text_message(message)
                if inbound is None or (phone_number_id and to_number != phone_number_id):
                    found.ignored += 1
                    continue
                found.messages.append(inbound)
    return found


def _text_message(message: Any) -> InboundMessage | None:
    if not isinstance(message, dict) or message.get("type") != "text":
        return None  # images, audio, reactions, buttons...
    text = message.get("text")
    body = text.get("body") if isinstance(text, dict) else None
    sender, wamid = message.get("from"), message.get("id")
    if not isinstance(body, str) or not isinstance(sender, str) or not isinstance(wamid, str):
        raise InvalidInputError("WhatsApp text message without from, id or text.body")
    return InboundMessage(
        channel="whatsapp",
        sender_ref=sender,
        address=sender,
        message_id=f"wa:{wamid}"[:200],
        text=body,
    )


class WhatsAppSender:
    """Sends each reply as a text message through the Cloud API.

    Examples
    --------
    >>> config = ChannelConfig(1, "whatsapp", True, {"access_token": "t"},
    ...                        {"phone_number_id": "106540352242922"})
    >>> WhatsAppSender(config).url
    'https://graph.facebook.com/v25.0/106540352242922/messages'
    """

    batches = False

    def __init__(self, config: ChannelConfig) -> None:
        base = config.option("api_base", DEFAULT_GRAPH_API)
        version = config.option("api_version", DEFAULT_GRAPH_VERSION)
        self.url = f"{base}/{version}/{config.option('phone_number_id')}/messages"
        self._token = config.secret("access_token")

    def send(self, contact: Contact, texts: list[str]) -> str | None:
        sent: str | None = None
        for text in texts:
            body = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": contact.address,
                "type": "text",
                "text": {"preview_url": False, "body": clip(text)},
            }
            try:
                response = httpx.post(
                    self.url,
                    json=body,
                    headers={"Authorization": f"Bearer {self._token}"},
                    timeout=SEND_TIMEOUT_S,
                )
            except httpx.HTTPError as exc:
                raise ChannelSendError(f"whatsapp unreachable: {type(exc).__name__}") from None
            answer = response_json(response)
            if response.status_code != 200:
                error = answer.get("error")
                said = error.get("message") if isinstance(error, dict) else None
                detail = str(said or response.reason_phrase)[:300]
                raise ChannelSendError(f"whatsapp refused ({response.status_code}): {detail}")
            messages = answer.get("messages")
            if isinstance(messages, list) and messages and isinstance(messages[0], dict):
                sent = str(messages[0].get("id") or "") or sent
        return sent
