"""WooCommerce's product export (Products > Export): products and stock.

Simple and external products and variations become products; ``variable`` and ``grouped``
parents are not sold themselves, but their name, description and categories fill in what
their variations leave blank. Variations point at their parent as ``id:123`` or by sku.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from shopkeeper.data.importers.cells import Row, plain_text
from shopkeeper.data.importers.records import (
    ImportKind,
    Mapper,
    ParseContext,
    Parsed,
    record_or_rejection,
)
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.stock import StockSet

PARENT_TYPES = frozenset({"variable", "grouped"})
SIZE_NAMES = frozenset({"size", "taille", "größe", "talla", "taglia"})
# Weight column names carry the store's unit; convert to kilograms.
WEIGHT_UNITS = {"kg": Decimal(1), "g": Decimal("0.001"), "lbs": Decimal("0.45359237")}
WEIGHT_UNITS["oz"] = WEIGHT_UNITS["lbs"] / 16


def _types(row: Row) -> set[str]:
    return {t.strip().lower() for t in row.text("type").split(",") if t.strip()}


def _sellable(rows: Iterator[Row]) -> Iterator[tuple[Row, Row | None]]:
    """Each sellable row with its parent row, if any (parents precede variations)."""
    parents: dict[str, Row] = {}
    for row in rows:
        if _types(row) & PARENT_TYPES:
            parents[f"id:{row.text('id')}"] = row
            if row.text("sku"):
                parents[row.text("sku")] = row
            continue
        yield row, parents.get(row.text("parent"))


def _sku(row: Row) -> str:
    return row.text("sku") or f"woo-{row.text('id')}"


def _weight(row: Row) -> float | None:
    for unit, factor in WEIGHT_UNITS.items():
        value = row.get(f"weight ({unit})", "decimal")
        if value is not None:
            return float(value * factor)
    return None


def _attributes(row: Row, parent: Row | None) -> dict[str, str]:
    found = {}
    for source in (parent, row):
        for n in range(1, 10):
            name = source.text(f"attribute {n} name") if source else ""
            if name and source:
                found[name] = source.text(f"attribute {n} value(s)")
    return {k: v for k, v in found.items() if v}


def _product(row: Row, parent: Row | None) -> dict[str, Any]:
    def inherited(column: str) -> str:
        return row.text(column) or (parent.text(column) if parent else "")

    categories = [c.strip() for c in inherited("categories").split(",") if c.strip()]
    tags = [t.strip() for t in inherited("tags").split(",") if t.strip()]
    options = _attributes(row, parent)
    attributes: dict[str, Any] = {"woocommerce_id": row.text("id")}
    if categories:
        attributes["categories"] = categories
    if tags:
        attributes["tags"] = tags
    if options:
        attributes["options"] = options
    sale = row.get("sale price", "decimal")
    if sale is not None:
        attributes["sale_price"] = str(sale)
    title = row.text("name") or (
        f"{parent.text('name')} - {' / '.join(options.values())}" if parent else ""
    )
    values: dict[str, Any] = {
        "sku": _sku(row),
        "title": title,
        "price": row.get("regular price", "decimal"),
        "description": plain_text(inherited("description") or inherited("short description")),
        "category": categories[0].rsplit(">", 1)[-1].strip() if categories else None,
        "brand": inherited("brands") or options.get("Brand") or None,
        "weight_kg": _weight(row),
        "size": next((v for k, v in options.items() if k.lower() in SIZE_NAMES), None),
        "status": "active" if row.text("published") == "1" else "archived",
        "attributes": attributes,
    }
    return {k: v for k, v in values.items() if v not in (None, "")}


def _stock(row: Row) -> dict[str, Any]:
    return {"sku": _sku(row), "on_hand": row.get("stock", "int"), "reason": "import"}


def parse_products(rows: Iterator[Row], _ctx: ParseContext) -> Iterator[Parsed]:
    for row, parent in _sellable(rows):
        yield record_or_rejection(row.line, ProductCreate, _product, row, parent)


def parse_stock(rows: Iterator[Row], _ctx: ParseContext) -> Iterator[Parsed]:
    for row, _parent in _sellable(rows):
        if not row.text("stock"):
            continue  # stock not managed for this product in WooCommerce
        yield record_or_rejection(row.line, StockSet, _stock, row)


BASE_COLUMNS = frozenset({"id", "type", "sku", "name"})
MAPPERS: dict[ImportKind, Mapper] = {
    ImportKind.PRODUCTS: Mapper(BASE_COLUMNS | {"regular price"}, parse_products),
    ImportKind.STOCK: Mapper(BASE_COLUMNS | {"stock"}, parse_stock),
}
