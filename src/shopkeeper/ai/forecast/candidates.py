"""The statsforecast models tried for each kind of demand.

Regular demand (smooth or erratic) tries naive, seasonal naive, AutoETS and AutoTheta;
intermittent and lumpy demand tries Croston (optimised), ADIDA and TSB, which forecast a
rate rather than chase the last non-zero sale. Short histories, too short to validate
anything, get the historic mean.
"""

from __future__ import annotations

from typing import Any

from statsforecast.models import (
    ADIDA,
    TSB,
    AutoETS,
    AutoTheta,
    CrostonOptimized,
    HistoricAverage,
    Naive,
    SeasonalNaive,
)

# TSB smoothing of demand size and probability; 0.1 is the usual textbook starting value.
_TSB_ALPHA = 0.1
SHORT_HISTORY_MODEL = "HistoricAverage"
NO_DEMAND_MODEL = "Zero"
INTERMITTENT_MODELS = ("CrostonOptimized", "ADIDA", "TSB")


def regular_models(season_length: int) -> dict[str, Any]:
    """Candidates for smooth or erratic demand, keyed by the column statsforecast writes."""
    models: dict[str, Any] = {"Naive": Naive()}
    if season_length > 1:
        models["SeasonalNaive"] = SeasonalNaive(season_length=season_length)
    models["AutoETS"] = AutoETS(season_length=season_length)
    models["AutoTheta"] = AutoTheta(season_length=season_length)
    return models


def intermittent_models() -> dict[str, Any]:
    """Candidates for intermittent or lumpy demand."""
    return {
        "CrostonOptimized": CrostonOptimized(),
        "ADIDA": ADIDA(),
        "TSB": TSB(alpha_d=_TSB_ALPHA, alpha_p=_TSB_ALPHA),
    }


def model_named(name: str, season_length: int) -> Any:
    """A fresh statsforecast model from its candidate name."""
    if name == SHORT_HISTORY_MODEL:
        return HistoricAverage()
    found = {**regular_models(season_length), **intermittent_models()}.get(name)
    if found is None:
        raise KeyError(f"unknown forecasting model {name!r}")
    return found
