"""What a statistical model's forecast says, in an owner's words: level, weekly rhythm, trend.

A statistical model has no drivers to attribute its forecast to; what it has is the shape
it drew from the product's own past. These sentences read that shape off the forecast
itself, so they always match the chart next to them.
"""

from __future__ import annotations

import pandas as pd

from shopkeeper.domain.explanation import Factor

_DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
# Smaller swings than these are noise an owner need not read about.
_WEEKLY_SWING = 0.10
_TREND = 0.10
_WEEK = 7


def _amount(units: float) -> str:
    """Two significant digits for small amounts, whole units from ten on (never 1.2e+02)."""
    return f"{units:.0f}" if units >= 10 else f"{units:.2g}"


def forecast_shape(part: pd.DataFrame) -> tuple[str, tuple[Factor, ...]]:
    """One sentence and its factors for one series' forecast (columns ``ds``, ``mean``).

    Examples
    --------
    >>> days = pd.date_range("2026-06-01", periods=14, freq="D")  # a Monday
    >>> mean = [4.0] * 5 + [8.0, 8.0]
    >>> text, factors = forecast_shape(pd.DataFrame({"ds": days, "mean": mean * 2}))
    >>> text
    'About 5.1 a day over the next 14 days; Saturdays +56%, Mondays -22%.'
    >>> [f.name for f in factors]
    ['level', 'weekly_pattern']
    """
    mean = part["mean"].astype("float64").to_numpy()
    days = pd.DatetimeIndex(part["ds"])
    level = float(mean.mean())
    amount = _amount(level)
    phrases = [f"About {amount} a day over the next {len(mean)} days"]
    factors = [Factor("level", round(level, 4), f"{amount} a day")]
    if level > 0 and len(mean) >= _WEEK:
        by_day = pd.Series(mean).groupby(days.dayofweek).mean() / level - 1
        high, low = int(by_day.idxmax()), int(by_day.idxmin())
        if by_day[high] - by_day[low] >= _WEEKLY_SWING:
            pattern = (
                f"{_DAY_NAMES[high]} {by_day[high]:+.0%}, {_DAY_NAMES[low]} {by_day[low]:+.0%}"
            )
            phrases.append(pattern)
            factors.append(Factor("weekly_pattern", round(float(by_day[high]), 4), pattern))
    if level > 0 and len(mean) >= 2 * _WEEK:
        first, last = mean[:_WEEK].mean(), mean[-_WEEK:].mean()
        change = (last - first) / first if first > 0 else 0.0
        if abs(change) >= _TREND:
            trend = f"{'rising' if change > 0 else 'falling'} {abs(change):.0%} from the first week to the last"
            phrases.append(trend)
            factors.append(Factor("trend", round(float(change), 4), trend))
    if level == 0:
        phrases = [f"No sale expected over the next {len(mean)} days"]
    return "; ".join(phrases) + ".", tuple(factors)
