"""Competitor prices as a sender reports them, and the matches of their products to ours.

A competitor's product is known by its ``competitor_key``: the competitor's own sku when the
sender has it, else its title with case and spacing normalised. Each such product gets one
*match* to one of our skus, which the owner confirms or rejects; a price is one
*observation* of that product on one day. Only prices of confirmed matches become
``competitor_price.<competitor>`` signals, the series the forecasts read.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, field_validator

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.pricing import currency_code
from shopkeeper.domain.schemas import Sku, Strict
from shopkeeper.domain.signals import date_alone_is_that_day

MAX_PRICES_PER_BATCH = 5000
SIGNAL_PREFIX = "competitor_price."
# Stored as NUMERIC(14, 4): ten digits before the decimal mark.
MAX_PRICE = Decimal("1e10")
_SLUG_WORD = re.compile(r"[a-z0-9]+")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class MatchStatus(StrEnum):
    """Where a competitor's product stands against our catalogue.

    ``suggested``: the matcher found one of ours and the owner has not decided yet;
    ``unmatched``: nothing scored high enough (the owner may still confirm a sku by hand);
    ``confirmed``: the owner (or the sender, by sending our sku) says it is that product;
    ``rejected``: the owner says it is not the suggested product.
    """

    SUGGESTED = "suggested"
    UNMATCHED = "unmatched"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


def title_key(title: str) -> str:
    """A title as a key: same letters, any case, spacing or Unicode composition.

    Examples
    --------
    >>> title_key("  Café  en GRAINS\\t500 g ")
    'café en grains 500 g'
    """
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


def signal_name(competitor: str) -> str:
    """The signal series of one competitor's prices (the table holds one value a day per name
    and sku, so each competitor needs a name of its own).

    Examples
    --------
    >>> signal_name("PrixMalin"), signal_name("Méga Boutique!")
    ('competitor_price.prixmalin', 'competitor_price.mega_boutique')
    >>> signal_name("東京ストア")
    'competitor_price.c_50c06463'
    """
    decomposed = unicodedata.normalize("NFKD", competitor).casefold()
    slug = "_".join(_SLUG_WORD.findall(decomposed.encode("ascii", "ignore").decode()))
    if not slug:
        slug = "c_" + hashlib.sha256(competitor.encode()).hexdigest()[:8]
    return SIGNAL_PREFIX + slug[: 100 - len(SIGNAL_PREFIX)]


class CompetitorPriceIn(Strict):
    """One price seen at a competitor, as an API client or a CSV file sends it.

    ``sku`` is ours, when the sender already knows which of our products it is: the match is
    then confirmed without asking the owner.

    Examples
    --------
    >>> p = CompetitorPriceIn.model_validate({"competitor": "PrixMalin",
    ...     "title": "Café en grains 500 g", "price": "12.90", "currency": "eur",
    ...     "observed_at": "2026-03-01T09:30:00+01:00"})
    >>> p.key, p.currency, p.observed_on.isoformat(), p.price
    ('title:café en grains 500 g', 'EUR', '2026-03-01', Decimal('12.90'))
    >>> CompetitorPriceIn(competitor="A", title="B", price="-1", currency="EUR",
    ...     observed_at="2026-03-01")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for CompetitorPriceIn
    price
      Value error, price must be more than zero, got -1 ...
    """

    competitor: Name = Field(examples=["PrixMalin"])
    title: str = Field(min_length=1, max_length=500, examples=["Café en grains pur arabica 500g"])
    price: Decimal = Field(examples=["12.90"])
    currency: str = Field(examples=["EUR"])
    observed_at: AwareDatetime = Field(examples=["2026-03-01T09:30:00+01:00"])
    competitor_sku: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=2000)
    sku: Sku | None = None

    @field_validator("competitor_sku", "url", "sku", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("title")
    @classmethod
    def _one_line(cls, title: str) -> str:
        collapsed = " ".join(title.split())
        if not collapsed:
            raise ValueError("title is blank")
        return collapsed

    @field_validator("price", mode="before")
    @classmethod
    def _number_not_flag(cls, value: Any) -> Any:
        # true/false would become 1/0; a float goes through its shortest text (19.9, not
        # 19.899999...), as a person wrote it.
        if isinstance(value, bool):
            raise ValueError("price must be a number, not true/false")
        if isinstance(value, float):
            return str(value)
        return value

    @field_validator("price")
    @classmethod
    def _plausible_price(cls, price: Decimal) -> Decimal:
        if not price.is_finite():
            raise ValueError(f"price must be a finite number, got {price}")
        if price <= 0:
            raise ValueError(
                f"price must be more than zero, got {price} (leave out products the "
                "competitor does not sell)"
            )
        if price >= MAX_PRICE:
            raise ValueError(f"price {price} is too large (at most 10 digits before the decimal)")
        if price != price.quantize(Decimal("0.0001")):
            raise ValueError(f"price {price} has more than 4 decimals")
        return price

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, currency: str) -> str:
        try:
            return currency_code(currency)
        except InvalidInputError as error:
            raise ValueError(error.message) from None  # pydantic reports it with the field

    @field_validator("observed_at", mode="before")
    @classmethod
    def _date_alone_is_that_day(cls, value: Any) -> Any:
        return date_alone_is_that_day(value)

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is not None and not url.lower().startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        return url

    @property
    def key(self) -> str:
        """Which of the competitor's products this is: their sku, else the title."""
        if self.competitor_sku:
            return f"sku:{self.competitor_sku.strip()}"
        return f"title:{title_key(self.title)}"

    @property
    def observed_on(self) -> date:
        """The day of the observation, as the sender wrote it (its own offset, not UTC), like
        the days of daily signals."""
        return self.observed_at.date()


class MatchCandidatePublic(BaseModel):
    """One of our products the matcher proposed, its score (0..100) and why."""

    sku: str
    score: float
    reason: str


class CompetitorMatchPublic(BaseModel):
    """A competitor's product, which of ours it is (or may be), and its latest price.

    Examples
    --------
    >>> m = CompetitorMatchPublic(id=1, competitor="PrixMalin", competitor_key="sku:PM-1",
    ...     title="Café 500 g", status=MatchStatus.SUGGESTED, sku="COF-1", score=91.5,
    ...     reason="title 92/100", candidates=[], observations=3)
    >>> m.status.value, m.decided_by
    ('suggested', None)
    """

    id: int
    competitor: str
    competitor_key: str
    competitor_sku: str | None = None
    title: str
    url: str | None = None
    status: MatchStatus
    sku: str | None
    score: float | None
    reason: str
    candidates: list[MatchCandidatePublic]
    observations: int = 0
    last_price: Decimal | None = None
    last_currency: str | None = None
    last_observed_on: date | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
