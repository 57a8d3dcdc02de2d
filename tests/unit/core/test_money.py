"""Money: exact Decimal arithmetic, rounding to the currency's minor unit, no currency mixing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.core.money import Money, minor_units, to_decimal

CURRENCIES = st.sampled_from(["EUR", "USD", "JPY", "KWD"])
# Amounts already on a cent grid, the shape prices take once stored.
CENTS = st.integers(min_value=-(10**9), max_value=10**9).map(lambda c: Decimal(c).scaleb(-2))
RAW = st.decimals(
    min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=6
)


@given(CENTS, CENTS, CENTS)
def test_addition_is_associative_and_commutative(a: Decimal, b: Decimal, c: Decimal) -> None:
    x, y, z = Money(a, "EUR"), Money(b, "EUR"), Money(c, "EUR")
    assert (x + y) + z == x + (y + z)
    assert x + y == y + x
    assert (x + y) - y == x


@given(RAW, CURRENCIES)
def test_amounts_round_to_the_minor_unit_with_bankers_rounding(raw: Decimal, code: str) -> None:
    money = Money(raw, code)
    digits = minor_units(code)
    assert money.amount.as_tuple().exponent == -digits
    assert abs(money.amount - raw) <= Decimal(1).scaleb(-digits) / 2
    assert Money(money.amount, code) == money  # rounding is idempotent


def test_half_cents_round_to_even() -> None:
    assert Money("0.125", "EUR").amount == Decimal("0.12")
    assert Money("0.135", "EUR").amount == Decimal("0.14")
    assert Money("1.5", "JPY").amount == Decimal("2")
    assert Money("2.5", "JPY").amount == Decimal("2")


@given(CENTS, st.integers(min_value=0, max_value=50))
def test_multiplying_by_a_count_equals_repeated_addition(a: Decimal, n: int) -> None:
    price = Money(a, "EUR")
    total = Money.zero("EUR")
    for _ in range(n):
        total = total + price
    assert price * n == total
    assert n * price == total


@given(CENTS, CENTS)
def test_currencies_never_mix(a: Decimal, b: Decimal) -> None:
    eur, usd = Money(a, "EUR"), Money(b, "USD")
    for combine in (
        lambda: eur + usd,
        lambda: eur - usd,
        lambda: eur < usd,
        lambda: eur >= usd,
    ):
        with pytest.raises(ValueError, match="cannot combine"):
            combine()


def test_floats_are_read_as_written_and_garbage_is_refused() -> None:
    assert Money(0.1, "EUR") + Money(0.2, "EUR") == Money("0.30", "EUR")
    assert to_decimal(19.99) == Decimal("19.99")
    assert Money("19.99", "eur").currency == "EUR"
    with pytest.raises(ValueError, match="not a number"):
        Money("abc", "EUR")
    with pytest.raises(ValueError, match="3-letter"):
        Money("1", "EURO")
    assert str(-Money("5", "EUR")) == "-5.00 EUR"
