"""The planted ground truth, as plain JSON-ready values, so models can be scored against it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from . import demand
from .catalogue import Catalogue
from .config import DemoShopConfig
from .customers import (
    JOIN_DURING_HISTORY,
    SEGMENT_PRICE_SENSITIVITY,
    SEGMENT_RATES,
    SEGMENT_SHARES,
    SEGMENTS,
    TIER_PREFERENCE,
)
from .local_events import LocalEvent
from .pricing import PricePlan
from .repurchase import CONTINUE_PROBABILITY, JITTER_SIGMA, START_PROBABILITY
from .seasonality import Holiday
from .sessions import CART_ABANDONMENT, CONVERSION
from .timeline import HOUR_PROFILE, TIME_ZONE, ShopCalendar
from .trends import Trends
from .vocabulary import CATEGORIES
from .weather import FORMULA, sensitivity_truth


@dataclass(frozen=True)
class PlantedEffects:
    """Everything the generator planted, gathered for :func:`build_truth`.

    Examples
    --------
    >>> import shopkeeper.data.importers.demo as demo
    >>> shop = demo.generate_shop(demo.DemoShopConfig(n_products=60, n_customers=200, months=2,
    ...                                               sessions_per_day=20, events_days=10))
    >>> len(shop.truth["weekday_multipliers"]), round(sum(shop.truth["weekday_multipliers"]) / 7, 2)
    (7, 1.0)
    """

    weekday: list[float]
    yearly: npt.NDArray[np.float64]
    holidays: list[Holiday]
    prices: PricePlan
    local_events: list[LocalEvent]
    trends: Trends
    competitor_skus: list[str]


def build_truth(
    config: DemoShopConfig, cal: ShopCalendar, cat: Catalogue, planted: PlantedEffects
) -> dict[str, Any]:
    """The truth dictionary saved next to a generated shop."""
    skus = cat.skus
    intervals = (
        {skus[p]: int(cat.interval_days[p]) for p in np.flatnonzero(cat.consumable)}
        if config.repurchase_cycles
        else {}
    )
    return {
        "config": config.to_dict(),
        "effects": config.effects(),
        "currency": "EUR",
        "time_zone": TIME_ZONE,
        "locale": "fr",
        "period": {"start": cal.days[0].date().isoformat(), "end": cal.days[-1].date().isoformat()},
        "demand_formula": " ".join((demand.__doc__ or "").split()),
        "weekday_multipliers": [float(v) for v in planted.weekday],
        "hour_profile": [round(float(v), 5) for v in HOUR_PROFILE],
        "yearly_profile": {
            spec.name: [float(v) for v in planted.yearly[k]] for k, spec in enumerate(CATEGORIES)
        },
        "holidays": [h.to_dict() for h in planted.holidays],
        "promotions": planted.prices.promotions,
        "elasticity": {
            s: round(float(e), 4) for s, e in zip(skus, planted.prices.elasticity, strict=True)
        },
        "price_response_formula": "(price / opening list price) ** elasticity, times the "
        "promotion's display_uplift while it runs",
        "repurchase_interval_days": intervals,
        "repurchase": {
            "start_probability": dict(zip(SEGMENTS, START_PROBABILITY.tolist(), strict=True)),
            "continue_probability": dict(zip(SEGMENTS, CONTINUE_PROBABILITY.tolist(), strict=True)),
            "jitter_sigma": JITTER_SIGMA,
            "weekday_shift_days": 3,
        },
        "weather_sensitivity": sensitivity_truth(config),
        "weather_formula": FORMULA,
        "local_events": [e.to_dict() for e in planted.local_events],
        "category_trends": planted.trends.growth_per_year,
        "customer_growth": (
            f"{JOIN_DURING_HISTORY:.0%} of customers sign up during the history, uniformly"
            if config.trends
            else "none: every customer exists from the start"
        ),
        "trend_spikes": planted.trends.spikes,
        "segments": {
            name: {
                "share": float(SEGMENT_SHARES[i]),
                "orders_per_day": float(SEGMENT_RATES[i]),
                "price_sensitivity": float(SEGMENT_PRICE_SENSITIVITY[i]),
                "tier_preference": dict(
                    zip(
                        ("premium", "mid", "mid_2", "budget"),
                        TIER_PREFERENCE[i].tolist(),
                        strict=True,
                    )
                ),
            }
            for i, name in enumerate(SEGMENTS)
        },
        "sessions": {
            "conversion": CONVERSION,
            "cart_abandonment": CART_ABANDONMENT,
            "note": "only a sample of orders in the event window has a tracked session",
        },
        "competitor_skus": planted.competitor_skus,
        "competitor_price_effect": "none: competitor prices are observed, not used by demand",
        "stock": "reorder point policy; express deliveries prevent stock-outs, so sales = demand",
    }
