"""A synthetic shop with skewed demand: a catalogue and browsing sessions that follow it.

Product popularity follows a Zipf law (a few best sellers, a long tail); a visitor mostly
stays in a category, sometimes hops to its companion category (shoes after trousers) and
sometimes jumps anywhere. That gives the session model real transitions to learn, so the
served lists depend on what a visitor just viewed, as they would in a shop.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from itertools import accumulate

import numpy as np

ZIPF_EXPONENT = 1.05
SAME_CATEGORY = 0.55
COMPANION_CATEGORY = 0.20
# A fifth of visits are one product and gone: they teach the session model nothing.
BOUNCE_SHARE = 0.2
MEAN_EXTRA_STEPS = 2.5
MAX_STEPS = 30


def sku_of(index: int) -> str:
    """The sku of product ``index``.

    Examples
    --------
    >>> sku_of(42)
    'P-00042'
    """
    return f"P-{index:05d}"


@dataclass
class Catalogue:
    """Products with a category each and Zipf popularity, drawn from ``seed``.

    Examples
    --------
    >>> shop = Catalogue(products=100, categories=5, seed=1)
    >>> len(shop.category), shop.companion[0] != 0
    (100, True)
    >>> session = shop.session(np.random.default_rng(2), 4)
    >>> len(session), all(0 <= p < 100 for p in session)
    (4, True)
    """

    products: int
    categories: int
    seed: int = 0
    category: list[int] = field(init=False)
    weight: np.ndarray = field(init=False, repr=False)
    companion: list[int] = field(init=False)
    _members: list[list[int]] = field(init=False, repr=False)
    _cumulative: list[list[float]] = field(init=False, repr=False)
    _all_cumulative: list[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        ranks = rng.permutation(self.products) + 1
        self.weight = 1.0 / ranks.astype(float) ** ZIPF_EXPONENT
        self.category = [int(c) for c in rng.integers(0, self.categories, self.products)]
        shift = rng.integers(1, max(2, self.categories), self.categories)
        self.companion = [int((c + s) % self.categories) for c, s in enumerate(shift)]
        self._members = [[] for _ in range(self.categories)]
        for product, cat in enumerate(self.category):
            self._members[cat].append(product)
        self._cumulative = [
            list(accumulate(float(self.weight[p]) for p in members)) for members in self._members
        ]
        self._all_cumulative = list(accumulate(float(w) for w in self.weight))

    def _draw_in(self, cat: int, u: float) -> int:
        cumulative = self._cumulative[cat]
        if not cumulative:
            return self.draw(u)
        return self._members[cat][bisect.bisect_left(cumulative, u * cumulative[-1])]

    def draw(self, u: float) -> int:
        """A product by overall popularity, from a uniform number ``u`` in [0, 1)."""
        total = self._all_cumulative[-1]
        index = bisect.bisect_left(self._all_cumulative, u * total)
        return min(index, self.products - 1)

    def next_product(self, current: int, rng: np.random.Generator) -> int:
        """What a visitor looking at ``current`` views next (never ``current`` itself)."""
        for _ in range(8):
            mode, u = rng.random(2)
            if mode < SAME_CATEGORY:
                chosen = self._draw_in(self.category[current], float(u))
            elif mode < SAME_CATEGORY + COMPANION_CATEGORY:
                chosen = self._draw_in(self.companion[self.category[current]], float(u))
            else:
                chosen = self.draw(float(u))
            if chosen != current:
                return chosen
        return (current + 1) % self.products

    def session(self, rng: np.random.Generator, steps: int) -> list[int]:
        """One visit of ``steps`` views, starting from a popular product."""
        products = [self.draw(float(rng.random()))]
        while len(products) < steps:
            products.append(self.next_product(products[-1], rng))
        return products

    def session_length(self, rng: np.random.Generator) -> int:
        """How many products one visit views: many bounces, a geometric tail."""
        if rng.random() < BOUNCE_SHARE:
            return 1
        extra = int(rng.geometric(1.0 / (1.0 + MEAN_EXTRA_STEPS))) - 1
        return min(MAX_STEPS, 2 + extra)

    def sessions(self, count: int, seed: int) -> list[list[int]]:
        """``count`` visits, reproducible from ``seed``."""
        rng = np.random.default_rng(seed)
        return [self.session(rng, self.session_length(rng)) for _ in range(count)]
