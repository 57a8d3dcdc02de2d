"""Forecasts for a simulation, refitted on a schedule and read in between.

:class:`DailyLocalFeed` forecasts as the shop does: per-series models chosen every few days
(the weekly selection) and refitted every day on that choice (the nightly run).
:class:`RefitFeed` is the cheaper approximation for any fitting function: it refits every
``every`` days and, on the days between, hands out the last fit's forecast shifted by the
days since. A product that first sells between two refits is refitted every day from its
first sale until the next refit rather than left at the zero forecast of a product not yet
launched. Both keep their forecasts by day, so a second simulation over the same demand
from the same start reuses them: the demand history a policy sees does not depend on the
policy. :func:`local_forecast` fits :class:`~shopkeeper.ai.forecast.local.LocalForecaster`
on a daily history matrix; a product's series starts at its first sale, as in the shop.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

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

    A product launched after the last fit is fitted on its own every day it has sold by:

    >>> history = np.zeros((30, 2)); history[:, 0] = 1.0; history[24:, 1] = 3.0
    >>> feed = RefitFeed(lambda h: DemandForecast(np.tile(h[-7:].mean(axis=0)[:, None], 9)))
    >>> feed(22, history[:23]).mean[:, 0].tolist(), feed(25, history[:26]).mean[:, 0].tolist()
    ([1.0, 0.0], [1.0, 0.857...])
    """

    def __init__(self, fit: Callable[[FloatArray], DemandForecast], *, every: int = 14) -> None:
        if every < 1:
            raise InvalidInputError("every must be at least 1 day", every=every)
        self.fit = fit
        self.every = every
        self.fits: dict[int, DemandForecast] = {}
        self.launch_fits: dict[int, tuple[np.ndarray, DemandForecast] | None] = {}
        self._last: int | None = None

    def __call__(self, day: int, history: FloatArray) -> DemandForecast:
        if self._last is None or day < self._last or day - self._last >= self.every:
            self._last = day
        if self._last not in self.fits:
            self.fits[self._last] = self.fit(history[: self._last + 1])
        forecast = self.fits[self._last].shifted(day - self._last)
        if day == self._last:
            return forecast
        if day not in self.launch_fits:
            unsold = history[: self._last + 1].sum(axis=0) <= 0
            launched = np.flatnonzero(unsold & (history[self._last + 1 : day + 1].sum(axis=0) > 0))
            self.launch_fits[day] = (
                (launched, self.fit(history[: day + 1, launched])) if len(launched) else None
            )
        launches = self.launch_fits[day]
        return forecast if launches is None else _replace_rows(forecast, *launches)


def _replace_rows(
    forecast: DemandForecast, rows: np.ndarray, other: DemandForecast
) -> DemandForecast:
    """``forecast`` with ``rows`` taken from ``other`` (one row each, cut to its horizon)."""
    width = forecast.mean.shape[1]

    def merged(base: FloatArray | None, new: FloatArray | None) -> FloatArray | None:
        if base is None:
            return None
        # Without bounds of its own, the row gets a zero-width interval (Poisson spread).
        return _replaced(base, rows, (other.mean if new is None else new)[:, :width])

    return DemandForecast(
        _replaced(forecast.mean, rows, other.mean[:, :width]),
        merged(forecast.lo, other.lo),
        merged(forecast.hi, other.hi),
        forecast.interval_level,
    )


def _replaced(base: FloatArray, rows: np.ndarray, values: FloatArray) -> FloatArray:
    out = base.copy()
    out[rows] = values
    return out


class DailyLocalFeed:
    """The shop's own forecasting in a simulation: models chosen every ``select_every`` days
    (the weekly selection) and refitted on that choice every day (the nightly run).

    Products launched since the last selection are validated on their own by the refit,
    as in the shop. Forecasts are kept by day, so a second simulation over the same demand
    from the same start reuses them.

    Examples
    --------
    >>> days = np.arange(80)
    >>> history = np.stack([10.0 + 5 * (days % 7 >= 5), np.where(days >= 75, 3.0, 0.0)], axis=1)
    >>> feed = DailyLocalFeed(horizon=3, select_every=7)
    >>> feed(72, history[:73]).mean.round(1).tolist()
    [[10.0, 10.0, 15.0], [0.0, 0.0, 0.0]]
    >>> feed(77, history[:78]).mean.round(1).tolist()  # day 72's choice, refitted
    [[10.0, 10.0, 10.0], [3.0, 3.0, 3.0]]
    >>> _ = feed(79, history[:80])
    >>> feed.selected_on
    [72, 79]
    """

    def __init__(
        self,
        *,
        horizon: int,
        select_every: int = 14,
        validation_horizon: int = 14,
        n_windows: int = 3,
        level: int = 80,
    ) -> None:
        if select_every < 1:
            raise InvalidInputError(
                "select_every must be at least 1 day", select_every=select_every
            )
        self.horizon = horizon
        self.select_every = select_every
        self.level = level
        self._new_model = partial(
            LocalForecaster,
            horizon=horizon,
            validation_horizon=validation_horizon,
            n_windows=n_windows,
            levels=(level,),
        )
        self.fits: dict[int, DemandForecast] = {}
        self.selected_on: list[int] = []
        self._chosen: LocalForecaster | None = None

    def __call__(self, day: int, history: FloatArray) -> DemandForecast:
        if day not in self.fits:
            chosen = self._chosen
            if chosen is None or not 0 <= day - self.selected_on[-1] < self.select_every:
                chosen = self._chosen = self._new_model().fit(_sales(history[: day + 1]))
                self.selected_on.append(day)
                fitted = chosen
            else:
                fitted = chosen.reusing_choice().fit(_sales(history[: day + 1]))
            self.fits[day] = _demand_forecast(fitted, history.shape[1], self.horizon, self.level)
        return self.fits[day]


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
    # One day of the daily feed: it chooses the models on this history and forecasts.
    feed = DailyLocalFeed(
        horizon=horizon, validation_horizon=validation_horizon, n_windows=n_windows, level=level
    )
    return feed(history.shape[0] - 1, history)


def _sales(history: FloatArray) -> SalesSeries:
    """``history`` (days × SKUs) as sales series, each from its product's first sale."""
    n_days, n_skus = history.shape
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat([f"{i:06d}" for i in range(n_skus)], n_days),
            "ds": np.tile(pd.date_range(_ORIGIN, periods=n_days, freq="D"), n_skus),
            "y": history.T.reshape(-1),
        }
    )
    # As in the shop's own run (services.sales_history), a product's series starts when it
    # went on sale, here its first sale: the days before are no history, not zero demand.
    sold = history > 0
    launch = np.where(sold.any(axis=0), sold.argmax(axis=0), 0)
    return SalesSeries.from_frame(
        frame[np.tile(np.arange(n_days), n_skus) >= np.repeat(launch, n_days)]
    )


def _demand_forecast(
    model: LocalForecaster, n_skus: int, horizon: int, level: int
) -> DemandForecast:
    out = model.predict(ForecastQuery(horizon=horizon)).frame
    out = out.sort_values(["unique_id", "ds"], kind="stable")

    def grid(column: str) -> FloatArray:
        return np.asarray(out[column].to_numpy(dtype="float64").reshape(n_skus, horizon))

    return DemandForecast(grid("mean"), grid(f"lo-{level}"), grid(f"hi-{level}"), level / 100)
