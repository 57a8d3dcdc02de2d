"""Category popularity trends, short viral spikes, and the search counts that reveal them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .config import DemoShopConfig
from .timeline import ShopCalendar
from .vocabulary import CATEGORIES

FloatArray = npt.NDArray[np.float64]

# Searches run ahead of orders: people look before they buy.
SEARCH_LEAD_DAYS = 2


@dataclass(frozen=True)
class Trends:
    """Planted category trends and spikes, and daily search counts per category.

    Examples
    --------
    >>> config = DemoShopConfig(months=6)
    >>> cal = ShopCalendar.from_config(config)
    >>> t = build_trends(config, cal, np.ones((len(CATEGORIES), 12)), np.random.default_rng(0))
    >>> t.demand.shape == t.searches.shape == (cal.n_days, len(CATEGORIES))
    True
    """

    growth_per_year: dict[str, float]
    spikes: list[dict[str, Any]]
    demand: FloatArray  # multiplier per (day, category)
    searches: FloatArray  # search count per (day, category)


def build_trends(
    config: DemoShopConfig, cal: ShopCalendar, yearly: FloatArray, rng: np.random.Generator
) -> Trends:
    """Log-linear growth per category plus a few triangular spikes, when trends are on."""
    n_days, n_cat = cal.n_days, len(CATEGORIES)
    growth = np.clip(rng.normal(0.03, 0.15, size=n_cat), -0.3, 0.45)
    weights = np.array([c.weight for c in CATEGORIES])
    n_spikes = max(2, round(3 * config.months / 12))
    spike_cat = rng.choice(n_cat, size=n_spikes, p=weights / weights.sum())
    spike_len = rng.integers(6, 15, size=n_spikes)
    spike_start = rng.integers(
        SEARCH_LEAD_DAYS, max(n_days - 15, SEARCH_LEAD_DAYS + 1), size=n_spikes
    )
    spike_lift = rng.uniform(1.5, 2.2, size=n_spikes)
    noise = rng.standard_normal((n_days, n_cat))

    demand = np.ones((n_days, n_cat))
    search_boost = np.ones((n_days, n_cat))
    spikes: list[dict[str, Any]] = []
    if config.trends:
        demand *= np.exp(np.outer(cal.years_from_middle, growth))
        for k, length, start, lift in zip(
            spike_cat, spike_len, spike_start, spike_lift, strict=True
        ):
            shape = 1 - np.abs(np.linspace(-1, 1, length + 2)[1:-1])  # triangle, peak mid-spike
            end = min(start + length, n_days)
            demand[start:end, k] *= 1 + (lift - 1) * shape[: end - start]
            s0 = start - SEARCH_LEAD_DAYS
            search_boost[s0 : s0 + (end - start), k] *= 1 + 2.5 * (lift - 1) * shape[: end - start]
            spikes.append(
                {
                    "category": CATEGORIES[k].name,
                    "start": cal.days[start].date().isoformat(),
                    "end": cal.days[end - 1].date().isoformat(),
                    "peak_demand_lift": round(float(lift), 3),
                    "peak_search_lift": round(float(1 + 2.5 * (lift - 1)), 3),
                    "search_lead_days": SEARCH_LEAD_DAYS,
                }
            )

    base = 600 * weights / weights.sum()
    seasonal = yearly[:, cal.month0].T
    expected = base[None, :] * seasonal * demand * search_boost
    # A normal approximation of Poisson noise uses one fixed draw per cell, so an ablated
    # shop sees the same noise and differs only by the switched-off effect.
    searches = np.maximum(np.round(expected + np.sqrt(expected) * noise), 0.0)
    growth_truth = {
        c.name: (round(float(g), 4) if config.trends else 0.0)
        for c, g in zip(CATEGORIES, growth, strict=True)
    }
    return Trends(growth_truth, spikes, demand, searches)
