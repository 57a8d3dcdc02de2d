"""``shopkeeper jobs list`` and ``shopkeeper jobs run``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopkeeper.cli import context
from shopkeeper.cli.main import app
from shopkeeper.domain.shops import Shop
from shopkeeper.jobs import registry
from shopkeeper.jobs.context import JobRuntime

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("SHOPKEEPER_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("SHOPKEEPER_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.delenv("SHOPKEEPER_SMTP_HOST", raising=False)
    context.settings.cache_clear()
    context.runtime.cache_clear()
    yield db
    context.settings.cache_clear()
    context.runtime.cache_clear()


@pytest.fixture
def broken_job() -> Iterator[str]:
    @registry.job("test-broken", schedule="every 1d", description="always fails")
    def broken(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
        raise ValueError("forecast horizon is negative")

    yield "test-broken"
    registry.unregister("test-broken")


def test_list_shows_jobs_and_their_last_run(cli_env: Path) -> None:
    before = runner.invoke(app, ["jobs", "list"], terminal_width=200)
    assert before.exit_code == 0, before.output
    assert "expire-proposals" in before.output
    assert "every 1h" in before.output
    assert "never" in before.output

    ran = runner.invoke(app, ["jobs", "run", "expire-proposals", "--shop", "default"])
    assert ran.exit_code == 0, ran.output
    assert '"expired": 0' in ran.output

    after = runner.invoke(app, ["jobs", "list"], terminal_width=200)
    line = next(x for x in after.output.splitlines() if "expire-proposals" in x)
    assert "ok" in line
    assert "never" not in line


def test_unknown_job_is_a_usage_error(cli_env: Path) -> None:
    result = runner.invoke(app, ["jobs", "run", "reticulate-splines"])
    assert result.exit_code == 2
    assert "no job named 'reticulate-splines'" in result.output
    assert "Traceback" not in result.output


def test_unknown_shop_is_not_found(cli_env: Path) -> None:
    result = runner.invoke(app, ["jobs", "run", "expire-proposals", "--shop", "nowhere"])
    assert result.exit_code == 4
    assert "not_found" in result.output


def test_failed_run_exits_1_with_the_reason(cli_env: Path, broken_job: str) -> None:
    result = runner.invoke(app, ["jobs", "run", broken_job])
    assert result.exit_code == 1
    assert "forecast horizon is negative" in result.output
    listed = runner.invoke(app, ["jobs", "list"], terminal_width=200)
    line = next(x for x in listed.output.splitlines() if broken_job in x)
    assert "failed" in line


@pytest.fixture
def every_second_job() -> Iterator[str]:
    @registry.job("test-tick", schedule="every 1s", description="counts ticks")
    def tick(runtime: JobRuntime, shop: Shop) -> dict[str, Any]:
        return {"ticked": 1}

    yield "test-tick"
    registry.unregister("test-tick")


def test_scheduler_runs_jobs_on_their_schedule_until_told_to_stop(
    cli_env: Path, every_second_job: str
) -> None:
    result = runner.invoke(app, ["jobs", "scheduler", "--run-for", "2.5"])
    assert result.exit_code == 0, result.output
    assert "test-tick" in result.output
    assert "scheduler stopped" in result.output
    listed = runner.invoke(app, ["jobs", "list"], terminal_width=200)
    tick_row = next(line for line in listed.output.splitlines() if "test-tick" in line)
    assert "ok" in tick_row, "the scheduled job ran and recorded a run"
