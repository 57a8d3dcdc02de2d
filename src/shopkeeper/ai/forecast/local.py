"""One statistical model per series, chosen on the series' own recent past.

Each series is classified (:mod:`.demand_class`); its candidates (:mod:`.candidates`)
forecast the last ``n_windows`` windows of its history (:mod:`.selection`); the one with
the lowest validation MAE is refitted on the whole history and forecasts ``horizon``
periods, with conformal intervals from its validation errors (:mod:`.intervals`).
Forecasts are computed at fit time, so ``predict`` only reads them: the weekly refresh
fits, the daily run asks.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd
from statsforecast import StatsForecast

from shopkeeper.ai.base import Model
from shopkeeper.ai.forecast.candidates import (
    NO_DEMAND_MODEL,
    SHORT_HISTORY_MODEL,
    intermittent_models,
    model_named,
    regular_models,
)
from shopkeeper.ai.forecast.demand_class import DemandClass, classify
from shopkeeper.ai.forecast.explaining import explain_forecast
from shopkeeper.ai.forecast.intervals import error_bounds
from shopkeeper.ai.forecast.prediction import Forecast, ForecastQuery
from shopkeeper.ai.forecast.samples import sample
from shopkeeper.ai.forecast.selection import choose, validate
from shopkeeper.ai.forecast.series import SalesSeries, SeriesIssue
from shopkeeper.ai.registry import register
from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.domain.explanation import Explanation


# A week ahead keeps the sample's 60 days long enough for model selection.
@register(sample=sample, factory=lambda: LocalForecaster(horizon=7))
class LocalForecaster(Model[SalesSeries, ForecastQuery, Forecast]):
    """Per-series choice among naive, seasonal naive, AutoETS, AutoTheta, Croston, ADIDA, TSB.

    Parameters
    ----------
    season_length
        Periods in a season (7 for daily sales with a weekly cycle, 52 for weekly sales).
    horizon
        Periods forecast at fit time; ``predict`` answers up to this many.
    validation_horizon
        Length of each validation window (``None``: ``horizon``).
    n_windows
        Validation windows; series too short for them get the historic mean.
    levels
        Prediction interval levels in percent.

    Examples
    --------
    >>> days = pd.date_range("2026-01-01", periods=70, freq="D")
    >>> frame = pd.DataFrame({"unique_id": "SKU-1", "ds": days,
    ...                       "y": [10.0 + 5 * (d.dayofweek >= 5) for d in days]})
    >>> model = LocalForecaster(horizon=7).fit(SalesSeries.from_frame(frame))
    >>> model.choices_["SKU-1"]
    'SeasonalNaive'
    >>> model.predict(ForecastQuery(horizon=2)).frame["mean"].round(1).tolist()
    [10.0, 10.0]
    """

    capability = "forecast"

    def __init__(
        self,
        *,
        season_length: int = 7,
        horizon: int = 28,
        validation_horizon: int | None = None,
        n_windows: int = 3,
        levels: tuple[int, ...] = (80, 95),
    ) -> None:
        self.season_length = season_length
        self.horizon = horizon
        self.validation_horizon = validation_horizon
        self.n_windows = n_windows
        self.levels = levels

    def _check_params(self) -> None:
        for name in ("season_length", "horizon", "n_windows"):
            if getattr(self, name) < 1:
                raise InvalidInputError(f"{name} must be at least 1", **{name: getattr(self, name)})
        if self.validation_horizon is not None and self.validation_horizon < 1:
            raise InvalidInputError("validation_horizon must be at least 1")
        if not all(0 < level < 100 for level in self.levels):
            raise InvalidInputError("levels must be percentages between 0 and 100")

    @property
    def min_validated_length(self) -> int:
        """Shortest history that gets model selection; shorter ones get the mean."""
        window = self.validation_horizon or self.horizon
        return window * self.n_windows + max(self.season_length + 2, 8)

    def fit(self, data: SalesSeries) -> Self:
        self._check_params()
        self.forget()
        frame = data.frame[["unique_id", "ds", "y"]]
        groups: dict[str, list[str]] = {"regular": [], "intermittent": [], "short": []}
        classes: dict[str, DemandClass] = {}
        for uid, y in frame.groupby("unique_id", sort=True)["y"]:
            key = str(uid)
            classes[key] = classify(y.to_numpy())
            if classes[key].kind == "no_demand":
                continue
            if len(y) < self.min_validated_length:
                groups["short"].append(key)
            else:
                groups["intermittent" if classes[key].is_intermittent else "regular"].append(key)
        choices = {uid: NO_DEMAND_MODEL for uid, c in classes.items() if c.kind == "no_demand"}
        choices.update(dict.fromkeys(groups["short"], SHORT_HISTORY_MODEL))
        scores, errors = [], []
        window = self.validation_horizon or self.horizon
        for group, candidates in (
            ("regular", regular_models(self.season_length)),
            ("intermittent", intermittent_models()),
        ):
            if not groups[group]:
                continue
            part = frame[frame["unique_id"].isin(groups[group])]
            found = validate(
                part, candidates, freq=data.freq, horizon=window, n_windows=self.n_windows
            )
            choices.update(choose(found.scores, tuple(candidates)))
            scores.append(found.scores)
            errors.append(found.errors)
        self.classes_: dict[str, DemandClass] = classes
        self.choices_: dict[str, str] = dict(sorted(choices.items()))
        self.scores_: dict[str, dict[str, float]] = _nested_scores(scores)
        self.issues_: dict[str, tuple[SeriesIssue, ...]] = {
            uid: data.issues_of(uid) for uid in classes if data.issues_of(uid)
        }
        chosen_errors = _chosen_errors(errors, self.choices_, frame)
        self.forecast_: pd.DataFrame = self._forecast(frame, data, chosen_errors)
        return self

    def _forecast(
        self, frame: pd.DataFrame, data: SalesSeries, errors: dict[str, np.ndarray]
    ) -> pd.DataFrame:
        by_model: dict[str, list[str]] = {}
        for uid, name in self.choices_.items():
            by_model.setdefault(name, []).append(uid)
        parts = []
        for name, ids in sorted(by_model.items()):
            part = frame[frame["unique_id"].isin(ids)]
            if name == NO_DEMAND_MODEL:
                last = part.groupby("unique_id", sort=True)["ds"].max()
                points = pd.DataFrame(
                    [
                        (uid, ds, 0.0)
                        for uid, end in last.items()
                        for ds in pd.date_range(end, periods=self.horizon + 1, freq=data.freq)[1:]
                    ],
                    columns=["unique_id", "ds", "mean"],
                )
            else:
                engine = StatsForecast(
                    models=[model_named(name, self.season_length)], freq=data.freq, n_jobs=1
                )
                points = engine.forecast(df=part, h=self.horizon).rename(columns={name: "mean"})
            points["unique_id"] = points["unique_id"].astype(str)
            points["model"] = name
            parts.append(points[["unique_id", "ds", "mean", "model"]])
        result = pd.concat(parts, ignore_index=True).sort_values(["unique_id", "ds"])
        result = result.reset_index(drop=True)
        ids = result["unique_id"].tolist()
        for level in self.levels:
            bounds = {uid: error_bounds(found, level) for uid, found in errors.items()}
            low = np.array([bounds.get(u, (0.0, 0.0))[0] for u in ids], dtype="float64")
            high = np.array([bounds.get(u, (0.0, 0.0))[1] for u in ids], dtype="float64")
            result[f"lo-{level}"] = result["mean"].to_numpy() + low
            result[f"hi-{level}"] = result["mean"].to_numpy() + high
        if not data.allow_negative:
            # Demand is never negative; neither are its forecast or interval bounds.
            numeric = [c for c in result.columns if c not in ("unique_id", "ds", "model")]
            result[numeric] = result[numeric].clip(lower=0.0)
        return result

    def predict(self, query: ForecastQuery) -> Forecast:
        self.check_fitted()
        if not 1 <= query.horizon <= self.horizon:
            raise InvalidInputError(
                f"horizon must be between 1 and {self.horizon}, the horizon fitted; "
                "refit with a longer horizon to look further",
                horizon=query.horizon,
            )
        frame = self.forecast_
        if query.unique_ids:
            unknown = sorted(set(query.unique_ids) - set(self.choices_))
            if unknown:
                raise NotFoundError(f"no history for series {', '.join(unknown[:5])}")
            frame = frame[frame["unique_id"].isin(query.unique_ids)]
        step = frame.groupby("unique_id", sort=False).cumcount()
        return Forecast(frame=frame[step < query.horizon].reset_index(drop=True))

    def explain(self, query: ForecastQuery, prediction: Forecast) -> Explanation:
        self.check_fitted()
        return explain_forecast(
            prediction.ids,
            choices=self.choices_,
            scores=self.scores_,
            classes=self.classes_,
            issues=self.issues_,
            window=self.validation_horizon or self.horizon,
            n_windows=self.n_windows,
        )


def _nested_scores(scores: list[pd.DataFrame]) -> dict[str, dict[str, float]]:
    nested: dict[str, dict[str, float]] = {}
    for table in scores:
        for uid, name, mae in table[["unique_id", "model", "mae"]].itertuples(index=False):
            nested.setdefault(str(uid), {})[str(name)] = float(mae)
    return dict(sorted(nested.items()))


def _chosen_errors(
    errors: list[pd.DataFrame], choices: dict[str, str], frame: pd.DataFrame
) -> dict[str, np.ndarray]:
    """Validation errors of each series' chosen model; in-sample ones for the others."""
    found: dict[str, np.ndarray] = {}
    for table in errors:
        chosen = table[table["model"] == table["unique_id"].map(choices)]
        for uid, part in chosen.groupby("unique_id", sort=True):
            found[str(uid)] = part["error"].to_numpy(dtype="float64")
    for uid, y in frame.groupby("unique_id", sort=True)["y"]:
        key = str(uid)
        if choices.get(key) == SHORT_HISTORY_MODEL:
            # Too short to validate: the spread around the mean is all there is to go on.
            values = y.to_numpy(dtype="float64")
            found[key] = values - values.mean()
        elif choices.get(key) == NO_DEMAND_MODEL:
            found[key] = np.zeros(1)
    return found
