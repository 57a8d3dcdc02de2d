"""Bulk-insert a generated demo shop into the tables.

The generator speaks in external keys (``supplier_ref``, ``sku``, ``customer_external_id``,
``order_external_id``); this module inserts parents first, reads back their database ids
and resolves the children's keys to them. Rows go in with SQLAlchemy Core ``insert()`` in
chunks (``executemany``), one transaction per table group, which loads the default shop in
seconds on SQLite and PostgreSQL alike. Customer PII is encrypted on the way in, exactly as
:mod:`shopkeeper.services.customers` does for one customer (see :mod:`.frame_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import Connection, Engine, Table, delete, func, insert, select

from shopkeeper.data.importers.frame_rows import (
    clean,
    customer_pii_columns,
    distinct_series,
    frame_records,
    shipping_address_column,
)
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import Base

__all__ = [
    "LOADED_TABLES",
    "GeneratedFrames",
    "clear_shop_data",
    "distinct_series",
    "load_generated_shop",
    "shop_row_counts",
]

CHUNK = 5_000

# Progress of the load: (table name, rows written so far, rows to write).
LoadProgress = Callable[[str, int, int], None]


class GeneratedFrames(Protocol):
    """The frames of a generated shop this loader reads (``GeneratedShop`` has them)."""

    @property
    def suppliers(self) -> pd.DataFrame: ...
    @property
    def products(self) -> pd.DataFrame: ...
    @property
    def customers(self) -> pd.DataFrame: ...
    @property
    def orders(self) -> pd.DataFrame: ...
    @property
    def order_lines(self) -> pd.DataFrame: ...
    @property
    def stock_levels(self) -> pd.DataFrame: ...
    @property
    def stock_moves(self) -> pd.DataFrame: ...
    @property
    def price_changes(self) -> pd.DataFrame: ...
    @property
    def events(self) -> pd.DataFrame: ...
    @property
    def signals(self) -> pd.DataFrame: ...


# Children before parents: the order rows are deleted in when a shop is cleared.
SHOP_DATA_TABLES = (
    "aggregate_forecasts",  # product forecasts go with their products (cascade)
    "messages",
    "handoffs",
    "returns",
    "conversations",
    "events",
    "signals",
    "order_lines",
    "orders",
    "price_changes",
    "stock_moves",
    "stock_levels",
    "purchase_order_lines",
    "purchase_orders",
    "proposals",
    "products",
    "suppliers",
    "customers",
)


# The tables a generated shop fills, parents first.
LOADED_TABLES = (
    "suppliers",
    "products",
    "stock_levels",
    "stock_moves",
    "price_changes",
    "customers",
    "orders",
    "order_lines",
    "events",
    "signals",
)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(
    connection: Connection,
    name: str,
    rows: list[dict[str, Any]],
    shop_id: int,
    progress: LoadProgress | None,
) -> None:
    done = 0
    for chunk in _chunks(rows):
        for row in chunk:
            row["shop_id"] = shop_id
        connection.execute(insert(_table(name)), chunk)
        done += len(chunk)
        if progress:
            progress(name, done, len(rows))
    if progress and not rows:
        progress(name, 0, 0)


def _ids(connection: Connection, name: str, key: str, shop_id: int) -> dict[str, int]:
    table = _table(name)
    query = select(table.c[key], table.c.id).where(table.c.shop_id == shop_id)
    return {str(k): int(i) for k, i in connection.execute(query)}


def _resolve(values: Iterable[Any], ids: Mapping[str, int]) -> list[int | None]:
    return [None if v is None else ids.get(str(v)) for v in (clean(x) for x in values)]


def shop_row_counts(
    engine: Engine, shop_id: int, tables: Iterable[str] = LOADED_TABLES
) -> dict[str, int]:
    """Rows per table for one shop (by default the tables a generated shop fills)."""
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for name in tables:
            table = _table(name)
            query = select(func.count()).select_from(table).where(table.c.shop_id == shop_id)
            counts[name] = int(connection.scalar(query) or 0)
    return counts


def clear_shop_data(engine: Engine, shop_id: int) -> None:
    """Delete a shop's catalogue, customers, sales, events and proposals (not users or keys)."""
    with engine.begin() as connection:
        for name in SHOP_DATA_TABLES:
            table = _table(name)
            connection.execute(delete(table).where(table.c.shop_id == shop_id))


def load_generated_shop(
    engine: Engine,
    cipher: PiiCipher,
    shop: GeneratedFrames,
    *,
    shop_id: int,
    currency: str,
    now: datetime,
    progress: LoadProgress | None = None,
) -> dict[str, int]:
    """Insert every frame of ``shop`` for ``shop_id``; returns the rows written per table."""
    written: dict[str, int] = {}

    def put(connection: Connection, name: str, rows: list[dict[str, Any]]) -> None:
        _insert(connection, name, rows, shop_id, progress)
        written[name] = len(rows)

    with engine.begin() as connection:  # catalogue
        put(
            connection,
            "suppliers",
            frame_records(shop.suppliers, _table("suppliers"), renames={"supplier_ref": "ref"}),
        )
        supplier_ids = _ids(connection, "suppliers", "ref", shop_id)
        products = shop.products
        put(
            connection,
            "products",
            frame_records(
                products,
                _table("products"),
                extra={"supplier_id": _resolve(products.get("supplier_ref", []), supplier_ids)}
                if "supplier_ref" in products
                else None,
                defaults={
                    "created_at": lambda _: now,
                    "updated_at": lambda row: row["created_at"],
                    "attributes": lambda _: {},
                    "status": lambda _: "active",
                },
            ),
        )
        product_ids = _ids(connection, "products", "sku", shop_id)
        for name, stamp in (
            ("stock_levels", "updated_at"),
            ("stock_moves", "occurred_at"),
            ("price_changes", "changed_at"),
        ):
            frame: pd.DataFrame = getattr(shop, name)
            put(
                connection,
                name,
                frame_records(
                    frame,
                    _table(name),
                    extra={"product_id": _resolve(frame["sku"], product_ids)},
                    defaults={stamp: lambda _: now},
                ),
            )

    with engine.begin() as connection:  # customers
        customers = shop.customers
        put(
            connection,
            "customers",
            frame_records(
                customers,
                _table("customers"),
                extra=customer_pii_columns(customers, cipher),
                defaults={
                    "created_at": lambda _: now,
                    "updated_at": lambda row: row["created_at"],
                    "attributes": lambda _: {},
                },
            ),
        )

    with engine.begin() as connection:  # sales
        customer_ids = _ids(connection, "customers", "external_id", shop_id)
        orders = shop.orders
        put(
            connection,
            "orders",
            frame_records(
                orders,
                _table("orders"),
                extra={
                    "customer_id": _resolve(orders["customer_external_id"], customer_ids),
                    "shipping_address_enc": shipping_address_column(orders, cipher),
                },
                defaults={
                    "currency": lambda _: currency,
                    "created_at": lambda row: row["placed_at"],
                    "updated_at": lambda row: row["placed_at"],
                    "discount_total": lambda _: Decimal(0),
                    "shipping_total": lambda _: Decimal(0),
                    # Totals are derived as services.orders derives them from the lines.
                    "subtotal": lambda row: (
                        row["total"] + row["discount_total"] - row["shipping_total"]
                    ),
                },
            ),
        )
        order_ids = _ids(connection, "orders", "external_id", shop_id)
        lines = shop.order_lines
        put(
            connection,
            "order_lines",
            frame_records(
                lines,
                _table("order_lines"),
                extra={
                    "order_id": _resolve(lines["order_external_id"], order_ids),
                    "product_id": _resolve(lines["sku"], product_ids),
                },
                defaults={"discount": lambda _: Decimal(0)},
            ),
        )

    with engine.begin() as connection:  # behaviour and context
        put(
            connection,
            "events",
            frame_records(
                shop.events,
                _table("events"),
                defaults={
                    "received_at": lambda row: row["occurred_at"],
                    "context": lambda _: {},
                },
            ),
        )
        put(
            connection,
            "signals",
            frame_records(
                distinct_series(shop.signals),
                _table("signals"),
                defaults={
                    "region": lambda _: "",
                    "sku": lambda _: "",
                    "meta": lambda _: {},
                    "granularity": lambda _: "daily",
                },
            ),
        )
    return written
