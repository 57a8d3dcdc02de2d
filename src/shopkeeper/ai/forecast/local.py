"""One statistical model per series, chosen on the series' own recent past.

Each series is classified (:mod:`.demand_class`); its candidates (:mod:`.candidates`)
forecast the last ``n_windows`` windows of its history (:mod:`.selection`); the one with
the lowest validation MAE (seasonal naive unless another beats it by ``margin``; the
candidates include their mean) is refitted on the whole history and forecasts ``horizon``
periods, with conformal intervals per step ahead from the validation errors
(:mod:`.intervals`).
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
    COMBINATION,
    NO_DEMAND_MODEL,
    SHORT_HISTORY_MODEL,
    combination_members,
    combine,
    default_model,
    intermittent_models,
    model_named,
    regular_models,
)
from shopkeeper.ai.forecast.demand_class import DemandClass, classify
from shopkeeper.ai.forecast.explaining import explain_forecast
from shopkeeper.ai.forecast.intervals import error_bounds, validated_offsets
from shopkeeper.ai.forecast.prediction import Forecast, ForecastQuery
from shopkeeper.ai.forecast.samples import sample
from shopkeeper.ai.forecast.selection import choose, validate
from shopkeeper.ai.forecast.series import SalesSeries, SeriesIssue
from shopkeeper.ai.registry import register
from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.domain.explanation import Explanation

# Validation MAE share a candidate must gain over seasonal naive to replace it. Chosen on
# Walmart's training part only (choose on two windows, score on the third:
# benchmarks/forecast_tuning.py): sMAPE 19.3 at margin 0, 17.5 at 0.3, 16.8 at 0.5 (best,
# flat to 0.7), always seasonal naive 17.1.
DEFAULT_MARGIN = 0.5


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
    margin
        Share by which another candidate's validation MAE must beat seasonal naive's (naive
        without a season) for it to be chosen; 0 picks the plain best.
    combination
        Also try the mean of seasonal naive, AutoETS and AutoTheta as a candidate.

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
        margin: float = DEFAULT_MARGIN,
        combination: bool = True,
    ) -> None:
        self.season_length = season_length
        self.horizon = horizon
        self.validation_horizon = validation_horizon
        self.n_windows = n_windows
        self.levels = levels
        self.margin = margin
        self.combination = combination

    def _check_params(self) -> None:
        for name in ("season_length", "horizon", "n_windows"):
            if getattr(self, name) < 1:
                raise InvalidInputError(f"{name} must be at least 1", **{name: getattr(self, name)})
        if self.validation_horizon is not None and self.validation_horizon < 1:
            raise InvalidInputError("validation_horizon must be at least 1")
        if not all(0 < level < 100 for level in self.levels):
            raise InvalidInputError("levels must be percentages between 0 and 100")
        if not 0 <= self.margin < 1:
            raise InvalidInputError("margin must be a share in [0, 1)", margin=self.margin)

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
        scores, offsets = [], {}
        window = self.validation_horizon or self.horizon
        for group, candidates, combination, default in (
            (
                "regular",
                regular_models(self.season_length),
                combination_members(self.season_length) if self.combination else (),
                default_model(self.season_length),
            ),
            ("intermittent", intermittent_models(), (), None),
        ):
            if not groups[group]:
                continue
            part = frame[frame["unique_id"].isin(groups[group])]
            found = validate(
                part,
                candidates,
                freq=data.freq,
                horizon=window,
                n_windows=self.n_windows,
                combination=combination,
            )
            order = (*candidates, COMBINATION) if combination else tuple(candidates)
            chosen = choose(found.scores, order, default=default, margin=self.margin)
            choices.update(chosen)
            scores.append(found.scores)
            offsets.update(
                validated_offsets(found.errors, chosen, levels=self.levels, horizon=self.horizon)
            )
        self.classes_: dict[str, DemandClass] = classes
        self.choices_: dict[str, str] = dict(sorted(choices.items()))
        self.scores_: dict[str, dict[str, float]] = _nested_scores(scores)
        self.issues_: dict[str, tuple[SeriesIssue, ...]] = {
            uid: data.issues_of(uid) for uid in classes if data.issues_of(uid)
        }
        offsets.update(self._unvalidated_offsets(frame))
        self.forecast_: pd.DataFrame = self._forecast(frame, data, offsets)
        return self

    def _unvalidated_offsets(self, frame: pd.DataFrame) -> dict[str, dict[int, np.ndarray]]:
        """Offsets for series too short to validate (their spread) or never sold (none)."""
        found: dict[str, dict[int, np.ndarray]] = {}
        for uid, y in frame.groupby("unique_id", sort=True)["y"]:
            key = str(uid)
            if self.choices_.get(key) == SHORT_HISTORY_MODEL:
                # Too short to validate: the spread around the mean is all there is to go on.
                values = y.to_numpy(dtype="float64")
                spread = values - values.mean()
            elif self.choices_.get(key) == NO_DEMAND_MODEL:
                spread = np.zeros(1)
            else:
                continue
            found[key] = {
                level: np.tile(error_bounds(spread, level), (self.horizon, 1))
                for level in self.levels
            }
        return found

    def _points(self, name: str, part: pd.DataFrame, freq: str) -> pd.DataFrame:
        """Point forecasts of one model for the series of ``part`` (``unique_id, ds, mean``)."""
        if name == NO_DEMAND_MODEL:
            last = part.groupby("unique_id", sort=True)["ds"].max()
            return pd.DataFrame(
                [
                    (uid, ds, 0.0)
                    for uid, end in last.items()
                    for ds in pd.date_range(end, periods=self.horizon + 1, freq=freq)[1:]
                ],
                columns=["unique_id", "ds", "mean"],
            )
        members = combination_members(self.season_length) if name == COMBINATION else (name,)
        engine = StatsForecast(
            models=[model_named(m, self.season_length) for m in members], freq=freq, n_jobs=1
        )
        points = engine.forecast(df=part, h=self.horizon)
        points["mean"] = combine(points[list(members)].to_numpy(dtype="float64"))
        return points[["unique_id", "ds", "mean"]]

    def _forecast(
        self,
        frame: pd.DataFrame,
        data: SalesSeries,
        offsets: dict[str, dict[int, np.ndarray]],
    ) -> pd.DataFrame:
        by_model: dict[str, list[str]] = {}
        for uid, name in self.choices_.items():
            by_model.setdefault(name, []).append(uid)
        parts = []
        for name, ids in sorted(by_model.items()):
            points = self._points(name, frame[frame["unique_id"].isin(ids)], data.freq)
            points["unique_id"] = points["unique_id"].astype(str)
            points["model"] = name
            parts.append(points[["unique_id", "ds", "mean", "model"]])
        result = pd.concat(parts, ignore_index=True).sort_values(["unique_id", "ds"])
        result = result.reset_index(drop=True)
        uids = result["unique_id"].to_numpy()
        step = result.groupby("unique_id", sort=False).cumcount().to_numpy()
        none = np.zeros((self.horizon, 2))
        for level in self.levels:
            bounds = np.array(
                [offsets.get(u, {}).get(level, none)[h] for u, h in zip(uids, step, strict=True)],
                dtype="float64",
            ).reshape(-1, 2)
            result[f"lo-{level}"] = result["mean"].to_numpy() + bounds[:, 0]
            result[f"hi-{level}"] = result["mean"].to_numpy() + bounds[:, 1]
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
            members=combination_members(self.season_length) if self.combination else (),
            default=default_model(self.season_length),
            margin=self.margin,
        )


def _nested_scores(scores: list[pd.DataFrame]) -> dict[str, dict[str, float]]:
    nested: dict[str, dict[str, float]] = {}
    for table in scores:
        for uid, name, mae in table[["unique_id", "model", "mae"]].itertuples(index=False):
            nested.setdefault(str(uid), {})[str(name)] = float(mae)
    return dict(sorted(nested.items()))
