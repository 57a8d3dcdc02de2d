"""The statsforecast models tried for each kind of demand.

Regular demand (smooth or erratic) tries naive, seasonal naive, AutoETS and AutoTheta, and
their combination (the mean of seasonal naive, AutoETS and AutoTheta: the M4 competition
found combinations more accurate than picking one model; the mean rather than the median
because with under two seasons of history AutoETS and AutoTheta fit no season, and the
median of three then follows the two seasonless members). Intermittent and lumpy demand
tries Croston (optimised), ADIDA and TSB, which forecast a rate rather than chase the last
non-zero sale. Short histories, too short to validate anything, get the historic mean;
series that never sold, zero.

AutoETS and AutoTheta search a *structure* per series (ETS components such as ``MNMN``:
multiplicative error, no trend, multiplicative season, not damped; a Theta variant such as
``DOTM``). The search is the expensive part, so it runs once per model selection
(:mod:`.structures`) and :func:`member_model` builds the model with its structure fixed:
only the smoothing parameters are fitted again.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from statsforecast.models import (
    ADIDA,
    TSB,
    AutoETS,
    AutoTheta,
    CrostonOptimized,
    HistoricAverage,
    Naive,
    SeasonalNaive,
    ZeroModel,
)

# TSB smoothing of demand size and probability; 0.1 is the usual textbook starting value.
_TSB_ALPHA = 0.1
SHORT_HISTORY_MODEL = "HistoricAverage"
NO_DEMAND_MODEL = "Zero"
INTERMITTENT_MODELS = ("CrostonOptimized", "ADIDA", "TSB")
COMBINATION = "Combination"
# The candidates whose statsforecast model searches a structure per series.
STRUCTURED = ("AutoETS", "AutoTheta")


def regular_models(season_length: int) -> dict[str, Any]:
    """Candidates for smooth or erratic demand, keyed by the column statsforecast writes."""
    models: dict[str, Any] = {"Naive": Naive()}
    if season_length > 1:
        models["SeasonalNaive"] = SeasonalNaive(season_length=season_length)
    models["AutoETS"] = AutoETS(season_length=season_length)
    models["AutoTheta"] = AutoTheta(season_length=season_length)
    return models


def combination_members(season_length: int) -> tuple[str, ...]:
    """The regular candidates whose forecasts the combination averages.

    Naive is left out: on seasonal data it is the one member that is usually far off.
    Without a season, seasonal naive is naive and drops out too.
    """
    first = ("SeasonalNaive",) if season_length > 1 else ("Naive",)
    return (*first, "AutoETS", "AutoTheta")


def members_of(name: str, season_length: int) -> tuple[str, ...]:
    """The models whose forecasts make candidate ``name`` (itself, or the combination's).

    Examples
    --------
    >>> members_of("Combination", 7)
    ('SeasonalNaive', 'AutoETS', 'AutoTheta')
    >>> members_of("TSB", 7)
    ('TSB',)
    """
    return combination_members(season_length) if name == COMBINATION else (name,)


def combine(forecasts: np.ndarray) -> np.ndarray:
    """Mean over the members (columns) of each row, ignoring members that failed (NaN).

    Examples
    --------
    >>> combine(np.array([[1.0, 2.0, 9.0], [4.0, np.nan, 6.0]])).tolist()
    [4.0, 5.0]
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # A row where every member failed stays NaN (and can never win validation).
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(forecasts, axis=1), dtype="float64")


def default_model(season_length: int) -> str:
    """The regular candidate others must beat by a margin to be chosen (the benchmark)."""
    return "SeasonalNaive" if season_length > 1 else "Naive"


def intermittent_models() -> dict[str, Any]:
    """Candidates for intermittent or lumpy demand."""
    return {
        "CrostonOptimized": CrostonOptimized(),
        "ADIDA": ADIDA(),
        "TSB": TSB(alpha_d=_TSB_ALPHA, alpha_p=_TSB_ALPHA),
    }


def model_named(name: str, season_length: int) -> Any:
    """A fresh statsforecast model from its candidate name (structures searched)."""
    return member_model(name, "", season_length)


def member_model(name: str, structure: str, season_length: int) -> Any:
    """A fresh statsforecast model; a non-empty ``structure`` fixes AutoETS's or AutoTheta's.

    Examples
    --------
    >>> member_model("AutoETS", "MAMD", 7).model, member_model("AutoETS", "MAMD", 7).damped
    ('MAM', True)
    >>> member_model("AutoTheta", "DOTM", 7).model
    'DOTM'
    """
    if name == SHORT_HISTORY_MODEL:
        return HistoricAverage()
    if name == NO_DEMAND_MODEL:
        return ZeroModel(alias=NO_DEMAND_MODEL)
    if structure and name == "AutoETS":
        return AutoETS(
            season_length=season_length, model=structure[:3], damped=structure[3:] == "D"
        )
    if structure and name == "AutoTheta":
        return AutoTheta(season_length=season_length, model=structure)
    found = {**regular_models(season_length), **intermittent_models()}.get(name)
    if found is None:
        raise KeyError(f"unknown forecasting model {name!r}")
    return found


def for_data(name: str, structure: str, positive: bool) -> str:
    """``structure`` made fit for the data: multiplicative ETS parts need positive values.

    A structure searched on an earlier, positive stretch of history fails on data that has
    since had a day without sales; the additive counterpart is the nearest model that fits.
    Theta switches its seasonal decomposition by itself.

    Examples
    --------
    >>> for_data("AutoETS", "MNMN", positive=False), for_data("AutoETS", "MNMN", positive=True)
    ('ANAN', 'MNMN')
    """
    if positive or name != "AutoETS" or not structure:
        return structure
    return structure[:3].replace("M", "A") + structure[3:]
