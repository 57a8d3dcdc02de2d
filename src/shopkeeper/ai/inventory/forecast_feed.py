"""Forecasts for a simulation, refitted on a schedule and read in between.

:class:`RefitFeed` refits every ``every`` days and, on the days between, hands out the last
fit's forecast shifted by the days since (as a shop's weekly forecast run would). Fits are
kept by day, so a second simulation over the same demand from the same start reuses them:
the demand history a policy sees does not depend on the policy.
:func:`local_forecast` fits :class:`~shopkeeper.ai.forecast.local.LocalForecaster` on a
daily history matrix.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from shopkeeper.ai.forecast.local import LocalForecaster
from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.ai.inventory.forecast_policy import DemandForecast
from shopkeeper.ai.inventory.simulator import FloatArray
from shopkeeper.core.errors import InvalidInputError

_ORIGIN = pd.Timestamp("2000-01-03")  # a Monday: only the weekday pattern matters


class RefitFeed:
    """Refit ``fit(history)`` every ``every`` days; shift the last forecast in between.

    Examples
    --------
    >>> calls = []
    >>> def fit(history):
    ...     calls.append(len(history))
    ...     return DemandForecast(np.tile(np.arange(10.0), (history.shape[1], 1)))
    >>> feed = RefitFeed(fit, every=7)
    >>> [float(feed(day, np.zeros((day + 1, 1))).mean[0, 0]) for day in (20, 21, 26, 27)]
    [0.0, 1.0, 6.0, 0.0]
    >>> calls
    [21, 28]
    """

    def __init__(self, fit: Callable[[FloatArray], DemandForecast], *, every: int = 14) -> None:
        if every < 1:
            raise InvalidInputError("every must be at least 1 day", every=every)
        self.fit = fit
        self.every = every
        self.fits: dict[int, DemandForecast] = {}
        self._last: int | None = None

    def __call__(self, day: int, history: FloatArray) -> DemandForecast:
        if self._last is None or day < self._last or day - self._last >= self.every:
            self._last = day
        if self._last not in self.fits:
            self.fits[self._last] = self.fit(history[: self._last + 1])
        return self.fits[self._last].shifted(day - self._last)


def local_forecast(
    history: FloatArray,
    *,
    horizon: int,
    validation_horizon: int = 14,
    n_windows: int = 3,
    level: int = 80,
) -> DemandForecast:
    """Fit the per-series forecaster on ``history`` (days × SKUs) and forecast ``horizon`` days.

    Examples
    --------
    >>> days = np.arange(70)
    >>> history = np.stack([10.0 + 5 * (days % 7 >= 5), np.zeros(70)], axis=1)
    >>> forecast = local_forecast(history, horizon=3)
    >>> forecast.mean.round(1).tolist()
    [[10.0, 10.0, 10.0], [0.0, 0.0, 0.0]]
    """
    n_days, n_skus = history.shape
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat([f"{i:06d}" for i in range(n_skus)], n_days),
            "ds": np.tile(pd.date_range(_ORIGIN, periods=n_days, freq="D"), n_skus),
            "y": history.T.reshape(-1),
        }
    )
    model = LocalForecaster(
        horizon=horizon,
        validation_horizon=validation_horizon,
        n_windows=n_windows,
        levels=(level,),
    ).fit(SalesSeries.from_frame(frame))
    out = model.predict(ForecastQuery(horizon=horizon)).frame
    out = out.sort_values(["unique_id", "ds"], kind="stable")

    def grid(column: str) -> FloatArray:
        return np.asarray(out[column].to_numpy(dtype="float64").reshape(n_skus, horizon))

    return DemandForecast(grid("mean"), grid(f"lo-{level}"), grid(f"hi-{level}"), level / 100)
