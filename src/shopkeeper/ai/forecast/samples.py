"""Small daily histories for the contract checks and the examples."""

from __future__ import annotations

import numpy as np
import pandas as pd

from shopkeeper.ai.forecast.prediction import ForecastQuery
from shopkeeper.ai.forecast.series import SalesSeries
from shopkeeper.ai.registry import Sample


def daily_sales(seed: int, *, days: int = 60) -> pd.DataFrame:
    """Four SKUs: weekly-seasonal, intermittent, short (new) and never sold."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-01")
    dates = pd.date_range(start, periods=days, freq="D")
    weekly = 20 + 8 * (dates.dayofweek >= 5) + rng.normal(0, 2, days)
    sparse = rng.poisson(3, days) * (rng.random(days) < 0.25)
    short = rng.poisson(5, 12).astype(float)
    return pd.concat(
        [
            pd.DataFrame({"unique_id": "SKU-WEEKLY", "ds": dates, "y": np.round(weekly)}),
            pd.DataFrame({"unique_id": "SKU-SPARSE", "ds": dates, "y": sparse.astype(float)}),
            pd.DataFrame({"unique_id": "SKU-NEW", "ds": dates[-12:], "y": short}),
            pd.DataFrame({"unique_id": "SKU-NONE", "ds": dates[-20:], "y": 0.0}),
        ],
        ignore_index=True,
    )


def sample(seed: int) -> Sample:
    """Contract-check sample: the four SKUs and a few queries."""
    data = SalesSeries.from_frame(daily_sales(seed), freq="D")
    queries = (
        ForecastQuery(horizon=7),
        ForecastQuery(horizon=3, unique_ids=("SKU-SPARSE",)),
        ForecastQuery(horizon=5, unique_ids=("SKU-WEEKLY", "SKU-NEW")),
    )
    return Sample(data=data, queries=queries)
