"""Shopify and WooCommerce exports land as the right products, stock, orders and buyers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopkeeper.data.database import transaction
from shopkeeper.data.importers.records import ImportFormat, ImportKind
from shopkeeper.data.tables import CustomerRow, OrderRow, ProductRow
from shopkeeper.domain.shops import Shop
from shopkeeper.services import catalog, customers, orders, stock
from shopkeeper.services.runtime import Runtime
from tests.data.test_import_native import run

pytestmark = pytest.mark.postgres


def test_shopify_products_one_per_variant_with_handle_fields_carried_over(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    result = run(runtime, shop, ImportKind.PRODUCTS, "shopify_products.csv")
    assert (result.format, result.created, result.rejected) == (ImportFormat.SHOPIFY, 5, 0)
    with transaction(runtime.sessions) as session:
        medium = catalog.get_product(session, shop, "TEE-W-M")
        scarf = catalog.get_product(session, shop, "winter-scarf")
        count = session.scalar(select(func.count(ProductRow.id)))
    assert count == 5  # the image-only row is not a product
    assert medium.title == "Classic Tee - M / White"
    assert (medium.brand, medium.category, medium.size) == ("Maison Lin", "T-shirts", "M")
    assert (medium.price, medium.cost, medium.weight_kg) == (
        Decimal("19.90"),
        Decimal("7.50"),
        0.19,
    )
    assert medium.description == "Soft organic cotton tee. Made in Portugal."
    assert medium.attributes["compare_at_price"] == "25.00"
    assert medium.attributes["tags"] == ["cotton", "summer"]
    assert (scarf.status, scarf.category) == ("archived", "Scarves & Shawls")


def test_shopify_inventory_sets_stock_and_skips_untracked_variants(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    run(runtime, shop, ImportKind.PRODUCTS, "shopify_products.csv")
    result = run(runtime, shop, ImportKind.STOCK, "shopify_products.csv", ImportFormat.SHOPIFY)
    assert (result.created, result.rejected) == (4, 0)
    with transaction(runtime.sessions) as session:
        levels = {lv.sku: lv.on_hand for lv in stock.list_stock(session, shop.id).data}
    assert levels == {"TEE-W-S": 12, "TEE-W-M": 8, "TEE-W-L": 0, "APRON-1": 5}


def test_shopify_orders_group_line_items_and_create_pseudonymous_buyers(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    run(runtime, shop, ImportKind.PRODUCTS, "shopify_products.csv")
    result = run(runtime, shop, ImportKind.ORDERS, "shopify_orders.csv")
    assert (result.created, result.rejected) == (3, 0), result.errors
    with transaction(runtime.sessions) as session:
        first = orders.get_order(session, runtime.cipher, shop.id, "#1001")
        cancelled = orders.get_order(session, runtime.cipher, shop.id, "#1003")
        pending = orders.get_order(session, runtime.cipher, shop.id, "#1002")
        buyers = customers.list_customers(session, runtime.cipher, shop.id, email="ada@example.com")
        n_customers = session.scalar(select(func.count(CustomerRow.id)))
    assert [(ln.sku, ln.quantity, ln.unit_price) for ln in first.lines] == [
        ("TEE-W-S", 2, Decimal("19.90")),
        ("APRON-1", 1, Decimal("34.00")),
    ]
    assert (first.total, first.shipping_total, first.discount_total) == (
        Decimal("73.70"),
        Decimal("4.90"),
        Decimal("5.00"),
    )
    assert first.placed_at.isoformat().startswith("2026-03-01T09:15:32")
    assert first.shipping_address is not None
    assert (first.shipping_address.postcode, first.shipping_address.region) == (
        "44000",
        "Pays de la Loire",
    )
    assert (first.status, pending.status, cancelled.status) == ("shipped", "pending", "cancelled")
    assert n_customers == 2
    (ada,) = buyers.data
    assert (ada.first_name, ada.last_name) == ("Ada", "Lovelace")
    assert first.customer_id == ada.external_id == cancelled.customer_id
    assert "ada" not in ada.external_id  # the id does not reveal the email


def test_shopify_order_with_a_bad_line_item_is_rejected_whole(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    header = "Name,Email,Financial Status,Currency,Shipping,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n"
    text = header + (
        "#2001,a@example.com,paid,EUR,0,10.00,2026-03-01 10:00:00 +0100,1,Tee,10.00,TEE-1\n"
        "#2002,b@example.com,paid,EUR,0,30.00,2026-03-01 11:00:00 +0100,1,Tee,10.00,TEE-1\n"
        "#2002,,,,,,,x,Mug,20.00,MUG-1\n"
    )
    result = run(runtime, shop, ImportKind.ORDERS, text)
    assert (result.created, result.rejected) == (1, 1)
    assert result.errors[0].lines == [3, 4]
    assert "line 4" in result.errors[0].reason
    with transaction(runtime.sessions) as session:
        assert set(session.scalars(select(OrderRow.external_id))) == {"#2001"}


def test_woocommerce_products_and_stock(backend: str, runtime: Runtime, shop: Shop) -> None:
    result = run(runtime, shop, ImportKind.PRODUCTS, "woocommerce_products.csv")
    assert (result.format, result.created, result.rejected) == (ImportFormat.WOOCOMMERCE, 4, 0)
    with transaction(runtime.sessions) as session:
        mug = catalog.get_product(session, shop, "MUG-1")
        hoodie = catalog.get_product(session, shop, "HOODIE-M")
        wrapping = catalog.get_product(session, shop, "woo-30")
        parent = catalog.find_product(session, shop.id, "HOODIE")
    assert parent is None  # a variable product is not sold itself
    assert (mug.price, mug.category, mug.brand, mug.weight_kg) == (
        Decimal("14.50"),
        "Mugs",
        "Atelier Terre",
        0.35,
    )
    assert mug.description == "Hand-glazed stoneware mug, 300 ml."
    assert (hoodie.category, hoodie.size, hoodie.description) == (
        "Hoodies",
        "M",
        "Warm fleece hoodie.",
    )
    assert wrapping.status == "archived"
    levels = run(runtime, shop, ImportKind.STOCK, "woocommerce_products.csv")
    assert (levels.created, levels.rejected) == (2, 0)
    again = run(runtime, shop, ImportKind.PRODUCTS, "woocommerce_products.csv")
    assert (again.created, again.updated) == (0, 4)
