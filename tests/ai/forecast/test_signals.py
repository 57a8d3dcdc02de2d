"""Regressors from prices and signals, and the per-product choice of the model that uses them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.forecast.future import FutureQuery
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.regressors import (
    ShopInputs,
    daily_regressors,
    forget_future,
    persist,
    signal_days,
)
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.ai.forecast.with_signals import MODEL_NAME, POOLED_NAME, SignalForecaster
from shopkeeper.core.errors import InvalidInputError

DAYS = pd.date_range("2026-01-01", periods=200, freq="D")


def _grid(*skus: str, days: pd.DatetimeIndex = DAYS) -> pd.DataFrame:
    return pd.DataFrame([(s, d) for s in skus for d in days], columns=["unique_id", "ds"])


def _inputs(changes: list[tuple[str, str, float, float]], signals: pd.DataFrame) -> ShopInputs:
    return ShopInputs(
        categories=pd.Series({"A": "Garden", "B": "Garden"}),
        price_changes=pd.DataFrame(changes, columns=["sku", "day", "old_price", "new_price"]),
        current_price=pd.Series({"A": 8.0, "B": 5.0}),
        signals=signals,
    )


def _signals(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kind", "key", "day", "value"])


def test_the_price_in_force_follows_the_change_log_and_reads_against_the_usual_price() -> None:
    changes = [("A", "2026-03-01", 10.0, 8.0)]
    frame = daily_regressors(_inputs(changes, _signals([])), _grid("A", "B"))
    a = frame[frame["unique_id"] == "A"].set_index("ds")["price_index"]
    # 59 days at 10 before the change, 141 at 8 after it: the usual (median) price is 8.
    assert a[pd.Timestamp("2026-02-28")] == pytest.approx(10 / 8)
    assert a[pd.Timestamp("2026-03-01")] == pytest.approx(1.0)
    assert (frame[frame["unique_id"] == "B"]["price_index"] == 1.0).all()


def test_searches_are_read_a_day_late_against_the_four_weeks_before() -> None:
    rows = [("search", "garden", str(d.date()), 100.0) for d in DAYS]
    rows[100] = ("search", "garden", str(DAYS[100].date()), 300.0)
    frame = daily_regressors(_inputs([], _signals(rows)), _grid("A"))
    index = frame.set_index("ds")["search_index"]
    assert index[DAYS[100]] == pytest.approx(1.0)  # today's surge is not known yet
    assert index[DAYS[101]] == pytest.approx(3.0)
    assert np.isnan(index[DAYS[0]])  # no four weeks before


def test_events_default_to_none_and_weather_averages_regions_and_competitors_give_a_gap() -> None:
    day = str(DAYS[10].date())
    rows = [
        ("event_k", "", day, 12.0),
        ("temp_c", "", day, 10.0),
        ("temp_c", "", day, 20.0),
        ("competitor_price", "A", day, 10.0),
    ]
    frame = daily_regressors(_inputs([], _signals(rows)), _grid("A")).set_index("ds")
    assert frame.loc[DAYS[10], "event_k"] == 12.0
    assert frame.loc[DAYS[11], "event_k"] == 0.0
    assert frame.loc[DAYS[10], "temp_c"] == 15.0
    assert np.isnan(frame.loc[DAYS[11], "temp_c"])
    assert frame.loc[DAYS[10], "competitor_gap"] == pytest.approx(8.0 / 10.0 - 1)


def test_an_unknown_signal_kind_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="unknown signal kinds"):
        daily_regressors(_inputs([], _signals([("tide", "", "2026-01-01", 1.0)])), _grid("A"))


def test_signal_names_map_to_kinds_and_keys() -> None:
    points = pd.DataFrame(
        {
            "name": ["competitor_price.prixmalin", "search_trend.x", "local_event", "other"],
            "sku": ["A-1", "B-2", None, None],
            "category": [None, None, None, None],
            "day": ["2026-01-01"] * 4,
            "value": [9.0, 50.0, 3.0, 1.0],
        }
    )
    out = signal_days(points)
    assert out[["kind", "key"]].values.tolist() == [
        ["competitor_price", "A-1"],
        ["search", "B-2"],  # a sku keeps its case
        ["event_k", ""],
    ]


def test_forgotten_future_is_filled_with_the_last_price_no_event_and_recent_weather() -> None:
    history = pd.DataFrame(
        {
            "unique_id": "A",
            "ds": DAYS[:10],
            "price_index": [1.0] * 9 + [0.7],
            "event_k": [5.0] * 10,
            "temp_c": np.arange(10, dtype="float64"),
        }
    )
    future = forget_future(history.iloc[:2].assign(ds=DAYS[10:12]))
    filled = persist(history, future, ("price_index", "event_k", "temp_c"))
    assert filled["price_index"].tolist() == [0.7, 0.7]
    assert filled["event_k"].tolist() == [0.0, 0.0]
    assert filled["temp_c"].tolist() == [6.0, 6.0]  # mean of the last 7 days (3..9)


def _promoted_shop(noise_only: bool, seed: int = 0) -> pd.DataFrame:
    """Eight products whose sales triple on days 30% off (or ignore them)."""
    rng = np.random.default_rng(seed)
    promo = (rng.random(len(DAYS)) < 0.15).astype("float64")
    parts = []
    for uid, base in zip("ABCDEFGH", (10.0, 20.0, 6.0, 12.0, 8.0, 15.0, 5.0, 25.0), strict=True):
        lift = np.ones_like(promo) if noise_only else 1.0 + 2.0 * promo
        parts.append(
            pd.DataFrame(
                {
                    "unique_id": uid,
                    "ds": DAYS,
                    "price_index": 1.0 - 0.3 * promo,
                    "y": rng.poisson(base * lift).astype("float64"),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _model() -> SignalForecaster:
    return SignalForecaster(
        horizon=14, n_windows=2, unknown_ahead=(), global_params={"n_estimators": 60}
    )


def test_products_driven_by_a_signal_take_the_model_that_reads_it_and_say_why() -> None:
    frame = _promoted_shop(noise_only=False)
    model = _model().fit(SalesSeries.from_frame(frame))
    assert model.regressors_ == ("price_index",)
    assert set(model.global_ids_) == set("ABCDEFGH")
    assert model.choices_["A"] == MODEL_NAME
    future = pd.DataFrame(
        {
            "unique_id": "A",
            "ds": pd.date_range(DAYS[-1] + pd.Timedelta(days=1), periods=14),
            "price_index": [0.7, 1.0] * 7,
        }
    )
    query = FutureQuery(horizon=14, unique_ids=("A",), future=future)
    mean = model.predict(query).frame["mean"].to_numpy()
    assert mean[::2].mean() > 2 * mean[1::2].mean()
    reason = model.explanations(query)["A"]
    assert reason.factors[0].name == "price"
    assert "below the usual price" in reason.factors[0].detail
    assert "validation MAE" in reason.summary
    assert "a day" in reason.factors[0].detail


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_signal_with_no_effect_is_left_out(seed: int) -> None:
    # Pure noise: the pooled model may still beat seasonal naive, but not thanks to the price.
    model = _model().fit(SalesSeries.from_frame(_promoted_shop(noise_only=True, seed=seed)))
    assert model.regressors_ == ()
    assert model.signal_check_.get("p_value", 1.0) >= 0.01
    for uid in model.global_ids_:
        assert model.choices_[uid] == POOLED_NAME
    if model.global_ids_:
        query = ForecastQuery(horizon=14, unique_ids=model.global_ids_[:1])
        reason = model.explanations(query)[model.global_ids_[0]]
        assert "signals were left out" in reason.summary
        assert "price" not in {f.name for f in reason.factors}


def test_the_daily_refit_reuses_the_choice_without_validating() -> None:
    frame = _promoted_shop(noise_only=False)
    weekly = _model().fit(SalesSeries.from_frame(frame))
    daily = weekly.reusing_choice().fit(SalesSeries.from_frame(frame))
    assert daily.global_ids_ == weekly.global_ids_
    assert daily.validation_ == weekly.validation_
    assert daily.local_.reused_ == tuple("ABCDEFGH")


def test_without_regressors_it_is_the_local_forecaster() -> None:
    frame = _promoted_shop(noise_only=False).drop(columns="price_index")
    model = _model().fit(SalesSeries.from_frame(frame))
    assert model.global_ids_ == ()
    assert model.global_ is None
    assert model.choices_ == model.local_.choices_


def test_the_pooled_models_intervals_are_calibrated_on_its_validation_errors() -> None:
    frame = _promoted_shop(noise_only=False, seed=0)
    cut = DAYS[-15]
    history, ahead = frame[frame["ds"] <= cut], frame[frame["ds"] > cut]
    model = _model().fit(SalesSeries.from_frame(history))
    assert set(model.global_ids_) == set("ABCDEFGH")
    query = FutureQuery(horizon=14, unique_ids=model.global_ids_, future=ahead.drop(columns="y"))
    got = model.predict(query).frame.merge(ahead[["unique_id", "ds", "y"]])
    inside = (got["y"] >= got["lo-80"]) & (got["y"] <= got["hi-80"])
    assert 0.7 <= inside.mean() <= 0.95
    # Wider further out, never narrower; the 95 % interval holds the 80 % one.
    assert (got["hi-95"] >= got["hi-80"]).all()
    assert (got["lo-95"] <= got["lo-80"]).all()
    bounds = np.asarray(model.interval_bounds_[80])
    assert (np.diff(bounds[:, 1]) >= 0).all()
    assert (np.diff(bounds[:, 0]) <= 0).all()
    # The daily refit reuses the calibration measured on Sunday.
    daily = model.reusing_choice().fit(SalesSeries.from_frame(history))
    assert daily.interval_bounds_ == model.interval_bounds_
