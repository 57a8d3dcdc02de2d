"""One statistical model per series, chosen on the series' own recent past.

Each series is classified (:mod:`.demand_class`); its candidates (:mod:`.candidates`)
forecast the last ``n_windows`` windows of its history (:mod:`.selection`); the one with
the lowest validation MAE (seasonal naive unless another beats it by ``margin``; the
candidates include their mean) is refitted on the whole history and forecasts ``horizon``
periods, with conformal intervals per step ahead from the validation errors
(:mod:`.intervals`).

Choosing is the expensive part, so it need not be redone every day: ``selection_`` is the
choice as a plain, JSON-ready value (:mod:`.chosen`) and a forecaster built with
``chosen=previous.selection_`` (:meth:`LocalForecaster.reusing_choice`) refits each series'
chosen model, its structure fixed, without validating. Series the choice does not cover,
or whose demand changed family, are validated then. Forecasts are computed at fit time, so
``predict`` only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import pandas as pd

from shopkeeper.ai.base import Model
from shopkeeper.ai.forecast.candidates import (
    NO_DEMAND_MODEL,
    SHORT_HISTORY_MODEL,
    combination_members,
    default_model,
)
from shopkeeper.ai.forecast.chosen import Choice, SeriesChoice
from shopkeeper.ai.forecast.demand_class import DemandClass, classify
from shopkeeper.ai.forecast.explaining import explain_forecast
from shopkeeper.ai.forecast.prediction import Forecast, ForecastQuery
from shopkeeper.ai.forecast.refit import Settings, refit_forecast
from shopkeeper.ai.forecast.samples import sample
from shopkeeper.ai.forecast.selection import select
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
    chosen
        A previous fit's ``selection_`` (same ``season_length``, ``horizon`` and
        ``levels``): its series keep their model, structure and interval scale, and only the
        others are validated. ``None`` validates every series.
    searched
        The structures an earlier selection searched (``selection_["searched"]``, as
        :meth:`LocalForecaster.reselecting` passes them): reused while younger than
        :data:`~.structures.MAX_AGE` selections instead of searched again.
    n_jobs
        Processes for the AutoETS and AutoTheta fits (statsforecast's ``n_jobs``; -1: every
        core). The forecasts do not depend on it.

    Examples
    --------
    >>> days = pd.date_range("2026-01-01", periods=70, freq="D")
    >>> frame = pd.DataFrame({"unique_id": "SKU-1", "ds": days,
    ...                       "y": [10.0 + 5 * (d.dayofweek >= 5) for d in days]})
    >>> weekly = LocalForecaster(horizon=7).fit(SalesSeries.from_frame(frame))
    >>> weekly.choices_["SKU-1"]
    'SeasonalNaive'
    >>> weekly.predict(ForecastQuery(horizon=2)).frame["mean"].round(1).tolist()
    [10.0, 10.0]
    >>> daily = weekly.reusing_choice().fit(SalesSeries.from_frame(frame))
    >>> daily.reused_, daily.choices_ == weekly.choices_
    (('SKU-1',), True)
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
        chosen: Mapping[str, Any] | None = None,
        searched: Mapping[str, Any] | None = None,
        n_jobs: int = 1,
    ) -> None:
        self.season_length = season_length
        self.horizon = horizon
        self.validation_horizon = validation_horizon
        self.n_windows = n_windows
        self.levels = levels
        self.margin = margin
        self.combination = combination
        self.chosen = chosen
        self.searched = searched
        self.n_jobs = n_jobs

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
        if self.n_jobs == 0 or self.n_jobs < -1:
            raise InvalidInputError("n_jobs must be a positive count or -1", n_jobs=self.n_jobs)

    @property
    def min_validated_length(self) -> int:
        """Shortest history that gets model selection; shorter ones get the mean."""
        window = self.validation_horizon or self.horizon
        return window * self.n_windows + max(self.season_length + 2, 8)

    def __repr__(self) -> str:
        # A choice covers every series: show its size, not its 10,000 entries.
        shown = [
            f"{k}=<choice of {len(v.get('series', {}))} series>"
            if k in ("chosen", "searched") and v is not None
            else f"{k}={v!r}"
            for k, v in self.params().items()
        ]
        return f"{self.name()}({', '.join(shown)})"

    def reusing_choice(self) -> Self:
        """An unfitted twin that reuses this fit's choice (``chosen=self.selection_``)."""
        self.check_fitted()
        return type(self)(**{**self.params(), "chosen": self.selection_, "searched": None})

    def reselecting(self) -> Self:
        """An unfitted twin that selects afresh but reuses the structures this fit searched.

        The weekly selection takes it: AutoETS's and AutoTheta's structure search, most of a
        selection's time, is then redone for about a quarter of the series each week.
        """
        self.check_fitted()
        return type(self)(
            **{**self.params(), "chosen": None, "searched": self.selection_.get("searched")}
        )

    def fit(self, data: SalesSeries) -> Self:
        self._check_params()
        self.forget()
        stored = Choice({}, {})
        if self.chosen is not None:
            stored = Choice.from_plain(
                self.chosen,
                season_length=self.season_length,
                horizon=self.horizon,
                levels=self.levels,
            )
        frame = data.frame[["unique_id", "ds", "y"]]
        classes, choices, kept, pending = self._triage(frame, stored)
        series, bounds = dict(kept), dict(stored.bounds)
        # A reused choice carries the structures of its own selection.
        earlier = dict(stored.searched if self.chosen is not None else self.searched or {})
        searched = {uid: entry for uid, entry in earlier.items() if uid in kept}
        for family, ids in pending.items():
            if not ids:
                continue
            found = select(
                frame[frame["unique_id"].isin(ids)],
                family,
                freq=data.freq,
                season_length=self.season_length,
                window=self.validation_horizon or self.horizon,
                n_windows=self.n_windows,
                horizon=self.horizon,
                levels=self.levels,
                margin=self.margin,
                combination=self.combination,
                n_jobs=self.n_jobs,
                searched=earlier,
            )
            series.update(found.series)
            searched.update(found.searched)
            # Bounds pooled over a whole selection beat those of a few newcomers.
            bounds.setdefault(family, found.bounds)
        choices.update({uid: one.model for uid, one in series.items()})
        self.classes_: dict[str, DemandClass] = classes
        self.reused_: tuple[str, ...] = tuple(sorted(kept))
        self.selection_: dict[str, Any] = Choice(bounds, series, searched).to_plain(
            season_length=self.season_length, horizon=self.horizon, levels=self.levels
        )
        self.scores_: dict[str, dict[str, float]] = {
            uid: dict(one.scores) for uid, one in sorted(series.items())
        }
        issues: dict[str, list[SeriesIssue]] = {}
        for issue in data.issues:
            issues.setdefault(issue.unique_id, []).append(issue)
        self.issues_: dict[str, tuple[SeriesIssue, ...]] = {
            uid: tuple(listed) for uid, listed in sorted(issues.items()) if uid in classes
        }
        settings = Settings(
            freq=data.freq,
            season_length=self.season_length,
            horizon=self.horizon,
            levels=self.levels,
            n_jobs=self.n_jobs,
        )
        self.forecast_: pd.DataFrame
        self.forecast_, made = refit_forecast(
            frame, choices, Choice(bounds, series), settings, allow_negative=data.allow_negative
        )
        self.choices_: dict[str, str] = dict(sorted(made.items()))
        return self

    def _triage(
        self, frame: pd.DataFrame, stored: Choice
    ) -> tuple[
        dict[str, DemandClass], dict[str, str], dict[str, SeriesChoice], dict[str, list[str]]
    ]:
        """Each series' demand class and fate: a fallback, the stored choice, or validation.

        A stored choice is kept while the series' demand stays in the same family (regular
        or intermittent); a series the choice does not cover, or whose demand changed
        family, waits for validation (returned per family).
        """
        classes: dict[str, DemandClass] = {}
        fallbacks: dict[str, str] = {}
        kept: dict[str, SeriesChoice] = {}
        pending: dict[str, list[str]] = {"regular": [], "intermittent": []}
        for uid, y in frame.groupby("unique_id", sort=True)["y"]:
            key, values = str(uid), y.to_numpy()
            classes[key] = demand = classify(values)
            family = "intermittent" if demand.is_intermittent else "regular"
            old = stored.series.get(key)
            if demand.kind == "no_demand":
                fallbacks[key] = NO_DEMAND_MODEL
            elif len(values) < self.min_validated_length:
                fallbacks[key] = SHORT_HISTORY_MODEL
            elif old is not None and old.family == family:
                kept[key] = old
            else:
                pending[family].append(key)
        return classes, fallbacks, kept, pending

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
