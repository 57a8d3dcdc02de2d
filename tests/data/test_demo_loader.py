"""The demo shop in the tables: every frame loaded, PII encrypted, re-runs idempotent."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shopkeeper.core.errors import ConflictError
from shopkeeper.data.database import transaction
from shopkeeper.data.importers.demo import DemoShopConfig, GeneratedShop, generate_shop
from shopkeeper.data.importers.demo_loader import (
    distinct_series,
    load_generated_shop,
    shop_row_counts,
)
from shopkeeper.data.tables import CustomerRow, OrderLineRow, OrderRow, ProductRow, ProposalRow
from shopkeeper.domain.shops import ShopCreate
from shopkeeper.services import customers as customer_service
from shopkeeper.services.access import api_keys, users
from shopkeeper.services.demo import OWNER_EMAIL, OWNER_PASSWORD, build_demo_shop, demo_end_date
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import create_shop
from shopkeeper.testing.clock import FakeClock

SMALL = DemoShopConfig(n_products=80, n_customers=500, months=6, sessions_per_day=40, seed=3)
FRAMES = (
    "suppliers",
    "products",
    "customers",
    "orders",
    "order_lines",
    "stock_levels",
    "stock_moves",
    "price_changes",
    "events",
    "signals",
)


@pytest.fixture(scope="module")
def generated() -> GeneratedShop:
    return generate_shop(SMALL)


@pytest.mark.postgres
def test_every_frame_is_loaded_with_keys_resolved(
    runtime: Runtime, generated: GeneratedShop
) -> None:
    with transaction(runtime.sessions) as session:
        shop = create_shop(session, ShopCreate(slug="demo", name="Demo"), runtime.clock)
    written = load_generated_shop(
        runtime.engine,
        runtime.cipher,
        generated,
        shop_id=shop.id,
        currency=shop.currency,
        now=runtime.clock.now(),
    )
    counts = shop_row_counts(runtime.engine, shop.id)
    for name in FRAMES:
        frame = getattr(generated, name)
        expected = len(distinct_series(frame) if name == "signals" else frame)
        assert written[name] == expected, name
        assert counts[name] == expected, name
    assert counts["orders"] > 0
    assert counts["events"] > 0
    with runtime.sessions() as session:
        unlinked_lines = session.scalar(
            select(func.count(OrderLineRow.id)).where(OrderLineRow.product_id.is_(None))
        )
        linked_orders = session.scalar(
            select(func.count(OrderRow.id)).where(OrderRow.customer_id.is_not(None))
        )
        supplied = session.scalar(
            select(func.count(ProductRow.id)).where(ProductRow.supplier_id.is_not(None))
        )
    assert unlinked_lines == 0
    assert linked_orders == generated.orders["customer_external_id"].notna().sum()
    assert supplied == generated.products["supplier_ref"].notna().sum()


@pytest.mark.postgres
def test_customer_pii_is_stored_encrypted(runtime: Runtime, generated: GeneratedShop) -> None:
    with transaction(runtime.sessions) as session:
        shop = create_shop(session, ShopCreate(slug="demo", name="Demo"), runtime.clock)
    load_generated_shop(
        runtime.engine,
        runtime.cipher,
        generated,
        shop_id=shop.id,
        currency=shop.currency,
        now=runtime.clock.now(),
    )
    first = generated.customers.iloc[0]
    with runtime.sessions() as session:
        blobs = session.execute(
            select(
                CustomerRow.email_enc,
                CustomerRow.name_enc,
                CustomerRow.phone_enc,
                CustomerRow.address_enc,
                CustomerRow.email_hash,
            )
        ).all()
        stored = b"".join(
            (v if isinstance(v, bytes) else str(v).encode()) for r in blobs for v in r
        )
        assert first["email"].encode() not in stored
        assert first["last_name"].encode() not in stored
        public = customer_service.get_customer(
            session, runtime.cipher, shop.id, first["external_id"]
        )
        by_email = customer_service.list_customers(
            session, runtime.cipher, shop.id, email=first["email"]
        )
    assert public.email == first["email"]
    assert public.last_name == first["last_name"]
    assert [c.external_id for c in by_email.data] == [first["external_id"]]


@pytest.mark.postgres
def test_build_is_idempotent_and_refuses_another_config(runtime: Runtime) -> None:
    built = build_demo_shop(runtime, config=SMALL)
    assert not built.reused
    assert built.truth_path.is_file()
    assert built.rows["products"] == SMALL.n_products
    assert built.model_run.is_current

    again = build_demo_shop(runtime, config=SMALL)
    assert again.reused
    assert again.rows == built.rows
    assert again.model_run.id == built.model_run.id
    assert again.credentials == built.credentials
    assert shop_row_counts(runtime.engine, built.shop.id) == built.rows

    with transaction(runtime.sessions) as session:
        assert api_keys.authenticate(session, again.credentials.secret_key).shop_id == built.shop.id
        owner = users.authenticate_user(
            session, runtime.clock, email=OWNER_EMAIL, password=OWNER_PASSWORD
        )
        assert owner.shop_id == built.shop.id

    other = DemoShopConfig(n_products=60, n_customers=300, months=3, sessions_per_day=20, seed=4)
    with pytest.raises(ConflictError):
        build_demo_shop(runtime, config=other)
    rebuilt = build_demo_shop(runtime, config=other, fresh=True)
    assert not rebuilt.reused
    assert shop_row_counts(runtime.engine, built.shop.id)["products"] == 60
    assert rebuilt.model_run.id != built.model_run.id


def test_example_proposals_are_made_once(runtime: Runtime, tmp_path: Path) -> None:
    built = build_demo_shop(runtime, config=SMALL)
    assert built.proposals is not None
    assert built.proposals >= 1
    # Prices are among them: the demo's tier names and ranges must not refuse every product.
    with runtime.sessions() as session:
        priced = session.scalar(
            select(func.count(ProposalRow.id)).where(
                ProposalRow.shop_id == built.shop.id, ProposalRow.kind == "dynamic_price"
            )
        )
    assert priced
    again = build_demo_shop(runtime, config=SMALL)
    assert again.proposals == built.proposals


def test_demo_history_ends_yesterday_and_keeps_its_date_on_rerun(
    runtime: Runtime, clock: FakeClock
) -> None:
    # 23:30 UTC on the 25th is already the 26th in Paris: "yesterday" is the shop's 25th.
    clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    first = demo_end_date(runtime, "demo")
    assert first == date(2026, 11, 25)
    build_demo_shop(runtime, config=replace(SMALL, end_date=first))
    clock.advance(days=3)
    assert demo_end_date(runtime, "demo") == first, "a re-run must find the same config"
    assert demo_end_date(runtime, "demo", fresh=True) == date(2026, 11, 28)
