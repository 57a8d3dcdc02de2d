"""Synthetic sales with known elasticities: for the contract checks, the examples and the tests.

Each product's daily demand is ``base * weekly * (price / list)^elasticity * competitors^0.5``
with gamma noise (so the counts are overdispersed, as real ones are); its price wanders
around the list price so the elasticity can be read from the data. Elasticities of a
category scatter around the category's own mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from shopkeeper.ai.registry import Sample


@dataclass(frozen=True, slots=True)
class SyntheticSales:
    """Sales rows (the estimator's input) and the truth they were drawn from."""

    frame: pd.DataFrame
    elasticity: dict[str, float]
    category_mean: dict[str, float]
    competitor_effect: float = 0.5


def synthetic_sales(
    seed: int,
    *,
    categories: int = 2,
    products_per_category: int = 3,
    days: int = 60,
    base_units: tuple[float, float] = (2.0, 20.0),
    price_spread: float = 0.15,
    spread_within: float = 0.25,
) -> SyntheticSales:
    """Daily sales of ``categories x products_per_category`` products over ``days`` days.

    ``base_units`` bounds each product's mean daily units at its list price (drawn
    log-uniformly); ``price_spread`` is the standard deviation of the log price around the list
    price; ``spread_within`` that of the log elasticity around its category's mean.

    Examples
    --------
    >>> sales = synthetic_sales(0, days=10)
    >>> sorted(sales.frame.columns)
    ['category', 'competitor_price', 'day', 'price', 'promotion', 'ref_price', 'sku', 'units']
    >>> len(sales.frame), all(e < 0 for e in sales.elasticity.values())
    (60, True)
    """
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-05")
    dates = pd.date_range(start, periods=days, freq="D")
    weekly = np.array([0.9, 0.9, 0.95, 1.0, 1.1, 1.25, 1.1])[dates.dayofweek]
    frames, truth, cat_means = [], {}, {}
    for c in range(categories):
        category = f"CAT-{c}"
        cat_means[category] = -float(np.exp(rng.normal(np.log(1.8), 0.3)))
        for j in range(products_per_category):
            sku = f"{category}-P{j}"
            elasticity = cat_means[category] * float(np.exp(rng.normal(0, spread_within)))
            truth[sku] = elasticity
            list_price = float(np.round(rng.uniform(10, 80), 2))
            base = float(np.exp(rng.uniform(*np.log(base_units))))
            price = list_price * np.exp(rng.normal(0, price_spread, days))
            competitor = list_price * np.exp(rng.normal(0, 0.1, days))
            promotion = rng.random(days) < 0.05
            mean = (
                base
                * weekly
                * (price / list_price) ** elasticity
                * (competitor / list_price) ** 0.5
                * np.where(promotion, 1.4, 1.0)
            )
            units = rng.poisson(mean * rng.gamma(8.0, 1 / 8.0, days))
            frames.append(
                pd.DataFrame(
                    {
                        "sku": sku,
                        "category": category,
                        "day": dates,
                        "units": units.astype(float),
                        "price": np.round(price, 2),
                        "ref_price": list_price,
                        "competitor_price": np.round(competitor, 2),
                        "promotion": promotion,
                    }
                )
            )
    return SyntheticSales(pd.concat(frames, ignore_index=True), truth, cat_means)


def sample(seed: int) -> Sample:
    """Contract-check sample: six products in two categories, queries with and without context.

    Imported lazily by the model's module to keep :mod:`.elasticity` free of test data.
    """
    from shopkeeper.ai.pricing.elasticity import ElasticityQuery

    sales = synthetic_sales(seed)
    queries = (
        ElasticityQuery(skus=("CAT-0-P0", "CAT-1-P2")),
        ElasticityQuery(
            skus=("CAT-0-P1",),
            day=pd.Timestamp("2026-03-07").date(),
            competitor_prices={"CAT-0-P1": 30.0},
            promoted=frozenset({"CAT-0-P1"}),
        ),
        ElasticityQuery(skus=("NEW-1", "NEW-2"), categories={"NEW-1": "CAT-1"}),
    )
    return Sample(data=sales.frame, queries=queries)
