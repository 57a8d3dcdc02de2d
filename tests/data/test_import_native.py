"""Importing our own CSV format into the database: values, upserts, rejected rows."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shopkeeper.data.database import transaction
from shopkeeper.data.importers.records import ImportFormat, ImportKind
from shopkeeper.data.tables import OrderRow, ProductRow, StockMoveRow, SupplierRow
from shopkeeper.domain.shops import Shop
from shopkeeper.services import catalog, customers, orders, stock
from shopkeeper.services.imports import ImportResult, run_import
from shopkeeper.services.runtime import Runtime

pytestmark = pytest.mark.postgres
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def run(
    runtime: Runtime,
    shop: Shop,
    kind: ImportKind,
    source: str | bytes,
    fmt: ImportFormat = ImportFormat.AUTO,
) -> ImportResult:
    """Import a fixture file by name, or the given CSV text."""
    if isinstance(source, str) and source.endswith(".csv"):
        data = (FIXTURES / source).read_bytes()
    else:
        data = source.encode() if isinstance(source, str) else source
    return run_import(
        runtime.sessions, runtime.clock, runtime.cipher, shop, kind, io.BytesIO(data), fmt
    )


def load_catalogue(runtime: Runtime, shop: Shop) -> None:
    assert run(runtime, shop, ImportKind.SUPPLIERS, "suppliers.csv").complete
    assert run(runtime, shop, ImportKind.PRODUCTS, "products.csv").complete


def test_suppliers_and_products_land_with_their_values(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    load_catalogue(runtime, shop)
    french = run(runtime, shop, ImportKind.PRODUCTS, "products_fr.csv")
    assert (french.created, french.rejected) == (2, 0)
    with transaction(runtime.sessions) as session:
        tee = catalog.get_product(session, shop, "TEE-1")
        cafe = catalog.get_product(session, shop, "CAFE-2")
        acme = session.scalar(select(SupplierRow).where(SupplierRow.ref == "ACME"))
    assert (tee.price, tee.cost, tee.size, tee.supplier_ref) == (
        Decimal("19.90"),
        Decimal("7.20"),
        "M",
        "ACME",
    )
    assert tee.attributes == {"color": "white"}
    assert tee.description.endswith('"relaxed" fit')
    assert (cafe.price, cafe.is_consumable, cafe.weight_kg) == (Decimal("1024.50"), True, 1.0)
    assert acme is not None
    assert (acme.lead_time_days, acme.moq, acme.pack_size) == (14, 50, 10)


def test_reimport_updates_instead_of_duplicating(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    load_catalogue(runtime, shop)
    again = run(runtime, shop, ImportKind.PRODUCTS, "products.csv")
    assert (again.created, again.updated) == (0, 3)
    changed = run(
        runtime, shop, ImportKind.PRODUCTS, "sku,title,price,brand\nTEE-1,Organic tee,21.50,\n"
    )
    assert (changed.created, changed.updated) == (0, 1)
    with transaction(runtime.sessions) as session:
        assert session.scalar(select(func.count(ProductRow.id))) == 3
        tee = catalog.get_product(session, shop, "TEE-1")
    assert tee.price == Decimal("21.50")
    assert tee.brand == "Maison Lin"  # a blank cell keeps the stored value


def test_customers_orders_and_stock(backend: str, runtime: Runtime, shop: Shop) -> None:
    load_catalogue(runtime, shop)
    assert run(runtime, shop, ImportKind.CUSTOMERS, "customers.csv").created == 2
    result = run(runtime, shop, ImportKind.ORDERS, "orders.csv")
    assert (result.created, result.rejected, result.rows_read) == (2, 0, 4)
    assert run(runtime, shop, ImportKind.STOCK, "stock.csv").created == 3
    with transaction(runtime.sessions) as session:
        ada = customers.get_customer(session, runtime.cipher, shop.id, "C-1")
        order = orders.get_order(session, runtime.cipher, shop.id, "O-1")
        levels = stock.list_stock(session, shop.id, sku="TEE-1")
    assert (ada.email, ada.last_name, ada.country) == ("ada@example.com", "Lovelace", "FR")
    assert ada.attributes == {"newsletter": "yes"}
    assert [(ln.sku, ln.quantity) for ln in order.lines] == [
        ("TEE-1", 2),
        ("MUG-1", 1),
        ("MUG-1", 1),
    ]
    assert (order.total, order.discount_total, order.status) == (
        Decimal("61.20"),
        Decimal("3.00"),
        "shipped",
    )
    assert order.shipping_address is not None
    assert order.shipping_address.city == "Nantes"
    assert {(lv.location, lv.on_hand) for lv in levels.data} == {("main", 40), ("shop-floor", 5)}

    recount = run(runtime, shop, ImportKind.STOCK, "sku,on_hand\nTEE-1,37\n")
    assert (recount.created, recount.updated) == (0, 1)
    again = run(runtime, shop, ImportKind.ORDERS, "orders.csv")
    assert (again.created, again.updated) == (0, 2)
    with transaction(runtime.sessions) as session:
        assert session.scalar(select(func.count(OrderRow.id))) == 2
        moves = session.scalars(select(StockMoveRow.quantity).order_by(StockMoveRow.id)).all()
    assert moves[-1] == -3


def test_bad_rows_are_reported_with_line_and_reason_while_good_rows_land(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    load_catalogue(runtime, shop)
    text = (
        "sku,title,price,cost,supplier_ref\n"  # line 1
        "OK-1,Good one,10,4,\n"  # 2
        "BAD 1,Space in sku,10,,\n"  # 3
        "OK-2,Good two,12,,ACME\n"  # 4
        "BAD-2,Cheap,1,50,\n"  # 5: cost more than ten times the price
        "BAD-3,Unknown supplier,5,,NOPE\n"  # 6: refused by the service, not the parser
        'OK-3,Good three,"7,50",,\n'  # 7
    )
    result = run(runtime, shop, ImportKind.PRODUCTS, text)
    assert (result.created, result.rejected) == (3, 3)
    assert not result.complete
    reasons = {e.line: e.reason for e in result.errors}
    assert set(reasons) == {3, 5, 6}
    assert "sku" in reasons[3]
    assert "ten times" in reasons[5]
    assert "NOPE" in reasons[6]
    with transaction(runtime.sessions) as session:
        skus = set(session.scalars(select(ProductRow.sku)))
    assert {"OK-1", "OK-2", "OK-3"} <= skus
    assert not skus & {"BAD 1", "BAD-2", "BAD-3"}


def test_stock_for_an_unknown_sku_is_rejected_alone(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    load_catalogue(runtime, shop)
    result = run(
        runtime, shop, ImportKind.STOCK, "sku;on_hand\nTEE-1;4\nGHOST;3\nMUG-1;-1\nMUG-1;2\n"
    )
    assert (result.created, result.updated, result.rejected) == (2, 0, 2)
    assert [(e.line, "GHOST" in e.reason) for e in result.errors] == [(3, True), (4, False)]


def test_bad_order_line_rejects_the_whole_order_never_a_partial_one(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    load_catalogue(runtime, shop)
    text = (
        "external_id,placed_at,currency,sku,quantity,unit_price\n"
        "O-1,2026-03-01T10:00:00Z,EUR,TEE-1,1,19.90\n"
        "O-2,2026-03-01T11:00:00Z,EUR,TEE-1,2,19.90\n"
        "O-2,,,MUG-1,two,14.50\n"
        "O-3,2026-03-01T12:00:00Z,USD,TEE-1,1,19.90\n"
    )
    result = run(runtime, shop, ImportKind.ORDERS, text)
    assert (result.created, result.rejected) == (1, 2)
    by_line = {e.line: e for e in result.errors}
    assert by_line[3].lines == [3, 4]
    assert "line 4" in by_line[3].reason
    assert by_line[5].lines == [5]
    assert "USD" in by_line[5].reason
    with transaction(runtime.sessions) as session:
        stored = set(session.scalars(select(OrderRow.external_id)))
    assert stored == {"O-1"}


def test_explicit_format_must_match_the_kind(backend: str, runtime: Runtime, shop: Shop) -> None:
    from shopkeeper.data.importers.records import ImportFileError

    with pytest.raises(ImportFileError) as caught:
        run(runtime, shop, ImportKind.SUPPLIERS, "products.csv", ImportFormat.WOOCOMMERCE)
    assert caught.value.code.value == "invalid_input"
