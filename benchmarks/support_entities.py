"""Entity extraction scores: micro precision, recall and F1 over (type, value) pairs.

Usage::

    python benchmarks/support_entities.py --data fr          # shipped French training CSV
    python benchmarks/support_entities.py --data en          # shipped English training CSV
    python benchmarks/support_entities.py --data bitext      # ../shared/data Bitext, 8,100 rows
    python benchmarks/support_entities.py --csv FILE --name NAME   # any text,entities CSV
    python benchmarks/support_entities.py --data fr --catalogue    # with the demo catalogue

A predicted pair counts as right when its type and normalised value equal a gold pair's
(multiset match per message). Values are compared after :func:`normalise_value`: case,
accents, spaces, a leading article ("le", "the") and, for amounts, the way the number is
written ("64,90 €" = "€64.90" = "64.9"). Bitext tags one slot per utterance; its types are
mapped to ours where they mean the same (``order_id`` -> ``order_number``,
``refund_amount`` -> ``amount``) and only mapped types are scored: predictions of other
types are ignored, predictions of a mapped type on an utterance without that tag count as
false positives. Writes ``results/support_entities_<name>.json`` with the scores and the
per-message extraction time.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.machine import machine_info  # noqa: E402

SUPPORT_DATA = ROOT / "src" / "shopkeeper" / "ai" / "support" / "data"
BITEXT = ROOT.parent / "shared" / "data" / "bitext_customer_service_intents"
BITEXT_FILES = (
    "Bitext_Sample_Customer_Service_Training_Dataset.csv",
    "Bitext_Sample_Customer_Service_Validation_Dataset.csv",
    "Bitext_Sample_Customer_Service_Testing_Dataset.csv",
)
BITEXT_TYPES = {"order_id": "order_number", "refund_amount": "amount"}
DATASETS = {
    "fr": SUPPORT_DATA / "intents_fr.csv",
    "en": SUPPORT_DATA / "intents_en.csv",
    # Frozen test sets: read once, for the final figures, never while tuning.
    "fr_test": ROOT / "benchmarks" / "data" / "support" / "intents_fr_test.csv",
    "en_test": ROOT / "benchmarks" / "data" / "support" / "intents_en_test.csv",
}

Pair = tuple[str, str]
Extractor = Callable[[str], Iterable[Pair]]


@dataclass(frozen=True)
class EntityExample:
    """One message and its gold entities (type -> values as written)."""

    text: str
    entities: dict[str, list[str]] = field(default_factory=dict)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_LEADING_WORDS = re.compile(
    r"^(?:(?:le|la|les|un|une|des|du|de|mon|ma|mes|the|a|an|my|on|some)\s+|[ld]'\s*)+"
)
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?")


def normalise_value(kind: str, value: str) -> str:
    """The form in which a gold and a predicted value are compared.

    >>> normalise_value("amount", "€64.90"), normalise_value("amount", "64,90 €")
    ('64.9', '64.9')
    >>> normalise_value("order_number", "#O0012345"), normalise_value("product", "Les Baskets")
    ('o0012345', 'baskets')
    """
    folded = " ".join(_fold(value).replace("’", "'").split()).strip(' .,;:!?"()')
    if kind == "amount":
        number = _NUMBER.search(folded)
        if number is None:
            return folded
        digits = re.sub(r"[ \u00a0\u202f]", "", number.group()).replace(",", ".")
        return f"{float(digits):g}"
    if kind == "order_number":
        return re.sub(r"^(?:#|n\s*°|no\.?)\s*", "", folded).replace(" ", "")
    if kind in ("product", "date"):
        return _LEADING_WORDS.sub("", folded)
    if kind == "address":
        return folded.replace(",", "").replace("  ", " ")
    return folded


def _pairs(example: EntityExample) -> Counter[Pair]:
    return Counter(
        (kind, normalise_value(kind, value))
        for kind, values in example.entities.items()
        for value in values
    )


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(100 * precision, 2),
        "recall": round(100 * recall, 2),
        "f1": round(100 * f1, 2),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def entity_scores(
    examples: Sequence[EntityExample],
    extractor: Extractor,
    *,
    types: Iterable[str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Micro precision, recall and F1 (in %) over (type, normalised value) pairs.

    Parameters
    ----------
    examples
        Messages with their gold entities.
    extractor
        Text -> (type, value) pairs.
    types
        Score only these types (predictions of others are ignored); default: all types
        that occur in the gold or the predictions.
    errors
        When given, a record of each message with a mistake is appended to it.

    >>> ex = [EntityExample("cmd 12345 svp", {"order_number": ["12345"]})]
    >>> entity_scores(ex, lambda t: [("order_number", "12345"), ("date", "svp")],
    ...               types=["order_number"])["micro"]["f1"]
    100.0
    """
    wanted = set(types) if types is not None else None
    counts: dict[str, Counter[str]] = {}
    for example in examples:
        gold = _pairs(example)
        predicted = Counter((k, normalise_value(k, v)) for k, v in extractor(example.text))
        if wanted is not None:
            gold = Counter({p: n for p, n in gold.items() if p[0] in wanted})
            predicted = Counter({p: n for p, n in predicted.items() if p[0] in wanted})
        hit = gold & predicted
        for name, bag in (("tp", hit), ("fp", predicted - hit), ("fn", gold - hit)):
            for (kind, _), n in bag.items():
                counts.setdefault(kind, Counter())[name] += n
        if errors is not None and (predicted - hit or gold - hit):
            errors.append(
                {
                    "text": example.text,
                    "missed": sorted(gold - hit),
                    "spurious": sorted(predicted - hit),
                }
            )
    per_type = {k: _prf(c["tp"], c["fp"], c["fn"]) for k, c in sorted(counts.items())}
    total = sum(counts.values(), Counter())
    return {
        "examples": len(examples),
        "micro": _prf(total["tp"], total["fp"], total["fn"]),
        "per_type": per_type,
    }


def load_shop_csv(path: Path) -> list[EntityExample]:
    """A ``text,intent,entities`` CSV (entities = JSON type -> list of values)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            EntityExample(row["text"], json.loads(row["entities"] or "{}"))
            for row in csv.DictReader(handle)
        ]


def load_bitext(folder: Path = BITEXT) -> list[EntityExample]:
    """All 8,100 Bitext utterances, their slot mapped to our type when there is one."""
    examples: list[EntityExample] = []
    for name in BITEXT_FILES:
        with (folder / name).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                kind = BITEXT_TYPES.get(row["entity_type"] or "")
                gold = {kind: [row["entity_value"]]} if kind else {}
                examples.append(EntityExample(row["utterance"], gold))
    return examples


def shipped_extractor(products: Sequence[str] = ()) -> Extractor:
    """``extract_entities`` as an extractor (optionally with catalogue words)."""
    from shopkeeper.ai.support.entities import extract_entities

    def extract(text: str) -> list[Pair]:
        return [(e.type, e.value) for e in extract_entities(text, products=products)]

    return extract


def demo_catalogue_titles() -> list[str]:
    """Product titles of the demo shop's categories (noun + qualifier), no brands."""
    from shopkeeper.data.importers.demo.vocabulary import CATEGORIES

    return [f"{noun} {q}" for spec in CATEGORIES for noun in spec.nouns for q in spec.qualifiers]


def timing(texts: Sequence[str], extractor: Extractor, repeat: int = 3) -> dict[str, float]:
    """Per-message extraction time in ms (mean and p95 of the best of ``repeat`` passes)."""
    for text in texts[:50]:
        list(extractor(text))  # warm caches
    best: list[float] | None = None
    for _ in range(repeat):
        times = []
        for text in texts:
            start = time.perf_counter()
            list(extractor(text))
            times.append((time.perf_counter() - start) * 1000)
        if best is None or sum(times) < sum(best):
            best = times
    assert best is not None
    ordered = sorted(best)
    return {
        "mean_ms": round(statistics.fmean(ordered), 4),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 4),
        "max_ms": round(ordered[-1], 4),
    }


def _table(name: str, scores: dict[str, Any]) -> str:
    lines = [
        f"{name}: {scores['examples']} messages",
        f"{'type':<14}{'P %':>8}{'R %':>8}{'F1 %':>8}{'tp':>6}{'fp':>6}{'fn':>6}",
    ]
    for kind, s in [*scores["per_type"].items(), ("micro", scores["micro"])]:
        lines.append(
            f"{kind:<14}{s['precision']:>8.1f}{s['recall']:>8.1f}{s['f1']:>8.1f}"
            f"{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", choices=[*DATASETS, "bitext"])
    parser.add_argument("--csv", type=Path, help="a text,entities CSV")
    parser.add_argument("--name", help="results name (default: the --data choice)")
    parser.add_argument("--catalogue", action="store_true", help="pass demo catalogue titles")
    parser.add_argument("--errors", type=int, default=0, help="print this many mistakes")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if (args.data is None) == (args.csv is None):
        parser.error("give exactly one of --data and --csv")
    types: list[str] | None = None
    if args.data == "bitext":
        examples = load_bitext()
        types = sorted(BITEXT_TYPES.values())
    else:
        examples = load_shop_csv(args.csv or DATASETS[args.data])
    name = args.name or args.data or args.csv.stem
    if args.catalogue:
        name += "_catalogue"
    extractor = shipped_extractor(demo_catalogue_titles() if args.catalogue else ())
    errors: list[dict[str, Any]] = []
    scores = entity_scores(examples, extractor, types=types, errors=errors)
    scores["timing"] = timing([e.text for e in examples], extractor)
    scores["scored_types"] = types or "all"
    scores["command"] = "python benchmarks/support_entities.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    scores.update(machine_info())
    print(_table(name, scores))
    t = scores["timing"]
    print(f"extract_entities: mean {t['mean_ms']:.3f} ms, p95 {t['p95_ms']:.3f} ms per message")
    for error in errors[: args.errors]:
        print(f"- {error['text']!r}\n    missed {error['missed']}  spurious {error['spurious']}")
    if not args.no_write:
        out = HERE / "results" / f"support_entities_{name}.json"
        out.write_text(json.dumps(scores, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
