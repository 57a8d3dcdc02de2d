"""Yearly demand profiles per category and the French commercial calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from .config import DemoShopConfig
from .timeline import ShopCalendar
from .vocabulary import CATEGORIES

FloatArray = npt.NDArray[np.float64]

# Monthly shapes for the strongly seasonal categories (January first); the others get a
# mild seeded wave. Each is normalised to mean one.
_YEARLY_SHAPES: dict[str, tuple[float, ...]] = {
    "sunscreen": (0.2, 0.25, 0.4, 0.7, 1.2, 2.2, 2.9, 2.5, 1.0, 0.35, 0.15, 0.15),
    "umbrellas & rainwear": (1.1, 1.0, 1.0, 1.0, 0.8, 0.5, 0.4, 0.5, 1.1, 1.6, 1.7, 1.3),
    "toys": (0.6, 0.6, 0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 1.0, 1.6, 3.0),
    "garden": (0.4, 0.5, 1.1, 1.7, 1.9, 1.5, 1.1, 0.9, 0.8, 0.6, 0.4, 0.4),
    "outdoor": (0.6, 0.6, 0.8, 1.0, 1.3, 1.5, 1.6, 1.4, 1.0, 0.8, 0.7, 0.7),
    "beverages": (0.8, 0.8, 0.9, 1.0, 1.1, 1.3, 1.4, 1.3, 1.0, 0.9, 0.8, 1.0),
    "coffee & tea": (1.2, 1.15, 1.05, 0.95, 0.9, 0.85, 0.8, 0.8, 0.95, 1.1, 1.2, 1.3),
    "stationery": (0.9, 0.8, 0.8, 0.7, 0.7, 0.7, 0.9, 2.0, 2.2, 0.9, 0.7, 0.8),
    "electronics": (0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 1.0, 1.6, 1.9),
    "jewellery": (0.8, 1.4, 0.8, 0.8, 1.2, 0.8, 0.8, 0.8, 0.8, 0.9, 1.2, 1.8),
    "clothing": (1.0, 0.8, 1.0, 1.1, 1.1, 1.0, 1.0, 0.8, 1.1, 1.1, 1.0, 1.0),
}


@dataclass(frozen=True)
class Holiday:
    """A dated commercial occasion and its demand lift per category ("*" = any other).

    Examples
    --------
    >>> h = Holiday("Black Friday", date(2025, 11, 28), date(2025, 11, 28), {"*": 2.4})
    >>> h.lift_for("toys"), h.to_dict()["start"]
    (2.4, '2025-11-28')
    """

    name: str
    start: date
    end: date
    lifts: dict[str, float]

    def lift_for(self, category: str) -> float:
        return self.lifts.get(category, self.lifts.get("*", 1.0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "lifts": dict(self.lifts),
        }


def yearly_profiles(config: DemoShopConfig, rng: np.random.Generator) -> FloatArray:
    """Monthly multipliers, shape (categories, 12), each row of mean one."""
    out = np.ones((len(CATEGORIES), 12))
    phases = rng.uniform(0, 2 * np.pi, size=len(CATEGORIES))
    amplitudes = rng.uniform(0.05, 0.15, size=len(CATEGORIES))
    if not config.yearly_seasonality:
        return out
    months = np.arange(12)
    for k, spec in enumerate(CATEGORIES):
        shape = _YEARLY_SHAPES.get(spec.name)
        row = (
            np.array(shape)
            if shape
            else 1 + amplitudes[k] * np.sin(2 * np.pi * months / 12 + phases[k])
        )
        out[k] = row / row.mean()
    return np.round(out, 4)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def french_calendar(year: int) -> list[Holiday]:
    """The occasions a French web shop plans around in ``year``."""
    d = date
    fashion_sale = {"clothing": 1.45, "shoes": 1.45, "home decor": 1.2, "jewellery": 1.2, "*": 1.05}
    winter_sale = _nth_weekday(year, 1, 2, 2)
    summer_sale = _nth_weekday(year, 6, 2, -1)
    mothers = _nth_weekday(year, 5, 6, -1)
    fathers = _nth_weekday(year, 6, 6, 3)
    black_friday = _nth_weekday(year, 11, 3, 4) + timedelta(days=1)
    week = timedelta(days=7)
    return [
        Holiday("Jour de l'an", d(year, 1, 1), d(year, 1, 1), {"*": 0.6}),
        Holiday(
            "Soldes d'hiver", winter_sale, winter_sale + 4 * week - timedelta(days=1), fashion_sale
        ),
        Holiday(
            "Saint-Valentin",
            d(year, 2, 7),
            d(year, 2, 13),
            {"jewellery": 1.9, "beauty": 1.4, "cosmetics": 1.15},
        ),
        Holiday("Fête du travail", d(year, 5, 1), d(year, 5, 1), {"*": 0.8}),
        Holiday(
            "Fête des mères",
            mothers - timedelta(days=9),
            mothers - timedelta(days=2),
            {"jewellery": 1.7, "beauty": 1.5, "cosmetics": 1.3, "home decor": 1.2},
        ),
        Holiday(
            "Fête des pères",
            fathers - timedelta(days=9),
            fathers - timedelta(days=2),
            {"electronics": 1.3, "sports": 1.25, "outdoor": 1.2, "books": 1.15},
        ),
        Holiday(
            "Soldes d'été", summer_sale, summer_sale + 4 * week - timedelta(days=1), fashion_sale
        ),
        Holiday("Fête nationale", d(year, 7, 14), d(year, 7, 14), {"*": 0.85}),
        Holiday("Assomption", d(year, 8, 15), d(year, 8, 15), {"*": 0.85}),
        Holiday(
            "Rentrée scolaire",
            d(year, 8, 18),
            d(year, 9, 8),
            {"stationery": 2.2, "books": 1.3, "clothing": 1.15, "shoes": 1.2},
        ),
        Holiday("Halloween", d(year, 10, 24), d(year, 10, 31), {"toys": 1.2, "food": 1.1}),
        Holiday(
            "Semaine du Black Friday",
            black_friday - timedelta(days=4),
            black_friday - timedelta(days=1),
            {"*": 1.15},
        ),
        Holiday("Black Friday", black_friday, black_friday, {"*": 2.4, "electronics": 3.2}),
        Holiday(
            "Week-end du Black Friday",
            black_friday + timedelta(days=1),
            black_friday + timedelta(days=2),
            {"*": 1.5},
        ),
        Holiday(
            "Cyber Monday",
            black_friday + timedelta(days=3),
            black_friday + timedelta(days=3),
            {"*": 1.7, "electronics": 2.2},
        ),
        Holiday(
            "Achats de Noël",
            d(year, 12, 1),
            d(year, 12, 21),
            {
                "*": 1.15,
                "toys": 1.6,
                "electronics": 1.35,
                "books": 1.35,
                "jewellery": 1.5,
                "beauty": 1.3,
            },
        ),
        Holiday("Réveillon de Noël", d(year, 12, 24), d(year, 12, 24), {"*": 0.7}),
        Holiday("Noël", d(year, 12, 25), d(year, 12, 25), {"*": 0.45}),
        Holiday("Entre les fêtes", d(year, 12, 26), d(year, 12, 31), {"*": 0.85}),
    ]


def holidays_in(cal: ShopCalendar) -> list[Holiday]:
    """Occasions overlapping the history, in date order."""
    first, last = cal.days[0].date(), cal.days[-1].date()
    found = [
        h
        for y in range(first.year, last.year + 1)
        for h in french_calendar(y)
        if h.end >= first and h.start <= last
    ]
    return sorted(found, key=lambda h: (h.start, h.name))


def holiday_multipliers(holidays: list[Holiday], cal: ShopCalendar) -> FloatArray:
    """Demand multiplier per (day, category) from the given occasions."""
    out = np.ones((cal.n_days, len(CATEGORIES)))
    lifts = np.empty(len(CATEGORIES))
    for h in holidays:
        a = max(cal.index_of_date(h.start), 0)
        b = min(cal.index_of_date(h.end), cal.n_days - 1)
        if a > b:
            continue
        lifts[:] = [h.lift_for(spec.name) for spec in CATEGORIES]
        out[a : b + 1] *= lifts
    return out
