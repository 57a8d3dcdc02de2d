"""What the demo shop generator is asked to build: size, period, seed and planted effects."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from shopkeeper.core.errors import InvalidInputError

EFFECTS: tuple[str, ...] = (
    "weekly_seasonality",
    "yearly_seasonality",
    "holidays",
    "promotions",
    "price_response",
    "weather_effect",
    "local_events",
    "repurchase_cycles",
    "trends",
)


@dataclass(frozen=True)
class DemoShopConfig:
    """Size, period and planted demand effects of a synthetic French shop.

    Every effect switch defaults to on. Switching one off removes it from the
    data entirely (not just from the truth), so models can be tested by ablation.

    Parameters
    ----------
    seed : int
        Root of every random stream; the same seed gives identical frames.
    n_products, n_customers : int
        Catalogue and customer-base size.
    months : int
        Length of the order history, ending on ``end_date`` (inclusive).
    end_date : datetime.date
        Last day of the history, in shop-local time (Europe/Paris).
    sessions_per_day : int
        Browsing sessions per day in the event window, buyers and non-buyers.
    events_days : int
        Browsing events cover only the last ``events_days`` days, to bound volume.

    Examples
    --------
    >>> config = DemoShopConfig(n_products=50, weather_effect=False)
    >>> config.effects()["weather_effect"], config.effects()["holidays"]
    (False, True)
    """

    seed: int = 42
    n_products: int = 1000
    n_customers: int = 10000
    months: int = 18
    end_date: date = date(2026, 10, 31)
    sessions_per_day: int = 300
    events_days: int = 90
    weekly_seasonality: bool = True
    yearly_seasonality: bool = True
    holidays: bool = True
    promotions: bool = True
    price_response: bool = True
    weather_effect: bool = True
    local_events: bool = True
    repurchase_cycles: bool = True
    trends: bool = True

    def __post_init__(self) -> None:
        # numpy's SeedSequence refuses negative entropy, so reject it here with a clear code.
        if self.seed < 0:
            raise InvalidInputError("seed must be >= 0", seed=self.seed)
        # Two products per category (22 categories) is the smallest catalogue that has them all.
        minimums = {"n_products": 44, "n_customers": 50, "months": 1, "events_days": 1}
        for name, minimum in minimums.items():
            value = getattr(self, name)
            if value < minimum:
                raise InvalidInputError(f"{name} must be >= {minimum}", **{name: value})
        if self.sessions_per_day < 0:
            raise InvalidInputError("sessions_per_day must be >= 0", value=self.sessions_per_day)

    def effects(self) -> dict[str, bool]:
        """Which planted effects are switched on, by name."""
        return {name: bool(getattr(self, name)) for name in EFFECTS}

    def to_dict(self) -> dict[str, Any]:
        """The configuration as JSON-ready values (the date as ISO text)."""
        values = asdict(self)
        values["end_date"] = self.end_date.isoformat()
        return values
