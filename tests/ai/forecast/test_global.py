"""GlobalForecaster learns exogenous effects, asks for their future values and is seeded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.forecast.future import FutureQuery
from shopkeeper.ai.forecast.global_model import MODEL_NAME, GlobalForecaster
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.core.errors import InvalidInputError

DAYS, HORIZON = 210, 14


def promoted_sales(seed: int = 0) -> pd.DataFrame:
    """20 SKUs with weekly cycles; a promotion flag (static shelf size too) doubles demand."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-01-01", periods=DAYS, freq="D")
    parts = []
    for i in range(20):
        base = 5.0 + 3.0 * i
        promo = (rng.random(DAYS) < 0.2).astype(float)
        weekly = 1.0 + 0.3 * (dates.dayofweek >= 5)
        y = base * weekly * (1.0 + promo) * rng.normal(1.0, 0.05, DAYS)
        parts.append(
            pd.DataFrame(
                {"unique_id": f"SKU-{i:02d}", "ds": dates, "y": y, "promo": promo, "shelf": i % 3}
            )
        )
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def split() -> tuple[SalesSeries, pd.DataFrame]:
    data = promoted_sales()
    cut = data["ds"].max() - pd.Timedelta(days=HORIZON - 1)
    return SalesSeries.from_frame(data[data["ds"] < cut]), data[data["ds"] >= cut]


@pytest.fixture(scope="module")
def fitted(split: tuple[SalesSeries, pd.DataFrame]) -> GlobalForecaster:
    return GlobalForecaster(horizon=HORIZON, n_estimators=200).fit(split[0])


def test_exogenous_columns_are_split_into_static_and_dynamic(fitted: GlobalForecaster) -> None:
    assert fitted.dynamic_ == ("promo",)
    assert fitted.static_ == ("shelf",)


def test_it_learns_that_a_promotion_doubles_demand(
    fitted: GlobalForecaster, split: tuple[SalesSeries, pd.DataFrame]
) -> None:
    test = split[1]
    future = test[["unique_id", "ds", "promo"]]
    frame = fitted.predict(FutureQuery(horizon=HORIZON, future=future)).frame
    assert set(frame["model"]) == {MODEL_NAME}
    joined = frame.merge(test, on=["unique_id", "ds"])
    # Same series, same weekday: the promoted days' forecast over the plain days'.
    joined["weekend"] = joined["ds"].dt.dayofweek >= 5
    means = joined.groupby(["unique_id", "weekend", "promo"])["mean"].mean().unstack("promo")
    ratio = (means[1.0] / means[0.0]).dropna()
    assert len(ratio) >= 10
    assert 1.6 < float(ratio.median()) < 2.4
    error = np.abs(joined["mean"] - joined["y"]) / joined["y"]
    assert float(error.mean()) < 0.15
    inside = (joined["y"] >= joined["lo-95"]) & (joined["y"] <= joined["hi-95"])
    # Four conformal windows give four errors per series and step: intervals run narrow.
    assert float(inside.mean()) > 0.7
    assert (joined["lo-95"] <= joined["lo-80"]).all()
    assert (joined["lo-80"] <= joined["mean"]).all()
    assert (joined["mean"] <= joined["hi-80"]).all()


def test_explain_names_the_promotion_as_a_driver(
    fitted: GlobalForecaster, split: tuple[SalesSeries, pd.DataFrame]
) -> None:
    future = split[1][["unique_id", "ds", "promo"]]
    query = FutureQuery(horizon=HORIZON, unique_ids=("SKU-10",), future=future)
    explanation = fitted.explain(query, fitted.predict(query))
    names = [f.name for f in explanation.factors]
    assert "promo" in names[:2]
    assert "SKU-10" in explanation.summary
    assert "promo" in explanation.summary
    assert sum(f.weight for f in explanation.factors) <= 1.0 + 1e-9


def test_missing_future_values_are_refused(
    fitted: GlobalForecaster, split: tuple[SalesSeries, pd.DataFrame]
) -> None:
    with pytest.raises(InvalidInputError, match="promo"):
        fitted.predict(ForecastQuery(horizon=HORIZON))
    future = split[1][["unique_id", "ds", "promo"]]
    holed = future[~((future["unique_id"] == "SKU-03") & (future["ds"] == future["ds"].max()))]
    with pytest.raises(InvalidInputError, match="SKU-03"):
        fitted.predict(FutureQuery(horizon=HORIZON, future=holed))
    with pytest.raises(InvalidInputError, match="promo"):
        fitted.predict(FutureQuery(horizon=HORIZON, future=future.drop(columns="promo")))


def test_the_seed_makes_it_deterministic(split: tuple[SalesSeries, pd.DataFrame]) -> None:
    query = FutureQuery(horizon=7, future=split[1][["unique_id", "ds", "promo"]])
    runs = [
        GlobalForecaster(horizon=HORIZON, n_estimators=60, seed=3).fit(split[0]).predict(query)
        for _ in range(2)
    ]
    assert runs[0].frame.equals(runs[1].frame)


def test_short_and_unsold_series_get_the_historic_mean() -> None:
    data = promoted_sales()[lambda d: d["unique_id"].isin(["SKU-01", "SKU-02"])]
    data = data.drop(columns=["promo", "shelf"])
    short = data[data["unique_id"] == "SKU-01"].tail(10).assign(unique_id="NEW")
    zero = data[data["unique_id"] == "SKU-01"].assign(unique_id="NONE", y=0.0)
    series = SalesSeries.from_frame(pd.concat([data, short, zero]))
    model = GlobalForecaster(horizon=7, n_estimators=30).fit(series)
    frame = model.predict(ForecastQuery(horizon=7)).frame
    models = frame.groupby("unique_id")["model"].first().to_dict()
    assert models == {
        "NEW": "HistoricMean",
        "NONE": "HistoricMean",
        "SKU-01": MODEL_NAME,
        "SKU-02": MODEL_NAME,
    }
    assert frame.loc[frame["unique_id"] == "NEW", "mean"].round(6).nunique() == 1
    assert (frame.loc[frame["unique_id"] == "NONE", ["mean", "hi-95"]] == 0).all().all()
    query = ForecastQuery(horizon=7, unique_ids=("NEW",))
    assert "historic mean" in model.explain(query, model.predict(query)).summary


def test_seasonal_lags_with_missing_values_kept_fit_shorter_series() -> None:
    data = promoted_sales().drop(columns=["shelf"])
    data = data[data["unique_id"].isin(["SKU-01", "SKU-02", "SKU-03"])]
    young = data[data["unique_id"] == "SKU-03"].tail(10).assign(unique_id="YOUNG")
    series = SalesSeries.from_frame(pd.concat([data, young]))
    plain = GlobalForecaster(horizon=7, conformal_horizon=1, n_estimators=30).fit(series)
    kept = GlobalForecaster(
        horizon=7,
        conformal_horizon=1,
        lags=(7, 14),
        rolling_mean=False,
        keep_missing_lags=True,
        n_estimators=30,
    ).fit(series)
    assert "YOUNG" not in plain.global_ids_
    assert "YOUNG" in kept.global_ids_
    assert kept.min_global_length < plain.min_global_length
    with pytest.raises(InvalidInputError, match="lags"):
        GlobalForecaster(lags=(0, 7)).fit(series)
