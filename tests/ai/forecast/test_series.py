"""SalesSeries: what is refused with a clear message, what is repaired and reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.forecast.demand_class import classify
from shopkeeper.ai.forecast.metrics import mase, smape
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.core.errors import ErrorCode, InvalidInputError


def rows(*values: tuple[str, str, object]) -> pd.DataFrame:
    return pd.DataFrame(values, columns=["unique_id", "ds", "y"])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (pd.DataFrame(columns=["unique_id", "ds", "y"]), "empty"),
        (pd.DataFrame({"unique_id": ["a"], "ds": ["2026-01-01"]}), "missing y"),
        (rows(("a", "2026-01-01", 1.0), ("a", "2026-01-01", 2.0)), "more than once"),
        (rows(("a", "2026-01-01", "lots")), "must be numbers"),
        (rows(("a", "2026-01-01", np.nan)), "missing or infinite"),
        (rows(("a", "2026-01-01", 2.0), ("a", "2026-01-02", -1.0)), "negative"),
        (rows(("a", "2026-01-01", 2.0), ("a", "not a date", 1.0)), "dates"),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(data: pd.DataFrame, words: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        SalesSeries.from_frame(data)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert words in caught.value.message


def test_off_calendar_dates_are_refused() -> None:
    weekly = rows(("a", "2026-01-02", 1.0), ("a", "2026-01-10", 1.0))  # a Friday, a Saturday
    with pytest.raises(InvalidInputError, match="off the"):
        SalesSeries.from_frame(weekly, freq="W-FRI")


def test_too_short_series_are_refused_when_asked() -> None:
    with pytest.raises(InvalidInputError, match="fewer than 3"):
        SalesSeries.from_frame(rows(("a", "2026-01-01", 1.0)), min_length=3)


def test_missing_days_are_zero_sales_and_reported() -> None:
    series = SalesSeries.from_frame(rows(("a", "2026-01-01", 4.0), ("a", "2026-01-04", 2.0)))
    assert series.frame["y"].tolist() == [4.0, 0.0, 0.0, 2.0]
    assert [i.kind for i in series.issues_of("a")] == ["filled"]
    with pytest.raises(InvalidInputError, match="misses 2"):
        SalesSeries.from_frame(
            rows(("a", "2026-01-01", 4.0), ("a", "2026-01-04", 2.0)), fill_missing=False
        )


def test_all_zero_and_absurd_values_are_reported_not_refused() -> None:
    days = pd.date_range("2026-01-01", periods=10, freq="D")
    data = pd.concat(
        [
            pd.DataFrame({"unique_id": "zero", "ds": days, "y": 0.0}),
            pd.DataFrame({"unique_id": "spike", "ds": days, "y": [2.0] * 9 + [5000.0]}),
        ]
    )
    kinds = {(i.unique_id, i.kind) for i in SalesSeries.from_frame(data).issues}
    assert kinds == {("zero", "all_zero"), ("spike", "absurd")}


def test_negative_values_are_kept_when_allowed() -> None:
    data = rows(("a", "2026-01-01", 2.0), ("a", "2026-01-02", -1.0))
    assert SalesSeries.from_frame(data, allow_negative=True).frame["y"].min() == -1.0


def test_demand_classes_follow_the_adi_cv2_cut_offs() -> None:
    assert classify([5, 6, 5, 7, 6]).kind == "smooth"
    assert classify([1, 20, 2, 30, 1]).kind == "erratic"
    assert classify([0, 0, 3, 0, 0, 3, 0, 0, 3]).kind == "intermittent"
    assert classify([0, 0, 1, 0, 0, 40, 0, 0, 2]).kind == "lumpy"
    assert classify([0, 0, 0]).kind == "no_demand"


def test_metrics_follow_the_m4_definitions() -> None:
    y, yhat = np.array([10.0, 20.0]), np.array([12.0, 20.0])
    assert smape(y, yhat) == pytest.approx(100 * 2 / 22)
    history = np.array([1.0, 3.0, 1.0, 3.0, 2.0])  # season 2: |1-1|,|3-3|,|2-1| -> MAE 1/3
    assert mase(y, yhat, history, 2) == pytest.approx(1.0 / (1 / 3))
