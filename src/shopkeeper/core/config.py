"""Deployment settings, read from the environment (prefix ``SHOPKEEPER_``) and ``.env``.

Only composition roots (``create_app``, the CLI, ``jobs``) build a :class:`Settings`;
everything below them receives plain values. Per-shop choices an owner edits (capability
modes, guardrails) live in the database, not here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shopkeeper.core.errors import ConfigurationError

# Development defaults: usable out of the box, refused anywhere else.
DEV_SECRET_KEY = "dev-secret-key-change-me"
DEV_PII_KEY = "ZGV2LXBpaS1rZXktMzItYnl0ZXMtbG9uZy0tLS0tLS0="


class Settings(BaseSettings):
    """Every setting of a deployment, with defaults that run out of the box.

    Examples
    --------
    >>> Settings(database_url="sqlite:///./x.db").database_url
    'sqlite:///./x.db'
    >>> Settings(environment="production")
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.ConfigurationError: SHOPKEEPER_SECRET_KEY is still its development default; set a real secret outside development
    """

    model_config = SettingsConfigDict(
        env_prefix="SHOPKEEPER_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = Field(
        "development", description="Deployment kind; default secrets are refused in production."
    )
    database_url: str = Field(
        "sqlite:///./shopkeeper.db",
        description="SQLAlchemy URL: SQLite file (default) or postgresql+psycopg://...",
    )
    redis_url: str | None = Field(
        None, description="Redis URL for live session state shared by several workers."
    )
    secret_key: SecretStr = Field(
        SecretStr(DEV_SECRET_KEY), description="Signs dashboard sessions and CSRF tokens."
    )
    pii_key: SecretStr = Field(
        SecretStr(DEV_PII_KEY),
        description="Base64 32-byte key encrypting customer PII (AES-GCM) and keying email lookups.",
    )
    host: str = Field("127.0.0.1", description="Address the server binds to.")
    port: int = Field(8000, description="Port the server listens on.")
    workers: int = Field(1, ge=1, description="Number of API worker processes.")
    model_dir: Path = Field(
        Path("./shopkeeper_models"), description="Folder of fitted model artifacts."
    )
    default_shop_name: str = Field("My shop", description="Name of the shop a fresh install gets.")
    default_currency: str = Field("EUR", description="Currency of the default shop.")
    default_timezone: str = Field("Europe/Paris", description="Time zone of the default shop.")
    default_locale: Literal["fr", "en"] = Field("en", description="Locale of the default shop.")
    rate_limit_per_minute: int = Field(
        1200, ge=1, description="Requests per minute per publishable key and client IP."
    )
    session_cookie_secure: bool = Field(
        False, description="Send the dashboard cookie only over HTTPS (set true behind TLS)."
    )
    smtp_host: str | None = Field(None, description="SMTP server for outgoing email.")
    smtp_port: int = Field(25, description="SMTP port.")
    smtp_user: str | None = Field(None, description="SMTP user name.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    mail_from: str = Field("shopkeeper@localhost", description="Sender address of emails.")
    scheduler_enabled: bool = Field(
        False, description="Run scheduled jobs inside the API process (APScheduler)."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Log level."
    )

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        # Only a developer's own machine may run on the published default secrets.
        if self.environment != "development":
            if self.secret_key.get_secret_value() == DEV_SECRET_KEY:
                raise ConfigurationError(
                    "SHOPKEEPER_SECRET_KEY is still its development default; "
                    "set a real secret outside development"
                )
            if self.pii_key.get_secret_value() == DEV_PII_KEY:
                raise ConfigurationError(
                    "SHOPKEEPER_PII_KEY is still its development default; "
                    "generate one with `shopkeeper keys generate-pii-key`"
                )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


SECRET_FIELDS = frozenset({"secret_key", "pii_key", "smtp_password"})


def masked(settings: Settings) -> dict[str, str]:
    """Settings as strings with secrets and URL passwords hidden, for ``config show``."""
    shown: dict[str, str] = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if name in SECRET_FIELDS:
            shown[name] = "********" if value is not None else "(unset)"
        elif isinstance(value, str) and "://" in value and "@" in value:
            scheme, rest = value.split("://", 1)
            creds, host = rest.rsplit("@", 1)
            user = creds.split(":", 1)[0]
            shown[name] = f"{scheme}://{user}:****@{host}"
        else:
            shown[name] = str(value)
    return shown


def reference_markdown() -> str:
    """The configuration reference page (docs/configuration.md), generated from :class:`Settings`."""
    lines = [
        "# Configuration reference",
        "",
        "Generated from `shopkeeper.core.config.Settings` by `shopkeeper config reference`;",
        "a test fails when this page and the code disagree.",
        "",
        "Every setting is read from the environment with the prefix `SHOPKEEPER_` (nested",
        "settings use `__`) or from a `.env` file in the working directory.",
        "Secrets keep a development default so a laptop install runs out of the box; with",
        "`SHOPKEEPER_ENVIRONMENT` set to `test` or `production` the server refuses to start",
        "until they are set.",
        "",
        "| variable | default | description |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = "(secret)" if name in SECRET_FIELDS else field.default
        shown = "(unset)" if default is None else f"`{default}`"
        lines.append(f"| `SHOPKEEPER_{name.upper()}` | {shown} | {field.description or ''} |")
    return "\n".join(lines) + "\n"
