"""Run one policy through one market; score it; check every applied price on its own.

The guardrail check does not call the guardrails module: it restates each rule in integer
cents (margin ``9 p >= 10 c`` for 10%, ``20 |p - prev| <= prev`` for 5% per update,
``10 |p - open| <= open`` for 10% a day, ``p mod 100 = 99``, floor and cap), so a bug shared
by the module and its callers would still show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from benchmarks.pricing_sim.market import IntArray, Market
from benchmarks.pricing_sim.policies import Policy, View
from numpy.typing import NDArray
from scipy.stats import poisson  # type: ignore[import-untyped]


@dataclass
class PolicyResult:
    """Totals of one policy over one market (money in EUR)."""

    name: str
    profit: float = 0.0
    revenue: float = 0.0
    cogs: float = 0.0
    holding: float = 0.0
    units: int = 0
    lost_units: int = 0
    price_changes: int = 0
    prices_checked: int = 0
    violations: int = 0
    violations_by_rule: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    units_by_product: IntArray | None = None

    def summary(self) -> dict[str, Any]:
        out = {k: v for k, v in vars(self).items() if k != "units_by_product"}
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in out.items()}


def broken_rules(
    market: Market, new: IntArray, prev: IntArray, day_open: IntArray
) -> dict[str, NDArray[np.bool_]]:
    """Which of ``new`` break each guardrail, checked with exact integer arithmetic."""
    s = market.settings
    margin = Fraction(s.min_margin)
    per_update = Fraction(s.max_change_per_update)
    per_day = Fraction(s.max_change_per_day)
    listed = market.list_price
    low = Fraction(s.floor_share_of_list).limit_denominator(1000)
    high = Fraction(s.cap_share_of_list).limit_denominator(1000)
    floor = listed * low.numerator // low.denominator
    cap = listed * high.numerator // high.denominator
    # (p - c) / p >= m  <=>  p (1 - m) >= c, scaled to integers by the denominators.
    keep = 1 - margin
    checks = {
        "min_margin": new * keep.numerator < market.cost * keep.denominator,
        "max_change_per_update": np.abs(new - prev) * per_update.denominator
        > prev * per_update.numerator,
        "max_change_per_day": np.abs(new - day_open) * per_day.denominator
        > day_open * per_day.numerator,
        "price_ending": new % 100 != int(s.ending[1:]),
        "floor": new < floor,
        "cap": new > cap,
    }
    return {rule: np.asarray(bad, dtype=bool) for rule, bad in checks.items()}


def run_policy(market: Market, policy: Policy) -> PolicyResult:
    """Simulate ``market.settings.days`` days of ``policy``."""
    s = market.settings
    n, updates = market.n, s.updates_per_day
    result = PolicyResult(policy.name, violations_by_rule={})
    price = market.list_price.copy()
    closing = np.empty((s.days + 1, n), dtype=np.int64)
    closing[0] = price
    stock = market.stock_level.copy()
    units_by_product = np.zeros(n, dtype=np.int64)
    per_day_holding = market.cost / 100 * s.holding_rate_per_year / 365
    skus = np.array([f"P{i:05d}" for i in range(n)])
    started = time.perf_counter()
    for d in range(s.days):
        if d % s.restock_every_days == 0:
            stock = np.maximum(stock, market.stock_level)
        competitors = market.competitor_prices(d, closing)
        day_open = price.copy()
        rows = []
        for u in range(updates):
            to_restock = s.restock_every_days - d % s.restock_every_days - u / updates
            view = View(d, u, price, day_open, competitors, stock, float(to_restock))
            new = np.asarray(policy.decide(market, view), dtype=np.int64)
            broken = broken_rules(market, new, price, day_open)
            result.violations += int(np.any(np.array(list(broken.values())), axis=0).sum())
            for rule, bad in broken.items():
                result.violations_by_rule[rule] = result.violations_by_rule.get(rule, 0) + int(
                    bad.sum()
                )
            result.prices_checked += n
            result.price_changes += int(np.sum(new != price))
            price = new
            rate = market.expected_daily_units(d, price, competitors) * market.shock[d] / updates
            demand = poisson.ppf(market.uniforms[d, u], np.maximum(rate, 1e-12)).astype(np.int64)
            sold = np.minimum(demand, stock)
            stock = stock - sold
            units_by_product += sold
            result.revenue += float(np.sum(price * sold)) / 100
            result.cogs += float(np.sum(market.cost * sold)) / 100
            result.units += int(sold.sum())
            result.lost_units += int(np.sum(demand - sold))
            rows.append(
                pd.DataFrame(
                    {
                        "sku": skus,
                        "category": market.category.astype(str),
                        "price": price / 100,
                        "units": sold.astype(float),
                        # What the shop sees: the shelf was empty at the end of the period.
                        "censored": stock == 0,
                        "competitor_price": competitors.mean(axis=0) / 100,
                        "promotion": market.promotion[d],
                        "ref_price": market.list_price / 100,
                    }
                )
            )
        result.holding += float(np.sum(stock * per_day_holding))
        closing[d + 1] = price
        policy.end_of_day(market, d, pd.concat(rows, ignore_index=True))
    result.profit = result.revenue - result.cogs - result.holding
    result.seconds = time.perf_counter() - started
    result.units_by_product = units_by_product
    return result
