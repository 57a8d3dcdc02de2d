"""Fake French customers: identity, address, segment and the tastes that drive their orders."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .config import DemoShopConfig
from .places import (
    EMAIL_DOMAIN_WEIGHTS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    REGIONS,
    STREETS,
)
from .timeline import ShopCalendar, draw_seconds_of_day, local_to_utc
from .vocabulary import CATEGORIES

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SEGMENTS = ("bargain_hunter", "loyal", "occasional", "premium")
SEGMENT_SHARES = np.array([0.30, 0.20, 0.35, 0.15])
# Orders per active day at baseline: loyal customers order every few weeks, occasional
# ones a couple of times a year.
SEGMENT_RATES = np.array([0.018, 0.05, 0.006, 0.025])
SEGMENT_PRICE_SENSITIVITY = np.array([1.6, 0.9, 1.0, 0.45])
# How much each segment favours a brand tier (premium, mid, mid, budget).
TIER_PREFERENCE = np.array(
    [
        [0.4, 1.0, 1.0, 2.5],
        [1.0, 1.0, 1.0, 1.0],
        [0.8, 1.0, 1.0, 1.2],
        [2.8, 1.0, 1.0, 0.4],
    ]
)
N_FAVOURITES = 3
JOIN_DURING_HISTORY = 0.45  # share of customers who sign up after the history starts


@dataclass(frozen=True)
class Population:
    """The customers frame and the hidden traits the order model reads.

    Examples
    --------
    >>> config = DemoShopConfig(n_customers=100)
    >>> pop = build_population(config, ShopCalendar.from_config(config), np.random.default_rng(0))
    >>> len(pop.frame), bool(pop.frame["email"].is_unique), pop.favourites.shape
    (100, True, (100, 3))
    """

    frame: pd.DataFrame
    region: IntArray
    segment: IntArray
    rate: FloatArray  # baseline orders per day once active
    favourites: IntArray  # (customers, N_FAVOURITES) category indices
    favourite_weights: FloatArray  # rows sum to one
    first_day: IntArray  # calendar index of sign-up (negative: before the history)
    mobile_share: FloatArray  # how often the customer orders from a phone


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain.lower().replace(" ", "").replace("'", "")


def _emails(first: list[str], last: list[str], rng: np.random.Generator) -> list[str]:
    n = len(first)
    style = rng.integers(0, 4, size=n)
    year = rng.integers(60, 100, size=n) % 100
    domains = rng.choice(len(EMAIL_DOMAINS), size=n, p=np.array(EMAIL_DOMAIN_WEIGHTS))
    locals_: list[str] = []
    for f, l_, s, y in zip(first, last, style, year, strict=True):
        f, l_ = _ascii(f), _ascii(l_)
        locals_.append((f"{f}.{l_}", f"{f[0]}{l_}", f"{f}.{l_}{y:02d}", f"{f}_{l_}")[s])
    emails = pd.Series([f"{lo}@{EMAIL_DOMAINS[d]}" for lo, d in zip(locals_, domains, strict=True)])
    # Namesakes at the same provider get a number, as providers force them to.
    dup = emails.groupby(emails).cumcount().to_numpy()
    return [
        e if d == 0 else e.replace("@", f"{d + 1}@", 1) for e, d in zip(emails, dup, strict=True)
    ]


def build_population(
    config: DemoShopConfig, cal: ShopCalendar, rng: np.random.Generator
) -> Population:
    """Draw ``config.n_customers`` customers with regions, segments and tastes."""
    n = config.n_customers
    region = rng.choice(len(REGIONS), size=n, p=np.array([r.population for r in REGIONS]))
    segment = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARES).astype(np.int64)
    rate = SEGMENT_RATES[segment] * rng.gamma(2.0, 0.5, size=n)
    sensitivity = np.round(SEGMENT_PRICE_SENSITIVITY[segment] * np.exp(rng.normal(0, 0.2, n)), 3)

    weights = np.array([c.weight for c in CATEGORIES])
    # Gumbel top-k: favourite categories drawn without replacement, popular ones more often.
    keys = np.log(weights)[None, :] + rng.gumbel(size=(n, len(CATEGORIES)))
    favourites = np.argsort(-keys, axis=1)[:, :N_FAVOURITES].astype(np.int64)
    favourite_weights = rng.dirichlet([2.0, 1.5, 1.0], size=n)

    # A growing base: almost half the customers sign up during the history. Growth is a
    # trend, so a shop without trends has every customer from the start, each ordering a
    # little less, so that both shops sell about the same in total.
    before = rng.random(n) < (1 - JOIN_DURING_HISTORY if config.trends else 1.0)
    if not config.trends:
        rate = rate * (1 - JOIN_DURING_HISTORY / 2)
    first_day = np.where(
        before, -rng.integers(1, 1100, size=n), rng.integers(0, cal.n_days, size=n)
    ).astype(np.int64)
    created = local_to_utc(first_day, draw_seconds_of_day(rng, n), cal)

    first = [FIRST_NAMES[i] for i in rng.integers(0, len(FIRST_NAMES), size=n)]
    last = [LAST_NAMES[i] for i in rng.integers(0, len(LAST_NAMES), size=n)]
    city_pick = rng.random(n)
    cities = [
        REGIONS[r].cities[int(u * len(REGIONS[r].cities))]
        for r, u in zip(region, city_pick, strict=True)
    ]
    numbers = rng.integers(1, 140, size=n)
    streets = rng.integers(0, len(STREETS), size=n)
    phone_digits = rng.integers(0, 100, size=(n, 4))
    mobile_prefix = rng.choice(np.array([6, 7]), size=n, p=[0.8, 0.2])
    frame = pd.DataFrame(
        {
            "external_id": [f"C{i + 1:06d}" for i in range(n)],
            "email": _emails(first, last, rng),
            "first_name": first,
            "last_name": last,
            "phone": [
                f"+33 {m} " + " ".join(f"{d:02d}" for d in row)
                for m, row in zip(mobile_prefix, phone_digits, strict=True)
            ],
            "address_line1": [
                f"{num} {STREETS[s]}" for num, s in zip(numbers, streets, strict=True)
            ],
            "postcode": [c[1] for c in cities],
            "city": [c[0] for c in cities],
            "region": [REGIONS[r].name for r in region],
            "country": "FR",
            "segment": [SEGMENTS[s] for s in segment],
            "price_sensitivity": sensitivity,
            "created_at": created,
        }
    )
    return Population(
        frame,
        region.astype(np.int64),
        segment,
        rate,
        favourites,
        favourite_weights,
        first_day,
        rng.beta(3.0, 2.5, size=n),
    )
