"""The words under a category's or the shop's forecast: what it adds up to and from what.

The forecast of an aggregate is the sum of its products' forecasts, so its reason says so,
in units a day, and names the products that weigh most in that sum.
"""

from __future__ import annotations

import pandas as pd

from shopkeeper.domain.explanation import Explanation, Factor

TOP_PRODUCTS = 3


def _amount(units: float) -> str:
    """Two significant digits for small amounts, whole units from ten on."""
    return f"{units:.0f}" if units >= 10 else f"{units:.2g}"


def explain_aggregate(
    category: str | None,
    part: pd.DataFrame,
    members: list[str],
    shares: pd.Series,
    past: pd.Series,
    catalogue: dict[str, tuple[str, str]],
    *,
    n_categories: int,
) -> Explanation:
    """One sentence an owner reads, and the products that weigh most in the sum.

    ``category`` is ``None`` for the shop; ``part`` holds the aggregate's coherent daily
    ``mean``; ``shares`` each product's units over the horizon, ``past`` its units sold;
    ``catalogue`` maps a sku to its title and category.

    Examples
    --------
    >>> part = pd.DataFrame({"mean": [3.0, 3.0]})
    >>> why = explain_aggregate("Garden", part, ["A", "B"], pd.Series({"A": 4.0, "B": 2.0}),
    ...                         pd.Series({"A": 9.0, "B": 1.0}),
    ...                         {"A": ("Rake", "Garden"), "B": ("Hose", "Garden")},
    ...                         n_categories=1)
    >>> why.summary
    "Sum of the 2 products' forecasts in Garden (about 3 a day over the next 2 days); interval from the category's own history."
    >>> [(f.name, f.weight) for f in why.factors]
    [('A', 0.6667), ('B', 0.3333)]
    """
    days = len(part)
    total = float(part["mean"].sum())
    n = len(members)
    what = f"the {n} products' forecasts" if n != 1 else "the one product's forecast"
    where = f"in {category}" if category else f"across {n_categories} categories"
    whose = "the category's" if category else "the shop's"
    if category and float(past.reindex(members).fillna(0).sum()) == 0:
        # Every product of the category is new or unsold: there is nothing to sum yet.
        summary = (
            f"None of the {n} products in {category} has sold yet: "
            "no sales expected until they start selling."
        )
    elif total == 0:
        summary = f"Sum of {what} {where}: no sale expected over the next {days} days."
    else:
        summary = (
            f"Sum of {what} {where} (about {_amount(total / days)} a day over the next "
            f"{days} days); interval from {whose} own history."
        )
    top = sorted(members, key=lambda s: (-float(shares.get(s, 0.0)), s))[:TOP_PRODUCTS]
    factors = tuple(
        Factor(
            sku,
            round(float(shares.get(sku, 0.0)) / total, 4) if total > 0 else 0.0,
            f"{catalogue[sku][0]}: about {_amount(float(shares.get(sku, 0.0)) / days)} a day"
            + (f", {float(shares.get(sku, 0.0)) / total:.0%} of the total" if total > 0 else ""),
        )
        for sku in top
    )
    return Explanation(summary, factors)
