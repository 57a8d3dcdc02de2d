"""What a job receives: the runtime plus the settings and mailer of its composition root."""

from __future__ import annotations

from dataclasses import dataclass, fields

from shopkeeper.core.config import Settings
from shopkeeper.data.mailer import Mailer, SmtpMailer
from shopkeeper.services.runtime import Runtime


@dataclass
class JobRuntime(Runtime):
    """A :class:`Runtime` that also carries settings and the outgoing mailer.

    Jobs typed to take a plain ``Runtime`` accept it unchanged; jobs that send mail or read
    a setting find them here.

    Examples
    --------
    >>> rt = JobRuntime.wrap(Runtime.from_settings(Settings(database_url="sqlite://")))
    >>> rt.mailer is None
    True
    """

    settings: Settings | None = None
    mailer: Mailer | None = None

    @classmethod
    def wrap(
        cls, runtime: Runtime, settings: Settings | None = None, mailer: Mailer | None = None
    ) -> JobRuntime:
        if isinstance(runtime, JobRuntime) and settings is None and mailer is None:
            return runtime
        if mailer is None and settings is not None:
            mailer = mailer_from_settings(settings)
        values = {f.name: getattr(runtime, f.name) for f in fields(Runtime)}
        return cls(**values, settings=settings, mailer=mailer)


def mailer_from_settings(settings: Settings) -> Mailer | None:
    """The SMTP mailer the settings describe, or ``None`` when no SMTP host is set."""
    if not settings.smtp_host:
        return None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        sender=settings.mail_from,
        username=settings.smtp_user,
        password=password,
    )
