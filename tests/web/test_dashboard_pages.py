"""Dashboard pages through the TestClient: content, languages, roles and the Inbox."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ShopRow
from shopkeeper.domain.access import Role
from shopkeeper.domain.explanation import Explanation, Factor
from shopkeeper.domain.proposals import Capability, ProposalPublic
from shopkeeper.domain.shops import Shop
from shopkeeper.services import catalog, proposals
from shopkeeper.services.runtime import Runtime

pytestmark = pytest.mark.postgres

SignIn = Callable[[Role], str]


def price_proposal(runtime: Runtime, shop: Shop, new_price: str = "22.00") -> ProposalPublic:
    with transaction(runtime.sessions) as session:
        made = proposals.propose(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            kind="price_change",
            target="TEE-1",
            summary=f"Raise TEE-1 to {new_price}",
            explanation=Explanation(
                "Demand is up and stock is low",
                (Factor("demand_trend", 0.7, "+35% views this week"), Factor("stock", 0.3)),
            ),
            payload={"sku": "TEE-1", "old_price": "20.00", "new_price": new_price},
            expected_effect={"revenue_per_week": "+12.40"},
        )
    assert made is not None
    return made


def test_overview_shows_the_kpis_of_the_period(
    backend: str, client: TestClient, signed_in: SignIn
) -> None:
    signed_in(Role.VIEWER)
    page = client.get("/?days=30").text
    assert 'data-kpi="revenue" data-value="80.50"' in page
    assert 'data-kpi="orders" data-value="2"' in page
    assert 'data-kpi="basket" data-value="40.25"' in page
    assert "1 of 3 sessions" in page
    assert 'id="revenue-data"' in page
    # The 45-day-old order only counts over 90 days.
    assert 'data-kpi="revenue" data-value="110.20"' in client.get("/?days=90").text


def test_labels_follow_the_shop_locale_and_the_lang_switch(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        session.execute(update(ShopRow).where(ShopRow.id == shop.id).values(locale="fr"))
    signed_in(Role.OWNER)
    assert "Chiffre d&#39;affaires" in client.get("/").text
    assert "Revenue" in client.get("/?lang=en").text
    # Remembered in the session for the next pages.
    assert "Products" in client.get("/products").text
    assert "Produits" in client.get("/products?lang=fr").text


def test_product_search_category_filter_and_live_search_partial(
    backend: str, client: TestClient, signed_in: SignIn
) -> None:
    signed_in(Role.VIEWER)
    page = client.get("/products?q=mug").text
    assert "MUG-1" in page
    assert "TEE-1" not in page
    tops = client.get("/products?category=Tops").text
    assert "TEE-1" in tops
    assert "SOCK-1" in tops
    assert "MUG-1" not in tops
    partial = client.get("/products?q=wool", headers={"HX-Request": "true", "HX-Target": "results"})
    assert "SOCK-1" in partial.text
    assert "<nav" not in partial.text


def test_product_page_shows_stock_and_price_changes(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        from shopkeeper.domain.catalog import ProductUpdate

        catalog.update_product(
            session, runtime.clock, shop, "SOCK-1", ProductUpdate(price=Decimal("8.50")), "ops"
        )
    signed_in(Role.STAFF)
    page = client.get("/products/SOCK-1").text
    assert 'data-field="stock">12<' in page
    assert "€9.90" in page
    assert "€8.50" in page
    assert 'id="weekly-data"' in page


def test_customer_names_only_for_owner_and_staff(
    backend: str, client: TestClient, signed_in: SignIn
) -> None:
    signed_in(Role.VIEWER)
    page = client.get("/customers").text
    assert "C-ADA" in page
    assert "Lovelace" not in page
    assert "ada@example.com" not in page
    signed_in(Role.STAFF)
    assert "Ada Lovelace" in client.get("/customers").text
    found = client.get("/customers?q=bob@example.com").text
    assert "C-BOB" in found
    assert "C-ADA" not in found
    assert "C-ADA" in client.get("/customers?q=C-A").text


def test_orders_filter_and_detail(backend: str, client: TestClient, signed_in: SignIn) -> None:
    signed_in(Role.SUPPORT_AGENT)
    cancelled = client.get("/orders?status=cancelled").text
    assert "O-3" in cancelled
    assert "O-1" not in cancelled
    ranged = client.get("/orders?start=2026-11-23&end=2026-11-24").text
    assert "O-1" in ranged
    assert "O-2" in ranged
    assert "O-4" not in ranged
    detail = client.get("/orders/O-2").text
    assert "MUG-1" in detail
    assert "€40.50" in detail


def test_inbox_lists_reasons_and_owner_approves_with_htmx(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    made = price_proposal(runtime, shop)
    token = signed_in(Role.OWNER)
    page = client.get("/inbox").text
    assert "Raise TEE-1 to 22.00" in page
    assert "+35% views this week" in page
    assert 'id="inbox-badge" class="badge"' in page
    assert ">1</span>" in page
    response = client.post(
        f"/inbox/{made.id}/approve", headers={"HX-Request": "true", "X-CSRF-Token": token}
    )
    assert response.status_code == 200
    assert 'data-status="applied"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert ">0</span>" in response.text
    with transaction(runtime.sessions) as session:
        assert catalog.get_product(session, shop, "TEE-1").price == Decimal("22.00")


def test_reject_without_htmx_redirects_back_to_the_inbox(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    made = price_proposal(runtime, shop)
    token = signed_in(Role.STAFF)
    response = client.post(
        f"/inbox/{made.id}/reject", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    with transaction(runtime.sessions) as session:
        assert proposals.get_proposal(session, shop.id, made.id).status == "rejected"


def test_viewer_sees_the_inbox_but_cannot_approve(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    made = price_proposal(runtime, shop)
    token = signed_in(Role.VIEWER)
    page = client.get("/inbox").text
    assert "Raise TEE-1" in page
    assert 'data-action="approve"' not in page
    response = client.post(f"/inbox/{made.id}/approve", headers={"X-CSRF-Token": token})
    assert response.status_code == 403
    with transaction(runtime.sessions) as session:
        assert proposals.get_proposal(session, shop.id, made.id).status == "proposed"


def test_approve_without_csrf_token_is_forbidden(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    made = price_proposal(runtime, shop)
    signed_in(Role.OWNER)
    response = client.post(f"/inbox/{made.id}/approve", headers={"HX-Request": "true"})
    assert response.status_code == 403
    with transaction(runtime.sessions) as session:
        assert catalog.get_product(session, shop, "TEE-1").price == Decimal("20.00")


def test_approving_twice_is_a_conflict_page(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    made = price_proposal(runtime, shop)
    token = signed_in(Role.OWNER)
    headers = {"X-CSRF-Token": token}
    assert client.post(f"/inbox/{made.id}/approve", headers=headers).status_code == 200
    assert client.post(f"/inbox/{made.id}/approve", headers=headers).status_code == 409
    # With HTMX the message goes to the layout's flash area instead of replacing the card.
    again = client.post(f"/inbox/{made.id}/approve", headers={**headers, "HX-Request": "true"})
    assert again.status_code == 409
    assert again.headers["HX-Retarget"] == "#flash"
    assert 'data-code="conflict"' in again.text


def test_jobs_and_capability_pages(backend: str, client: TestClient, signed_in: SignIn) -> None:
    signed_in(Role.OWNER)
    assert "Jobs" in client.get("/jobs").text
    page = client.get("/capabilities/replenish").text
    assert "Not enabled yet" in page
    assert "purchase orders" in page
