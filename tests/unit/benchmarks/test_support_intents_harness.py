"""The intent benchmark harness: seeded noise, the scores, a whole run on tiny files."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

from benchmarks import support_intents
from benchmarks.support import noise


def test_docstring_examples() -> None:
    for module in (noise, support_intents):
        assert doctest.testmod(module).failed == 0


def test_noise_is_seeded_and_per_message() -> None:
    texts = ["where is my order please", "je voudrais retourner les chaussures"] * 20
    assert noise.noisy(texts, seed=3) == noise.noisy(texts, seed=3)
    assert noise.noisy(texts, seed=3) != noise.noisy(texts, seed=4)
    # A message's damage does not depend on the messages around it.
    assert noise.noisy(texts[:1], seed=3)[0] == noise.noisy(texts, seed=3)[0]


def test_typos_touch_about_a_tenth_of_the_words_and_no_digits() -> None:
    words = ["commande"] * 5000
    damaged = noise.with_typos([" ".join(words) + " 12345"], seed=0)[0].split()
    changed = sum(a != b for a, b in zip(words, damaged, strict=False))
    assert 400 < changed < 600
    assert damaged[-1] == "12345"


def test_emojis_are_appended_one_or_two() -> None:
    for text in noise.with_emojis(["hello"] * 50, seed=1):
        added = text.removeprefix("hello ").split()
        assert 1 <= len(added) <= 2
        assert all(e in noise.EMOJIS for e in added)


def test_a_whole_run_writes_the_results(tmp_path: Path) -> None:
    rows = [("where is my order", "order_status"), ("cancel my order", "cancel_order")] * 6
    rows += [("weather tomorrow", "oos"), ("tell me a joke", "oos")] * 3
    train = tmp_path / "train.csv"
    test = tmp_path / "test.csv"
    for path in (train, test):
        path.write_text(
            "utterance,label\n" + "".join(f"{t},{label}\n" for t, label in rows), encoding="utf-8"
        )
    out = tmp_path / "out.json"
    code = support_intents.main(
        [
            *("--train", str(train), "--test", str(test)),
            *("--text-col", "utterance", "--label-col", "label", "--name", "tiny_fr"),
            *("--out", str(out)),
        ]
    )
    assert code == 0
    report = json.loads(out.read_text())
    for key in ("accuracy", "in_scope_accuracy", "oos_recall", "noisy_accuracy"):
        assert 0 <= report[key] <= 100
    assert "no_accents_accuracy" in report  # a French name scores without accents too
    assert report["baseline"]["accuracy"] >= 0
    assert report["command"].startswith("python benchmarks/support_intents.py")
