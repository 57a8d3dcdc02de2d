"""LocalForecaster: the right model family per series, honest intervals, clear refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsforecast import StatsForecast

from shopkeeper.ai.forecast.candidates import (
    COMBINATION,
    INTERMITTENT_MODELS,
    combination_members,
    member_model,
)
from shopkeeper.ai.forecast.local import LocalForecaster
from shopkeeper.ai.forecast.metrics import coverage
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.core.errors import ErrorCode, InvalidInputError, NotFoundError

DAYS = pd.date_range("2025-01-01", periods=150, freq="D")


def frame(**series: np.ndarray) -> pd.DataFrame:
    return pd.concat(
        [pd.DataFrame({"unique_id": k, "ds": DAYS[: len(v)], "y": v}) for k, v in series.items()],
        ignore_index=True,
    )


def split(data: pd.DataFrame, horizon: int) -> tuple[SalesSeries, pd.DataFrame]:
    cut = data["ds"].max() - pd.Timedelta(days=horizon)
    return SalesSeries.from_frame(data[data["ds"] <= cut]), data[data["ds"] > cut]


def test_intermittent_series_get_an_intermittent_model() -> None:
    rng = np.random.default_rng(3)
    sparse = (rng.poisson(4, 150) * (rng.random(150) < 0.15)).astype(float)
    model = LocalForecaster(horizon=14).fit(SalesSeries.from_frame(frame(sparse=sparse)))
    assert model.classes_["sparse"].is_intermittent
    assert model.choices_["sparse"] in INTERMITTENT_MODELS


def test_seasonal_signal_beats_naive() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(150)
    signals = {
        f"s{i}": 30 + 12 * np.sin(2 * np.pi * (t + i) / 7) + rng.normal(0, 1.5, 150)
        for i in range(4)
    }
    train, test = split(frame(**signals), 14)
    forecast = LocalForecaster(horizon=14).fit(train).predict(ForecastQuery(14)).frame
    joined = test.merge(forecast, on=["unique_id", "ds"])
    last = train.frame.groupby("unique_id")["y"].last()
    ours = np.abs(joined["y"] - joined["mean"]).mean()
    naive = np.abs(joined["y"] - joined["unique_id"].map(last)).mean()
    assert ours < 0.5 * naive


def test_intervals_contain_most_of_the_truth_on_noise() -> None:
    rng = np.random.default_rng(11)
    noise = {f"n{i}": 50 + rng.normal(0, 5, 150) for i in range(6)}
    train, test = split(frame(**noise), 14)
    forecast = LocalForecaster(horizon=14).fit(train).predict(ForecastQuery(14)).frame
    joined = test.merge(forecast, on=["unique_id", "ds"])
    y = joined["y"].to_numpy()
    assert coverage(y, joined["lo-80"].to_numpy(), joined["hi-80"].to_numpy()) >= 0.65
    assert coverage(y, joined["lo-95"].to_numpy(), joined["hi-95"].to_numpy()) >= 0.85
    assert (joined["lo-95"] <= joined["lo-80"]).all()
    assert (joined["hi-80"] <= joined["hi-95"]).all()


def test_same_data_same_forecast() -> None:
    rng = np.random.default_rng(1)
    data = SalesSeries.from_frame(frame(a=rng.poisson(8, 120).astype(float)))
    first = LocalForecaster(horizon=7).fit(data).forecast_
    second = LocalForecaster(horizon=7).fit(data).forecast_
    pd.testing.assert_frame_equal(first, second)


def test_all_zero_and_short_series_fall_back_with_a_reason() -> None:
    data = SalesSeries.from_frame(
        frame(zero=np.zeros(60), new=np.array([3.0, 5.0, 4.0]), ok=np.full(60, 4.0))
    )
    model = LocalForecaster(horizon=7).fit(data)
    assert model.choices_["zero"] == "Zero"
    assert model.choices_["new"] == "HistoricAverage"
    zero = model.predict(ForecastQuery(7, unique_ids=("zero",)))
    assert (zero.frame["mean"] == 0).all()
    assert "never sold" in model.explain(ForecastQuery(7, ("zero",)), zero).summary
    new = model.predict(ForecastQuery(7, unique_ids=("new",)))
    assert "too little history" in model.explain(ForecastQuery(7, ("new",)), new).summary


def test_explain_names_the_winner_and_the_runner_up() -> None:
    rng = np.random.default_rng(2)
    data = SalesSeries.from_frame(frame(a=20 + rng.normal(0, 2, 120)))
    model = LocalForecaster(horizon=7).fit(data)
    query = ForecastQuery(7, ("a",))
    explanation = model.explain(query, model.predict(query))
    assert model.choices_["a"] in explanation.summary
    assert "next best" in explanation.summary
    assert len(explanation.factors) == len(model.scores_["a"])


def test_forecasts_stay_non_negative_for_demand() -> None:
    data = SalesSeries.from_frame(frame(a=np.r_[np.full(100, 10.0), np.linspace(10, 0, 20)]))
    out = LocalForecaster(horizon=14).fit(data).predict(ForecastQuery(14)).frame
    numeric = out[["mean", "lo-80", "hi-80", "lo-95", "hi-95"]]
    assert (numeric >= 0).all().all()


def test_questions_beyond_the_fit_are_refused() -> None:
    data = SalesSeries.from_frame(frame(a=np.full(60, 3.0)))
    model = LocalForecaster(horizon=7).fit(data)
    with pytest.raises(InvalidInputError) as too_far:
        model.predict(ForecastQuery(8))
    assert too_far.value.code is ErrorCode.INVALID_INPUT
    with pytest.raises(NotFoundError):
        model.predict(ForecastQuery(3, ("nope",)))


def test_bad_hyperparameters_are_refused_at_fit() -> None:
    data = SalesSeries.from_frame(frame(a=np.full(60, 3.0)))
    with pytest.raises(InvalidInputError):
        LocalForecaster(horizon=0).fit(data)


def noisy_weekly(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(150)
    return frame(
        **{f"s{i}": 50 + 10 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 8, 150) for i in range(4)}
    )


def test_the_combination_is_chosen_where_the_average_validates_best() -> None:
    data = SalesSeries.from_frame(noisy_weekly(4))
    model = LocalForecaster(horizon=14, margin=0.0).fit(data)
    for uid, scores in model.scores_.items():
        best = min(scores.values())
        assert (model.choices_[uid] == COMBINATION) == (scores[COMBINATION] == best)
    assert model.choices_["s1"] == COMBINATION
    # Its forecast is the mean of its members refitted on the whole history, AutoETS and
    # AutoTheta keeping the structure they found before the validation windows.
    fixed = model.selection_["series"]["s1"]["structures"]
    assert set(fixed) == {"AutoETS", "AutoTheta"}
    members = [member_model(m, fixed.get(m, ""), 7) for m in combination_members(7)]
    part = data.frame[data.frame["unique_id"] == "s1"]
    alone = StatsForecast(models=members, freq="D", n_jobs=1).forecast(df=part, h=14)
    expected = alone[list(combination_members(7))].mean(axis=1).to_numpy()
    got = model.forecast_[model.forecast_["unique_id"] == "s1"]["mean"].to_numpy()
    np.testing.assert_allclose(got, expected)
    query = ForecastQuery(7, ("s1",))
    summary = model.explain(query, model.predict(query)).summary
    assert "Combination (the mean of SeasonalNaive, AutoETS, AutoTheta)" in summary


def test_the_margin_keeps_seasonal_naive_unless_beaten_clearly() -> None:
    data = SalesSeries.from_frame(noisy_weekly(4))
    model = LocalForecaster(horizon=14, margin=0.5).fit(data)
    for uid, scores in model.scores_.items():
        if model.choices_[uid] != "SeasonalNaive":
            assert scores[model.choices_[uid]] <= 0.5 * scores["SeasonalNaive"]
        elif min(scores.values()) < scores["SeasonalNaive"]:
            query = ForecastQuery(7, (uid,))
            assert "kept unless" in model.explain(query, model.predict(query)).summary


def test_interval_width_grows_with_the_step() -> None:
    # Random walks: the error h steps after a cut grows like the square root of h.
    rng = np.random.default_rng(7)
    walks = {f"w{i}": 500 + np.cumsum(rng.normal(0, 5, 150)) for i in range(12)}
    model = LocalForecaster(horizon=14).fit(SalesSeries.from_frame(frame(**walks)))
    for _, part in model.forecast_.groupby("unique_id"):
        width = (part["hi-80"] - part["lo-80"]).to_numpy()
        assert np.all(np.diff(width) >= -1e-9)
        assert width[-1] > 1.5 * width[0]
