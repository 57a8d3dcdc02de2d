"""The Pricing page's chart data: plain JSON the page's script hands to Chart.js.

Prices and money become floats here, for drawing only: the tables next to the charts show
the exact amounts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shopkeeper.services.price_history import PriceHistory
from shopkeeper.services.pricing_curve import ElasticityCurve
from shopkeeper.services.pricing_effects import PricingEffects

Translate = Callable[..., str]


def _ms(moment: datetime) -> int:
    """Milliseconds since the epoch: what a linear time axis in the browser plots."""
    return int(moment.timestamp() * 1000)


def curve_chart(curve: ElasticityCurve, t: Translate) -> dict[str, Any]:
    """Units and profit per day against price, their bands, and the two marked prices.

    Examples
    --------
    >>> from datetime import UTC
    >>> from decimal import Decimal
    >>> from shopkeeper.ai.pricing.elasticity import Elasticity
    >>> e = Elasticity("MUG-1", "mugs", -1.4, 0.3, -1.78, -1.02, 10.0, 5.0, 90, 400.0, 0.25)
    >>> c = ElasticityCurve("MUG-1", "Mug", "EUR", Decimal("10"), Decimal("4"), e, 1,
    ...     datetime(2026, 1, 1, tzinfo=UTC), (9.0, 10.0), (5.6, 5.0), (5.5, 5.0), (5.8, 5.0),
    ...     (23.5, 25.0), (23.0, 25.0), (24.0, 25.0), 5.0, 25.0, None)
    >>> data = curve_chart(c, lambda key, **v: key)
    >>> data["units"], data["current"], data["proposed"]
    ([5.6, 5.0], {'price': 10.0, 'units': 5.0, 'profit': 25.0}, None)
    """
    proposed = curve.proposed
    return {
        "sku": curve.sku,
        "currency": curve.currency,
        "prices": list(curve.prices),
        "units": list(curve.units),
        "units_low": list(curve.units_low),
        "units_high": list(curve.units_high),
        "profit": list(curve.profit),
        "profit_low": list(curve.profit_low),
        "profit_high": list(curve.profit_high),
        "current": {
            "price": float(curve.current_price),
            "units": round(curve.current_units, 3),
            "profit": round(curve.current_profit, 2),
        },
        "stock_cap": None if curve.stock_cap is None else round(curve.stock_cap, 3),
        "proposed": None
        if proposed is None
        else {
            "price": float(proposed.price),
            "units": round(proposed.units, 3),
            "profit": round(proposed.profit, 2),
            "status": proposed.status,
        },
        "names": {
            key: t(f"pricing.chart_{key}")
            for key in (
                "units",
                "profit",
                "band",
                "stock_cap",
                "current",
                "proposed",
                "applied",
                "price",
                "units_axis",
                "profit_axis",
            )
        },
    }


def history_chart(history: PriceHistory, t: Translate) -> dict[str, Any]:
    """Our price as steps and each competitor's prices, on one time axis."""
    return {
        "sku": history.sku,
        "since": _ms(history.since),
        "until": _ms(history.until),
        "ours": [{"x": _ms(s.at), "y": float(s.price)} for s in history.ours],
        "competitors": [
            {"name": c.name, "points": [{"x": _ms(at), "y": value} for at, value in c.points]}
            for c in history.competitors
        ],
        "names": {"ours": t("pricing.chart_ours"), "price": t("pricing.chart_price")},
    }


def effects_chart(effects: PricingEffects, t: Translate) -> dict[str, Any]:
    """Expected against measured profit change per day, for the changes measured so far."""
    counted = list(reversed(effects.counted))  # oldest first, as time reads
    return {
        "labels": [f"{e.sku} {e.changed_at.date().isoformat()}" for e in counted],
        "expected": [float(e.expected_change or 0) for e in counted],
        "measured": [float(e.measured_change) for e in counted],
        "names": {
            "expected": t("pricing.chart_expected"),
            "measured": t("pricing.chart_measured"),
        },
    }
