"""benchmarks/forecast.py runs on any long-format CSVs (tiny synthetic ones here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from benchmarks.forecast import main


def test_the_benchmark_scores_every_method_on_plain_csvs(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    days = pd.date_range("2025-01-01", periods=84, freq="D")
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "unique_id": uid,
                    "ds": days,
                    "y": 10 + 4 * (days.dayofweek >= 5) + rng.poisson(2, 84),
                }
            )
            for uid in ("a", "b")
        ]
    )
    data[data["ds"] < days[-7]].to_csv(tmp_path / "train.csv", index=False)
    data[data["ds"] >= days[-7]].to_csv(tmp_path / "test.csv", index=False)
    out = tmp_path / "result.json"
    argv = ["--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv")]
    argv += ["--horizon", "7", "--season-length", "7", "--freq", "D", "--out", str(out)]
    assert main(argv) == 0
    report = json.loads(out.read_text())
    assert set(report["methods"]) == {
        "local",
        "global",
        "naive",
        "seasonal_naive",
        "auto_ets",
        "auto_theta",
    }
    for row in report["methods"].values():
        assert {"smape", "mase", "coverage80", "seconds"} <= set(row)
        assert 0 <= row["coverage80"] <= 1
    assert report["command"].startswith("python benchmarks/forecast.py")
