"""BlendForecaster mixes the global model and the season-ago baseline at its weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.forecast.blend import MODEL_NAME, BlendForecaster
from shopkeeper.ai.forecast.future import FutureQuery
from shopkeeper.ai.forecast.global_model import GlobalForecaster
from shopkeeper.ai.forecast.season_ago import SeasonAgoForecaster
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.core.errors import InvalidInputError
from tests.ai.forecast.test_global import HORIZON, promoted_sales

GLOBAL = {"n_estimators": 60, "lags": [7], "rolling_mean": False, "keep_missing_lags": True}


@pytest.fixture(scope="module")
def split() -> tuple[SalesSeries, pd.DataFrame]:
    data = promoted_sales()
    cut = data["ds"].max() - pd.Timedelta(days=HORIZON - 1)
    return SalesSeries.from_frame(data[data["ds"] < cut]), data[data["ds"] >= cut]


def fitted(series: SalesSeries, weight: float) -> BlendForecaster:
    return BlendForecaster(
        horizon=HORIZON,
        global_weight=weight,
        global_params=GLOBAL,
        season_ago_params={"denoise_rank": 2},
    ).fit(series)


def test_the_forecast_is_the_weighted_mean_of_the_two_models(
    split: tuple[SalesSeries, pd.DataFrame],
) -> None:
    series, test = split
    query = FutureQuery(horizon=HORIZON, future=test[["unique_id", "ds", "promo"]])
    learned = GlobalForecaster(horizon=HORIZON, **{**GLOBAL, "lags": (7,)}).fit(series)
    base = SeasonAgoForecaster(horizon=HORIZON, denoise_rank=2).fit(series)
    frames = {w: fitted(series, w).predict(query).frame for w in (0.0, 0.3, 1.0)}
    learned_mean = learned.predict(query).frame["mean"].to_numpy()
    base_mean = base.predict(query).frame["mean"].to_numpy()
    assert np.allclose(frames[0.0]["mean"], base_mean)
    assert np.allclose(frames[1.0]["mean"], learned_mean)
    assert np.allclose(frames[0.3]["mean"], 0.3 * learned_mean + 0.7 * base_mean)
    assert set(frames[0.3]["model"]) == {MODEL_NAME}
    assert (frames[0.3]["lo-80"] <= frames[0.3]["hi-80"]).all()


def test_series_the_global_model_leaves_out_get_the_baseline(
    split: tuple[SalesSeries, pd.DataFrame],
) -> None:
    series, test = split
    short = series.frame[series.frame["unique_id"] == "SKU-01"].tail(9).assign(unique_id="NEW")
    data = SalesSeries.from_frame(pd.concat([series.frame, short]))
    future = pd.concat([test, test[test["unique_id"] == "SKU-01"].assign(unique_id="NEW")])[
        ["unique_id", "ds", "promo"]
    ]
    model = fitted(data, 0.5)
    frame = model.predict(FutureQuery(horizon=HORIZON, future=future)).frame
    assert set(frame.loc[frame["unique_id"] == "NEW", "model"]) == {"SeasonAgo"}
    assert set(frame.loc[frame["unique_id"] != "NEW", "model"]) == {MODEL_NAME}


def test_explain_weighs_the_global_drivers_and_the_baseline(
    split: tuple[SalesSeries, pd.DataFrame],
) -> None:
    series, test = split
    model = fitted(series, 0.5)
    query = FutureQuery(
        horizon=HORIZON, unique_ids=("SKU-10",), future=test[["unique_id", "ds", "promo"]]
    )
    explanation = model.explain(query, model.predict(query))
    names = [f.name for f in explanation.factors]
    assert {"promo", "season_ago"} <= set(names)
    assert "50% global model" in explanation.summary
    assert sum(f.weight for f in explanation.factors) <= 1.0 + 1e-9


def test_a_weight_outside_0_1_is_refused(split: tuple[SalesSeries, pd.DataFrame]) -> None:
    with pytest.raises(InvalidInputError, match="global_weight"):
        BlendForecaster(global_weight=1.5).fit(split[0])
