"""A calendar of regional events (festivals, fairs, matches) that lift demand where they happen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from .config import DemoShopConfig
from .places import REGION_NAMES, REGIONS
from .timeline import ShopCalendar
from .vocabulary import CATEGORIES

FloatArray = npt.NDArray[np.float64]

# (name, region, month, day, days, type, attendance in thousands, lifts)
_FIXED: tuple[tuple[str, str, int, int, int, str, float, dict[str, float]], ...] = (
    (
        "Fête du citron",
        "Provence-Alpes-Côte d'Azur",
        2,
        14,
        10,
        "festival",
        230,
        {"food": 1.25, "beverages": 1.15},
    ),
    (
        "Marathon de Paris",
        "Île-de-France",
        4,
        12,
        1,
        "sports",
        55,
        {"sports": 1.8, "beverages": 1.2},
    ),
    (
        "Foire de Paris",
        "Île-de-France",
        4,
        30,
        12,
        "fair",
        450,
        {"kitchen": 1.3, "home decor": 1.3, "garden": 1.2},
    ),
    ("Féria de Nîmes", "Occitanie", 6, 4, 5, "festival", 600, {"beverages": 1.5, "clothing": 1.15}),
    ("Hellfest", "Pays de la Loire", 6, 18, 4, "concert", 240, {"beverages": 1.5, "clothing": 1.2}),
    (
        "Festival d'Avignon",
        "Provence-Alpes-Côte d'Azur",
        7,
        5,
        21,
        "festival",
        120,
        {"books": 1.3, "beverages": 1.2},
    ),
    (
        "Francofolies de La Rochelle",
        "Nouvelle-Aquitaine",
        7,
        10,
        5,
        "concert",
        150,
        {"beverages": 1.4, "outdoor": 1.2},
    ),
    (
        "Festival des Vieilles Charrues",
        "Bretagne",
        7,
        16,
        4,
        "concert",
        280,
        {"beverages": 1.5, "umbrellas & rainwear": 1.5, "outdoor": 1.3},
    ),
    (
        "Braderie de Lille",
        "Hauts-de-France",
        9,
        6,
        2,
        "fair",
        2500,
        {"home decor": 1.5, "clothing": 1.3, "books": 1.3},
    ),
    (
        "Marché de Noël de Strasbourg",
        "Grand Est",
        11,
        24,
        31,
        "fair",
        2000,
        {"home decor": 1.3, "food": 1.25, "toys": 1.15},
    ),
    (
        "Fête des Lumières",
        "Auvergne-Rhône-Alpes",
        12,
        5,
        4,
        "festival",
        1800,
        {"home decor": 1.4, "beverages": 1.2},
    ),
)
_GENERATED: tuple[tuple[str, str, dict[str, float]], ...] = (
    ("Concert au Zénith de {city}", "concert", {"beverages": 1.35, "clothing": 1.1}),
    ("Match de football à {city}", "sports", {"sports": 1.5, "beverages": 1.3}),
    ("Foire de {city}", "fair", {"home decor": 1.25, "kitchen": 1.25, "garden": 1.2}),
    ("Semi-marathon de {city}", "sports", {"sports": 1.6, "beverages": 1.1}),
)


@dataclass(frozen=True)
class LocalEvent:
    """An event in one region and city, with its demand lift per category.

    Examples
    --------
    >>> e = LocalEvent("Hellfest", "concert", "Pays de la Loire", "Clisson",
    ...                date(2026, 6, 18), date(2026, 6, 21), 240.0, {"beverages": 1.5})
    >>> e.to_dict()["end"]
    '2026-06-21'
    """

    name: str
    type: str
    region: str
    city: str
    start: date
    end: date
    attendance_k: float
    lifts: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "region": self.region,
            "city": self.city,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "attendance_k": self.attendance_k,
            "lifts": dict(self.lifts),
        }


def event_calendar(
    config: DemoShopConfig, cal: ShopCalendar, rng: np.random.Generator
) -> list[LocalEvent]:
    """Events overlapping the history; lifts are neutral (1.0) when the effect is off."""
    first, last = cal.days[0].date(), cal.days[-1].date()
    events: list[LocalEvent] = []
    for year in range(first.year, last.year + 1):
        for name, region, month, day, length, kind, attendance, lifts in _FIXED:
            city = REGIONS[REGION_NAMES.index(region)].cities[0][0]
            start = date(year, month, day)
            events.append(
                LocalEvent(
                    name,
                    kind,
                    region,
                    city,
                    start,
                    start + timedelta(days=length - 1),
                    attendance,
                    lifts,
                )
            )
        for place in REGIONS:  # the Fête de la musique is everywhere, on one evening
            events.append(
                LocalEvent(
                    "Fête de la musique",
                    "concert",
                    place.name,
                    place.cities[0][0],
                    date(year, 6, 21),
                    date(year, 6, 21),
                    round(80 * place.population * 10, 1),
                    {"beverages": 1.6, "food": 1.15},
                )
            )
            for _ in range(4):
                template, kind, lifts = _GENERATED[int(rng.integers(len(_GENERATED)))]
                city = place.cities[int(rng.integers(len(place.cities)))][0]
                start = date(year, 1, 1) + timedelta(days=int(rng.integers(0, 360)))
                strength = float(rng.uniform(0.7, 1.2))
                events.append(
                    LocalEvent(
                        template.format(city=city),
                        kind,
                        place.name,
                        city,
                        start,
                        start + timedelta(days=int(rng.integers(0, 3))),
                        round(float(rng.lognormal(np.log(15), 0.6)), 1),
                        {k: round(v**strength, 3) for k, v in lifts.items()},
                    )
                )
    kept = sorted(
        (e for e in events if e.end >= first and e.start <= last),
        key=lambda e: (e.start, e.region, e.name),
    )
    if config.local_events:
        return kept
    return [
        LocalEvent(
            e.name,
            e.type,
            e.region,
            e.city,
            e.start,
            e.end,
            e.attendance_k,
            dict.fromkeys(e.lifts, 1.0),
        )
        for e in kept
    ]


def event_multipliers(events: list[LocalEvent], cal: ShopCalendar) -> FloatArray:
    """Demand multiplier per (day, region, category) from the events' lifts."""
    out = np.ones((cal.n_days, len(REGIONS), len(CATEGORIES)))
    names = [c.name for c in CATEGORIES]
    for e in events:
        a = max(cal.index_of_date(e.start), 0)
        b = min(cal.index_of_date(e.end), cal.n_days - 1)
        r = REGION_NAMES.index(e.region)
        for category, lift in e.lifts.items():
            out[a : b + 1, r, names.index(category)] *= lift
    return out
