"""Per-shop settings of the messaging channels: saved encrypted, shown masked, audit-logged.

Secrets (bot tokens, app secrets, access tokens) never leave this module in clear except
through :func:`load_channel`, which the adapters call to check a signature or send a reply.
What the API and the CLI show is :class:`ChannelView`, with every secret masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import SupportChannelRow
from shopkeeper.services import audit


class ChannelKind(StrEnum):
    """The channels that need settings; the widget and the REST API need none."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    EMAIL = "email"


DEFAULT_TELEGRAM_API = "https://api.telegram.org"
DEFAULT_GRAPH_API = "https://graph.facebook.com"
DEFAULT_GRAPH_VERSION = "v25.0"

SECRETS: dict[ChannelKind, tuple[str, ...]] = {
    ChannelKind.TELEGRAM: ("bot_token", "secret_token"),
    ChannelKind.WHATSAPP: ("app_secret", "verify_token", "access_token"),
    ChannelKind.EMAIL: (),
}
OPTIONS: dict[ChannelKind, tuple[str, ...]] = {
    ChannelKind.TELEGRAM: ("api_base",),
    ChannelKind.WHATSAPP: ("phone_number_id", "api_base", "api_version"),
    ChannelKind.EMAIL: ("from_address",),
}
REQUIRED_OPTIONS: dict[ChannelKind, tuple[str, ...]] = {
    ChannelKind.TELEGRAM: (),
    ChannelKind.WHATSAPP: ("phone_number_id",),
    ChannelKind.EMAIL: (),
}
# Where replies go: only the server's operator (CLI) may move it, never an API key, so a
# leaked key cannot redirect the shop's access tokens to another host.
OPERATOR_ONLY_OPTIONS = frozenset({"api_base", "api_version"})

# Telegram: "1-256 characters. Only characters A-Z, a-z, 0-9, _ and - are allowed."
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TELEGRAM_BOT_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_BASE_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
_GRAPH_VERSION = re.compile(r"^v\d+\.\d+$")
_PHONE_NUMBER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_SECRET = 1024


class ChannelView(BaseModel):
    """A channel's settings as the API and the CLI show them: secrets masked."""

    kind: ChannelKind
    enabled: bool
    secrets: dict[str, str] = Field(description="secret name -> masked value")
    options: dict[str, str]
    updated_by: str
    updated_at: datetime


class ChannelUpdate(BaseModel):
    """A change to a channel; secrets left out keep their current value."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    secrets: dict[str, str] = Field(default_factory=dict)
    options: dict[str, str] = Field(default_factory=dict)


@dataclass(frozen=True)
class ChannelConfig:
    """A channel's settings with secrets in clear, for the adapters only.

    Examples
    --------
    >>> config = ChannelConfig(1, ChannelKind.TELEGRAM, True, {"bot_token": "1:x"}, {})
    >>> config.option("api_base", DEFAULT_TELEGRAM_API)
    'https://api.telegram.org'
    >>> "1:x" in repr(config)
    False
    """

    shop_id: int
    kind: ChannelKind
    enabled: bool
    secrets: dict[str, str] = field(repr=False)
    options: dict[str, str]

    def secret(self, name: str) -> str:
        return self.secrets.get(name, "")

    def option(self, name: str, default: str = "") -> str:
        return self.options.get(name) or default


def mask(value: str) -> str:
    """A secret as shown: its last four characters only when it is long enough to spare them.

    Examples
    --------
    >>> mask("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    '••••••••Dsaw'
    >>> mask("short")
    '••••••••'
    """
    return "•" * 8 + (value[-4:] if len(value) >= 16 else "")


def _row(session: Session, shop_id: int, kind: ChannelKind) -> SupportChannelRow | None:
    return session.scalar(
        select(SupportChannelRow).where(
            SupportChannelRow.shop_id == shop_id, SupportChannelRow.kind == kind.value
        )
    )


def _view(cipher: PiiCipher, row: SupportChannelRow) -> ChannelView:
    secrets = cipher.decrypt_json(row.secrets_enc) or {}
    return ChannelView(
        kind=ChannelKind(row.kind),
        enabled=row.enabled,
        secrets={name: mask(str(value)) for name, value in sorted(secrets.items())},
        options=dict(sorted(row.options.items())),
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def _check_option(kind: ChannelKind, name: str, value: str) -> str:
    if name not in OPTIONS[kind]:
        allowed = ", ".join(OPTIONS[kind]) or "none"
        raise InvalidInputError(f"{kind.value} has no option {name!r} (options: {allowed})")
    value = value.strip()
    if name == "api_base":
        if not _BASE_URL.match(value):
            raise InvalidInputError("api_base must be an http(s) URL such as https://api.example")
        return value.rstrip("/")
    if name == "api_version" and not _GRAPH_VERSION.match(value):
        raise InvalidInputError("api_version looks like v25.0")
    if name == "phone_number_id" and not _PHONE_NUMBER_ID.match(value):
        raise InvalidInputError("phone_number_id is the numeric id Meta shows for the number")
    if name == "from_address" and value:
        try:
            value = validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise InvalidInputError(f"from_address: {exc}") from None
    return value


def _check_secret(kind: ChannelKind, name: str, value: str) -> str:
    if name not in SECRETS[kind]:
        allowed = ", ".join(SECRETS[kind]) or "none"
        raise InvalidInputError(f"{kind.value} has no secret {name!r} (secrets: {allowed})")
    value = value.strip()
    if not value or len(value) > _MAX_SECRET:
        raise InvalidInputError(f"{name} must be 1 to {_MAX_SECRET} characters")
    if (
        kind is ChannelKind.TELEGRAM
        and name == "secret_token"
        and not _TELEGRAM_SECRET.match(value)
    ):
        raise InvalidInputError("secret_token: 1-256 characters among A-Z, a-z, 0-9, _ and -")
    if (
        kind is ChannelKind.TELEGRAM
        and name == "bot_token"
        and not _TELEGRAM_BOT_TOKEN.match(value)
    ):
        raise InvalidInputError("bot_token looks like 123456789:AA... (as BotFather gives it)")
    return value


def save_channel(
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    *,
    shop_id: int,
    kind: ChannelKind,
    update: ChannelUpdate,
    actor: str,
    operator: bool = False,
) -> ChannelView:
    """Create or change a channel; ``operator`` (the CLI) may also set where replies go.

    Secrets and options left out keep their value; an empty option removes it. The
    audit log records which secrets changed, never their values.
    """
    row = _row(session, shop_id, kind)
    before = _view(cipher, row).model_dump(mode="json") if row is not None else None
    secrets: dict[str, Any] = dict(cipher.decrypt_json(row.secrets_enc) or {}) if row else {}
    options: dict[str, Any] = dict(row.options) if row else {}
    changed_secrets = []
    for name, value in update.secrets.items():
        checked = _check_secret(kind, name, value)
        if secrets.get(name) != checked:
            changed_secrets.append(name)
        secrets[name] = checked
    for name, value in update.options.items():
        if name in OPERATOR_ONLY_OPTIONS and not operator:
            raise InvalidInputError(f"{name} can only be set with the shopkeeper command")
        checked = _check_option(kind, name, value)
        if checked:
            options[name] = checked
        else:
            options.pop(name, None)
    missing = [n for n in SECRETS[kind] if not secrets.get(n)]
    missing += [n for n in REQUIRED_OPTIONS[kind] if not options.get(n)]
    if missing:
        raise InvalidInputError(f"{kind.value} needs {', '.join(missing)}", missing=missing)
    now = clock.now()
    if row is None:
        row = SupportChannelRow(shop_id=shop_id, kind=kind.value)
        session.add(row)
    row.enabled = update.enabled
    row.secrets_enc = cipher.encrypt_json(secrets)
    row.options = options
    row.updated_by = actor
    row.updated_at = now
    session.flush()
    after = _view(cipher, row).model_dump(mode="json")
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="support.channel.set",
        target_kind="support_channel",
        target_id=kind.value,
        before=before,
        after={**after, "changed_secrets": sorted(changed_secrets)},
    )
    return _view(cipher, row)


def list_channels(session: Session, cipher: PiiCipher, shop_id: int) -> list[ChannelView]:
    """Every channel the shop set up, secrets masked."""
    rows = session.scalars(
        select(SupportChannelRow)
        .where(SupportChannelRow.shop_id == shop_id)
        .order_by(SupportChannelRow.kind)
    )
    return [_view(cipher, row) for row in rows]


def load_channel(
    session: Session, cipher: PiiCipher, shop_id: int, kind: ChannelKind
) -> ChannelConfig | None:
    """The channel with its secrets in clear, or ``None`` when the shop never set it up."""
    row = _row(session, shop_id, kind)
    if row is None:
        return None
    secrets = cipher.decrypt_json(row.secrets_enc) or {}
    return ChannelConfig(
        shop_id=shop_id,
        kind=kind,
        enabled=row.enabled,
        secrets={k: str(v) for k, v in secrets.items()},
        options={k: str(v) for k, v in row.options.items()},
    )


def enabled_channel(
    session: Session, cipher: PiiCipher, shop_id: int, kind: ChannelKind
) -> ChannelConfig:
    """The channel's settings, or :class:`NotFoundError` when it is not set up or switched off."""
    config = load_channel(session, cipher, shop_id, kind)
    if config is None or not config.enabled:
        raise NotFoundError(f"{kind.value} is not enabled for this shop", channel=kind.value)
    return config
