"""Future values of the exogenous columns a global model needs for the periods it forecasts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.core.errors import InvalidInputError

_MAX_LISTED = 5


@dataclass(frozen=True, eq=False)
class FutureQuery(ForecastQuery):
    """A forecast query carrying ``future``: ``unique_id, ds`` and the dynamic exogenous columns.

    Examples
    --------
    >>> future = pd.DataFrame({"unique_id": ["a"], "ds": pd.to_datetime(["2026-03-01"]),
    ...                        "promo": [1.0]})
    >>> FutureQuery(horizon=1, future=future).future["promo"].tolist()
    [1.0]
    """

    future: pd.DataFrame | None = None


def future_frame(
    query: ForecastQuery, grid: pd.DataFrame, columns: tuple[str, ...]
) -> pd.DataFrame | None:
    """The future ``columns`` on every row of ``grid`` (``unique_id, ds``), or a clear error.

    ``None`` when no column is needed.
    """
    if not columns:
        return None
    given = getattr(query, "future", None)
    if given is None:
        raise InvalidInputError(
            f"the model uses exogenous columns {', '.join(columns)}: give their future values "
            "for the forecast periods (FutureQuery(future=...), columns unique_id, ds, ...)",
            columns=list(columns),
        )
    absent = [c for c in ("unique_id", "ds", *columns) if c not in given.columns]
    if absent:
        raise InvalidInputError(f"future values miss columns {', '.join(absent)}", missing=absent)
    future = given[["unique_id", "ds", *columns]].copy()
    future["unique_id"] = future["unique_id"].astype(str)
    future["ds"] = pd.to_datetime(future["ds"])
    if future.duplicated(["unique_id", "ds"]).any():
        raise InvalidInputError("future values list some (series, date) pairs more than once")
    merged = grid.merge(future, on=["unique_id", "ds"], how="left", indicator=True)
    # A period without a row is a hole; a row with a missing value is the caller's say
    # (LightGBM treats missing as its own case, e.g. no competitor watching a product).
    holes = merged.pop("_merge") != "both"
    if holes.any():
        rows = merged.loc[holes, ["unique_id", "ds"]]
        shown = [f"{u} {d:%Y-%m-%d}" for u, d in rows.head(_MAX_LISTED).itertuples(index=False)]
        more = len(rows) - len(shown)
        raise InvalidInputError(
            f"future values of {', '.join(columns)} are missing for {len(rows)} forecast "
            f"periods, e.g. {', '.join(shown)}" + (f" and {more} more" if more > 0 else ""),
            missing_periods=len(rows),
        )
    return merged
