"""Everything a use case may need, built once per process by a composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shopkeeper import __version__
from shopkeeper.core.clock import Clock, SystemClock
from shopkeeper.core.config import Settings
from shopkeeper.data.database import make_engine, make_session_factory
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.session_store import InProcessSessionStore, SessionStore, make_session_store


@dataclass
class Runtime:
    """The process-wide collaborators: database, clock, cipher, live state, model folder.

    Examples
    --------
    >>> rt = Runtime.from_settings(Settings(database_url="sqlite://"))
    >>> rt.engine.dialect.name
    'sqlite'
    """

    engine: Engine
    sessions: sessionmaker[Session]
    cipher: PiiCipher
    model_dir: Path
    clock: Clock = field(default_factory=SystemClock)
    session_store: SessionStore = field(default_factory=InProcessSessionStore)
    version: str = __version__

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> Runtime:
        engine = make_engine(settings.database_url)
        return cls(
            engine=engine,
            sessions=make_session_factory(engine),
            cipher=PiiCipher(settings.pii_key.get_secret_value()),
            model_dir=settings.model_dir,
            clock=clock or SystemClock(),
            session_store=make_session_store(settings.redis_url),
        )
