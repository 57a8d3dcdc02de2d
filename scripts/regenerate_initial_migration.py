"""Regenerate the single initial migration from the table modules.

Only while the project is unreleased: once a release ships, schema changes get new
revisions instead (``alembic revision --autogenerate``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from shopkeeper.data.database import MIGRATIONS_DIR, alembic_config, make_engine


def main() -> None:
    target = MIGRATIONS_DIR / "versions" / "0001_initial_schema.py"
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'empty.db'}")
        command.revision(
            alembic_config(engine), message="initial schema", autogenerate=True, rev_id="0001"
        )
        engine.dispose()
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
