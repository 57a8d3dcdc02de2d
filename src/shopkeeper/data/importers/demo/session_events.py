"""The events of each session: views, searches, carts, hesitations and purchases, with timing.

Events are built in blocks (all landings, all searches, all product views...), each
with an ordering key inside its session; :class:`EventBlocks` then sorts them into
paths and gives each session its clock.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from .catalogue import Catalogue
from .customers import Population
from .demand import draw_from_blocks
from .event_table import EventBlocks
from .sessions import ABANDON, BUY, SessionPlan
from .vocabulary import CATEGORIES

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

EVENT_TYPES = (
    "view",
    "click",
    "add_to_cart",
    "remove_from_cart",
    "search",
    "checkout_start",
    "purchase",
    "scroll",
    "hesitation",
    "chat_open",
)
BOUGHT_DWELL_FACTOR = 2.5  # people read the page of what they end up buying
CARTED_DWELL_FACTOR = 1.6
_LANDS_ON_PRODUCT = {
    "direct": 0.1,
    "google": 0.6,
    "bing": 0.6,
    "idealo": 0.8,
    "instagram": 0.7,
    "facebook": 0.7,
    "newsletter": 0.5,
}


def _dwell(rng: np.random.Generator, n: int, median_ms: float, sigma: float) -> FloatArray:
    return np.clip(rng.lognormal(np.log(median_ms), sigma, size=n), 500, 600_000)


def build_events(
    plan: SessionPlan,
    line_order_row: IntArray,
    line_product: IntArray,
    line_quantity: IntArray,
    orders: pd.DataFrame,
    pop: Population,
    cat: Catalogue,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The ``events`` table for the planned sessions, sorted by time."""
    n = len(plan)
    sess = np.arange(n)
    popularity_cum = np.concatenate([[0.0], np.cumsum(cat.popularity)])

    def pick(category: IntArray) -> IntArray:
        return draw_from_blocks(
            popularity_cum, cat.category_start[category], cat.category_start[category + 1], rng
        )

    b = EventBlocks()
    lands = rng.random(n) < np.array([_LANDS_ON_PRODUCT[r] for r in plan.referrer])
    landing_page = np.where(
        lands, "product", np.where(plan.referrer == "direct", "home", "category")
    )
    b.add(
        sess,
        np.zeros(n),
        "view",
        landing_page,
        np.where(lands, pick(plan.category), -1),
        _dwell(rng, n, 9000, 0.8),
    )

    searching = sess[rng.random(n) < 0.35]
    terms = [
        CATEGORIES[k].search[int(u * len(CATEGORIES[k].search))]
        for k, u in zip(plan.category[searching], rng.random(len(searching)), strict=True)
    ]
    suffix = rng.choice(
        np.array(["", "", "", " pas cher", " bio", " promo", " avis"]), size=len(searching)
    )
    b.add(
        searching,
        np.full(len(searching), 10.0),
        "search",
        "search",
        query=np.char.add(np.array(terms, dtype=str), suffix),
    )
    b.add(
        searching, np.full(len(searching), 11.0), "click", "search", pick(plan.category[searching])
    )

    # Product views: what buyers bought, plus browsing around the visitor's interest.
    in_plan = np.full(len(orders), -1, dtype=np.int64)
    in_plan[plan.order_row[plan.kind == BUY]] = np.flatnonzero(plan.kind == BUY)
    bought_line = np.flatnonzero(in_plan[line_order_row] >= 0)
    extra = rng.poisson(1.3, size=n) + 2 * (plan.kind == ABANDON)
    extra_sess = np.repeat(sess, extra)
    wander = rng.random(len(extra_sess)) < 0.15
    extra_cat = np.where(
        wander, rng.integers(0, len(CATEGORIES), size=len(extra_sess)), plan.category[extra_sess]
    )
    rank_in_session = np.arange(len(extra_sess)) - np.repeat(np.cumsum(extra) - extra, extra)
    n_carted = 1 + (rng.random(n) < 0.35)
    carted = (plan.kind[extra_sess] == ABANDON) & (rank_in_session < n_carted[extra_sess])
    v_sess = np.concatenate([in_plan[line_order_row[bought_line]], extra_sess])
    v_prod = np.concatenate([line_product[bought_line], pick(extra_cat)])
    v_bought = np.concatenate([np.ones(len(bought_line), bool), np.zeros(len(extra_sess), bool)])
    v_carted = np.concatenate([np.zeros(len(bought_line), bool), carted])
    v_qty = np.concatenate([line_quantity[bought_line], 1 + (rng.random(len(extra_sess)) < 0.1)])
    v_seq = 20 + 50 * rng.random(len(v_sess))
    nv = len(v_sess)
    factor = np.where(v_bought, BOUGHT_DWELL_FACTOR, np.where(v_carted, CARTED_DWELL_FACTOR, 1.0))
    clicked = rng.random(nv) < 0.4
    b.add(v_sess[clicked], v_seq[clicked] - 0.05, "click", "category", v_prod[clicked])
    b.add(v_sess, v_seq, "view", "product", v_prod, _dwell(rng, nv, 15000, 0.8) * factor)
    scrolls = rng.random(nv) < 0.55
    depth = np.where(v_bought, rng.beta(5, 2, nv), rng.beta(2, 2.5, nv)) * 100
    b.add(
        v_sess[scrolls],
        v_seq[scrolls] + 0.01,
        "scroll",
        "product",
        v_prod[scrolls],
        scroll=np.round(depth[scrolls], 1),
    )
    hesitates = rng.random(nv) < np.where(v_carted, 0.45, np.where(v_bought, 0.15, 0.08))
    b.add(
        v_sess[hesitates],
        v_seq[hesitates] + 0.02,
        "hesitation",
        "product",
        v_prod[hesitates],
        _dwell(rng, int(hesitates.sum()), 4000, 0.5),
    )
    adds = v_bought | v_carted
    b.add(
        v_sess[adds],
        v_seq[adds] + 0.03,
        "add_to_cart",
        "product",
        v_prod[adds],
        quantity=v_qty[adds],
    )
    # Some visitors come back to a product before deciding.
    again = rng.random(nv) < 0.12
    b.add(
        v_sess[again],
        v_seq[again] + 15,
        "view",
        "product",
        v_prod[again],
        _dwell(rng, int(again.sum()), 12000, 0.8) * factor[again],
    )

    has_cart = sess[plan.kind != 0]
    swap = has_cart[rng.random(len(has_cart)) < 0.25]
    swapped = pick(plan.category[swap])
    b.add(
        swap,
        np.full(len(swap), 80.0),
        "add_to_cart",
        "product",
        swapped,
        quantity=np.ones(len(swap), dtype=np.int64),
    )
    b.add(
        swap,
        np.full(len(swap), 85.0),
        "remove_from_cart",
        "cart",
        swapped,
        quantity=np.ones(len(swap), dtype=np.int64),
    )
    chats = sess[rng.random(n) < 0.03]
    b.add(chats, np.full(len(chats), 75.0), "chat_open", "product")
    checkout = sess[(plan.kind == BUY) | ((plan.kind == ABANDON) & (rng.random(n) < 0.3))]
    b.add(checkout, np.full(len(checkout), 90.0), "checkout_start", "checkout")
    buyers = sess[plan.kind == BUY]
    b.add(buyers, np.full(len(buyers), 95.0), "purchase", "checkout", order=plan.order_row[buyers])
    return b.to_frame(plan, orders, pop, cat, rng)
