"""Reading CSV exports without a database: encodings, separators, numbers, line numbers."""

from __future__ import annotations

import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from shopkeeper.data.importers.formats import detect_format, open_import
from shopkeeper.data.importers.records import (
    ImportFileError,
    ImportFormat,
    ImportKind,
    ParseContext,
    Parsed,
    Record,
    Rejection,
)
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.orders import OrderCreate

CTX = ParseContext(ZoneInfo("Europe/Paris"))


def parse(
    text: str | bytes, kind: ImportKind, fmt: ImportFormat = ImportFormat.AUTO
) -> list[Parsed]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return list(open_import(io.BytesIO(data), kind, fmt, CTX).records)


def test_french_excel_export_with_bom_semicolons_and_decimal_commas() -> None:
    text = "\ufeffsku;title;price;cost;weight_kg\nCAFE-1;Café moulu;6,90;2,10;0,25\nCAFE-2;Grains;1 024,50;;1\n"
    first, second = parse(text, ImportKind.PRODUCTS)
    assert isinstance(first, Record)
    assert isinstance(first.item, ProductCreate)
    assert (first.item.sku, first.item.price, first.item.cost) == (
        "CAFE-1",
        Decimal("6.90"),
        Decimal("2.10"),
    )
    assert first.item.weight_kg == 0.25
    assert isinstance(second, Record)
    assert isinstance(second.item, ProductCreate)
    assert second.item.price == Decimal("1024.50")
    assert "cost" not in second.item.model_fields_set


def test_windows_1252_file_is_decoded() -> None:
    data = "sku,title,price\nCAFE-1,Café crème,3.20\n".encode("cp1252")
    (record,) = parse(data, ImportKind.PRODUCTS)
    assert isinstance(record, Record)
    assert isinstance(record.item, ProductCreate)
    assert record.item.title == "Café crème"


def test_line_numbers_are_physical_lines_even_with_multiline_cells_and_blank_lines() -> None:
    text = 'sku,title,price,description\nA1,Tee,10,"two\nlines"\n\nA2,Tee,ten,\nA3,,5,\n'
    records = parse(text, ImportKind.PRODUCTS)
    assert [r.lines for r in records] == [(2,), (5,), (6,)]
    assert isinstance(records[1], Rejection)
    assert "not a number" in records[1].reason
    assert isinstance(records[2], Rejection)
    assert "title" in records[2].reason


def test_an_order_with_one_bad_line_is_rejected_whole_with_all_its_lines() -> None:
    text = (
        "external_id,placed_at,sku,quantity,unit_price\n"
        "O-1,2026-03-01 10:00,A1,1,10\n"
        "O-2,2026-03-01 11:00,A1,2,10\n"
        "O-2,,A2,0,5\n"
        "O-2,,A3,1,5\n"
        "O-3,2026-03-01 12:00,A1,1,10\n"
    )
    results = parse(text, ImportKind.ORDERS)
    assert [type(r).__name__ for r in results] == ["Record", "Rejection", "Record"]
    rejected = results[1]
    assert isinstance(rejected, Rejection)
    assert rejected.lines == (3, 4, 5)
    assert "line 4" in rejected.reason
    assert "quantity" in rejected.reason
    assert isinstance(results[0], Record)
    assert isinstance(results[0].item, OrderCreate)
    assert results[0].item.placed_at.hour == 9  # Paris local time stored as UTC


def test_repeated_order_columns_must_agree_and_orders_must_be_consecutive() -> None:
    text = (
        "external_id,placed_at,currency,sku,quantity,unit_price\n"
        "O-1,2026-03-01 10:00,EUR,A1,1,10\n"
        "O-1,2026-03-02 10:00,EUR,A2,1,10\n"
        "O-2,2026-03-01 10:00,,A1,1,10\n"
        "O-3,2026-03-01 10:00,,A1,1,10\n"
        "O-2,2026-03-01 10:00,,A2,1,10\n"
    )
    o1, o2, o3, o2_again = parse(text, ImportKind.ORDERS)
    assert isinstance(o1, Rejection)
    assert "placed_at" in o1.reason
    assert o1.lines == (2, 3)
    assert isinstance(o2, Record)
    assert isinstance(o3, Record)
    assert isinstance(o2_again, Rejection)
    assert o2_again.lines == (6,)
    assert "consecutive" in o2_again.reason


def test_misaligned_row_is_reported_not_guessed() -> None:
    (row,) = parse("sku,title,price\nA1,Tee, red,10\n", ImportKind.PRODUCTS)
    assert isinstance(row, Rejection)
    assert row.lines == (2,)
    assert "4 cells" in row.reason


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Handle,Title,Variant SKU,Variant Price", ImportFormat.SHOPIFY),
        ("Name,Email,Created at,Lineitem quantity,Lineitem price", ImportFormat.SHOPIFY),
        ("ID,Type,SKU,Name,Regular price", ImportFormat.WOOCOMMERCE),
        ("sku,title,price", ImportFormat.SHOPKEEPER),
    ],
)
def test_format_is_recognised_from_the_header(header: str, expected: ImportFormat) -> None:
    assert detect_format([h.lower() for h in header.split(",")]) is expected


@pytest.mark.parametrize(
    "content",
    [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"just one column\nvalue\n"],
)
def test_unreadable_files_are_refused_before_any_row(content: bytes) -> None:
    with pytest.raises(ImportFileError):
        parse(content, ImportKind.PRODUCTS)


def test_missing_required_columns_are_named() -> None:
    with pytest.raises(ImportFileError) as caught:
        parse("sku,title\nA1,Tee\n", ImportKind.PRODUCTS)
    assert caught.value.details["missing"] == ["price"]


def test_unknown_columns_of_our_format_are_warned_about() -> None:
    parsed = open_import(
        io.BytesIO(b"sku,title,price,prce\nA1,Tee,1,2\n"),
        ImportKind.PRODUCTS,
        ImportFormat.AUTO,
        CTX,
    )
    assert any("prce" in w for w in parsed.warnings)
