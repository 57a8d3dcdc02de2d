"""Email: messages arrive as JSON on a webhook, answers leave by SMTP in the same thread.

Any inbound-mail service (or a small script behind the shop's mail server) posts
``{from, to, subject, text, message_id, in_reply_to?, references?}``. The sender's address
finds their open conversation again; quoted earlier messages ("> ..." lines, "On ... wrote:"
and "Le ... a écrit :" tails, Outlook header blocks) and signatures after "-- " are cut so
the assistant reads only what is new. Replies carry "Re: <subject>", ``In-Reply-To`` and
``References`` so mail clients thread them (RFC 5322 section 3.6.4).
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from pydantic import ConfigDict, EmailStr, Field

from shopkeeper.core.errors import ShopkeeperError
from shopkeeper.data.mailer import Mailer
from shopkeeper.data.pii import PiiCipher
from shopkeeper.domain.schemas import Strict
from shopkeeper.domain.support import MAX_MESSAGE_CHARS
from shopkeeper.services.support.channels.base import ChannelSendError, Contact, InboundMessage
from shopkeeper.services.support.channels.settings import ChannelConfig

_ATTRIBUTION = (
    re.compile(r"^on\b.{0,300}\bwrote\s*:\s*$", re.IGNORECASE),
    re.compile(r"^le\b.{0,300}\ba\s+[ée]crit\s*:\s*$", re.IGNORECASE),
)
_ATTRIBUTION_START = re.compile(r"^(on|le)\s", re.IGNORECASE)
_ATTRIBUTION_END = re.compile(r"(wrote|a\s+[ée]crit)\s*:\s*$", re.IGNORECASE)
_ORIGINAL = re.compile(
    r"^-{2,}\s*(original message|message d'origine|forwarded message|message transf[ée]r[ée])",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\*?(from|de)\s?:\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\*?(sent|envoy[ée]|date|to|[àa]|subject|objet)\s?:", re.IGNORECASE)
# Left at the end once the quote is cut: phone footers, Outlook's rule above the headers.
_TRAILER = re.compile(r"^(sent from my|envoy[ée] de mon|get outlook for)\b|^_{5,}$", re.IGNORECASE)
_REPLY_PREFIX = re.compile(r"^\s*re\s*:", re.IGNORECASE)
# Bounce and no-reply senders: answering them starts mail loops.
_ROBOTS = frozenset(
    {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply"}
)
_MAX_REFERENCES = 10


class EmailIn(Strict):
    """An inbound email as the webhook receives it."""

    model_config = ConfigDict(populate_by_name=True)

    sender: EmailStr = Field(alias="from")
    to: str = Field("", max_length=998)
    subject: str = Field("", max_length=998)
    text: str = Field(max_length=MAX_MESSAGE_CHARS * 4)
    message_id: str = Field(min_length=1, max_length=998)
    in_reply_to: str | None = Field(None, max_length=998)
    references: list[str] = Field(default_factory=list, max_length=100)


def strip_reply(text: str) -> str:
    """The new part of an email reply: quotes, attributions and signatures removed.

    Examples
    --------
    >>> strip_reply("Where is it?\\n\\nOn Mon, 1 Dec 2025, Shop <s@x.fr> wrote:\\n> Hello")
    'Where is it?'
    >>> strip_reply("Merci !\\n-- \\nAda\\n06 00 00 00 00")
    'Merci !'
    >>> strip_reply("> old\\nLe lun. 1 déc. 2025 à 10:00, Shop <s@x.fr> a écrit :\\n> Bonjour")
    ''
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if line.rstrip("\n") in ("-- ", "--"):
            break  # RFC 3676 signature separator
        if any(p.match(stripped) for p in _ATTRIBUTION) or _ORIGINAL.match(stripped):
            break
        # Clients wrap long attributions: "On Mon, ... <x@y>" then "wrote:".
        wrapped = _ATTRIBUTION_START.match(stripped) and _ATTRIBUTION_END.search(following)
        if wrapped and len(stripped) + len(following) < 400:
            break
        if _HEADER_FROM.match(stripped) and _HEADER_NEXT.match(following):
            break  # Outlook pastes the original's headers: From:/Sent:/To:
        if stripped.startswith(">"):
            continue
        kept.append(line)
    while kept and (not kept[-1].strip() or _TRAILER.match(kept[-1].strip())):
        kept.pop()
    return "\n".join(kept).strip()


def _angle(message_id: str) -> str:
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def is_robot(address: str, own_addresses: set[str]) -> bool:
    """Whether ``address`` is a bounce, a no-reply robot or the shop itself.

    Examples
    --------
    >>> is_robot("MAILER-DAEMON@mx.example", set()), is_robot("ada@example.fr", set())
    (True, False)
    """
    address = address.strip().lower()
    return address in own_addresses or address.split("@", 1)[0] in _ROBOTS


def parse_email(cipher: PiiCipher, email: EmailIn) -> InboundMessage:
    """The customer's message in an inbound email; the conversation key is a hash of ``from``."""
    sender = str(email.sender).strip().lower()
    message_id = _angle(email.message_id)
    references = [_angle(r) for r in email.references if r.strip()]
    if email.in_reply_to and _angle(email.in_reply_to) not in references:
        references.append(_angle(email.in_reply_to))
    references.append(message_id)
    return InboundMessage(
        channel="email",
        # Addresses are personal data: conversations find them again by a keyed hash.
        sender_ref=cipher.email_hash(sender) or sender,
        address=sender,
        message_id=f"email:{message_id}"[:200],
        text=strip_reply(email.text),
        thread={
            "subject": email.subject.strip(),
            "message_id": message_id,
            "references": references[-_MAX_REFERENCES:],
        },
    )


def reply_subject(subject: str) -> str:
    """``Re: <subject>``, without stacking a second ``Re:``.

    Examples
    --------
    >>> reply_subject("Ma commande"), reply_subject("RE: Ma commande"), reply_subject("")
    ('Re: Ma commande', 'RE: Ma commande', 'Re: your message')
    """
    subject = " ".join(subject.split())
    if not subject:
        return "Re: your message"
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}"


class EmailSender:
    """Sends a turn's replies as one email through the mailer, in the customer's thread.

    Examples
    --------
    >>> config = ChannelConfig(1, "email", True, {}, {"from_address": "help@shop.fr"})
    >>> EmailSender(None, config).sender
    'help@shop.fr'
    """

    batches = True

    def __init__(self, mailer: Mailer | None, config: ChannelConfig) -> None:
        self.mailer = mailer
        self.sender = config.option("from_address") or (mailer.sender if mailer else "")

    def compose(self, contact: Contact, texts: list[str]) -> EmailMessage:
        thread: dict[str, Any] = contact.thread
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = contact.address
        message["Subject"] = reply_subject(str(thread.get("subject") or ""))
        domain = self.sender.rsplit("@", 1)[-1] if "@" in self.sender else None
        message["Message-ID"] = make_msgid(domain=domain)
        if thread.get("message_id"):
            message["In-Reply-To"] = str(thread["message_id"])
        references = [str(r) for r in thread.get("references") or []]
        if references:
            message["References"] = " ".join(references[-_MAX_REFERENCES:])
        # RFC 3834: tells vacation responders not to answer, which would start a loop.
        message["Auto-Submitted"] = "auto-replied"
        message.set_content("\n\n".join(texts))
        return message

    def send(self, contact: Contact, texts: list[str]) -> str | None:
        if self.mailer is None:
            raise ChannelSendError("no SMTP server configured (set SHOPKEEPER_SMTP_HOST)")
        message = self.compose(contact, texts)
        try:
            self.mailer.send(message)
        except ShopkeeperError as exc:
            raise ChannelSendError(exc.message[:300]) from None
        return str(message["Message-ID"])
