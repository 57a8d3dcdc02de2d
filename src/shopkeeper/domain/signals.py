"""External signals: named time series from outside the shop (weather, events, trends, prices).

A signal point is one value of one series at one time. A series is identified by its
``name`` plus an optional ``region`` (``""`` = shop-wide) and ``sku`` (``""`` = not about one
product); ``ts`` is normalised to the start of its day or hour so that re-sending a reading
for the same period replaces it instead of adding a second one.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from shopkeeper.domain.schemas import Strict

MAX_SIGNALS_PER_BATCH = 5000
SIGNAL_NAME_PATTERN = r"^[a-z][a-z0-9_.]{0,99}$"
MAX_META_KEYS = 50
MAX_META_BYTES = 4096
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")

# Names the platform's capabilities look for; any other well-formed name is stored as well.
KNOWN_SIGNALS: dict[str, str] = {
    "weather.temp_c": "air temperature in degrees Celsius (daily mean or hourly reading)",
    "weather.precip_mm": "precipitation in millimetres over the day or hour",
    "local_event": "a local event on that day (value: expected attendance, in thousands)",
    "search_trend": "search interest for the shop's products or a category (any index)",
    "competitor_price": "a competitor's price for one sku (meta.competitor names them)",
    "social_mentions": "mentions of the shop or a product on social networks (a count)",
}

_NAME = re.compile(SIGNAL_NAME_PATTERN)
Region = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
SignalSku = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=64, pattern=r"^[^\s/?#]*$")
]


def date_alone_is_that_day(value: Any) -> Any:
    """A bare date (``"2026-03-01"`` or a ``date``) as that day's midnight in UTC; anything
    else unchanged. A daily reading is naturally written as a date, which has no time zone
    to lack.

    Examples
    --------
    >>> date_alone_is_that_day("2026-03-01")
    '2026-03-01T00:00:00+00:00'
    >>> date_alone_is_that_day(date(2026, 3, 1)).isoformat()
    '2026-03-01T00:00:00+00:00'
    """
    if isinstance(value, str) and _DATE_ONLY.fullmatch(value.strip()):
        return f"{value.strip()}T00:00:00+00:00"
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=UTC)
    return value


class Granularity(StrEnum):
    """How long one point of a series lasts."""

    DAILY = "daily"
    HOURLY = "hourly"


def normalise_ts(ts: datetime, granularity: Granularity) -> datetime:
    """The start of the day or hour ``ts`` falls in, in UTC.

    A daily point keeps the calendar date it was written with, so a reading sent as
    ``2026-03-01T00:00:00+01:00`` belongs to 1 March, not to the last day of February.

    Examples
    --------
    >>> from datetime import timedelta, timezone
    >>> paris = timezone(timedelta(hours=1))
    >>> normalise_ts(datetime(2026, 3, 1, 0, 0, tzinfo=paris), Granularity.DAILY).isoformat()
    '2026-03-01T00:00:00+00:00'
    >>> normalise_ts(datetime(2026, 3, 1, 10, 40, tzinfo=paris), Granularity.HOURLY).isoformat()
    '2026-03-01T09:00:00+00:00'
    """
    if ts.tzinfo is None:
        raise ValueError("ts must carry a time zone")
    if granularity is Granularity.DAILY:
        return datetime.combine(ts.date(), time(0), tzinfo=UTC)
    return ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class SignalPointIn(Strict):
    """One point of an external series, as an API client or a CSV file sends it.

    Examples
    --------
    >>> p = SignalPointIn.model_validate({"name": "weather.temp_c", "region": "Bretagne",
    ...     "ts": "2026-03-01T14:00:00Z", "value": 11.5})
    >>> p.ts.isoformat(), p.sku, p.granularity.value
    ('2026-03-01T00:00:00+00:00', '', 'daily')
    """

    name: str = Field(
        json_schema_extra={"pattern": SIGNAL_NAME_PATTERN, "examples": ["weather.temp_c"]}
    )
    ts: AwareDatetime
    value: float = Field(allow_inf_nan=False)
    granularity: Granularity = Granularity.DAILY
    region: Region = ""
    sku: SignalSku = ""
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("region", "sku", "meta", mode="before")
    @classmethod
    def _absent_is_empty(cls, value: Any, info: ValidationInfo) -> Any:
        # JSON clients send null for "not regional"; the table stores "" so uniqueness holds.
        if value is None:
            return {} if info.field_name == "meta" else ""
        return value

    @field_validator("name")
    @classmethod
    def _dotted_lowercase(cls, name: str) -> str:
        # Spelled out rather than the bare pattern, which means little to a shop owner.
        if not _NAME.fullmatch(name):
            raise ValueError(
                f"{name[:40]!r} is not a signal name: use lowercase letters, digits, '_' "
                "and '.', starting with a letter, at most 100 characters (e.g. weather.temp_c)"
            )
        return name

    @field_validator("ts", mode="before")
    @classmethod
    def _date_alone_is_that_day(cls, value: Any) -> Any:
        return date_alone_is_that_day(value)

    @field_validator("value", mode="before")
    @classmethod
    def _number_not_flag(cls, value: Any) -> Any:
        # true/false would silently become 1.0/0.0: almost always a client bug.
        if isinstance(value, bool):
            raise ValueError("value must be a number, not true/false")
        return value

    @field_validator("meta")
    @classmethod
    def _small_meta(cls, meta: dict[str, Any]) -> dict[str, Any]:
        if len(meta) > MAX_META_KEYS:
            raise ValueError(f"meta holds at most {MAX_META_KEYS} keys, got {len(meta)}")
        try:
            encoded = json.dumps(meta, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"meta must be plain JSON: {exc}") from None
        if len(encoded.encode()) > MAX_META_BYTES:
            raise ValueError(f"meta is larger than {MAX_META_BYTES} bytes as JSON")
        return meta

    @model_validator(mode="after")
    def _normalise(self) -> SignalPointIn:
        self.ts = normalise_ts(self.ts, self.granularity)
        return self

    @property
    def key(self) -> tuple[str, str, str, datetime]:
        """What identifies the point within a shop: a second point with it replaces this one."""
        return (self.name, self.region, self.sku, self.ts)


class SignalPointPublic(BaseModel):
    """One stored point as the API returns it."""

    name: str
    ts: datetime
    value: float
    granularity: Granularity
    region: str
    sku: str
    meta: dict[str, Any]


def is_known(name: str) -> bool:
    """True when a capability of the platform reads this name (or a qualified form of it).

    Examples
    --------
    >>> is_known("competitor_price.prixmalin"), is_known("weather.wind_kmh")
    (True, False)
    """
    return name in KNOWN_SIGNALS or name.split(".", 1)[0] in KNOWN_SIGNALS


class SignalNamePublic(BaseModel):
    """What a shop holds of one signal name: how many points, over which period.

    Examples
    --------
    >>> day = datetime(2026, 3, 1, tzinfo=UTC)
    >>> SignalNamePublic(name="local_event", points=3, first_ts=day, last_ts=day,
    ...     regions=1, skus=0).known
    True
    """

    name: str
    points: int
    first_ts: datetime
    last_ts: datetime
    regions: int = Field(description="distinct non-empty regions")
    skus: int = Field(description="distinct non-empty skus")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def known(self) -> bool:
        return is_known(self.name)
