"""What every channel adapter hands over and receives: one shape for all messaging apps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

# Telegram and WhatsApp both refuse texts over 4096 characters.
MAX_CHAT_TEXT = 4096
SEND_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class InboundMessage:
    """One customer message as a channel delivered it.

    ``sender_ref`` finds the sender's open conversation again (a chat id, a WhatsApp id,
    a keyed hash of an email address); ``address`` is where answers go; ``message_id`` is
    unique per shop across channels, so a redelivered webhook is recognised.

    Examples
    --------
    >>> m = InboundMessage("telegram", "42", "42", "tg:42:7", "hello")
    >>> m.thread
    {}
    """

    channel: str
    sender_ref: str
    address: str
    message_id: str
    text: str
    thread: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Contact:
    """Where a conversation's answers go."""

    channel: str
    address: str
    thread: dict[str, Any] = field(default_factory=dict)


class ChannelSendError(Exception):
    """A reply that did not go out; the message is safe to store (no secrets, no URL)."""


class Sender(Protocol):
    """Sends replies on one channel.

    ``batches`` senders get all the replies of a turn at once (one email); the others
    get one call per reply (one chat message each).
    """

    batches: bool

    def send(self, contact: Contact, texts: list[str]) -> str | None:
        """Send ``texts``; the platform's id for what was sent, when it gives one."""
        ...


def clip(text: str, limit: int = MAX_CHAT_TEXT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    Examples
    --------
    >>> clip("abcdef", 4)
    'abc…'
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def response_json(response: httpx.Response) -> dict[str, Any]:
    """A platform's JSON answer as a dict; ``{}`` when it sent something else."""
    try:
        loaded = response.json()
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
