"""Shopify's product export (products, stock) and order export (orders with their buyers).

Product export: one row per variant; the first row of a handle carries the product fields
and later rows of the same handle leave them blank. Rows with only an image are skipped.
Order export: one row per line item; the order fields are filled on the first row only.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from shopkeeper.data.importers.cells import Row, plain_text, sku_from
from shopkeeper.data.importers.order_rows import orders_from_rows
from shopkeeper.data.importers.records import (
    ImportKind,
    Mapper,
    ParseContext,
    Parsed,
    record_or_rejection,
)
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.customers import CustomerCreate
from shopkeeper.domain.stock import StockSet

SIZE_OPTIONS = frozenset({"size", "taille", "größe", "talla", "taglia"})
DEFAULT_VARIANT = "Default Title"


def _handles(rows: Iterator[Row]) -> Iterator[tuple[Row, Row]]:
    """Each variant row with the first row of its handle (which holds the product fields)."""
    first: Row | None = None
    for row in rows:
        if first is None or row.text("handle") != first.text("handle"):
            first = row
        if row.text("variant sku") or row.text("variant price") or row.text("option1 value"):
            yield first, row


def _options(first: Row, row: Row) -> dict[str, str]:
    options = {}
    for n in (1, 2, 3):
        value = row.text(f"option{n} value")
        if value and value != DEFAULT_VARIANT:
            options[first.text(f"option{n} name") or f"option{n}"] = value
    return options


def _sku(first: Row, row: Row) -> str:
    return row.text("variant sku") or sku_from(row.text("handle"), *_options(first, row).values())


def _status(first: Row) -> str:
    status = first.text("status").lower()
    if status:
        return "active" if status == "active" else "archived"
    return "active" if first.text("published").lower() in {"true", "1", "yes"} else "archived"


def _product(first: Row, row: Row) -> dict[str, Any]:
    options = _options(first, row)
    title = first.text("title") or row.text("handle")
    category_path = first.text("product category")
    attributes: dict[str, Any] = {"handle": row.text("handle")}
    if options:
        attributes["options"] = options
        title = f"{title} - {' / '.join(options.values())}"
    if tags := [t.strip() for t in first.text("tags").split(",") if t.strip()]:
        attributes["tags"] = tags
    if category_path:
        attributes["product_category"] = category_path
    compare_at = row.get("variant compare at price", "decimal")
    if compare_at is not None:
        attributes["compare_at_price"] = str(compare_at)
    if row.text("variant barcode"):
        attributes["barcode"] = row.text("variant barcode").lstrip("'")
    grams = row.get("variant grams", "decimal")
    values: dict[str, Any] = {
        "sku": _sku(first, row),
        "title": title,
        "price": row.get("variant price", "decimal"),
        "description": plain_text(first.text("body (html)")),
        "category": first.text("type") or category_path.rsplit(">", 1)[-1].strip(),
        "brand": first.text("vendor"),
        "cost": row.get("cost per item", "decimal"),
        "weight_kg": float(grams / 1000) if grams is not None else None,
        "size": next((v for k, v in options.items() if k.lower() in SIZE_OPTIONS), None),
        "status": _status(first),
        "attributes": attributes,
    }
    return {k: v for k, v in values.items() if v not in (None, "")}


def _stock(first: Row, row: Row) -> dict[str, Any]:
    return {
        "sku": _sku(first, row),
        "on_hand": row.get("variant inventory qty", "int"),
        "reason": "import",
    }


def parse_products(rows: Iterator[Row], _ctx: ParseContext) -> Iterator[Parsed]:
    for first, row in _handles(rows):
        yield record_or_rejection(row.line, ProductCreate, _product, first, row)


def parse_stock(rows: Iterator[Row], _ctx: ParseContext) -> Iterator[Parsed]:
    for first, row in _handles(rows):
        if not row.text("variant inventory qty"):
            continue  # inventory not tracked by Shopify for this variant: nothing to set
        yield record_or_rejection(row.line, StockSet, _stock, first, row)


def _status_of_order(first: Row) -> str:
    financial = first.text("financial status").lower()
    fulfillment = first.text("fulfillment status").lower()
    if first.text("cancelled at"):
        return "cancelled"
    if financial == "refunded":
        return "returned"
    if fulfillment == "fulfilled":
        return "shipped"
    if financial in {"pending", "authorized"}:
        return "pending"
    return "processing"


def _order_header(rows: list[Row], ctx: ParseContext) -> dict[str, Any]:
    first = rows[0]
    shipping = first.get("shipping", "decimal") or Decimal(0)
    discount = first.get("discount amount", "decimal") or Decimal(0)
    lines = sum(
        (
            (r.get("lineitem price", "decimal") or 0) * (r.get("lineitem quantity", "int") or 0)
            for r in rows
        ),
        Decimal(0),
    )
    expected = lines - discount + shipping
    total = first.get("total", "decimal")
    if total is not None:
        # Tax-exclusive shops add Taxes on top of the total; tax-inclusive ones do not.
        without_tax = total - (first.get("taxes", "decimal") or Decimal(0))
        total = min((total, without_tax), key=lambda t: abs(t - expected))
    address = {
        "line1": first.text("shipping address1"),
        "line2": first.text("shipping address2"),
        "postcode": first.text("shipping zip").lstrip("'"),
        "city": first.text("shipping city"),
        "region": first.text("shipping province name") or first.text("shipping province"),
        "country": first.text("shipping country"),
    }
    email = first.text("email")
    values: dict[str, Any] = {
        "external_id": first.text("name"),
        "customer_id": ctx.customer_ref(email) if email else None,
        "placed_at": first.get("created at", "datetime", ctx.zone),
        "status": _status_of_order(first),
        "channel": (first.text("source") or "web")[:32],
        "currency": first.text("currency") or None,
        "shipping_total": shipping,
        "order_discount": discount,
        "total": total,
        "shipping_address": {k: v for k, v in address.items() if v} or None,
    }
    return {k: v for k, v in values.items() if v is not None}


def _buyer(rows: list[Row], ctx: ParseContext) -> CustomerCreate | None:
    first = rows[0]
    email = first.text("email")
    if not email:
        return None
    name = (first.text("billing name") or first.text("shipping name")).split(" ", 1)
    return CustomerCreate.model_validate(
        {
            "external_id": ctx.customer_ref(email),
            "email": email,
            "first_name": name[0] or None,
            "last_name": name[1] if len(name) > 1 else None,
        }
    )


def _line(row: Row) -> dict[str, Any]:
    return {
        "sku": row.text("lineitem sku") or sku_from(row.text("lineitem name")),
        "quantity": row.get("lineitem quantity", "int"),
        "unit_price": row.get("lineitem price", "decimal"),
    }


def parse_orders(rows: Iterator[Row], ctx: ParseContext) -> Iterator[Parsed]:
    return orders_from_rows(
        rows, "name", lambda g: _order_header(g, ctx), _line, lambda g: _buyer(g, ctx)
    )


PRODUCT_COLUMNS = frozenset({"handle", "variant price"})
MAPPERS: dict[ImportKind, Mapper] = {
    ImportKind.PRODUCTS: Mapper(PRODUCT_COLUMNS | {"title"}, parse_products),
    ImportKind.STOCK: Mapper(PRODUCT_COLUMNS | {"variant inventory qty"}, parse_stock),
    ImportKind.ORDERS: Mapper(
        frozenset({"name", "created at", "lineitem quantity", "lineitem price"}), parse_orders
    ),
}
