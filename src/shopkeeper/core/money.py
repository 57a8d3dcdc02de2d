"""Money as ``Decimal`` plus an ISO 4217 currency; floats never hold prices."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# Currencies whose minor unit is not 2 digits; everything else rounds to cents.
_MINOR_UNITS: dict[str, int] = {
    "JPY": 0,
    "KRW": 0,
    "CLP": 0,
    "ISK": 0,
    "BHD": 3,
    "KWD": 3,
    "TND": 3,
}

Amount = Decimal | int | str


def minor_units(currency: str) -> int:
    """Number of decimal digits of ``currency`` (2 unless listed otherwise)."""
    return _MINOR_UNITS.get(currency, 2)


def to_decimal(value: Amount | float) -> Decimal:
    """Convert a number to ``Decimal`` exactly as written (floats through ``str``)."""
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def rounded(amount: Amount | float, currency: str) -> Decimal:
    """``amount`` in the precision of ``currency``, as an amount stored with 4 decimals is shown.

    Examples
    --------
    >>> rounded(Decimal("12.3450"), "EUR"), rounded(Decimal("1200.4"), "JPY")
    (Decimal('12.34'), Decimal('1200'))
    """
    return Money(amount, currency).amount


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency, rounded to the currency's minor unit (banker's rounding).

    Examples
    --------
    >>> price = Money("19.99", "EUR")
    >>> price * 3
    Money(amount=Decimal('59.97'), currency='EUR')
    >>> str(price + Money("0.01", "EUR"))
    '20.00 EUR'
    >>> Money("1", "EUR") + Money("1", "USD")
    Traceback (most recent call last):
    ...
    ValueError: cannot combine EUR and USD
    """

    amount: Decimal
    currency: str

    def __init__(self, amount: Amount | float, currency: str) -> None:
        code = currency.upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"currency must be a 3-letter ISO 4217 code, got {currency!r}")
        quantum = Decimal(1).scaleb(-minor_units(code))
        rounded = to_decimal(amount).quantize(quantum, rounding=ROUND_HALF_EVEN)
        object.__setattr__(self, "amount", rounded)
        object.__setattr__(self, "currency", code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Amount) -> Money:
        return Money(self.amount * to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
