"""SeasonAgoForecaster repeats last season, denoised within groups, moved by the recent shift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.forecast.denoise import denoise_by_group
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.season_ago import FALLBACK_NAME, MODEL_NAME, SeasonAgoForecaster
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.core.errors import InvalidInputError

SEASON = 7


def grouped_sales(seed: int = 0, days: int = 28, noise: float = 3.0) -> pd.DataFrame:
    """Two groups of six series; each group shares a weekly shape, each series its own scale."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2026-01-05", periods=days, freq="D")
    shapes = {"shoes": np.array([1, 1, 2, 2, 3, 6, 5.0]), "hats": np.array([4, 3, 2, 1, 1, 1, 2.0])}
    parts = []
    for group, shape in shapes.items():
        for i in range(6):
            truth = 10.0 * (i + 1) * shape[dates.dayofweek]
            parts.append(
                pd.DataFrame(
                    {
                        "unique_id": f"{group}-{i}",
                        "ds": dates,
                        "y": truth + rng.normal(0, noise, days),
                        "truth": truth,
                        "group": group,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def test_denoising_within_groups_brings_the_values_closer_to_the_shared_shape() -> None:
    data = grouped_sales()
    wide = data.pivot(index="unique_id", columns="ds", values="y")
    truth = data.pivot(index="unique_id", columns="ds", values="truth")
    groups = data.groupby("unique_id")["group"].first()
    denoised = denoise_by_group(wide, groups, rank=1)
    assert float((denoised - truth).abs().mean().mean()) < 0.6 * float(
        (wide - truth).abs().mean().mean()
    )
    # One group for everything cannot fit two shapes with one vector.
    pooled = denoise_by_group(wide, pd.Series("all", index=wide.index), rank=1)
    assert float((pooled - truth).abs().mean().mean()) > float(
        (denoised - truth).abs().mean().mean()
    )


def test_denoising_keeps_missing_cells_and_small_groups() -> None:
    wide = pd.DataFrame([[1.0, np.nan, 3.0], [2.0, 4.0, 5.0]], index=["a", "b"])
    out = denoise_by_group(wide, pd.Series(["g", "g"], index=["a", "b"]), rank=2)
    assert out.equals(wide)
    out = denoise_by_group(wide, pd.Series(["g", "g"], index=["a", "b"]), rank=1)
    assert np.isnan(out.loc["a", 1])
    assert not out.loc["b"].equals(wide.loc["b"])


def test_without_denoising_or_shift_it_is_the_seasonal_naive() -> None:
    data = grouped_sales()
    series = SalesSeries.from_frame(data.drop(columns=["truth"]))
    model = SeasonAgoForecaster(season_length=SEASON, horizon=10, level_shrink=0.0).fit(series)
    frame = model.predict(ForecastQuery(horizon=10, unique_ids=("hats-2",))).frame
    last = data.loc[data["unique_id"] == "hats-2", "y"].tail(SEASON).to_numpy()
    assert np.allclose(frame["mean"].to_numpy(), np.concatenate([last, last[:3]]))
    assert set(frame["model"]) == {MODEL_NAME}
    assert (frame["lo-95"] <= frame["lo-80"]).all()
    assert (frame["hi-80"] <= frame["hi-95"]).all()


def test_denoising_by_group_forecasts_the_shape_better() -> None:
    data = grouped_sales(days=35)
    train = data[data["ds"] < data["ds"].max() - pd.Timedelta(days=6)]
    test = data[~data.index.isin(train.index)]
    series = SalesSeries.from_frame(train.drop(columns=["truth"]))
    errors = {}
    for rank in (0, 1):
        model = SeasonAgoForecaster(
            season_length=SEASON,
            horizon=7,
            group_column="group",
            denoise_rank=rank,
            level_shrink=0.0,
        ).fit(series)
        joined = model.predict(ForecastQuery(horizon=7)).frame.merge(test, on=["unique_id", "ds"])
        errors[rank] = float((joined["mean"] - joined["y"]).abs().mean())
    assert errors[1] < 0.85 * errors[0]


def test_the_recent_shift_is_carried_forward_in_part() -> None:
    dates = pd.date_range("2026-01-05", periods=28, freq="D")
    y = 20.0 + 10.0 * (dates.dayofweek >= 5) + 2.0 * (np.arange(28) >= 14)
    series = SalesSeries.from_frame(pd.DataFrame({"unique_id": "a", "ds": dates, "y": y}))
    plain = SeasonAgoForecaster(season_length=SEASON, horizon=7, level_shrink=0.0).fit(series)
    shifted = SeasonAgoForecaster(
        season_length=SEASON, horizon=7, level_window=14, level_shrink=0.5
    ).fit(series)
    query = ForecastQuery(horizon=7)
    moved = shifted.predict(query).frame["mean"] - plain.predict(query).frame["mean"]
    # The last 14 days sold 2 more than a week before for 7 of them: mean shift 1, half kept.
    assert np.allclose(moved, 0.5)
    explanation = shifted.explain(query, shifted.predict(query))
    assert [f.name for f in explanation.factors] == ["season_ago", "recent_shift"]
    assert sum(f.weight for f in explanation.factors) == pytest.approx(1.0)
    assert "+ 0.50" in explanation.summary


def test_short_series_get_their_mean_and_returns_stay_negative() -> None:
    dates = pd.date_range("2026-01-05", periods=21, freq="D")
    frame = pd.concat(
        [
            pd.DataFrame({"unique_id": "old", "ds": dates, "y": -1.0 + (dates.dayofweek == 0)}),
            pd.DataFrame({"unique_id": "new", "ds": dates[-4:], "y": [2.0, 4.0, 6.0, 8.0]}),
        ]
    )
    series = SalesSeries.from_frame(frame, allow_negative=True)
    model = SeasonAgoForecaster(season_length=SEASON, horizon=7).fit(series)
    query = ForecastQuery(horizon=7)
    prediction = model.predict(query)
    forecast = prediction.frame
    new = forecast[forecast["unique_id"] == "new"]
    assert set(new["model"]) == {FALLBACK_NAME}
    assert np.allclose(new["mean"], 5.0)
    assert (forecast.loc[forecast["unique_id"] == "old", "mean"] < 0).any()
    assert "historic mean" in model.explain(query, prediction).summary


def test_an_unknown_group_column_is_refused() -> None:
    series = SalesSeries.from_frame(grouped_sales().drop(columns=["truth"]))
    with pytest.raises(InvalidInputError, match="aisle"):
        SeasonAgoForecaster(group_column="aisle", denoise_rank=1).fit(series)
