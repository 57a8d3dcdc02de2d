"""What every CLI test needs: its own SQLite file and model folder, and fresh cached settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper.cli import context


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SHOPKEEPER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("SHOPKEEPER_MODEL_DIR", str(tmp_path / "models"))
    context.settings.cache_clear()
    context.runtime.cache_clear()
    yield tmp_path
    if context.runtime.cache_info().currsize:
        context.runtime().engine.dispose()
    context.settings.cache_clear()
    context.runtime.cache_clear()
