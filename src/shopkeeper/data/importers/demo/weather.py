"""Daily regional weather and how it moves demand in weather-sensitive categories."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .config import DemoShopConfig
from .places import REGIONS
from .timeline import ShopCalendar
from .vocabulary import CATEGORIES

FloatArray = npt.NDArray[np.float64]

# Demand multiplier = exp(rain_per_mm * min(precip_mm, RAIN_CAP_MM)
#                         + heat_per_degree * max(temp_c - HEAT_FROM_C, 0)).
RAIN_CAP_MM = 25.0
HEAT_FROM_C = 20.0
SENSITIVITY: dict[str, dict[str, float]] = {
    "umbrellas & rainwear": {"rain_per_mm": 0.06, "heat_per_degree": -0.01},
    "sunscreen": {"rain_per_mm": -0.02, "heat_per_degree": 0.07},
    "beverages": {"rain_per_mm": 0.0, "heat_per_degree": 0.035},
    "outdoor": {"rain_per_mm": -0.02, "heat_per_degree": 0.0},
    "garden": {"rain_per_mm": -0.025, "heat_per_degree": 0.01},
}
FORMULA = (
    "exp(rain_per_mm * min(precip_mm, 25) + heat_per_degree * max(temp_c - 20, 0)), "
    "using the weather of the order's shipping region on the order day"
)


@dataclass(frozen=True)
class Weather:
    """Daily mean temperature and precipitation, shape (days, regions).

    Examples
    --------
    >>> config = DemoShopConfig(months=2)
    >>> w = simulate_weather(ShopCalendar.from_config(config), np.random.default_rng(0))
    >>> w.temp_c.shape == w.precip_mm.shape, bool((w.precip_mm >= 0).all())
    (True, True)
    """

    temp_c: FloatArray
    precip_mm: FloatArray

    def demand_multipliers(self, config: DemoShopConfig) -> FloatArray:
        """Multiplier per (day, region, category); all ones when the effect is off."""
        n_days, n_regions = self.temp_c.shape
        out = np.ones((n_days, n_regions, len(CATEGORIES)))
        if not config.weather_effect:
            return out
        rain = np.minimum(self.precip_mm, RAIN_CAP_MM)
        heat = np.maximum(self.temp_c - HEAT_FROM_C, 0.0)
        for k, spec in enumerate(CATEGORIES):
            s = SENSITIVITY.get(spec.name)
            if s:
                out[:, :, k] = np.exp(s["rain_per_mm"] * rain + s["heat_per_degree"] * heat)
        return out


def sensitivity_truth(config: DemoShopConfig) -> dict[str, dict[str, float]]:
    """Per-category weather coefficients actually planted (zeros when switched off)."""
    scale = 1.0 if config.weather_effect else 0.0
    return {
        spec.name: {
            key: scale * value
            for key, value in SENSITIVITY.get(
                spec.name, {"rain_per_mm": 0.0, "heat_per_degree": 0.0}
            ).items()
        }
        for spec in CATEGORIES
    }


def simulate_weather(cal: ShopCalendar, rng: np.random.Generator) -> Weather:
    """Seasonal climate per region plus persistent day-to-day anomalies and rain spells."""
    n_days, n_regions = cal.n_days, len(REGIONS)
    doy = np.asarray(cal.days.dayofyear, dtype=np.float64)[:, None]
    mean = np.array([r.mean_temp_c for r in REGIONS])[None, :]
    amp = np.array([r.temp_amplitude_c for r in REGIONS])[None, :]
    climate = mean - amp * np.cos(2 * np.pi * (doy - 20) / 365.25)
    share = np.array([r.wet_day_share for r in REGIONS])[None, :]
    dry = np.array([r.dry_summer for r in REGIONS])[None, :]
    # Wettest around mid-December, driest in mid-June; dry_summer sets the contrast.
    p_wet = np.clip(share * (1 + dry * np.cos(2 * np.pi * (doy - 350) / 365.25)), 0.03, 0.85)
    stay_wet = np.minimum(p_wet + 0.25, 0.95)
    # Chosen so that the long-run share of wet days stays p_wet despite the persistence.
    become_wet = p_wet * (1 - stay_wet) / (1 - p_wet)

    national = rng.normal(0, 1.0, size=n_days)
    regional = rng.normal(0, 1.0, size=(n_days, n_regions))
    uniforms = rng.random((n_days, n_regions))
    anomaly = np.zeros((n_days, n_regions))
    wet = np.zeros((n_days, n_regions), dtype=bool)
    a_nat = 0.0
    a_reg = np.zeros(n_regions)
    prev_wet = uniforms[0] < p_wet[0]
    for d in range(n_days):  # autoregressive, so one step per day over all regions at once
        a_nat = 0.8 * a_nat + 1.6 * national[d]
        a_reg = 0.6 * a_reg + 1.0 * regional[d]
        anomaly[d] = a_nat + a_reg
        prev_wet = uniforms[d] < np.where(prev_wet, stay_wet[d], become_wet[d])
        wet[d] = prev_wet
    amount = rng.gamma(0.9, 6.0 / 0.9, size=(n_days, n_regions))
    precip = np.where(wet, np.clip(amount, 0.2, 60.0), 0.0)
    return Weather(
        temp_c=np.round(climate + anomaly, 1).astype(np.float64),
        precip_mm=np.round(precip, 1).astype(np.float64),
    )
