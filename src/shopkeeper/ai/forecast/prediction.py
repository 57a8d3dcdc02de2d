"""What a forecaster is asked and what it answers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class ForecastQuery:
    """Forecast ``horizon`` periods after the history for ``unique_ids`` (all when empty).

    Examples
    --------
    >>> ForecastQuery(horizon=7, unique_ids=("SKU-1",)).horizon
    7
    """

    horizon: int
    unique_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Forecast:
    """Forecasts in long format.

    ``frame`` columns: ``unique_id, ds, mean, model`` and ``lo-L, hi-L`` per interval level
    ``L`` (e.g. ``lo-80, hi-80, lo-95, hi-95``).
    """

    frame: pd.DataFrame

    @property
    def ids(self) -> tuple[str, ...]:
        """Series forecast, sorted."""
        return tuple(sorted(self.frame["unique_id"].unique()))
