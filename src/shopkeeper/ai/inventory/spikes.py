"""Early warning of demand spikes from daily searches or views, for preventive restock.

People search and look before they buy, so a jump in searches for a category (or views of
a product) announces extra orders a few days ahead. :class:`SearchSpikeDetector` compares
each day's count with what the recent past (and, when a year of history exists, the same
season last year) makes usual, and raises one :class:`SpikeAlert` per spike: the key, the
day it was detected, the ratio to the usual level, and an uplift (a multiplier and a
duration) that a reorder policy applies to its demand forecast from that day on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm, poisson  # type: ignore[import-untyped]

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

FloatArray = npt.NDArray[np.float64]
REQUIRED = ("key", "day", "count")
# A median absolute deviation times this estimates the standard deviation of normal noise.
MAD_TO_SD = float(1 / norm.ppf(0.75))


@dataclass(frozen=True, slots=True)
class SpikeAlert:
    """One detected spike and the extra demand a reorder policy should plan for.

    ``uplift`` multiplies the demand forecast of the key's products on the
    ``duration_days`` days starting at ``detected_on`` (see :meth:`multipliers`).
    """

    key: str
    detected_on: date
    since: date
    count: float
    usual: float
    ratio: float
    z_score: float
    uplift: float
    duration_days: int
    explanation: Explanation

    @property
    def until(self) -> date:
        """The last day the uplift applies to."""
        return self.detected_on + timedelta(days=self.duration_days - 1)

    def multipliers(self, days: pd.DatetimeIndex) -> FloatArray:
        """The forecast multiplier on each of ``days``: the uplift inside the alert, else 1."""
        day = days.tz_localize(None) if days.tz is not None else days
        inside = (day.normalize() >= pd.Timestamp(self.detected_on)) & (
            day.normalize() <= pd.Timestamp(self.until)
        )
        return np.where(inside, self.uplift, 1.0).astype(np.float64)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values, as a proposal stores them."""
        return {
            "key": self.key,
            "detected_on": self.detected_on.isoformat(),
            "since": self.since.isoformat(),
            "count": self.count,
            "usual": round(self.usual, 2),
            "ratio": round(self.ratio, 3),
            "z_score": round(self.z_score, 2),
            "uplift": round(self.uplift, 3),
            "duration_days": self.duration_days,
            "explanation": self.explanation.as_dict(),
        }


class SearchSpikeDetector:
    """Spikes in daily counts (searches or views) per key, one alert per spike.

    The usual level of a day is the median of the ``window_days`` before it; when the
    history reaches a year back, it is scaled by how the same season moved last year
    (``season_days`` earlier), so a yearly rush such as back-to-school is not a spike.
    The spread is the normal-scaled median of how far the ``spread_days`` before strayed
    from their own usual level (relative to it). A day alerts when it is at least
    ``min_ratio`` times the usual level, ``min_z`` spreads above it and as unlikely as a
    normal ``min_z`` under Poisson noise around the usual level, and at least
    ``min_count`` high, on ``confirm_days`` days in a row; a key then stays quiet for
    ``cooldown_days``.

    Parameters
    ----------
    window_days : int
        Days before each day that define its usual level.
    spread_days : int
        Days before each day whose deviations from their usual level define the spread.
    min_ratio, min_z, min_count : float
        How far above usual, in ratio and in spreads, and how high in absolute terms.
    confirm_days : int
        Consecutive alerting days needed; 1 alerts on the first.
    cooldown_days : int
        Days after an alert during which the same key cannot alert again.
    season_days : int or None
        How far back "the same season last year" is (364 keeps weekdays aligned);
        ``None`` switches the seasonal scaling off.
    demand_pass_through : float
        Share of the extra searches that turns into extra demand:
        ``uplift = 1 + demand_pass_through * (ratio - 1)``.
    max_uplift : float
        Cap on the uplift, so one wild day cannot order a year of stock.
    uplift_days : int
        How many days, from detection, the uplift applies to.
    label : str
        What is counted, for the explanation ("Searches", "Views").

    Examples
    --------
    >>> days = pd.date_range("2026-09-01", periods=60, freq="D")
    >>> counts = np.full(60, 40.0)
    >>> counts[50:55] = [56, 90, 160, 120, 70]  # a burst from 21 October
    >>> frame = pd.DataFrame({"key": "umbrellas", "day": days, "count": counts})
    >>> [alert] = SearchSpikeDetector().detect(frame)
    >>> alert.detected_on, alert.since, round(alert.uplift, 2), alert.duration_days
    (datetime.date(2026, 10, 22), datetime.date(2026, 10, 21), 1.25, 10)
    >>> alert.explanation.summary
    "Searches for 'umbrellas' are 2.2× their usual level since 2026-10-21"
    """

    def __init__(
        self,
        *,
        window_days: int = 28,
        spread_days: int = 91,
        min_ratio: float = 1.5,
        min_z: float = 5.0,
        min_count: float = 10.0,
        confirm_days: int = 1,
        cooldown_days: int = 21,
        season_days: int | None = 364,
        demand_pass_through: float = 0.2,
        max_uplift: float = 3.0,
        uplift_days: int = 10,
        label: str = "Searches",
    ) -> None:
        self.window_days = window_days
        self.spread_days = spread_days
        self.min_ratio = min_ratio
        self.min_z = min_z
        self.min_count = min_count
        self.confirm_days = confirm_days
        self.cooldown_days = cooldown_days
        self.season_days = season_days
        self.demand_pass_through = demand_pass_through
        self.max_uplift = max_uplift
        self.uplift_days = uplift_days
        self.label = label

    def params(self) -> dict[str, Any]:
        """The hyperparameters as given to ``__init__``."""
        return dict(vars(self))

    def detect(self, counts: pd.DataFrame) -> tuple[SpikeAlert, ...]:
        """Every spike in ``counts`` (columns ``key, day, count``), by day then key.

        Rows of the same key and day are added up; days missing between a key's first
        and last row count as zero, and a key alerts only once it has ``window_days``
        of history. Raises :class:`InvalidInputError` on an empty frame, missing
        columns, or counts that are negative or not numbers.
        """
        self._check_params()
        wide = _daily_matrix(counts)
        y = wide.to_numpy(dtype=np.float64)
        usual, spread = self._usual(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = y / usual
            # Surprise under both noise models: the spread seen in the past, and Poisson
            # counts, which no real series beats; the exact Poisson tail matters because
            # small counts are skewed and a normal z overstates their rare highs.
            z_spread = (y - usual) / spread
            z_count = norm.isf(poisson.sf(y - 1, usual))
        z = np.fmin(z_spread, z_count)  # where the spread is not known yet, Poisson alone
        hit = (ratio >= self.min_ratio) & (z >= self.min_z) & (y >= self.min_count)
        hit &= np.isfinite(usual) & (usual > 0)
        run = pd.DataFrame(hit).rolling(self.confirm_days, min_periods=self.confirm_days).sum()
        confirmed = run.to_numpy() >= self.confirm_days
        alerts: list[SpikeAlert] = []
        days = pd.DatetimeIndex(wide.index)
        for k, key in enumerate(wide.columns):
            quiet_until = -1
            for t in np.flatnonzero(confirmed[:, k]).tolist():
                if t <= quiet_until:
                    continue
                quiet_until = t + self.cooldown_days - 1
                alerts.append(self._alert(str(key), days, t, y[:, k], usual[:, k], z[t, k]))
        return tuple(sorted(alerts, key=lambda a: (a.detected_on, a.key)))

    def _check_params(self) -> None:
        if (
            min(self.window_days, self.spread_days) < 3
            or min(self.confirm_days, self.uplift_days) < 1
        ):
            raise InvalidInputError(
                "window_days and spread_days must be >= 3, confirm_days and uplift_days >= 1",
                window_days=self.window_days,
                spread_days=self.spread_days,
                confirm_days=self.confirm_days,
                uplift_days=self.uplift_days,
            )
        if self.min_ratio <= 1 or self.cooldown_days < 0 or self.max_uplift < 1:
            raise InvalidInputError(
                "min_ratio must be > 1, max_uplift >= 1 and cooldown_days >= 0",
                min_ratio=self.min_ratio,
                max_uplift=self.max_uplift,
                cooldown_days=self.cooldown_days,
            )

    def _usual(self, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Usual level and spread of each (day, key), from the days before it only."""
        counts = pd.DataFrame(y)
        w = self.window_days
        median = counts.shift(1).rolling(w, min_periods=w).median()
        # The spread is read from how far each past day strayed from its own usual level,
        # relative to it, over a longer span than the level: a month of days gives a shaky
        # deviation, and an underestimated one turns ordinary noise into spikes.
        relative = (counts / median - 1).abs().where(median > 0)
        typical = relative.shift(1).rolling(self.spread_days, min_periods=w).median()
        level = median.to_numpy(dtype=np.float64)
        season = self._season(y, level)
        usual = level * season
        spread = typical.to_numpy(dtype=np.float64) * MAD_TO_SD * usual
        return usual, spread

    def _season(self, y: FloatArray, median: FloatArray) -> FloatArray:
        """How much higher last year's level was around this day than in its window."""
        s = self.season_days
        if s is None or len(y) <= s:
            return np.ones_like(y)
        # A week's median around the same day last year, against last year's window median.
        # The highest such median within three days either side: a seasonal step (a month
        # that starts a rush) rarely falls on the very same day, and judging it a day early
        # on the way down would make the last high day look like a spike.
        weekly = pd.DataFrame(y).rolling(7, center=True, min_periods=4).median()
        around = weekly.rolling(7, center=True, min_periods=1).max().to_numpy(dtype=np.float64)
        then = np.full_like(y, np.nan)
        then[s:] = around[:-s]
        before = np.full_like(y, np.nan)
        before[s:] = median[:-s]
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = then / before
        factor = np.where(np.isfinite(factor) & (factor > 0), factor, 1.0)
        # A seasonal swing beyond 4x either way is more likely last year's own spike.
        return np.clip(factor, 0.25, 4.0)

    def _alert(
        self,
        key: str,
        days: pd.DatetimeIndex,
        t: int,
        y: FloatArray,
        usual: FloatArray,
        z: float,
    ) -> SpikeAlert:
        ratio = float(y[t] / usual[t])
        # The spike started on the first day of the run that was already halfway there.
        halfway = 1 + (self.min_ratio - 1) / 2
        start = t
        while start > 0 and usual[start - 1] > 0 and y[start - 1] / usual[start - 1] >= halfway:
            start -= 1
        uplift = float(min(1 + self.demand_pass_through * (ratio - 1), self.max_uplift))
        detected, since = days[t].date(), days[start].date()
        summary = (
            f"{self.label} for '{key}' are {ratio:.1f}× their usual level since {since.isoformat()}"
        )
        factors = (
            Factor("ratio_to_usual", ratio, f"{y[t]:.0f} against a usual {usual[t]:.1f}"),
            Factor("z_score", float(z), f"{float(z):.1f} spreads above usual"),
            Factor(
                "planned_uplift",
                uplift,
                f"demand forecast × {uplift:.2f} for {self.uplift_days} days from "
                f"{detected.isoformat()}",
            ),
        )
        return SpikeAlert(
            key=key,
            detected_on=detected,
            since=since,
            count=float(y[t]),
            usual=float(usual[t]),
            ratio=ratio,
            z_score=float(z),
            uplift=uplift,
            duration_days=self.uplift_days,
            explanation=Explanation(summary, factors),
        )


def _daily_matrix(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts as a (day, key) matrix over every day of the span, checked."""
    missing = [c for c in REQUIRED if c not in counts.columns]
    if missing:
        raise InvalidInputError(f"counts miss columns {', '.join(missing)}", missing=missing)
    if counts.empty:
        raise InvalidInputError("counts are empty: nothing to detect spikes in")
    value = pd.to_numeric(counts["count"], errors="coerce")
    if value.isna().any() or not np.isfinite(value.to_numpy(dtype=np.float64)).all():
        raise InvalidInputError("counts must be finite numbers", rows=int(value.isna().sum()))
    if (value < 0).any():
        bad = counts.loc[value < 0, "key"].astype(str).unique()[:5].tolist()
        raise InvalidInputError("counts cannot be negative", keys=bad)
    try:
        day = pd.to_datetime(counts["day"])
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"column 'day' must hold dates: {exc}") from exc
    if day.dt.tz is not None:
        day = day.dt.tz_localize(None)  # the calendar day as written, not shifted to UTC
    frame = pd.DataFrame({"key": counts["key"].astype(str), "day": day.dt.normalize()})
    frame["count"] = value.to_numpy(dtype=np.float64)
    wide = frame.pivot_table(index="day", columns="key", values="count", aggfunc="sum")
    span = pd.date_range(wide.index.min(), wide.index.max(), freq="D")
    wide = wide.reindex(span)
    # Inside a key's own span a missing day had no searches; outside it there is no history.
    seen = wide.notna()
    inside = seen.cummax() & seen[::-1].cummax()[::-1]
    return wide.fillna(0.0).where(inside)
