"""``shopkeeper demo --no-serve`` on a small shop: it builds, prints the login and keys, reruns fast."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from shopkeeper.cli.main import app

runner = CliRunner()
SMALL = ["--products", "50", "--customers", "150", "--months", "2", "--sessions-per-day", "20"]


def test_demo_builds_then_reuses_the_shop(cli_env: Path) -> None:
    first = runner.invoke(app, ["demo", "--no-serve", *SMALL])
    assert first.exit_code == 0, first.output
    assert "http://127.0.0.1:8000" in first.output
    assert "owner@demo.shop" in first.output
    assert "demo-owner-pass" in first.output
    secret = next(w for w in first.output.split() if w.startswith("sk_"))
    assert any(w.startswith("pk_") for w in first.output.split())
    assert "built" in first.output
    truth = cli_env / "models" / "demo" / "truth.json"
    credentials = cli_env / "models" / "demo" / "credentials.json"
    assert truth.is_file()
    assert credentials.stat().st_mode & 0o777 == 0o600

    again = runner.invoke(app, ["demo", "--no-serve", *SMALL])
    assert again.exit_code == 0, again.output
    assert "reused" in again.output
    assert secret in again.output  # the same keys, read back from credentials.json


def test_another_config_is_refused_without_fresh(cli_env: Path) -> None:
    assert runner.invoke(app, ["demo", "--no-serve", *SMALL]).exit_code == 0
    other = runner.invoke(app, ["demo", "--no-serve", *SMALL, "--seed", "7"])
    assert other.exit_code == 5
    assert "conflict" in other.output
    assert "Traceback" not in other.output
    fresh = runner.invoke(app, ["demo", "--no-serve", *SMALL, "--seed", "7", "--fresh"])
    assert fresh.exit_code == 0, fresh.output
    assert "built" in fresh.output


def test_invalid_size_is_a_readable_error(cli_env: Path) -> None:
    result = runner.invoke(app, ["demo", "--no-serve", "--products", "1"])
    assert result.exit_code == 2
    assert "invalid_input" in result.output
