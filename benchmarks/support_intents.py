"""Intent classification on any labelled train/test pair: accuracy, out of scope, robustness.

Usage::

    python benchmarks/support_intents.py --train ../shared/data/banking77/train.csv \\
        --test ../shared/data/banking77/test.csv --label-col category --name banking77 \\
        --backend both
    python benchmarks/support_intents.py --train shipped \\
        --test benchmarks/data/support/intents_fr_test.csv --name fr

``--train shipped`` means the shipped French and English training files
(``src/shopkeeper/ai/support/data/intents_*.csv``). Our :class:`IntentClassifier` is fitted
with its default hyperparameters on the training file and asked every test message once; a
test label ``oos`` means out of scope, and then in-scope accuracy and out-of-scope recall are
reported too. Robustness: the same test messages with seeded typos (10% of words get one
character edit) and one or two appended emojis, and, for French (``--strip-accents`` or a
name containing "fr"), with accents stripped. The baseline, trained and tested in the same
process, is TF-IDF word uni+bigrams with a linear SVM. Nothing here is tuned: the test file
is read once, after training. Results: ``benchmarks/results/support_intents_<name>.json``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Run as a script, only benchmarks/ is on the path; the helpers are imported as a package.
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402
from benchmarks.machine import machine  # noqa: E402
from benchmarks.support.noise import noisy, without_accents  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from shopkeeper.ai.support.intent_features import embeddings_available  # noqa: E402
from shopkeeper.ai.support.intents import (  # noqa: E402
    OOS,
    IntentClassifier,
    IntentExamples,
    IntentQuery,
    default_examples,
    load_examples,
)

RESULTS = HERE / "results"
SEED = 0
LATENCY_MESSAGES = 300
PUBLISHED = {
    "banking77": "BERT fine-tuned 93.66% (Casanueva et al. 2020, Table 3); USE+ConveRT 93.36%",
}

Classify = Callable[[Sequence[str]], list[str]]


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy in %, and in-scope accuracy and out-of-scope recall when ``oos`` is a label.

    Examples
    --------
    >>> scores(["a", "oos", "b", "oos"], ["a", "oos", "oos", "a"])
    {'accuracy': 50.0, 'in_scope_accuracy': 50.0, 'oos_recall': 50.0}
    """
    right = np.array([t == p for t, p in zip(truth, predicted, strict=True)])
    result = {"accuracy": round(100 * float(right.mean()), 2)}
    is_oos = np.array([t == OOS for t in truth])
    if is_oos.any():
        result["in_scope_accuracy"] = round(100 * float(right[~is_oos].mean()), 2)
        result["oos_recall"] = round(100 * float(right[is_oos].mean()), 2)
    return result


def latency_ms(classify: Classify, texts: Sequence[str]) -> dict[str, float]:
    """p50 and p95 of classifying one message at a time, on a seeded sample of ``texts``."""
    rng = np.random.default_rng(SEED)
    chosen = [texts[i] for i in rng.permutation(len(texts))[:LATENCY_MESSAGES]]
    classify(chosen[:5])  # warm-up: first calls load caches and the encoder
    times = []
    for text in chosen:
        start = time.perf_counter()
        classify([text])
        times.append((time.perf_counter() - start) * 1000)
    quantiles = statistics.quantiles(times, n=20, method="inclusive")
    return {
        "predict_ms_p50": round(statistics.median(times), 3),
        "predict_ms_p95": round(quantiles[18], 3),
    }


def evaluate(
    fit: Callable[[], Classify], test: IntentExamples, strip_accents: bool
) -> dict[str, Any]:
    """Train, then every figure on the clean and damaged test messages."""
    start = time.perf_counter()
    classify = fit()
    figures: dict[str, Any] = {"train_seconds": round(time.perf_counter() - start, 2)}
    figures |= scores(test.labels, classify(test.texts))
    figures["noisy_accuracy"] = scores(test.labels, classify(noisy(test.texts, SEED)))["accuracy"]
    figures["noisy_drop_points"] = round(figures["accuracy"] - figures["noisy_accuracy"], 2)
    if strip_accents:
        plain = scores(test.labels, classify(without_accents(test.texts)))["accuracy"]
        figures["no_accents_accuracy"] = plain
        figures["no_accents_drop_points"] = round(figures["accuracy"] - plain, 2)
    figures |= latency_ms(classify, test.texts)
    return figures


def ours(backend: str, train: IntentExamples) -> Callable[[], Classify]:
    def fit() -> Classify:
        model = IntentClassifier(backend=backend).fit(train)

        def classify(texts: Sequence[str]) -> list[str]:
            return [p.intent for p in model.predict(IntentQuery(tuple(texts)))]

        return classify

    return fit


def baseline(train: IntentExamples) -> Callable[[], Classify]:
    """The 5-second baseline: TF-IDF word uni+bigrams and a linear SVM, raw text."""

    def fit() -> Classify:
        pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LinearSVC())
        pipeline.fit(list(train.texts), list(train.labels))

        def classify(texts: Sequence[str]) -> list[str]:
            return [str(label) for label in pipeline.predict(list(texts))]

        return classify

    return fit


def table(rows: dict[str, dict[str, Any]]) -> str:
    """The figures as a markdown table, one row per classifier."""
    columns = [
        ("accuracy", "accuracy %"),
        ("in_scope_accuracy", "in-scope %"),
        ("oos_recall", "oos recall %"),
        ("noisy_accuracy", "typos+emojis %"),
        ("no_accents_accuracy", "no accents %"),
        ("train_seconds", "train s"),
        ("predict_ms_p50", "p50 ms"),
        ("predict_ms_p95", "p95 ms"),
    ]
    shown = [(key, title) for key, title in columns if any(key in r for r in rows.values())]
    lines = [
        "| classifier | " + " | ".join(title for _, title in shown) + " |",
        "|---|" + "---:|" * len(shown),
    ]
    for name, figures in rows.items():
        cells = [str(figures.get(key, "")) for key, _ in shown]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_train(args: argparse.Namespace) -> IntentExamples:
    if args.train == "shipped":
        return default_examples()
    return load_examples(args.train, args.text_col, args.label_col)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True, help='training CSV, or "shipped"')
    parser.add_argument("--test", required=True, type=Path, help="test CSV")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col", default="intent")
    parser.add_argument("--name", default=None, help="results name (default: the data folder)")
    parser.add_argument("--backend", choices=["tfidf", "embeddings", "both"], default="tfidf")
    parser.add_argument("--strip-accents", action="store_true", help="also score without accents")
    parser.add_argument("--out", type=Path, default=None, help="results file to write")
    args = parser.parse_args(argv)

    name = args.name or (
        "shipped" if args.train == "shipped" else Path(args.train).resolve().parent.name
    )
    strip_accents = args.strip_accents or "fr" in name
    train = load_train(args)
    test = load_examples(args.test, args.text_col, args.label_col)
    backends = ["tfidf", "embeddings"] if args.backend == "both" else [args.backend]
    if "embeddings" in backends and not embeddings_available():
        print("embeddings backend skipped: the [nlp] extra is not installed")
        backends.remove("embeddings")
        if not backends:
            return 2
    print(
        f"{name}: {len(train.texts):,} training and {len(test.texts):,} test messages, "
        f"{len(set(train.labels))} labels"
    )

    rows: dict[str, dict[str, Any]] = {}
    for backend in backends:
        rows[backend] = evaluate(ours(backend, train), test, strip_accents)
        print(f"  {backend}: {rows[backend]['accuracy']}%", flush=True)
    rows["baseline"] = evaluate(baseline(train), test, strip_accents)
    base_errors = 100 - rows["baseline"]["accuracy"]
    for backend in backends:
        rows[backend]["gain_over_baseline_points"] = round(
            rows[backend]["accuracy"] - rows["baseline"]["accuracy"], 2
        )
        rows[backend]["error_ratio_to_baseline"] = (
            round((100 - rows[backend]["accuracy"]) / base_errors, 3) if base_errors else None
        )
    print()
    print(table(rows))

    main_backend = "tfidf" if "tfidf" in rows else backends[0]
    command = "python benchmarks/support_intents.py " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    report: dict[str, Any] = {
        "command": command,
        "machine": machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": {
            "name": name,
            "train_messages": len(train.texts),
            "test_messages": len(test.texts),
            "labels": len(set(train.labels)),
            "test_oos_messages": sum(label == OOS for label in test.labels),
        },
        "backend": main_backend,
        **rows[main_backend],
        "backends": {b: rows[b] for b in backends},
        "baseline": rows["baseline"],
        "params": {b: IntentClassifier(backend=b).params() for b in backends},
        "robustness": "noisy = seeded typos (10% of words, one character edit) and 1-2 "
        "appended emojis; no_accents = accents stripped",
    }
    if name in PUBLISHED:
        report["published"] = PUBLISHED[name]
    out = args.out or RESULTS / f"support_intents_{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
