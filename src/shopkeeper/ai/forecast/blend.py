"""The global LightGBM model blended with the season-ago baseline, at a validated weight.

On two years of weekly history LightGBM sees each calendar week only once or twice, and
on its own it loses to last year's value; the season-ago baseline
(:class:`~.season_ago.SeasonAgoForecaster`) cannot use prices, markdowns or the weather.
Their weighted mean beats both when the weight is chosen on validation windows cut from
the history (``benchmarks/forecast_walmart.py --tune``). Intervals are the same weighted
mean of the two models' bounds (quantile averaging). Series the global model leaves to its
historic-mean fallback get the baseline alone.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Self

import pandas as pd

from shopkeeper.ai.base import Model
from shopkeeper.ai.forecast.global_model import MODEL_NAME as GLOBAL_NAME
from shopkeeper.ai.forecast.global_model import GlobalForecaster
from shopkeeper.ai.forecast.prediction import Forecast, ForecastQuery
from shopkeeper.ai.forecast.samples import sample
from shopkeeper.ai.forecast.season_ago import SeasonAgoForecaster
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.ai.registry import register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

MODEL_NAME = "Blend"
_KEYS = ["unique_id", "ds"]


@register(
    sample=sample,
    factory=lambda: BlendForecaster(season_length=7, horizon=7, global_params={"n_estimators": 30}),
)
class BlendForecaster(Model[SalesSeries, ForecastQuery, Forecast]):
    """``global_weight`` × :class:`GlobalForecaster` + the rest × :class:`SeasonAgoForecaster`.

    Parameters
    ----------
    season_length, horizon, levels
        Shared by both models.
    global_weight
        Share of the global LightGBM forecast, between 0 and 1.
    global_params, season_ago_params
        Further hyperparameters of each model (e.g. ``{"lags": [52]}``,
        ``{"group_column": "dept", "denoise_rank": 8}``).

    Examples
    --------
    >>> days = pd.date_range("2026-01-01", periods=60, freq="D")
    >>> frame = pd.concat([pd.DataFrame({"unique_id": uid, "ds": days,
    ...     "y": [base + 5.0 * (d.dayofweek >= 5) for d in days]}) for uid, base in
    ...     (("a", 10.0), ("b", 20.0))])
    >>> model = BlendForecaster(season_length=7, horizon=7, global_params={"n_estimators": 50})
    >>> forecast = model.fit(SalesSeries.from_frame(frame)).predict(ForecastQuery(horizon=7))
    >>> sorted(set(forecast.frame["model"]))
    ['Blend']
    """

    capability = "forecast"

    def __init__(
        self,
        *,
        season_length: int = 7,
        horizon: int = 28,
        levels: tuple[int, ...] = (80, 95),
        global_weight: float = 0.3,
        global_params: dict[str, Any] | None = None,
        season_ago_params: dict[str, Any] | None = None,
    ) -> None:
        self.season_length = season_length
        self.horizon = horizon
        self.levels = levels
        self.global_weight = global_weight
        self.global_params = global_params
        self.season_ago_params = season_ago_params

    def _members(self) -> tuple[GlobalForecaster, SeasonAgoForecaster]:
        if not 0.0 <= self.global_weight <= 1.0:
            raise InvalidInputError("global_weight must be between 0 and 1")
        shared: dict[str, Any] = {
            "season_length": self.season_length,
            "horizon": self.horizon,
            "levels": self.levels,
        }
        extra = dict(self.global_params or {})
        if extra.get("lags") is not None:
            extra["lags"] = tuple(extra["lags"])
        return (
            GlobalForecaster(**shared, **extra),
            SeasonAgoForecaster(**shared, **(self.season_ago_params or {})),
        )

    def fit(self, data: SalesSeries) -> Self:
        learned, base = self._members()
        self.forget()
        # The members' learned state as plain dicts: fitted models then compare by value.
        self.global_state_: dict[str, Any] = dict(vars(learned.fit(data)))
        self.season_ago_state_: dict[str, Any] = dict(vars(base.fit(data)))
        return self

    def _fitted(self) -> tuple[GlobalForecaster, SeasonAgoForecaster]:
        self.check_fitted()
        learned, base = self._members()
        vars(learned).update(self.global_state_)
        vars(base).update(self.season_ago_state_)
        return learned, base

    def predict(self, query: ForecastQuery) -> Forecast:
        global_model, season_ago = self._fitted()
        base = season_ago.predict(query).frame
        learned = global_model.predict(query).frame
        return Forecast(frame=blend_frames(base, learned, self.global_weight, self.levels))

    def explain(self, query: ForecastQuery, prediction: Forecast) -> Explanation:
        global_model, season_ago = self._fitted()
        ids = prediction.ids
        if not ids:
            return Explanation("No series asked, nothing forecast.")
        asked = dataclasses.replace(query, unique_ids=ids)
        base = season_ago.explain(asked, season_ago.predict(asked))
        blended = [u for u in ids if u in global_model.global_ids_]
        if not blended or self.global_weight == 0:
            return Explanation(f"Season-ago baseline alone. {base.summary}", base.factors)
        narrowed = dataclasses.replace(query, unique_ids=tuple(blended))
        learned = global_model.explain(narrowed, global_model.predict(narrowed))
        weight = self.global_weight
        factors = tuple(
            sorted(
                [Factor(f.name, round(weight * f.weight, 4), f.detail) for f in learned.factors]
                + [
                    Factor(f.name, round((1 - weight) * f.weight, 4), f.detail)
                    for f in base.factors
                ],
                key=lambda f: -f.weight,
            )
        )
        summary = (
            f"{100 * weight:.0f}% global model, {100 * (1 - weight):.0f}% season-ago baseline. "
            f"{learned.summary} {base.summary}"
        )
        return Explanation(summary, factors)


def blend_frames(
    base: pd.DataFrame, learned: pd.DataFrame, weight: float, levels: tuple[int, ...]
) -> pd.DataFrame:
    """``weight`` × ``learned`` + the rest × ``base`` where ``learned`` is the global model's.

    Both frames in :class:`Forecast` layout; rows of ``base`` without a global forecast (or
    with the global model's fallback) keep ``base``.
    """
    joined = base.merge(learned, on=_KEYS, how="left", suffixes=("", "_global"))
    blended = joined["model_global"] == GLOBAL_NAME
    columns = ["mean", *[f"{side}-{level}" for level in levels for side in ("lo", "hi")]]
    for column in columns:
        mixed = weight * joined[f"{column}_global"] + (1.0 - weight) * joined[column]
        joined[column] = mixed.where(blended, joined[column])
    joined["model"] = joined["model"].where(~blended, MODEL_NAME)
    result: pd.DataFrame = joined[[*_KEYS, "mean", "model", *columns[1:]]]
    return result
