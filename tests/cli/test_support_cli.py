"""``shopkeeper support channel``: set up channels from the shell, secrets never printed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from shopkeeper.cli.main import app

runner = CliRunner()
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_set_and_list_channels_with_masked_secrets(cli_env: Path) -> None:
    telegram = runner.invoke(
        app,
        [
            "support",
            "channel",
            "set",
            "telegram",
            "--bot-token",
            BOT_TOKEN,
            "--secret-token",
            "s_3cret-token",
        ],
    )
    assert telegram.exit_code == 0, telegram.output
    assert "/v1/support/webhooks/telegram/default" in telegram.output
    whatsapp = runner.invoke(
        app,
        [
            "support", "channel", "set", "whatsapp",
            "--app-secret", "meta-app-secret-value",
            "--verify-token", "verify-me",
            "--access-token", "EAAG-access-token-value",
            "--phone-number-id", "106540352242922",
        ],
    )  # fmt: skip
    assert whatsapp.exit_code == 0, whatsapp.output
    listed = runner.invoke(app, ["support", "channel", "list"])
    assert listed.exit_code == 0, listed.output
    assert "telegram" in listed.output
    assert "whatsapp" in listed.output
    for secret in (BOT_TOKEN, "s_3cret-token", "meta-app-secret-value", "EAAG-access-token-value"):
        assert secret not in listed.output
    assert "106540352242922" in listed.output


def test_missing_secrets_are_a_readable_error(cli_env: Path) -> None:
    result = runner.invoke(app, ["support", "channel", "set", "whatsapp", "--app-secret", "x"])
    assert result.exit_code == 2
    assert "verify_token" in result.output
    assert "Traceback" not in result.output


def test_faq_import_then_ask_the_assistant(cli_env: Path) -> None:
    pages = cli_env / "faq"
    pages.mkdir()
    (pages / "livraison.md").write_text(
        "# Livraison\n\n## La livraison est-elle gratuite ?\n"
        "Oui, la livraison est offerte dès 49 € d'achats.\n",
        encoding="utf-8",
    )
    loaded = runner.invoke(app, ["support", "faq", "import", str(pages), "--language", "fr"])
    assert loaded.exit_code == 0, loaded.output
    assert "1 FAQ pages loaded in fr" in loaded.output
    asked = runner.invoke(
        app, ["support", "ask", "la livraison est gratuite a partir de combien ?"]
    )
    assert asked.exit_code == 0, asked.output
    assert "49" in asked.output
    assert "livraison.md" in asked.output
    queue = runner.invoke(app, ["support", "queue"])
    assert "The queue is empty." in queue.output


def test_faq_import_refuses_a_folder_without_pages(cli_env: Path) -> None:
    refused = runner.invoke(app, ["support", "faq", "import", str(cli_env), "--language", "fr"])
    assert refused.exit_code == 2
    assert "no .md file" in refused.output
