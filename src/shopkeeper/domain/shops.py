"""A shop: the owner of every row, and the source of its currency, time zone and locale."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from shopkeeper.domain.schemas import Strict


@dataclass(frozen=True, slots=True)
class Shop:
    """The shop a request acts for.

    Examples
    --------
    >>> Shop(1, "demo", "Demo", "EUR", "Europe/Paris", "fr", True, 0.2).zone.key
    'Europe/Paris'
    """

    id: int
    slug: str
    name: str
    currency: str
    timezone: str
    locale: str
    prices_include_vat: bool
    vat_rate: float
    consent_required: bool = False
    holdout_salt: str = ""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class ShopCreate(Strict):
    slug: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field("EUR", min_length=3, max_length=3)
    timezone: str = "Europe/Paris"
    locale: str = Field("en", pattern=r"^(fr|en)$")
    prices_include_vat: bool = True
    vat_rate: float = Field(0.2, ge=0, le=1)
    allowed_origins: list[str] = Field(default_factory=list)
    consent_required: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        if not value.isalpha():
            raise ValueError("currency must be a 3-letter ISO 4217 code")
        return value.upper()
