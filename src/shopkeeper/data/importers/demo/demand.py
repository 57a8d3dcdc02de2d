"""The planted demand model: every effect combined into arrays the order sampler draws from.

Expected units of product ``p`` in region ``r`` on day ``d`` are proportional to

    weekday[d] * yearly[k, month] * holiday[d, k] * trend[d, k] * weather[d, r, k]
    * event[d, r, k] * price_and_promotion[d, p] * popularity[p] / on_sale[d, k]

where ``k`` is the product's category and ``on_sale[d, k]`` the summed popularity of
the category's products launched by day ``d`` (a launch shares its category's demand). Customers only decide *who* buys: their
taste and segment reweight categories and brand tiers, never the time pattern,
so each multiplier above is recoverable from aggregate sales.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .catalogue import Catalogue
from .customers import TIER_PREFERENCE
from .vocabulary import CATEGORIES

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Share of a customer's choices that follow the crowd rather than their favourite categories.
GENERAL_SHARE = 0.4


@dataclass(frozen=True)
class DemandModel:
    """Normalised demand intensities, shaped for vectorised sampling.

    Attributes
    ----------
    weekday : (7,) multipliers, Monday first.
    category : (days, regions, segments, categories) category intensity, one at baseline.
    general : (days, regions, segments) intensity of the crowd-following part of taste.
    category_cum : prefix sums of ``category * popularity share``, flattened, for drawing.
    product_cum : prefix sums of product weights per (day, segment), flattened, for drawing.

    Examples
    --------
    >>> block = np.array([0.0, 1.0, 1.0, 3.0])  # prefix sums of weights 1, 0, 2
    >>> draw_from_blocks(block, np.array([0]), np.array([3]), np.random.default_rng(0)).item() in (0, 2)
    True
    """

    weekday: FloatArray
    category: FloatArray
    general: FloatArray
    category_cum: FloatArray
    product_cum: FloatArray
    n_products: int

    @property
    def shape(self) -> tuple[int, int, int, int]:
        d, r, s, k = self.category.shape
        return int(d), int(r), int(s), int(k)


def category_shares() -> FloatArray:
    """How the crowd's interest splits across categories at baseline."""
    w = np.array([c.weight for c in CATEGORIES], dtype=np.float64)
    return np.asarray(w / w.sum(), dtype=np.float64)


def build_demand(
    cat: Catalogue,
    weekday: list[float],
    category_day: FloatArray,
    category_region_day: FloatArray,
    product_day: FloatArray,
    available: npt.NDArray[np.bool_],
) -> DemandModel:
    """Combine effect arrays into a :class:`DemandModel`.

    ``category_day`` is (days, categories): yearly x holiday x trend; ``category_region_day``
    is (days, regions, categories): weather x local events; ``product_day`` is
    (days, products): price response x promotion uplift; ``available`` masks unlaunched products.
    """
    starts = cat.category_start[:-1]
    pref = TIER_PREFERENCE[:, cat.tier] * cat.popularity[None, :]  # (segments, products)
    on_sale = available[:, None, :] * pref[None, :, :]  # (days, segments, products)
    # A launch splits its category's demand rather than adding to it; price and promotion
    # effects do add, relative to the products on sale that day.
    baseline = np.add.reduceat(on_sale, starts, axis=2)
    weight = product_day[:, None, :] * on_sale
    per_category = np.add.reduceat(weight, starts, axis=2) / baseline
    intensity = (category_region_day * category_day[:, None, :])[:, :, None, :] * per_category[
        :, None, :, :
    ]
    shares = category_shares()
    crowd = intensity * shares
    product_cum = np.concatenate([[0.0], np.cumsum(weight.ravel())])
    category_cum = np.concatenate([[0.0], np.cumsum(crowd.ravel())])
    return DemandModel(
        np.asarray(weekday, dtype=np.float64),
        intensity,
        crowd.sum(axis=3),
        category_cum,
        product_cum,
        len(cat.cost),
    )


def draw_from_blocks(
    cum: FloatArray, lo: IntArray, hi: IntArray, rng: np.random.Generator
) -> IntArray:
    """For each row, an index in ``[lo, hi)`` drawn with the weights encoded by ``cum``.

    ``cum`` is a prefix sum starting at zero, so element ``i`` covers
    ``[cum[i], cum[i + 1])`` and zero-weight elements are never drawn.
    """
    start, stop = cum[lo], cum[hi]
    u = start + rng.random(len(lo)) * (stop - start)
    idx = np.searchsorted(cum, u, side="right") - 1
    return np.clip(idx, lo, hi - 1).astype(np.int64)
