"""The Alembic migrations build exactly the schema the table modules declare, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from shopkeeper.data.database import current_revision, make_engine, table_names, upgrade
from shopkeeper.data.tables import Base

pytestmark = pytest.mark.postgres


def test_upgraded_database_matches_the_table_modules(backend: str) -> None:
    engine = make_engine(backend)
    upgrade(engine)
    assert current_revision(engine) == "0005"
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == [], f"migration and tables disagree: {diff}"


def test_upgrade_is_idempotent(backend: str) -> None:
    engine = make_engine(backend)
    upgrade(engine)
    upgrade(engine)
    assert set(Base.metadata.tables) <= set(table_names(engine))
    engine.dispose()
