"""What pricing guardrails read: a shop's rules, price locks and a product's pricing context.

Amounts are ``Decimal`` in the shop's currency. Prices, floors, caps and the prices of a range
are in the shop's display basis (VAT included when ``prices_include_vat``); ``cost`` is always
excluding VAT, as suppliers invoice it. Invalid configurations raise
:class:`~shopkeeper.core.errors.InvalidInputError` with a message an owner can act on.
The results of guarding (rules, adjustments, refusals) are in :mod:`.price_guard`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.core.money import minor_units

# An explicit list rather than babel's: babel is not a dependency, and its list holds
# currencies (VND, UGX...) whose ISO minor units disagree with core.money's rounding table.
# Every code here rounds the same way in Money and in the guardrails.
# The product attributes that place a product for pricing: its family (variants that move
# together), its range and its brand tier within that range.
FAMILY_KEY, RANGE_KEY, TIER_KEY = "family", "range", "brand_tier"
# Brand tier names a shop may write instead of numbers (the demo catalogue does), lowest
# first: a range ranks its products by these.
BRAND_TIERS = {"budget": 0, "mid": 1, "premium": 2, "luxury": 3}

_CODES = (
    "AED AUD BGN BHD BRL CAD CHF CLP CNY COP CZK DKK EGP EUR GBP HKD HUF IDR ILS INR ISK JPY "
    "KRW KWD MAD MXN MYR NOK NZD PEN PHP PLN RON RSD SAR SEK SGD THB TND TRY TWD UAH USD ZAR"
)
CURRENCIES: frozenset[str] = frozenset(_CODES.split())
_ENDING = re.compile(r"^(none|\.\d{1,3}|\d{1,4})$")


def currency_code(value: object) -> str:
    """``value`` as a known ISO 4217 code in capitals, or a clear refusal.

    Examples
    --------
    >>> currency_code(" eur ")
    'EUR'
    >>> currency_code("EURO")
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.InvalidInputError: unknown currency 'EURO': use an ISO 4217 code such as EUR, USD, GBP or JPY
    """
    code = value.strip().upper() if isinstance(value, str) else value
    if code not in CURRENCIES:
        shown = value[:10] if isinstance(value, str) else value
        raise InvalidInputError(
            f"unknown currency {shown!r}: use an ISO 4217 code such as EUR, USD, GBP or JPY",
            field="currency",
        )
    return str(code)


def format_share(share: Decimal) -> str:
    """``share`` as a percentage for messages.

    Examples
    --------
    >>> format_share(Decimal("0.25")), format_share(Decimal("0.125")), format_share(Decimal("1"))
    ('25%', '12.5%', '100%')
    """
    return f"{(share * 100).normalize():f}%"


def decimal_field(name: str, value: object) -> Decimal:
    """``value`` as a finite ``Decimal``; floats are refused because they never hold money."""
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise InvalidInputError(
            f"{name} must be a Decimal amount, not {type(value).__name__} {value!r}", field=name
        )
    try:
        number = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation:
        raise InvalidInputError(f"{name} is not a number: {value!r}", field=name) from None
    if not number.is_finite():
        raise InvalidInputError(f"{name} must be a finite number, got {value!r}", field=name)
    return number


def _coerce(obj: object, *names: str) -> None:
    """Turn the named optional fields of a frozen dataclass into checked ``Decimal`` values."""
    for name in names:
        value = getattr(obj, name)
        if value is not None:
            object.__setattr__(obj, name, decimal_field(name, value))


def _share(name: str, value: Decimal | None, *, example: str, below_one: bool) -> None:
    if value is None:
        return
    if below_one and not Decimal(0) <= value < 1:
        raise InvalidInputError(
            f"{name} must be a share in [0, 1), e.g. {example}; got {value}", field=name
        )
    if not below_one and value <= 0:
        raise InvalidInputError(
            f"{name} must be a positive share, e.g. {example}; got {value}", field=name
        )


def _check_common(rules: PricingRules | PricingOverride) -> None:
    """Coercion and checks shared by the shop's rules and their overrides (which may leave
    fields unset)."""
    _coerce(rules, "min_margin", "floor", "cap", "max_change_per_update")
    _coerce(rules, "max_change_per_day", "vat_rate")
    min_margin, floor, cap = rules.min_margin, rules.floor, rules.cap
    max_change_per_update, max_change_per_day = (
        rules.max_change_per_update,
        rules.max_change_per_day,
    )
    ending, vat_rate = rules.ending, rules.vat_rate
    _share("min_margin", min_margin, example="0.25 for a 25% margin", below_one=True)
    _share("max_change_per_update", max_change_per_update, example="0.10 for 10%", below_one=False)
    _share("max_change_per_day", max_change_per_day, example="0.20 for 20%", below_one=False)
    _share("vat_rate", vat_rate, example="0.20 for 20% VAT", below_one=True)
    if floor is not None and floor < 0:
        raise InvalidInputError(f"floor must be 0 or more; got {floor}", field="floor")
    if cap is not None and cap <= 0:
        raise InvalidInputError(f"cap must be positive; got {cap}", field="cap")
    if floor is not None and cap is not None and floor > cap:
        raise InvalidInputError(
            f"floor {floor} is above cap {cap}: no price can satisfy both", field="floor"
        )
    if ending is not None and not _ENDING.match(ending):
        raise InvalidInputError(
            "price ending must be 'none', a fraction such as '.99' or '.90', or whole digits "
            f"such as '9'; got {ending!r}",
            field="ending",
        )


@dataclass(frozen=True, slots=True)
class PricingRules:
    """A shop's pricing guardrails, after per-category and per-product overrides are merged.

    ``min_margin`` is the gross margin on the price excluding VAT, ``(net - cost) / net``, so
    it lies in [0, 1); the change limits are shares of the current price (per update) and of
    the day's opening price (per day); ``ending`` is ``"none"``, a fraction such as ``".99"``
    (prices end in .99) or whole digits such as ``"9"`` (prices end in 9, for JPY).

    Examples
    --------
    >>> rules = PricingRules("EUR", min_margin=Decimal("0.25"), ending=".99")
    >>> rules.quantum, rules.ending_grid
    (Decimal('0.01'), (Decimal('1'), Decimal('0.99')))
    >>> PricingRules("JPY", ending="9").ending_grid
    (Decimal('10'), Decimal('9'))
    >>> PricingRules("EUR", floor=Decimal("20"), cap=Decimal("15"))
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.InvalidInputError: floor 20 is above cap 15: no price can satisfy both
    """

    currency: str
    min_margin: Decimal = Decimal("0.10")
    floor: Decimal | None = None
    cap: Decimal | None = None
    max_change_per_update: Decimal = Decimal("0.10")
    max_change_per_day: Decimal = Decimal("0.20")
    ending: str = "none"
    prices_include_vat: bool = True
    vat_rate: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        code = currency_code(self.currency)
        object.__setattr__(self, "currency", code)
        _check_common(self)
        for name in ("floor", "cap"):
            amount = getattr(self, name)
            if amount is not None and amount != amount.quantize(self.quantum):
                raise InvalidInputError(
                    f"{name} {amount} has more decimals than {code} allows ({self.minor_units})",
                    field=name,
                )
        if self.ending.startswith(".") and len(self.ending) - 1 > self.minor_units:
            raise InvalidInputError(
                f"price ending {self.ending!r} needs {len(self.ending) - 1} decimals but {code} "
                f"has {self.minor_units}: use 'none' or whole digits such as '9'",
                field="ending",
            )

    @property
    def minor_units(self) -> int:
        """Decimals of the currency (0 for JPY, 3 for KWD, 2 for most)."""
        return minor_units(self.currency)

    @property
    def quantum(self) -> Decimal:
        """The smallest step of a price in the currency: ``0.01`` for EUR, ``1`` for JPY."""
        return Decimal(1).scaleb(-self.minor_units)

    @property
    def ending_grid(self) -> tuple[Decimal, Decimal]:
        """``(step, tail)``: allowed prices are ``tail + k * step`` for whole ``k``.

        ``"none"`` is the currency's own grid, so rounding and endings are one rule.
        """
        if self.ending == "none":
            return self.quantum, Decimal(0)
        if self.ending.startswith("."):
            return Decimal(1), Decimal("0" + self.ending)
        return Decimal(10) ** len(self.ending), Decimal(self.ending)

    def net(self, price: Decimal) -> Decimal:
        """``price`` excluding VAT (inexact division: checks compare products instead)."""
        return price / (1 + self.vat_rate) if self.prices_include_vat else price


@dataclass(frozen=True, slots=True)
class PricingOverride:
    """Fields a category or a product sets over the shop's rules; ``None`` keeps the broader.

    The currency and whether prices include VAT stay per shop; the VAT rate may differ
    (reduced rates for books or food).

    Examples
    --------
    >>> PricingOverride(min_margin=Decimal("0.3")).min_margin
    Decimal('0.3')
    >>> PricingOverride(max_change_per_day=Decimal("0"))
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.InvalidInputError: max_change_per_day must be a positive share, e.g. 0.20 for 20%; got 0
    """

    min_margin: Decimal | None = None
    floor: Decimal | None = None
    cap: Decimal | None = None
    max_change_per_update: Decimal | None = None
    max_change_per_day: Decimal | None = None
    ending: str | None = None
    vat_rate: Decimal | None = None

    def __post_init__(self) -> None:
        _check_common(self)


def merge_rules(
    shop: PricingRules,
    category: PricingOverride | None = None,
    product: PricingOverride | None = None,
) -> PricingRules:
    """The rules in force for one product: the product's override over the category's over
    the shop's. The merged rules are validated again (a product floor above the shop's cap is
    refused here).

    Examples
    --------
    >>> shop = PricingRules("EUR", min_margin=Decimal("0.2"), cap=Decimal("100"))
    >>> merged = merge_rules(shop, PricingOverride(min_margin=Decimal("0.3")),
    ...                      PricingOverride(floor=Decimal("5")))
    >>> merged.min_margin, merged.floor, merged.cap
    (Decimal('0.3'), Decimal('5'), Decimal('100'))
    """
    changes: dict[str, object] = {}
    for override in (category, product):
        if override is not None:
            for f in fields(override):
                value = getattr(override, f.name)
                if value is not None:
                    changes[f.name] = value
    return replace(shop, **changes)  # type: ignore[arg-type]


class LockReason(StrEnum):
    MANUAL = "manual"
    CLEARANCE = "clearance"
    PROMOTION = "promotion"


@dataclass(frozen=True, slots=True)
class PriceLock:
    """No guarded change of ``sku`` from ``starts_at`` (or always) until ``until`` (or removal).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> lock = PriceLock("TEE-1", LockReason.PROMOTION, until=datetime(2026, 5, 1, tzinfo=UTC))
    >>> lock.is_active(datetime(2026, 4, 30, tzinfo=UTC)), lock.is_active(lock.until)
    (True, False)
    """

    sku: str
    reason: LockReason
    until: datetime | None = None
    starts_at: datetime | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "reason", LockReason(self.reason))
        except ValueError:
            raise InvalidInputError(
                f"lock reason must be manual, clearance or promotion; got {self.reason!r}",
                field="reason",
            ) from None
        for name in ("until", "starts_at"):
            moment = getattr(self, name)
            if moment is not None and moment.utcoffset() is None:
                raise InvalidInputError(f"lock {name} must be timezone-aware", field=name)
        if self.until is not None and self.starts_at is not None and self.until <= self.starts_at:
            raise InvalidInputError("a lock must end after it starts", field="until")

    def is_active(self, now: datetime) -> bool:
        """Whether the lock holds at ``now`` (start included, end excluded)."""
        started = self.starts_at is None or self.starts_at <= now
        return started and (self.until is None or now < self.until)


@dataclass(frozen=True, slots=True)
class PricingContext:
    """What the guardrails know of one product when a price is quoted.

    ``day_start_price`` is the price when the shop's day opened (``None``: the current price);
    ``family_id`` groups variants that move together; ``range_id`` and ``tier`` place the
    product's brand in a range (a higher tier is more premium and is never priced below a lower
    one of the same range). ``list_price`` is carried for callers; no guardrail reads it.

    Examples
    --------
    >>> ctx = PricingContext("TEE-1", cost=Decimal("9.99"), current_price=Decimal("19.99"))
    >>> ctx.opening_price
    Decimal('19.99')
    >>> PricingContext("TEE-1", cost=Decimal("0"), current_price=Decimal("19.99"))
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.InvalidInputError: cost of TEE-1 must be positive (excluding VAT); got 0
    """

    sku: str
    cost: Decimal
    current_price: Decimal
    list_price: Decimal | None = None
    day_start_price: Decimal | None = None
    family_id: str | None = None
    range_id: str | None = None
    tier: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sku, str) or not self.sku.strip():
            raise InvalidInputError("a pricing context needs a sku", field="sku")
        _coerce(self, "cost", "current_price", "list_price", "day_start_price")
        if self.cost <= 0:
            raise InvalidInputError(
                f"cost of {self.sku} must be positive (excluding VAT); got {self.cost}",
                field="cost",
            )
        for name in ("current_price", "list_price", "day_start_price"):
            amount = getattr(self, name)
            if amount is not None and amount <= 0:
                raise InvalidInputError(
                    f"{name} of {self.sku} must be positive; got {amount}", field=name
                )
        if (self.range_id is None) != (self.tier is None):
            raise InvalidInputError(
                f"{self.sku}: range_id and tier are given together or not at all", field="tier"
            )
        if self.tier is not None and self.tier < 0:
            raise InvalidInputError(f"tier of {self.sku} must be 0 or more", field="tier")

    @property
    def opening_price(self) -> Decimal:
        """The price the per-day change limit is measured from."""
        return self.current_price if self.day_start_price is None else self.day_start_price


@dataclass(frozen=True, slots=True)
class RangePrice:
    """Another product's price in a range, for the brand-tier rule.

    Examples
    --------
    >>> RangePrice("OIL-BUDGET", "olive-oil-1l", 0, Decimal("6.99")).tier
    0
    """

    sku: str
    range_id: str
    tier: int
    price: Decimal

    def __post_init__(self) -> None:
        _coerce(self, "price")
        if self.price <= 0:
            raise InvalidInputError(f"price of {self.sku} must be positive", field="price")
