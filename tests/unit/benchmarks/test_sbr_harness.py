"""The session-based benchmark harness: both file formats, the metrics and the tune split."""

from __future__ import annotations

import doctest
import gzip
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from benchmarks import recommend_sbr
from benchmarks.sbr import baselines, datasets, metrics
from benchmarks.sbr.datasets import load, tune_split
from benchmarks.sbr.metrics import evaluate

from shopkeeper.ai.recommend.ranking import Ranking, ScoredSku
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"


def write_srgnn(folder: Path) -> Path:
    folder.mkdir()
    train = [[1, 2, 3], [2, 3], [3, 1, 4]]
    test = {"sequences": [[1, 2], [1], [4, 4]], "targets": [3, 2, 4]}
    with gzip.open(folder / "all_train_seq.json.gz", "wt", encoding="utf-8") as handle:
        json.dump(train, handle)
    with gzip.open(folder / "test.json.gz", "wt", encoding="utf-8") as handle:
        json.dump(test, handle)
    return folder


def write_session_rec(folder: Path) -> Path:
    folder.mkdir()
    header = "SessionId\tItemId\tTime\n"
    # Session 7 starts before session 5, so it comes first; its clicks are out of file order.
    train = [("5", "10", 200.0), ("5", "11", 210.0), ("7", "11", 105.0), ("7", "10", 100.0)]
    # Item 99 was never trained on: dropped, leaving session 9 too short to keep.
    test = [
        ("8", "10", 300.0),
        ("8", "99", 301.0),
        ("8", "11", 302.0),
        ("8", "10", 303.0),
        ("9", "11", 400.0),
        ("9", "99", 401.0),
    ]
    for name, rows in (("toy_train_full.txt", train), ("toy_test.txt", test)):
        lines = [f"{s}\t{i}\t{t}\n" for s, i, t in rows]
        (folder / name).write_text(header + "".join(lines), encoding="utf-8")
    return folder


def test_srgnn_format_keeps_test_samples_as_given(tmp_path: Path) -> None:
    data = load(write_srgnn(tmp_path / "digi"))
    assert data.name == "digi"
    assert data.train.sessions == (("1", "2", "3"), ("2", "3"), ("3", "1", "4"))
    assert data.test_prefixes == [("1", "2"), ("1",), ("4", "4")]
    assert data.test_targets == ["3", "2", "4"]
    assert data.test_times is None


def test_session_rec_format_orders_clicks_and_predicts_every_next_item(tmp_path: Path) -> None:
    data = load(write_session_rec(tmp_path / "yc"), "session-rec")
    assert data.train.sessions == (("10", "11"), ("10", "11"))
    assert data.train.times == (105.0, 210.0)
    assert data.test_prefixes == [("10",), ("10", "11")]
    assert data.test_targets == ["11", "10"]
    assert data.test_times == [303.0, 303.0]


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        load(write_srgnn(tmp_path / "digi"), "csv")


class Scripted:
    """Answers each prefix with a fixed list, so the expected metrics are known."""

    def __init__(self, answers: dict[tuple[str, ...], list[str]]) -> None:
        self.answers = answers
        self.asked: list[SessionQuery] = []

    def predict(self, query: SessionQuery) -> Ranking:
        self.asked.append(query)
        items = self.answers.get(query.items, [])
        return tuple(ScoredSku(item, 1.0 / (n + 1)) for n, item in enumerate(items))


def test_metrics_count_hits_and_reciprocal_ranks(tmp_path: Path) -> None:
    data = load(write_srgnn(tmp_path / "digi"))
    fillers = [f"f{n}" for n in range(25)]
    model = Scripted(
        {
            ("1", "2"): ["3"],  # rank 1
            ("1",): ["x", "y", "z", "2"],  # rank 4
            ("4", "4"): [*fillers, "4"],  # rank 26: outside the top 20
        }
    )
    result = evaluate(model, data)
    assert result["p@20"] == pytest.approx(100 * 2 / 3, abs=0.01)
    assert result["mrr@20"] == pytest.approx(100 * (1 + 0.25) / 3, abs=0.01)
    assert result["samples"] == 3
    assert result["latency_mean_ms"] >= 0
    assert result["latency_p99_ms"] >= 0
    assert [q.k for q in model.asked] == [20, 20, 20]
    assert evaluate(model, data, k=30)["p@30"] == pytest.approx(100.0)


def test_metrics_limit_scores_only_the_first_samples(tmp_path: Path) -> None:
    data = load(write_srgnn(tmp_path / "digi"))
    model = Scripted({("1", "2"): ["3"]})
    result = evaluate(model, data, limit=1)
    assert result == {**result, "samples": 1, "p@20": 100.0, "mrr@20": 100.0}


def test_session_times_reach_the_model_as_the_query_moment(tmp_path: Path) -> None:
    data = load(write_session_rec(tmp_path / "yc"))
    model = Scripted({})
    evaluate(model, data)
    assert [q.at for q in model.asked] == [303.0, 303.0]


def test_tune_split_holds_out_the_last_tenth_of_training_sessions() -> None:
    chain = [(f"i{n}", f"i{n + 1}") for n in range(18)]
    sessions = (*chain, ("i1", "i2", "new", "i3"), ("i4", "i5"))
    log = SessionLog(sessions=sessions, times=tuple(float(n) for n in range(20)))
    split = tune_split(log)
    assert split.train.sessions == sessions[:18]
    assert split.train.times == tuple(float(n) for n in range(18))
    # "new" never appears in the kept training sessions, so it is dropped from validation.
    assert split.test_prefixes == [("i1",), ("i1", "i2"), ("i4",)]
    assert split.test_targets == ["i2", "i3", "i5"]
    assert split.test_times == [18.0, 18.0, 19.0]


@pytest.mark.shared_data
def test_public_splits_load_with_their_published_counts() -> None:
    digi = load(SHARED / "sbr_benchmark_splits" / "diginetica", "srgnn")
    assert (len(digi.train), digi.n_test, len(digi.train.items())) == (186_670, 60_858, 43_097)
    yoochoose = load(SHARED / "sbr_yoochoose_100k", "session-rec")
    assert len(yoochoose.train) == 17_794
    assert yoochoose.n_test == 13_568 - 3_416  # every click but each session's first


@pytest.mark.parametrize("module", [datasets, metrics, baselines], ids=lambda m: m.__name__)
def test_docstring_examples_of_the_harness(module: ModuleType) -> None:
    assert doctest.testmod(module).failed == 0


def write_ring(folder: Path) -> Path:
    """A small SR-GNN split where each item is followed by the next one on a ring."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    train = []
    for _ in range(200):
        start = int(rng.integers(1, 13))
        train.append([(start + step) % 12 + 1 for step in range(int(rng.integers(2, 5)))])
    test = {"sequences": [[n, n % 12 + 1] for n in range(1, 13)], "targets": []}
    test["targets"] = [(n + 1) % 12 + 1 for n in range(1, 13)]
    with gzip.open(folder / "all_train_seq.json.gz", "wt", encoding="utf-8") as handle:
        json.dump(train, handle)
    with gzip.open(folder / "test.json.gz", "wt", encoding="utf-8") as handle:
        json.dump(test, handle)
    return folder


def test_benchmark_run_scores_the_hybrid_from_fitted_members(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch (the [neural] extra) is not installed")
    folder = write_ring(tmp_path / "ring")
    monkeypatch.setitem(recommend_sbr.COMMITTED["neural"], "ring", {"dim": 8, "epochs": 2})
    monkeypatch.setitem(recommend_sbr.COMMITTED["hybrid"], "ring", {"weights": [1, 1, 1, 1]})
    out = tmp_path / "out.json"
    models = "transitions,vsknn,stan,neural,hybrid"
    assert recommend_sbr.main(["--data", str(folder), "--models", models, "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    rows = report["models"]
    assert list(rows) == models.split(",")
    hybrid = rows["hybrid"]
    assert hybrid["fit"] == "members"
    assert hybrid["params"]["weights"] == [1, 1, 1, 1]
    assert [m[0] for m in hybrid["params"]["members"]] == [
        "STANRecommender",
        "VSKNNRecommender",
        "ItemTransitionRecommender",
        "NeuralSessionRecommender",
    ]
    assert hybrid["params"]["members"][3][1] == {"dim": 8, "epochs": 2}
    assert hybrid["fit_s"] == pytest.approx(
        sum(rows[m]["fit_s"] for m in ("transitions", "vsknn", "stan", "neural")), abs=0.05
    )
    assert hybrid["p@20"] == 100.0
    assert {"p@20", "mrr@20", "fit_s", "latency_mean_ms", "latency_p99_ms"} <= set(hybrid)


def test_hybrid_alone_fits_its_members_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_ring(tmp_path / "ring")
    monkeypatch.setattr(recommend_sbr, "HYBRID_MEMBERS", ("stan", "transitions"))
    monkeypatch.setitem(recommend_sbr.COMMITTED["hybrid"], "ring", {"weights": [0.5, 0.5]})
    out = tmp_path / "out.json"
    assert recommend_sbr.main(["--data", str(folder), "--models", "hybrid", "--out", str(out)]) == 0
    row = json.loads(out.read_text())["models"]["hybrid"]
    assert row["fit"] == "members"
    assert row["p@20"] == 100.0


def test_tune_searches_hybrid_weights_on_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_ring(tmp_path / "ring")
    data = load(folder)
    monkeypatch.setattr(recommend_sbr, "HYBRID_MEMBERS", ("stan", "transitions"))
    models = recommend_sbr.available_models()
    build, names = models["hybrid"]
    best = recommend_sbr.tune_hybrid(build, names, tune_split(data.train), None, "ring")
    assert best["normalisation"] in {"minmax", "rank", "reciprocal"}
    assert len(best["weights"]) == 2
    assert sum(best["weights"]) == pytest.approx(1.0)
    assert best["p@20"] > 90
