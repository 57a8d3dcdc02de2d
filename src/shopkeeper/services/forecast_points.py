"""How forecasts are stored and read back: the settings and the point format both levels share.

Product forecasts (:mod:`.forecasting`) and category and shop forecasts
(:mod:`.aggregate_forecasts`) store their days as ``{"ds", "mean", "lo-80", ...}`` dicts
and read them back as :class:`~shopkeeper.domain.forecasts.ForecastPoint`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shopkeeper.domain.forecasts import ForecastPoint

WEEKLY_SEASON = 7
LEVELS = (80, 95)
# Eight weeks of history drawn before the forecast: enough to see the weekly rhythm.
HISTORY_SHOWN_DAYS = 56


def to_points(stored: list[dict[str, Any]]) -> list[ForecastPoint]:
    """Stored days as forecast points, with the bounds of every level kept."""
    return [
        ForecastPoint(
            day=date.fromisoformat(p["ds"]),
            mean=p["mean"],
            **{
                f"{side}_{level}": p.get(f"{side}-{level}")
                for side in ("lo", "hi")
                for level in LEVELS
            },
        )
        for p in stored
    ]
