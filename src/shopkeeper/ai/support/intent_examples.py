"""Labelled messages an intent classifier fits on, and where they come from.

The shipped training data is ``ai/support/data/intents_fr.csv`` and ``intents_en.csv``
(columns ``text,intent,entities``); any other CSV with a text and a label column loads too.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopkeeper.core.errors import InvalidInputError


@dataclass(frozen=True)
class IntentExamples:
    """Labelled messages to fit on: ``texts[i]`` has the label ``labels[i]``."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.labels):
            raise InvalidInputError(
                f"{len(self.texts)} texts for {len(self.labels)} labels",
                texts=len(self.texts),
                labels=len(self.labels),
            )


def load_examples(
    path: str | Path, text_col: str = "text", label_col: str = "intent"
) -> IntentExamples:
    """Labelled messages from a CSV file with a header row (rows with an empty text skipped).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "x.csv").write_text("utterance,label\\nhello,greeting\\n,greeting\\n")
    >>> load_examples(folder / "x.csv", text_col="utterance", label_col="label")
    IntentExamples(texts=('hello',), labels=('greeting',))
    """
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return _read_examples(handle, str(path), text_col, label_col)


def _read_examples(handle: Any, name: str, text_col: str, label_col: str) -> IntentExamples:
    reader = csv.DictReader(handle)
    missing = [c for c in (text_col, label_col) if c not in (reader.fieldnames or ())]
    if missing:
        raise InvalidInputError(
            f"{name} has no column {', '.join(map(repr, missing))}",
            columns=list(reader.fieldnames or ()),
        )
    rows = [(row[text_col], row[label_col].strip()) for row in reader if row[text_col].strip()]
    return IntentExamples(tuple(t for t, _ in rows), tuple(label for _, label in rows))


def default_examples() -> IntentExamples:
    """The shipped French and English training messages (``ai/support/data/intents_*.csv``).

    Examples
    --------
    >>> examples = default_examples()
    >>> len(examples.texts) > 1000, "order_status" in examples.labels
    (True, True)
    """
    folder = importlib.resources.files("shopkeeper.ai.support") / "data"
    texts: list[str] = []
    labels: list[str] = []
    for language in ("fr", "en"):
        name = f"intents_{language}.csv"
        content = (folder / name).read_text(encoding="utf-8")
        part = _read_examples(io.StringIO(content, newline=""), name, "text", "intent")
        texts += part.texts
        labels += part.labels
    return IntentExamples(tuple(texts), tuple(labels))
