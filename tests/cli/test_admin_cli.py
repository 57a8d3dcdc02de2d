"""The admin commands: db, config, keys, users, shops — readable output, no tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper.cli import context
from shopkeeper.cli.main import app
from shopkeeper.data import migrations

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("SHOPKEEPER_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("SHOPKEEPER_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("SHOPKEEPER_SMTP_PASSWORD", "hunter2-secret")
    context.settings.cache_clear()
    context.runtime.cache_clear()
    yield db
    context.settings.cache_clear()
    context.runtime.cache_clear()


def test_db_upgrade_reports_the_revision(cli_env: Path) -> None:
    versions = Path(migrations.__file__).parent / "versions"
    newest = max(path.name[:4] for path in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"at revision {newest}" in result.output


def test_config_show_masks_secrets(cli_env: Path) -> None:
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0
    assert "hunter2-secret" not in result.output
    assert "SHOPKEEPER_SMTP_PASSWORD" in result.output


def test_keys_create_list_revoke(cli_env: Path) -> None:
    created = runner.invoke(
        app, ["keys", "create", "--name", "storefront", "--kind", "publishable"]
    )
    assert created.exit_code == 0, created.output
    assert "pk_" in created.output
    listed = runner.invoke(app, ["keys", "list"])
    assert "storefront" in listed.output
    revoked = runner.invoke(app, ["keys", "revoke", "1"])
    assert revoked.exit_code == 0
    missing = runner.invoke(app, ["keys", "revoke", "99"])
    assert missing.exit_code == 4
    assert "not_found" in missing.output
    assert "Traceback" not in missing.output


def test_publishable_key_cannot_get_secret_scopes(cli_env: Path) -> None:
    result = runner.invoke(
        app, ["keys", "create", "--name", "x", "--kind", "publishable", "--scope", "orders:read"]
    )
    assert result.exit_code == 2
    assert "invalid_input" in result.output


def test_users_create_and_set_password(cli_env: Path) -> None:
    created = runner.invoke(
        app,
        ["users", "create", "ada@example.com", "--role", "owner", "--password", "correct-horse"],
    )
    assert created.exit_code == 0, created.output
    duplicate = runner.invoke(
        app, ["users", "create", "ada@example.com", "--password", "correct-horse"]
    )
    assert duplicate.exit_code == 5
    short = runner.invoke(app, ["users", "set-password", "ada@example.com", "--password", "short"])
    assert short.exit_code == 2
    assert "at least" in short.output
    changed = runner.invoke(
        app, ["users", "set-password", "ada@example.com", "--password", "battery-staple"]
    )
    assert changed.exit_code == 0
    assert "ada@example.com" in runner.invoke(app, ["users", "list"]).output


def test_shops_create_and_bad_timezone(cli_env: Path) -> None:
    ok = runner.invoke(app, ["shops", "create", "paris", "--name", "Paris shop"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["shops", "create", "x", "--name", "X", "--timezone", "Mars/Olympus"])
    assert bad.exit_code == 2
    assert "time zone" in bad.output
    listed = runner.invoke(app, ["shops", "list"])
    assert "paris" in listed.output
    assert "default" in listed.output
