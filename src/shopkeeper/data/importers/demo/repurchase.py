"""Repurchase cycles: customers who buy a consumable rebuy it around its true interval."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .catalogue import Catalogue
from .customers import Population
from .discovery import Lines
from .timeline import ShopCalendar

IntArray = npt.NDArray[np.int64]

# By segment (bargain_hunter, loyal, occasional, premium): chance that a first purchase
# becomes a habit, and chance of continuing after each rebuy.
START_PROBABILITY = np.array([0.12, 0.22, 0.08, 0.18])
CONTINUE_PROBABILITY = np.array([0.7, 0.85, 0.55, 0.8])
MAX_HABITS = 4  # per customer
JITTER_SIGMA = 0.08  # log-normal spread of each gap around the interval
_MAX_SHIFT = 3  # days a rebuy moves to land on a busier weekday


def weekday_shift(
    target: IntArray,
    weekday_of_first: int,
    weekday: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> IntArray:
    """Move each target day by -3..+3 days, weighted by the weekday multipliers.

    Over a uniform spread of targets each shift is equally likely, so gaps stay
    centred on the interval, while the landing weekday follows the weekly profile.

    Examples
    --------
    >>> flat = np.ones(7)
    >>> shifted = weekday_shift(np.full(7000, 10), 0, flat, np.random.default_rng(0))
    >>> int(shifted.min()), int(shifted.max())
    (7, 13)
    """
    shifts = np.arange(-_MAX_SHIFT, _MAX_SHIFT + 1)
    dow = (weekday_of_first + target[:, None] + shifts[None, :]) % 7
    cum = np.cumsum(weekday[dow], axis=1)
    u = rng.random(len(target)) * cum[:, -1]
    pick = (u[:, None] >= cum).sum(axis=1)
    return np.asarray(target + shifts[np.minimum(pick, len(shifts) - 1)], dtype=np.int64)


def add_repurchases(
    lines: Lines,
    pop: Population,
    cat: Catalogue,
    cal: ShopCalendar,
    weekday: npt.NDArray[np.float64],
    first_order_key: int,
    rng: np.random.Generator,
) -> Lines:
    """Browsing lines plus rebuy orders, which replace browsing re-buys of consumables.

    Rebuys of the same customer on the same day share one order keyed from
    ``first_order_key`` upwards.
    """
    consumable = cat.consumable[lines.product]
    by_time = np.lexsort((lines.order, lines.day))
    c_all, p_all = lines.customer[by_time], lines.product[by_time]
    pair = c_all * len(cat.cost) + p_all
    _, first_pos = np.unique(pair, return_index=True)
    first = by_time[first_pos]
    first = first[consumable[first]]
    seg = pop.segment[lines.customer[first]]
    starts = first[rng.random(len(first)) < START_PROBABILITY[seg]]
    # A household keeps only a few staples on repeat at one shop; later habits never form.
    starts = starts[np.lexsort((lines.day[starts], lines.customer[starts]))]
    owner = lines.customer[starts]
    rank = np.arange(len(starts)) - np.searchsorted(owner, owner)
    starts = starts[rank < MAX_HABITS]

    customer = lines.customer[starts]
    product = lines.product[starts]
    day = lines.day[starts].copy()
    continue_p = CONTINUE_PROBABILITY[pop.segment[customer]]
    interval = cat.interval_days[product].astype(np.float64)
    chain = np.arange(len(starts))
    alive = np.ones(len(starts), dtype=bool)
    rebuys: list[tuple[IntArray, IntArray]] = []
    weekday0 = int(cal.weekday[0])
    while alive.any():
        idx = np.flatnonzero(alive)
        gap = np.round(interval[idx] * np.exp(rng.normal(0, JITTER_SIGMA, size=len(idx))))
        target = weekday_shift(day[idx] + gap.astype(np.int64), weekday0, weekday, rng)
        target = np.maximum(target, day[idx] + 1)
        inside = target < cal.n_days
        hit = idx[inside]
        day[hit] = target[inside]
        rebuys.append((chain[hit], target[inside]))
        alive[idx[~inside]] = False
        alive[hit] = rng.random(len(hit)) < continue_p[hit]

    # A consumable bought once is bought again only through its cycle: browsing re-buys
    # of the same product would blur the interval the habit plants.
    _, pair_of_line = np.unique(lines.customer * len(cat.cost) + lines.product, return_inverse=True)
    first_day = np.full(int(pair_of_line.max(initial=-1)) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_day, pair_of_line, lines.day)
    drop = consumable & (lines.day > first_day[pair_of_line])
    kept = lines.take(~drop)
    if not rebuys:
        return kept
    which = np.concatenate([r[0] for r in rebuys])
    when = np.concatenate([r[1] for r in rebuys]).astype(np.int64)
    who = customer[which]
    # One order per customer and day, however many habits fall due together.
    _, order_of = np.unique(who * cal.n_days + when, return_inverse=True)
    quantity = 1 + rng.poisson(0.3, size=len(which))
    rebuy = Lines(
        first_order_key + order_of.astype(np.int64),
        who,
        when,
        product[which],
        quantity.astype(np.int64),
    )
    return Lines.concat([kept, rebuy])
