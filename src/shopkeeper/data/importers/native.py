"""Shopkeeper's own CSV format: columns named like the fields of the domain input models.

Blank cells are left out, so re-importing a file with an empty ``brand`` keeps the stored
brand. Columns named ``attr_<name>`` go into the item's ``attributes``. The format is
documented column by column in ``docs/importing.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shopkeeper.data.importers.cells import CellError, CellType, Row, parse_datetime
from shopkeeper.data.importers.order_rows import orders_from_rows
from shopkeeper.data.importers.records import (
    ImportKind,
    ItemT,
    Mapper,
    ParseContext,
    Parsed,
    Rejection,
    record_or_rejection,
)
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.customers import CustomerCreate
from shopkeeper.domain.signals import SignalPointIn
from shopkeeper.domain.stock import StockSet
from shopkeeper.domain.suppliers import SupplierCreate

ATTR_PREFIX = "attr_"
META_PREFIX = "meta_"
ADDRESS: dict[str, CellType] = {
    "line1": "text",
    "line2": "text",
    "postcode": "text",
    "city": "text",
    "region": "text",
    "country": "text",
}
PRODUCT: dict[str, CellType] = {
    "sku": "text",
    "title": "text",
    "price": "decimal",
    "description": "text",
    "category": "text",
    "brand": "text",
    "cost": "decimal",
    "size": "text",
    "weight_kg": "float",
    "volume_l": "float",
    "is_consumable": "bool",
    "is_bulky": "bool",
    "status": "text",
    "supplier_ref": "text",
}
CUSTOMER: dict[str, CellType] = {
    "external_id": "text",
    "email": "text",
    "first_name": "text",
    "last_name": "text",
    "phone": "text",
    "segment": "text",
    "price_sensitivity": "float",
}
CUSTOMER_ADDRESS = {f"address_{name}": kind for name, kind in ADDRESS.items()}
ORDER: dict[str, CellType] = {
    "external_id": "text",
    "customer_id": "text",
    "placed_at": "datetime",
    "status": "text",
    "channel": "text",
    "currency": "text",
    "shipping_total": "decimal",
    "order_discount": "decimal",
    "total": "decimal",
}
ORDER_ADDRESS = {f"shipping_{name}": kind for name, kind in ADDRESS.items()}
ORDER_LINE: dict[str, CellType] = {
    "sku": "text",
    "quantity": "int",
    "unit_price": "decimal",
    "discount": "decimal",
}
STOCK: dict[str, CellType] = {
    "sku": "text",
    "on_hand": "int",
    "location": "text",
    "reason": "text",
}
SUPPLIER: dict[str, CellType] = {
    "ref": "text",
    "name": "text",
    "email": "text",
    "lead_time_days": "int",
    "moq": "int",
    "pack_size": "int",
}

SIGNAL: dict[str, CellType] = {
    "name": "text",
    "value": "float",
    "granularity": "text",
    "region": "text",
    "sku": "text",
}


def _nested(row: Row, spec: dict[str, CellType], prefix: str) -> dict[str, Any]:
    return {k.removeprefix(prefix): v for k, v in row.values(spec).items()}


def _one_per_row(
    model: type[ItemT], build: Callable[[Row, ParseContext], dict[str, Any]]
) -> Callable[[Iterator[Row], ParseContext], Iterator[Parsed]]:
    def parse(rows: Iterator[Row], ctx: ParseContext) -> Iterator[Parsed]:
        for row in rows:
            if row.error:
                yield Rejection((row.line,), row.error)
            else:
                yield record_or_rejection(row.line, model, build, row, ctx)

    return parse


def _product(row: Row, _ctx: ParseContext) -> dict[str, Any]:
    values = row.values(PRODUCT)
    if attributes := row.prefixed(ATTR_PREFIX):
        values["attributes"] = attributes
    return values


def _customer(row: Row, _ctx: ParseContext) -> dict[str, Any]:
    values = row.values(CUSTOMER)
    if address := _nested(row, CUSTOMER_ADDRESS, "address_"):
        values["address"] = address
    if attributes := row.prefixed(ATTR_PREFIX):
        values["attributes"] = attributes
    return values


def _signal(row: Row, _ctx: ParseContext) -> dict[str, Any]:
    values = row.values(SIGNAL)
    raw_ts = row.text("ts")
    if raw_ts:
        values["ts"] = _signal_ts(raw_ts)
    if meta := row.prefixed(META_PREFIX):
        values["meta"] = meta
    return values


def _signal_ts(text: str) -> datetime:
    """A signal's time as written: a daily point keeps its written date (see
    ``normalise_ts``), so an offset is kept, not converted; no offset means UTC, not the
    shop's zone, as in the API."""
    try:
        written = datetime.fromisoformat(text.replace(" UTC", "+00:00"))
    except ValueError:
        try:
            written = parse_datetime(text, ZoneInfo("UTC"))
        except ValueError as exc:
            raise CellError("ts", str(exc)) from None
    return written if written.tzinfo else written.replace(tzinfo=UTC)


def _order_header(rows: list[Row], ctx: ParseContext) -> dict[str, Any]:
    """Order columns from the first row that fills them; a different value later is an error."""
    spec = ORDER | ORDER_ADDRESS
    values: dict[str, Any] = {}
    where: dict[str, int] = {}
    for row in rows:
        for name, value in row.values(spec, ctx.zone).items():
            if name not in values:
                values[name], where[name] = value, row.line
            elif value != values[name]:
                raise CellError(
                    name, f"{value!r} on line {row.line} differs from line {where[name]}"
                )
    order = {k: v for k, v in values.items() if k in ORDER}
    if address := {k.removeprefix("shipping_"): v for k, v in values.items() if k in ORDER_ADDRESS}:
        order["shipping_address"] = address
    return order


def _orders(rows: Iterator[Row], ctx: ParseContext) -> Iterator[Parsed]:
    return orders_from_rows(
        rows, "external_id", lambda g: _order_header(g, ctx), lambda r: r.values(ORDER_LINE)
    )


MAPPERS: dict[ImportKind, Mapper] = {
    ImportKind.PRODUCTS: Mapper(
        frozenset({"sku", "title", "price"}),
        _one_per_row(ProductCreate, _product),
        frozenset(PRODUCT),
        (ATTR_PREFIX,),
    ),
    ImportKind.CUSTOMERS: Mapper(
        frozenset({"external_id"}),
        _one_per_row(CustomerCreate, _customer),
        frozenset(CUSTOMER | CUSTOMER_ADDRESS),
        (ATTR_PREFIX,),
    ),
    ImportKind.ORDERS: Mapper(
        frozenset({"external_id", "placed_at", "sku", "quantity", "unit_price"}),
        _orders,
        frozenset(ORDER | ORDER_ADDRESS | ORDER_LINE),
    ),
    ImportKind.STOCK: Mapper(
        frozenset({"sku", "on_hand"}),
        _one_per_row(StockSet, lambda row, _ctx: row.values(STOCK)),
        frozenset(STOCK),
    ),
    ImportKind.SUPPLIERS: Mapper(
        frozenset({"ref", "name"}),
        _one_per_row(SupplierCreate, lambda row, _ctx: row.values(SUPPLIER)),
        frozenset(SUPPLIER),
    ),
    ImportKind.SIGNALS: Mapper(
        frozenset({"name", "ts", "value"}),
        _one_per_row(SignalPointIn, _signal),
        frozenset(SIGNAL | {"ts": "datetime"}),
        (META_PREFIX,),
    ),
}
