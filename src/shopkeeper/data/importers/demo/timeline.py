"""The day grid of the demo shop, its weekly and daily rhythm, and local-to-UTC time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from .config import DemoShopConfig

TIME_ZONE = "Europe/Paris"

# Shoppers browse on Sunday evening and order from the office on Monday; Saturday is
# spent outside. Index 0 is Monday.
_WEEKDAY_SHAPE = np.array([1.10, 1.03, 0.99, 0.98, 0.92, 0.85, 1.13])

# Share of a day's orders per local hour: quiet nights, a lunch bump, an evening peak.
_HOUR_SHAPE = np.array(
    [0.8, 0.4, 0.25, 0.2, 0.2, 0.3, 0.8, 1.8, 3.0, 3.6, 4.0, 4.3,
     5.2, 5.0, 4.2, 4.0, 4.1, 4.5, 5.0, 6.0, 7.2, 7.6, 6.4, 3.2]
)  # fmt: skip
HOUR_PROFILE: npt.NDArray[np.float64] = _HOUR_SHAPE / _HOUR_SHAPE.sum()


@dataclass(frozen=True)
class ShopCalendar:
    """The local days of the history and their weekday, month and position.

    Examples
    --------
    >>> cal = ShopCalendar.from_config(DemoShopConfig(months=1))
    >>> cal.days[0].date().isoformat(), cal.days[-1].date().isoformat()
    ('2026-10-01', '2026-10-31')
    """

    days: pd.DatetimeIndex

    @classmethod
    def from_config(cls, config: DemoShopConfig) -> ShopCalendar:
        end = pd.Timestamp(config.end_date)
        start = end - pd.DateOffset(months=config.months) + pd.Timedelta(days=1)
        return cls(days=pd.date_range(start, end, freq="D"))

    @property
    def n_days(self) -> int:
        return len(self.days)

    @property
    def weekday(self) -> npt.NDArray[np.int64]:
        """Monday = 0 for every day."""
        return np.asarray(self.days.dayofweek, dtype=np.int64)

    @property
    def month0(self) -> npt.NDArray[np.int64]:
        """January = 0 for every day."""
        return np.asarray(self.days.month, dtype=np.int64) - 1

    @property
    def years_from_middle(self) -> npt.NDArray[np.float64]:
        """Signed years from the middle of the history, for trends that average to one."""
        t = np.arange(self.n_days, dtype=np.float64)
        return np.asarray((t - t.mean()) / 365.25, dtype=np.float64)

    def index_of_date(self, day: date) -> int:
        """Position of a local day in the grid (may fall outside it)."""
        return (day - self.days[0].date()).days


def weekday_multipliers(config: DemoShopConfig, rng: np.random.Generator) -> list[float]:
    """Seven weekday multipliers with mean one, flat when weekly seasonality is off."""
    if not config.weekly_seasonality:
        return [1.0] * 7
    shape = _WEEKDAY_SHAPE * np.exp(rng.normal(0.0, 0.02, size=7))
    return [round(float(v), 4) for v in shape / shape.mean()]


def local_to_utc(
    day_index: npt.NDArray[np.int64], seconds: npt.NDArray[np.float64], cal: ShopCalendar
) -> pd.DatetimeIndex:
    """UTC instants of wall-clock times ``seconds`` after local midnight of given days."""
    base = cal.days[0].to_datetime64()
    offsets = day_index.astype("timedelta64[D]") + np.round(seconds).astype("timedelta64[s]")
    wall = pd.DatetimeIndex(base + offsets)
    # Autumn's repeated hour is read as summer time and spring's missing hour shifts
    # forward: a shop clock does the same, and it keeps every instant valid.
    local = wall.tz_localize(
        TIME_ZONE, ambiguous=np.ones(len(wall), dtype=bool), nonexistent="shift_forward"
    )
    return local.tz_convert("UTC")


def draw_seconds_of_day(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    """Wall-clock seconds after midnight following the shop's hourly profile."""
    hours = rng.choice(24, size=n, p=HOUR_PROFILE)
    return (hours * 3600 + rng.uniform(0, 3600, size=n)).astype(np.float64)


def utc_nanoseconds(instants: pd.DatetimeIndex) -> npt.NDArray[np.int64]:
    """Nanoseconds since the epoch, for sorting instants with numpy."""
    return np.asarray(instants.tz_convert("UTC").tz_localize(None), dtype="datetime64[ns]").astype(
        np.int64
    )
