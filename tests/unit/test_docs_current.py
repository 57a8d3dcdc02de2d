"""Generated documentation stays in step with the code."""

from __future__ import annotations

from pathlib import Path

from shopkeeper.core.config import reference_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_reference_is_current() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == reference_markdown(), "run `shopkeeper config reference > docs/configuration.md`"
