"""A small shop seeded through the services: products, customers, orders, events, users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from shopkeeper.data.database import transaction
from shopkeeper.domain.access import Role
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.customers import CustomerCreate
from shopkeeper.domain.orders import OrderCreate, OrderLineIn
from shopkeeper.domain.shops import Shop
from shopkeeper.domain.stock import StockSet
from shopkeeper.services import catalog, customers, events, orders, stock
from shopkeeper.services.access.users import create_user
from shopkeeper.services.runtime import Runtime

PASSWORD = "correct horse battery"
USERS = {
    Role.OWNER: "owner@shop.test",
    Role.STAFF: "staff@shop.test",
    Role.SUPPORT_AGENT: "agent@shop.test",
    Role.VIEWER: "viewer@shop.test",
}


@dataclass(frozen=True)
class Seeded:
    """What the seed wrote, so tests can compute expected figures by hand."""

    now: datetime
    skus: tuple[str, ...]


def seed_users(runtime: Runtime, shop: Shop) -> None:
    with transaction(runtime.sessions) as session:
        for role, email in USERS.items():
            create_user(
                session,
                runtime.clock,
                shop_id=shop.id,
                email=email,
                password=PASSWORD,
                role=role,
                name=role.value.title(),
            )


def _event(kind: str, session_id: str, at: datetime, **extra: object) -> dict[str, object]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "session_id": session_id,
        "occurred_at": at.isoformat(),
        **extra,
    }


def seed_shop(runtime: Runtime, shop: Shop) -> Seeded:
    """Three products, two customers, four orders (one cancelled, one old), three sessions.

    Expected over the last 30 days: revenue 20.00*2 + 35.50 + 5.00 (shipping) = 80.50 from
    2 orders; conversion 1 of 3 sessions.
    """
    clock = runtime.clock
    now = clock.now()
    with transaction(runtime.sessions) as session:
        for sku, title, price, category in (
            ("TEE-1", "Linen tee", "20.00", "Tops"),
            ("MUG-1", "Stoneware mug", "35.50", "Kitchen"),
            ("SOCK-1", "Wool socks", "9.90", "Tops"),
        ):
            catalog.upsert_product(
                session,
                clock,
                shop,
                ProductCreate(
                    sku=sku,
                    title=title,
                    price=Decimal(price),
                    category=category,
                    cost=Decimal("4.00"),
                ),
                "seed",
            )
            stock.set_stock(session, clock, shop.id, StockSet(sku=sku, on_hand=12))
        for external_id, email, first, last in (
            ("C-ADA", "ada@example.com", "Ada", "Lovelace"),
            ("C-BOB", "bob@example.com", "Bob", "Marley"),
        ):
            customers.upsert_customer(
                session,
                clock,
                runtime.cipher,
                shop.id,
                CustomerCreate(
                    external_id=external_id, email=email, first_name=first, last_name=last
                ),
            )
        specs = (
            ("O-1", "C-ADA", now - timedelta(days=2), "delivered", [("TEE-1", 2, "20.00")], "0"),
            ("O-2", "C-BOB", now - timedelta(days=1), "processing", [("MUG-1", 1, "35.50")], "5"),
            ("O-3", "C-BOB", now - timedelta(days=3), "cancelled", [("MUG-1", 4, "35.50")], "0"),
            ("O-4", "C-ADA", now - timedelta(days=45), "delivered", [("SOCK-1", 3, "9.90")], "0"),
        )
        for external_id, customer, placed, status, lines, shipping in specs:
            orders.upsert_order(
                session,
                clock,
                runtime.cipher,
                shop,
                OrderCreate(
                    external_id=external_id,
                    customer_id=customer,
                    placed_at=placed,
                    status=status,  # type: ignore[arg-type]
                    shipping_total=Decimal(shipping),
                    lines=[
                        OrderLineIn(sku=s, quantity=q, unit_price=Decimal(p)) for s, q, p in lines
                    ],
                ),
            )
    recent = now - timedelta(hours=5)
    batch = [
        _event("view", "s-buyer", recent, sku="TEE-1"),
        _event("purchase", "s-buyer", recent + timedelta(minutes=3), order_id="O-1"),
        _event("view", "s-browser", recent, sku="MUG-1"),
        _event("search", "s-searcher", recent, query="socks"),
        _event("purchase", "s-old", now - timedelta(days=60), order_id="O-4"),
    ]
    events.record_events(
        runtime.sessions, clock, runtime.session_store, shop_id=shop.id, raw_events=batch
    )
    return Seeded(now=now, skus=("TEE-1", "MUG-1", "SOCK-1"))
