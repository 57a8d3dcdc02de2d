"""The simulated market: products, their hidden demand curves, competitors and noise.

Everything random is drawn up front from the seed (demand shocks, the uniforms behind each
period's sales, promotions, competitors' own moves), so every policy meets the same market
and the same luck (common random numbers): profit differences come from the prices alone.

Demand of product ``i`` in one of the day's ``updates`` periods, at our price ``p``::

    base_i * weekly[dow] * yearly(doy) * (p / list_i)^e_i * (cbar / list_i)^delta
           * promotion lift * daily shock / updates

``e_i`` is the hidden own-price elasticity, ``cbar`` the competitors' mean price. Each
competitor ``k`` prices at ``anchor_k(t) * (our price L_k days ago / list)^f_k``: it follows
our moves partly (``f_k``) and late (``L_k`` of 1-3 days), and its anchor makes moves of its
own. Sales are lost when stock runs out; stock is topped up to its level every 14 days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from shopkeeper.domain.pricing import PricingRules

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
WEEKLY = np.array([0.9, 0.9, 0.95, 1.0, 1.1, 1.25, 1.1])  # Monday first


@dataclass(frozen=True)
class SimSettings:
    """The fixed settings of the benchmark (``products``/``days`` shrink for quick runs)."""

    products: int = 200
    days: int = 180
    updates_per_day: int = 4
    categories: int = 8
    cost_range: tuple[float, float] = (12.0, 120.0)  # log-uniform, EUR excluding VAT
    markup_range: tuple[float, float] = (1.6, 2.5)
    elasticity_median: float = 1.8
    elasticity_sd_category: float = 0.2  # of log |e|, between category means
    elasticity_sd_product: float = 0.25  # of log |e|, within a category
    elasticity_range: tuple[float, float] = (0.5, 4.0)
    base_units_median: float = 2.0  # units a day at the list price
    base_units_log_sd: float = 1.0
    demand_shape: float = 10.0  # gamma shape of the daily shock (overdispersion)
    promotion_rate: float = 0.03
    promotion_lift: float = 1.4
    competitors: int = 2
    competitor_effect: float = 0.5  # cross-elasticity on the competitors' mean price
    follow_lag_days: tuple[int, int] = (1, 3)
    follow_strength: tuple[float, float] = (0.3, 0.7)
    competitor_move_rate: float = 0.04  # own moves a day
    competitor_min_markup: float = 1.1
    restock_every_days: int = 14
    stock_cover_range: tuple[float, float] = (0.9, 1.5)  # stock level / 14 days of list demand
    holding_rate_per_year: float = 0.25
    min_margin: str = "0.10"
    max_change_per_update: str = "0.05"
    max_change_per_day: str = "0.10"
    ending: str = ".99"
    floor_share_of_list: float = 0.6
    cap_share_of_list: float = 1.6
    start: date = date(2026, 1, 5)


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def money(value: int) -> Decimal:
    return Decimal(int(value)).scaleb(-2)


@dataclass
class Market:
    """One seed's hidden truth and pre-drawn noise."""

    settings: SimSettings
    seed: int
    category: IntArray
    cost: IntArray  # cents
    list_price: IntArray  # cents, ends in .99
    elasticity: FloatArray
    base_units: FloatArray
    weekly: FloatArray  # categories x 7
    yearly_amplitude: FloatArray
    yearly_phase: FloatArray
    stock_level: IntArray
    promotion: NDArray[np.bool_]  # days x products
    shock: FloatArray  # days x products
    uniforms: FloatArray  # days x updates x products
    anchors: FloatArray  # days x competitors x products, EUR
    lag: IntArray  # competitors x products
    follow: FloatArray  # competitors x products
    rules: list[PricingRules] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.cost)

    def day(self, d: int) -> date:
        return self.settings.start + timedelta(days=d)

    def seasonal(self, d: int) -> FloatArray:
        """Weekly times yearly demand factor of every product on day ``d``."""
        when = self.day(d)
        doy = when.timetuple().tm_yday
        yearly = 1 + self.yearly_amplitude * np.sin(2 * np.pi * (doy - self.yearly_phase) / 365)
        return np.asarray(self.weekly[self.category, when.weekday()] * yearly[self.category])

    def expected_daily_units(self, d: int, price: IntArray, competitors: IntArray) -> FloatArray:
        """True expected units a day at ``price`` (cents), before the day's shock."""
        s = self.settings
        ratio = price / self.list_price
        gap = competitors.mean(axis=0) / self.list_price
        lift = np.where(self.promotion[d], s.promotion_lift, 1.0)
        return np.asarray(
            self.base_units
            * self.seasonal(d)
            * ratio**self.elasticity
            * gap**s.competitor_effect
            * lift
        )

    def competitor_prices(self, d: int, our_closing: IntArray) -> IntArray:
        """Competitors' prices (cents) on day ``d``.

        ``our_closing[j]`` is our price at the end of day ``j - 1`` (row 0: before the run).
        """
        past = np.maximum(d - self.lag + 1, 0)
        ours = our_closing[past, np.arange(self.n)[None, :]]
        raw = self.anchors[d] * (ours / self.list_price) ** self.follow * 100
        floor = self.cost * self.settings.competitor_min_markup
        return np.asarray(np.round(np.maximum(raw, floor)), dtype=np.int64)


def _ending_price(value_cents: FloatArray) -> IntArray:
    """The .99 price nearest each value."""
    euros = np.round(value_cents / 100 - 0.99)
    return np.asarray(np.maximum(euros, 1) * 100 + 99, dtype=np.int64)


def build_market(seed: int, settings: SimSettings = SimSettings()) -> Market:
    """Draw one market from ``seed``."""
    s = settings
    rng = np.random.default_rng(seed)
    n, days, k = s.products, s.days, s.competitors
    category = rng.integers(0, s.categories, n)
    cost = np.round(np.exp(rng.uniform(*np.log(s.cost_range), n)) * 100).astype(np.int64)
    list_price = _ending_price(cost * rng.uniform(*s.markup_range, n))
    cat_log = rng.normal(np.log(s.elasticity_median), s.elasticity_sd_category, s.categories)
    magnitude = np.exp(rng.normal(cat_log[category], s.elasticity_sd_product))
    elasticity = -np.clip(magnitude, *s.elasticity_range)
    base = s.base_units_median * np.exp(rng.normal(0, s.base_units_log_sd, n))
    amplitude = rng.uniform(0.5, 1.5, s.categories)
    weekly = np.exp(np.log(WEEKLY)[None, :] * amplitude[:, None])
    weekly /= weekly.mean(axis=1, keepdims=True)
    cover = rng.uniform(*s.stock_cover_range, n)
    stock_level = np.ceil(base * s.restock_every_days * cover).astype(np.int64) + 1

    start = np.exp(rng.uniform(np.log(0.9), np.log(1.1), (k, n))) * list_price / 100
    moves = rng.random((days, k, n)) < s.competitor_move_rate
    steps = np.where(moves, rng.normal(0, 0.07, (days, k, n)), 0.0)
    log_anchor = np.empty((days, k, n))
    log_anchor[0] = np.log(start)
    for d in range(1, days):  # own moves, slowly pulled back to where each competitor started
        log_anchor[d] = log_anchor[d - 1] + steps[d] - 0.02 * (log_anchor[d - 1] - np.log(start))
    market = Market(
        settings=s,
        seed=seed,
        category=category,
        cost=cost,
        list_price=list_price,
        elasticity=elasticity,
        base_units=base,
        weekly=weekly,
        yearly_amplitude=rng.uniform(0.1, 0.3, s.categories),
        yearly_phase=rng.uniform(0, 365, s.categories),
        stock_level=stock_level,
        promotion=rng.random((days, n)) < s.promotion_rate,
        shock=rng.gamma(s.demand_shape, 1 / s.demand_shape, (days, n)),
        uniforms=rng.random((days, s.updates_per_day, n)),
        anchors=np.exp(log_anchor),
        lag=rng.integers(s.follow_lag_days[0], s.follow_lag_days[1] + 1, (k, n)),
        follow=rng.uniform(*s.follow_strength, (k, n)),
    )
    market.rules = [product_rules(market, i) for i in range(n)]
    return market


def product_rules(market: Market, i: int) -> PricingRules:
    """The guardrails of product ``i``: the shop's rules with its own floor and cap."""
    s = market.settings
    listed = int(market.list_price[i])
    return PricingRules(
        "EUR",
        min_margin=Decimal(s.min_margin),
        floor=money(int(listed * s.floor_share_of_list)),
        cap=money(int(listed * s.cap_share_of_list)),
        max_change_per_update=Decimal(s.max_change_per_update),
        max_change_per_day=Decimal(s.max_change_per_day),
        ending=s.ending,
        prices_include_vat=False,
    )
