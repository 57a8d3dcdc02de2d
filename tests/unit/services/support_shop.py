"""A small shop for the support tests: two customers, orders in every state, the demo FAQ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from shopkeeper.ai.support import demo_faq_documents
from shopkeeper.data.database import transaction
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.customers import Address, CustomerCreate
from shopkeeper.domain.orders import OrderCreate, OrderLineIn
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.domain.shops import Shop
from shopkeeper.services.catalog import upsert_product
from shopkeeper.services.customers import upsert_customer
from shopkeeper.services.modes import set_mode
from shopkeeper.services.orders import upsert_order
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.support.documents import replace_documents
from shopkeeper.services.support.policy import SupportPolicy, save_policy

ADA = "ada.lovelace@example.fr"
BOB = "bob.martin@example.fr"
PRODUCTS = {
    "SHOE-1": ("Baskets Running Confort", "shoes", "59.90"),
    "HONEY-1": ("Miel Bio de Provence", "food", "8.50"),
    "LAMP-1": ("Lampe de bureau Nova", "home decor", "34.00"),
}


@dataclass(frozen=True)
class SupportShop:
    processing: str = "O0010101"
    shipped: str = "O0010102"
    delivered: str = "O0010103"
    delivered_food: str = "O0010104"
    delivered_long_ago: str = "O0010105"
    bobs_shipped: str = "O0010106"


def build_support_shop(
    runtime: Runtime, shop: Shop, mode: CapabilityMode = CapabilityMode.AUTO
) -> SupportShop:
    """The shop the support tests talk to; "now" is the runtime clock's."""
    now = runtime.clock.now()
    ids = SupportShop()
    with transaction(runtime.sessions) as session:
        for sku, (title, category, price) in PRODUCTS.items():
            upsert_product(
                session,
                runtime.clock,
                shop,
                ProductCreate(sku=sku, title=title, category=category, price=Decimal(price)),
                "test",
            )
        for external_id, email, postcode in (("C1", ADA, "69003"), ("C2", BOB, "33000")):
            upsert_customer(
                session,
                runtime.clock,
                runtime.cipher,
                shop.id,
                CustomerCreate(
                    external_id=external_id,
                    email=email,
                    first_name=email.split(".")[0].title(),
                    address=Address(
                        line1="1 rue Test", postcode=postcode, city="Lyon", country="FR"
                    ),
                ),
            )

        def order(
            number: str,
            customer: str,
            status: str,
            sku: str,
            placed_days_ago: float,
            delivered_days_ago: float | None = None,
        ) -> None:
            placed = now - timedelta(days=placed_days_ago)
            shipped = placed + timedelta(days=1) if status != "processing" else None
            delivered: datetime | None = (
                now - timedelta(days=delivered_days_ago) if delivered_days_ago is not None else None
            )
            postcode = "69003" if customer == "C1" else "33000"
            upsert_order(
                session,
                runtime.clock,
                runtime.cipher,
                shop,
                OrderCreate(
                    external_id=number,
                    customer_id=customer,
                    placed_at=placed,
                    status=status,  # type: ignore[arg-type]
                    shipping_address=Address(
                        line1="1 rue Test", postcode=postcode, city="Lyon", country="FR"
                    ),
                    shipped_at=shipped,
                    delivered_at=delivered,
                    carrier="Colissimo" if shipped else None,
                    tracking_number=f"6A{number[1:]}" if shipped else None,
                    lines=[OrderLineIn(sku=sku, quantity=1, unit_price=Decimal(PRODUCTS[sku][2]))],
                ),
            )

        order(ids.processing, "C1", "processing", "LAMP-1", 0.2)
        order(ids.shipped, "C1", "shipped", "LAMP-1", 2)
        order(ids.delivered, "C1", "delivered", "SHOE-1", 12, delivered_days_ago=9)
        order(ids.delivered_food, "C1", "delivered", "HONEY-1", 12, delivered_days_ago=9)
        order(ids.delivered_long_ago, "C1", "delivered", "SHOE-1", 80, delivered_days_ago=75)
        order(ids.bobs_shipped, "C2", "shipped", "LAMP-1", 2)
        set_mode(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.SUPPORT,
            mode=mode,
            actor="test",
        )
        save_policy(
            session,
            runtime.clock,
            shop.id,
            SupportPolicy(non_returnable=frozenset({"food"})),
            "test",
        )
        for language in ("fr", "en"):
            replace_documents(
                session, runtime.clock, shop.id, language, demo_faq_documents(language), "test"
            )
    return ids
