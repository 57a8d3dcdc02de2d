"""Browsing sessions of the event window: who visits, from where, on what device, to buy or not."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .catalogue import Catalogue
from .config import DemoShopConfig
from .customers import Population
from .demand import category_shares
from .places import REGIONS
from .streams import hex_ids
from .timeline import TIME_ZONE, ShopCalendar, draw_seconds_of_day, local_to_utc
from .vocabulary import CATEGORIES

IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]

BROWSE, ABANDON, BUY = 0, 1, 2
CONVERSION = 0.08  # share of tracked sessions ending in an order
CART_ABANDONMENT = 0.70
LOGGED_IN_SHARE = 0.4  # of sessions that do not buy
REFERRERS = ("direct", "google", "instagram", "facebook", "newsletter", "bing", "idealo")
REFERRER_P = (0.3, 0.35, 0.1, 0.07, 0.1, 0.04, 0.04)
LOCALES = ("fr-FR", "fr-BE", "en-GB", "de-DE")
LOCALE_P = (0.9, 0.04, 0.04, 0.02)


@dataclass(frozen=True)
class SessionPlan:
    """One row per session; ``anchor`` is its start, or for buyers the order time.

    Examples
    --------
    >>> import shopkeeper.data.importers.demo as demo
    >>> shop = demo.generate_shop(demo.DemoShopConfig(n_products=60, n_customers=200, months=2,
    ...                                               sessions_per_day=20, events_days=10))
    >>> buying = shop.events.loc[shop.events["type"] == "purchase", "session_id"]
    >>> bool(buying.is_unique)  # one order per buying session
    True
    """

    session_id: list[str]
    kind: IntArray
    customer: IntArray  # -1 when anonymous
    region: IntArray
    city: StrArray
    device: StrArray
    referrer: StrArray
    locale: StrArray
    category: IntArray  # what the visitor came for
    anchor: pd.DatetimeIndex
    order_row: IntArray  # row in the orders frame, -1 unless buying

    def __len__(self) -> int:
        return len(self.kind)


def order_days(orders: pd.DataFrame, cal: ShopCalendar) -> IntArray:
    """Local day index of each order."""
    local = pd.DatetimeIndex(orders["placed_at"]).tz_convert(TIME_ZONE).tz_localize(None)
    return np.asarray((local.normalize() - cal.days[0]).days, dtype=np.int64)


def plan_sessions(
    config: DemoShopConfig,
    orders: pd.DataFrame,
    first_line_product: IntArray,
    weekday: npt.NDArray[np.float64],
    interest: npt.NDArray[np.float64],
    pop: Population,
    cat: Catalogue,
    cal: ShopCalendar,
    rng: np.random.Generator,
) -> SessionPlan:
    """Sessions of the last ``events_days`` days, a share of them tied to real orders.

    Tracked buyers are a sample of the window's orders: the storefront snippet only
    sees visitors who accept analytics cookies, so most orders have no session.
    ``interest`` is the category demand multiplier per (day, region, category).
    """
    window = min(config.events_days, cal.n_days)
    first_day = cal.n_days - window
    n = config.sessions_per_day * window
    days = order_days(orders, cal)
    candidates = np.flatnonzero(days >= first_day)
    n_buy = min(round(CONVERSION * n), len(candidates))
    n_abandon = min(round(n_buy * CART_ABANDONMENT / (1 - CART_ABANDONMENT)), n - n_buy)
    bought = np.sort(rng.choice(candidates, size=n_buy, replace=False))
    kind = np.concatenate(
        [np.full(n_buy, BUY), np.full(n_abandon, ABANDON), np.full(n - n_buy - n_abandon, BROWSE)]
    ).astype(np.int64)
    order_row = np.full(n, -1, dtype=np.int64)
    order_row[:n_buy] = bought

    others = n - n_buy
    # Visits follow the same weekly rhythm as orders.
    window_days = np.arange(first_day, cal.n_days)
    p_day = weekday[cal.weekday[window_days]]
    visit_day = rng.choice(window_days, size=others, p=p_day / p_day.sum())
    start = local_to_utc(visit_day, draw_seconds_of_day(rng, others), cal)
    anchor = pd.DatetimeIndex(pd.DatetimeIndex(orders["placed_at"])[bought].append(start))

    cust_ids = pd.Index(pop.frame["external_id"])
    customer = np.full(n, -1, dtype=np.int64)
    customer[:n_buy] = cust_ids.get_indexer(orders["customer_external_id"].to_numpy()[bought])
    known = np.flatnonzero(pop.first_day < first_day)
    weights = pop.rate[known] / pop.rate[known].sum()
    logged = rng.random(others) < LOGGED_IN_SHARE
    customer[n_buy:][logged] = rng.choice(known, size=int(logged.sum()), p=weights)

    shares = np.array([r.population for r in REGIONS])
    region = rng.choice(len(REGIONS), size=n, p=shares / shares.sum()).astype(np.int64)
    region[customer >= 0] = pop.region[customer[customer >= 0]]
    city = np.array(
        [
            REGIONS[r].cities[int(u * len(REGIONS[r].cities))][0]
            for r, u in zip(region, rng.random(n), strict=True)
        ]
    )
    city[customer >= 0] = pop.frame["city"].to_numpy()[customer[customer >= 0]]

    device = rng.choice(np.array(["mobile", "desktop", "tablet"]), size=n, p=[0.6, 0.32, 0.08])
    ordered_on_phone = orders["channel"].to_numpy()[bought] == "mobile"
    device[:n_buy] = np.where(
        ordered_on_phone, "mobile", np.where(rng.random(n_buy) < 0.85, "desktop", "tablet")
    )
    referrer = rng.choice(np.array(REFERRERS), size=n, p=np.array(REFERRER_P))
    locale = rng.choice(np.array(LOCALES), size=n, p=np.array(LOCALE_P))
    locale[:n_buy] = "fr-FR"
    # What a visitor comes for follows the season, trends, weather and local events of
    # their day and region, as purchases do: on a wet day browsing leans to rainwear too.
    day = np.concatenate([days[bought], visit_day])
    lean = category_shares()[None, :] * interest[day, region]
    cumulative = np.cumsum(lean / lean.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(n)[:, None]
    category = np.minimum((cumulative < draws).sum(axis=1), len(CATEGORIES) - 1).astype(np.int64)
    category[:n_buy] = cat.category[first_line_product[bought]]
    return SessionPlan(
        hex_ids(rng, n, "sess-"),
        kind,
        customer,
        region,
        city,
        device,
        referrer,
        locale,
        category,
        anchor,
        order_row,
    )
