"""Webhooks of the messaging channels: Telegram, WhatsApp Business Cloud API and email.

Telegram and WhatsApp call without an API key: each shop has its own URL (its slug) and
the platform proves itself with the shop's secret (Telegram's secret-token header, Meta's
``X-Hub-Signature-256``). Email comes from the shop's own inbound-mail relay with a secret
key holding ``support:manage``. Every message is answered by the support desk and the
replies go back on the channel. A bad secret is a 401, an unreadable body a 400/422, and a
platform that cannot be reached for the reply is recorded, never a 500 to the sender.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from shopkeeper.api.deps import require
from shopkeeper.core.errors import ErrorCode, InvalidInputError, ShopkeeperError
from shopkeeper.data.database import transaction
from shopkeeper.domain.access import Scope
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import get_shop_by_slug
from shopkeeper.services.support.channels import email, telegram, whatsapp
from shopkeeper.services.support.channels.base import InboundMessage
from shopkeeper.services.support.channels.delivery import DeliveryReport
from shopkeeper.services.support.channels.inbound import answer
from shopkeeper.services.support.channels.settings import (
    ChannelConfig,
    ChannelKind,
    enabled_channel,
)
from shopkeeper.services.support.conversations import SupportDesk

router = APIRouter(prefix="/v1/support/webhooks", tags=["support"])
Agent = Annotated[Principal, Depends(require(Scope.SUPPORT_MANAGE))]
ShopSlug = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

# Platforms post small JSON documents; anything much larger is not theirs.
MAX_WEBHOOK_BYTES = 1_000_000
MAX_CHALLENGE_CHARS = 256

log = logging.getLogger(__name__)


class PayloadTooLargeError(ShopkeeperError):
    default_code = ErrorCode.INVALID_INPUT
    http_status = 413
    exit_code = 2


class WebhookResult(BaseModel):
    """What became of a webhook's content."""

    handled: int = 0  # customer messages answered
    ignored: int = 0  # updates with nothing to answer (statuses, photos, edits...)
    sent: int = 0  # replies sent on the channel
    failed: int = 0  # replies (or messages) that could not be sent, recorded
    already: int = 0  # replies sent earlier for the same (redelivered) message


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_WEBHOOK_BYTES:
        raise PayloadTooLargeError(f"webhook bodies are limited to {MAX_WEBHOOK_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_WEBHOOK_BYTES:
            raise PayloadTooLargeError(f"webhook bodies are limited to {MAX_WEBHOOK_BYTES} bytes")
    return bytes(body)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:  # includes bodies that are not UTF-8
        raise InvalidInputError("the body is not valid JSON") from None


def _channel(runtime: Runtime, shop_slug: str, kind: ChannelKind) -> ChannelConfig:
    with transaction(runtime.sessions) as session:
        shop = get_shop_by_slug(session, shop_slug)
        return enabled_channel(session, runtime.cipher, shop.id, kind)


def _answer_all(
    desk: SupportDesk, config: ChannelConfig, messages: list[InboundMessage], ignored: int
) -> WebhookResult:
    total = DeliveryReport()
    result = WebhookResult(ignored=ignored)
    for message in messages:
        try:
            total.add(answer(desk, config, message))
            result.handled += 1
        except IntegrityError:
            # The same message is being answered by a concurrent delivery of the webhook.
            log.info("support webhook message %s already in progress", message.message_id)
            result.already += 1
        except Exception:  # one bad message must not lose the others nor 500 the platform
            log.exception("support webhook message on %s not answered", config.kind.value)
            result.failed += 1
    result.sent = total.sent
    result.failed += total.failed
    result.already += total.already
    return result


@router.post("/telegram/{shop_slug}", response_model=WebhookResult)
async def telegram_webhook(request: Request, shop_slug: ShopSlug) -> WebhookResult:
    """Telegram's ``setWebhook`` target: answers private text messages.

    Telegram must send the shop's secret token in ``X-Telegram-Bot-Api-Secret-Token``.
    """
    runtime: Runtime = request.app.state.runtime
    config = await run_in_threadpool(_channel, runtime, shop_slug, ChannelKind.TELEGRAM)
    telegram.check_secret(config, request.headers.get(telegram.SECRET_HEADER))
    inbound = telegram.parse_update(_json(await _body(request)))
    if inbound is None:
        return WebhookResult(ignored=1)
    desk: SupportDesk = request.app.state.support
    return await run_in_threadpool(_answer_all, desk, config, [inbound], 0)


@router.get("/whatsapp/{shop_slug}", response_class=PlainTextResponse)
def whatsapp_verify(request: Request, shop_slug: ShopSlug) -> PlainTextResponse:
    """Meta's verification request: echoes ``hub.challenge`` when the verify token matches."""
    runtime: Runtime = request.app.state.runtime
    config = _channel(runtime, shop_slug, ChannelKind.WHATSAPP)
    challenge = whatsapp.verify_subscription(config, request.query_params)
    if len(challenge) > MAX_CHALLENGE_CHARS:
        raise InvalidInputError("hub.challenge is too long")
    return PlainTextResponse(challenge)


@router.post("/whatsapp/{shop_slug}", response_model=WebhookResult)
async def whatsapp_webhook(request: Request, shop_slug: ShopSlug) -> WebhookResult:
    """Meta's notifications: answers text messages, acknowledges statuses and the rest.

    The ``X-Hub-Signature-256`` header must be the HMAC-SHA256 of the body with the app
    secret.
    """
    runtime: Runtime = request.app.state.runtime
    config = await run_in_threadpool(_channel, runtime, shop_slug, ChannelKind.WHATSAPP)
    body = await _body(request)
    whatsapp.check_signature(config, body, request.headers.get(whatsapp.SIGNATURE_HEADER))
    found = whatsapp.parse_notification(_json(body), config.option("phone_number_id"))
    if not found.messages:
        return WebhookResult(ignored=found.ignored)
    desk: SupportDesk = request.app.state.support
    return await run_in_threadpool(_answer_all, desk, config, found.messages, found.ignored)


@router.post("/email", response_model=WebhookResult)
def email_webhook(request: Request, who: Agent, message: email.EmailIn) -> WebhookResult:
    """An email to the shop's support address, posted by its inbound-mail relay.

    The answer goes back by SMTP to ``from``, in the same thread. Bounces, no-reply
    senders and the shop's own address are ignored so two robots never write in a loop.
    """
    runtime: Runtime = request.app.state.runtime
    desk: SupportDesk = request.app.state.support
    with transaction(runtime.sessions) as session:
        config = enabled_channel(session, runtime.cipher, who.shop_id, ChannelKind.EMAIL)
    own = {
        a.lower() for a in (config.option("from_address"), getattr(desk.mailer, "sender", "")) if a
    }
    if email.is_robot(str(message.sender), own):
        return WebhookResult(ignored=1)
    inbound = email.parse_email(runtime.cipher, message)
    return _answer_all(desk, config, [inbound], 0)
