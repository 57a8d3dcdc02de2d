"""Orders customers place while browsing: when they order and what lands in the basket."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .catalogue import Catalogue
from .customers import N_FAVOURITES, Population
from .demand import GENERAL_SHARE, DemandModel, draw_from_blocks
from .timeline import ShopCalendar

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

MEAN_EXTRA_LINES = 2.3  # a basket holds 1 + Poisson(2.3) distinct draws before merging
_CHUNK = 2000  # customers per block, so the (customers x days) intensity stays small


@dataclass(frozen=True)
class Lines:
    """Order lines as parallel arrays; ``order`` is a provisional order key.

    Examples
    --------
    >>> same = np.array([0, 0])  # two draws of product 0 in order 0
    >>> merged = merge_same_product(Lines(same, same, same, same, np.array([1, 2])))
    >>> len(merged), merged.quantity.tolist()
    (1, [3])
    """

    order: IntArray
    customer: IntArray
    day: IntArray
    product: IntArray
    quantity: IntArray

    def __len__(self) -> int:
        return len(self.order)

    def take(self, mask: npt.NDArray[np.bool_] | IntArray) -> Lines:
        return Lines(
            self.order[mask],
            self.customer[mask],
            self.day[mask],
            self.product[mask],
            self.quantity[mask],
        )

    @staticmethod
    def concat(parts: list[Lines]) -> Lines:
        return Lines(
            *(
                np.concatenate([getattr(p, f) for p in parts]).astype(np.int64)
                for f in ("order", "customer", "day", "product", "quantity")
            )
        )


def _taste_parts(
    model: DemandModel, pop: Population, customers: IntArray, days: IntArray
) -> FloatArray:
    """Weights of the crowd part and each favourite, shape (rows, 1 + N_FAVOURITES)."""
    r, s = pop.region[customers], pop.segment[customers]
    parts = np.empty((len(customers), 1 + N_FAVOURITES))
    parts[:, 0] = GENERAL_SHARE * model.general[days, r, s]
    for j in range(N_FAVOURITES):
        fav = pop.favourites[customers, j]
        parts[:, 1 + j] = (
            (1 - GENERAL_SHARE)
            * pop.favourite_weights[customers, j]
            * model.category[days, r, s, fav]
        )
    return parts


def _order_days(
    model: DemandModel, pop: Population, cal: ShopCalendar, rng: np.random.Generator
) -> tuple[IntArray, IntArray]:
    """(customer, day) of every browsing order, one row per order."""
    weekday = model.weekday[cal.weekday]
    day_idx = np.arange(cal.n_days)
    out_c: list[IntArray] = []
    out_d: list[IntArray] = []
    for start in range(0, len(pop.rate), _CHUNK):
        c = np.arange(start, min(start + _CHUNK, len(pop.rate)))
        r, s = pop.region[c], pop.segment[c]
        taste = GENERAL_SHARE * model.general[:, r, s]  # (days, chunk)
        for j in range(N_FAVOURITES):
            taste += (
                (1 - GENERAL_SHARE)
                * pop.favourite_weights[c, j]
                * model.category[:, r, s, pop.favourites[c, j]]
            )
        active = day_idx[:, None] >= pop.first_day[c][None, :]
        lam = taste * weekday[:, None] * pop.rate[c][None, :] * active
        counts = rng.poisson(lam)
        d, i = np.nonzero(counts)
        reps = counts[d, i]
        out_c.append(np.repeat(c[i], reps))
        out_d.append(np.repeat(d, reps))
    return np.concatenate(out_c).astype(np.int64), np.concatenate(out_d).astype(np.int64)


def sample_discovery(
    model: DemandModel, pop: Population, cat: Catalogue, cal: ShopCalendar, rng: np.random.Generator
) -> Lines:
    """Draw browsing orders and their baskets from the demand model."""
    customer, day = _order_days(model, pop, cal, rng)
    n_lines = 1 + np.minimum(rng.poisson(MEAN_EXTRA_LINES, size=len(customer)), 7)
    order = np.repeat(np.arange(len(customer)), n_lines)
    c, d = customer[order], day[order]
    r, s = pop.region[c], pop.segment[c]

    # Which part of the customer's taste this line follows, then which category.
    parts = np.cumsum(_taste_parts(model, pop, c, d), axis=1)
    u = rng.random(len(c)) * parts[:, -1]
    component = (u[:, None] >= parts).sum(axis=1)
    fav_col = np.clip(component - 1, 0, N_FAVOURITES - 1)
    category = pop.favourites[c, fav_col]
    crowd = component == 0
    _n_days, n_regions, n_segments, n_cat = model.shape
    base = ((d[crowd] * n_regions + r[crowd]) * n_segments + s[crowd]) * n_cat
    category[crowd] = draw_from_blocks(model.category_cum, base, base + n_cat, rng) - base

    # Which product within the category, weighted by price, promotion, tier and popularity.
    offset = (d * n_segments + s) * model.n_products
    lo = offset + cat.category_start[category]
    hi = offset + cat.category_start[category + 1]
    product = draw_from_blocks(model.product_cum, lo, hi, rng) - offset

    consumable = cat.consumable[product]
    extra = np.where(
        consumable,
        rng.poisson(0.35, size=len(product)),
        (rng.random(len(product)) < 0.08).astype(np.int64),
    )
    quantity = 1 + np.where(np.asarray(cat.products["is_bulky"], dtype=bool)[product], 0, extra)
    return merge_same_product(Lines(order, c, d, product, quantity.astype(np.int64)))


def merge_same_product(lines: Lines) -> Lines:
    """One line per (order, product): repeated draws become a larger quantity."""
    key = lines.order * (int(lines.product.max(initial=0)) + 1) + lines.product
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    quantity = np.bincount(inverse, weights=lines.quantity, minlength=len(uniq)).astype(np.int64)
    kept = lines.take(first)
    return Lines(kept.order, kept.customer, kept.day, kept.product, quantity)
