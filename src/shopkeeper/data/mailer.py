"""Outgoing email behind a small protocol, sent through a real SMTP server with smtplib."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from shopkeeper.core.errors import UpstreamError


class Mailer(Protocol):
    """Anything that can deliver one email message."""

    sender: str

    def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    """Delivers mail through an SMTP server (one connection per message).

    Examples
    --------
    >>> mailer = SmtpMailer("127.0.0.1", 2525, sender="shop@example.com")
    >>> mailer.sender
    'shop@example.com'
    """

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str = "shopkeeper@localhost",
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 15.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        if "From" not in message:
            message["From"] = self.sender
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            # OSError covers refused connections and timeouts; both mean the server is the problem.
            raise UpstreamError(
                f"could not send email through {self.host}:{self.port}: {exc}",
                host=self.host,
                port=self.port,
            ) from exc
