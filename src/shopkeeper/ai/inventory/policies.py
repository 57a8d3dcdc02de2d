"""The two reference policies the forecast-driven one is compared with.

- :class:`SmallShopPolicy`: what a small shop often does by hand, every 14 days order up to
  4 weeks of the last 30 days' average demand;
- :class:`TextbookSSPolicy`: a continuous-review (s, S) policy from the textbook, reorder
  point ``s`` = mean demand over the lead time plus normal safety stock at 95 % service
  (mean and deviation from the last 8 weeks), order up to ``S = s + EOQ``.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm  # type: ignore[import-untyped]

from shopkeeper.ai.inventory.simulator import (
    BULKY_FACTOR,
    HOLDING_RATE,
    ORDER_COST,
    FloatArray,
    InventorySetup,
    StockView,
)


class SmallShopPolicy:
    """Every ``every`` days, order up to ``cover_days`` × the mean of the last ``window`` days.

    Examples
    --------
    >>> from shopkeeper.ai.inventory.simulator import simulate
    >>> setup = InventorySetup(demand=np.full((60, 1), 2.0), unit_cost=np.ones(1),
    ...                        lead_time=np.array([3]), supplier=np.array([0]), start=30,
    ...                        warmup_days=0, scored_days=28)
    >>> result = simulate(setup, SmallShopPolicy())
    >>> result.orders[:, 0].nonzero()[0].tolist(), int(result.orders[0, 0])
    ([0, 14], 56)
    """

    def __init__(self, *, every: int = 14, cover_days: int = 28, window: int = 30) -> None:
        self.every = every
        self.cover_days = cover_days
        self.window = window
        self._first = 0

    def start(self, setup: InventorySetup) -> None:
        self._first = setup.start

    def order(self, view: StockView) -> FloatArray:
        if (view.day - self._first) % self.every:
            return np.zeros(view.setup.n_skus)
        rate = view.history[-self.window :].mean(axis=0)
        return np.asarray(self.cover_days * rate - view.on_hand - view.on_order, dtype="float64")


class TextbookSSPolicy:
    """(s, S): below ``s`` = lead-time demand + z·σ·√L, order up to ``s + EOQ``.

    ``EOQ = sqrt(2 · order cost · yearly demand / yearly holding cost per unit)``, with the
    simulator's order and holding costs; mean and deviation of daily demand over the last
    ``window`` days.

    Examples
    --------
    >>> from shopkeeper.ai.inventory.simulator import simulate
    >>> rng = np.random.default_rng(0)
    >>> setup = InventorySetup(demand=rng.poisson(3.0, (200, 1)).astype(float),
    ...                        unit_cost=np.array([10.0]), lead_time=np.array([5]),
    ...                        supplier=np.array([0]), start=60, warmup_days=20, scored_days=100)
    >>> result = simulate(setup, TextbookSSPolicy())
    >>> bool(result.lost[20:].sum() / setup.demand[80:180].sum() < 0.05)
    True
    """

    def __init__(self, *, service_level: float = 0.95, window: int = 56) -> None:
        self.service_level = service_level
        self.window = window
        self._z = float(norm.ppf(service_level))

    def start(self, setup: InventorySetup) -> None:
        self._z = float(norm.ppf(self.service_level))

    def order(self, view: StockView) -> FloatArray:
        setup = view.setup
        recent = view.history[-self.window :]
        mean, deviation = recent.mean(axis=0), recent.std(axis=0)
        lead = setup.lead_time.astype("float64")
        reorder_point = mean * lead + self._z * deviation * np.sqrt(lead)
        holding = setup.unit_cost * HOLDING_RATE * np.where(setup.bulky, BULKY_FACTOR, 1.0)
        eoq = np.sqrt(2.0 * ORDER_COST * 365.0 * mean / np.maximum(holding, 1e-6))
        position = view.on_hand + view.on_order
        below = position < reorder_point
        return np.where(below, reorder_point + eoq - position, 0.0)
