"""Turning generated DataFrames into rows for SQLAlchemy Core inserts.

Frames carry pandas types (``NaN`` for missing values, ``Timestamp``, floats for money);
tables want ``None``, ``datetime``, ``Decimal`` and ints. Personal fields become the
ciphertext columns :mod:`shopkeeper.services.customers` writes for a single customer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Column, Table

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.pii import PiiCipher

# A column's value computed from the rest of its row, when the frame leaves it out.
Default = Callable[[dict[str, Any]], Any]


def clean(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _money(value: Any) -> Decimal | None:
    value = clean(value)
    if value is None or isinstance(value, Decimal):
        return value
    # str() of a float is its shortest round-trip text, so 12.99 stays 12.99, not 12.9899...
    return Decimal(str(round(float(value), 4)))


def _python_type(column: Column[Any]) -> type | None:
    try:
        kind: type = column.type.python_type
    except NotImplementedError:
        return None
    return kind


def column_values(frame: pd.DataFrame, name: str, column: Column[Any] | None = None) -> list[Any]:
    series = frame[name]
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        stamps: list[Any] = [None if pd.isna(t) else t.to_pydatetime() for t in series]
        return stamps
    values = [clean(v) for v in series.tolist()]
    kind = _python_type(column) if column is not None else None
    if kind is Decimal:
        return [_money(v) for v in values]
    if kind is int and series.dtype.kind == "f":
        # Optional counts (dwell_ms, quantity) arrive as floats because NaN marks "absent".
        return [None if v is None else int(v) for v in values]
    return values


def frame_records(
    frame: pd.DataFrame,
    table: Table,
    *,
    renames: Mapping[str, str] | None = None,
    extra: Mapping[str, list[Any]] | None = None,
    defaults: Mapping[str, Default] | None = None,
) -> list[dict[str, Any]]:
    """Rows for ``table`` from the frame columns the table has (after ``renames``).

    ``extra`` adds computed columns (resolved ids, ciphertexts); ``defaults`` compute,
    from the row, the value of a column that is missing or empty.
    """
    renamed = frame.rename(columns=dict(renames or {}))
    wanted = [c.name for c in table.columns if c.name in renamed.columns and c.name != "id"]
    columns = {name: column_values(renamed, name, table.c[name]) for name in wanted}
    columns.update(extra or {})
    names = list(columns)
    rows = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    if not names:
        rows = [{} for _ in range(len(frame))]
    for name, default in (defaults or {}).items():
        for row in rows:
            if row.get(name) is None:
                row[name] = default(row)
    return rows


def customer_pii_columns(frame: pd.DataFrame, cipher: PiiCipher) -> dict[str, list[Any]]:
    """The ``*_enc`` and ``email_hash`` columns, built as services.customers builds them."""

    def texts(name: str) -> list[Any]:
        return column_values(frame, name) if name in frame.columns else [None] * len(frame)

    emails, phones = texts("email"), texts("phone")
    names = zip(texts("first_name"), texts("last_name"), strict=True)
    address_parts = {
        "line1": texts("address_line1"),
        "line2": texts("address_line2"),
        "postcode": texts("postcode"),
        "city": texts("city"),
        "region": texts("region"),
        "country": texts("country"),
    }
    addresses = [
        {k: v for k, v in zip(address_parts, parts, strict=True) if v}
        for parts in zip(*address_parts.values(), strict=True)
    ]
    return {
        "email_enc": [cipher.encrypt_optional(e) for e in emails],
        "email_hash": [cipher.email_hash(e) for e in emails],
        "name_enc": [
            cipher.encrypt_json({k: v for k, v in (("first_name", f), ("last_name", n)) if v})
            for f, n in names
        ],
        "phone_enc": [cipher.encrypt_optional(p) for p in phones],
        "address_enc": [cipher.encrypt_json(a) for a in addresses],
    }


def shipping_address_column(orders: pd.DataFrame, cipher: PiiCipher) -> list[bytes | None]:
    parts = {
        field: column_values(orders, f"shipping_{field}")
        for field in ("line1", "line2", "postcode", "city", "region", "country")
        if f"shipping_{field}" in orders.columns
    }
    if "shipping_address_line1" in orders.columns:
        parts["line1"] = column_values(orders, "shipping_address_line1")
    return (
        [
            cipher.encrypt_json({k: v for k, v in zip(parts, values, strict=True) if v})
            for values in zip(*parts.values(), strict=True)
        ]
        if parts
        else [None] * len(orders)
    )


def distinct_series(signals: pd.DataFrame) -> pd.DataFrame:
    """Signals unchanged, after checking there is one value per (name, region, sku, ts).

    The table refuses a second value for the same series and time; failing here names the
    series instead of a bare constraint error halfway through the load.
    """
    key = signals[["name", "region", "sku", "ts"]].fillna("")
    clashing = sorted(set(signals["name"][key.duplicated(keep=False)]))
    if clashing:
        raise InvalidInputError(f"signals repeat a series on the same day: {clashing[:5]}")
    return signals
