"""The demo store pages and the ``shopkeeper.js`` asset, through the real app."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ShopRow
from shopkeeper.domain.access import KeyKind, Scope
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.shops import Shop, ShopCreate
from shopkeeper.services.access import api_keys
from shopkeeper.services.catalog import upsert_product
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import create_shop
from shopkeeper.web.storefront import STATIC_DIR
from tests.conftest import Keys

pytestmark = pytest.mark.postgres

KEY_COMMAND = "shopkeeper keys create --kind publishable --name storefront"


def add_products(runtime: Runtime, shop: Shop, *items: tuple[str, str, str, str]) -> None:
    with transaction(runtime.sessions) as session:
        for sku, title, price, category in items:
            upsert_product(
                session,
                runtime.clock,
                shop,
                ProductCreate(sku=sku, title=title, price=Decimal(price), category=category),
                actor="test",
            )


@pytest.fixture
def catalogue(runtime: Runtime, shop: Shop) -> Shop:
    add_products(
        runtime,
        shop,
        ("TEE-1", "Linen tee", "19.90", "tops"),
        ("TEE-2", "Wool tee", "29.00", "tops"),
        ("MUG-1", "Stoneware mug", "12.50", "kitchen"),
    )
    return shop


def script_tag(html: str) -> str | None:
    match = re.search(r"<script src=\"[^\"]*shopkeeper\.js\"[^>]*>", html)
    return match.group(0) if match else None


def test_home_lists_the_default_shops_products_with_the_tracker(
    client: TestClient, catalogue: Shop, keys: Keys
) -> None:
    response = client.get("/demo-store", params={"key": keys.publishable})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for title in ("Linen tee", "Wool tee", "Stoneware mug"):
        assert title in html
    assert "€19.90" in html
    tag = script_tag(html)
    assert tag is not None
    assert f'data-key="{keys.publishable}"' in tag
    assert 'data-endpoint="http://testserver"' in tag
    assert 'data-consent="not-required"' in tag
    # Links keep the key so every page of the demo carries the tracker.
    assert f"/demo-store/p/TEE-1?key={keys.publishable}" in html
    assert 'data-sk-page="home"' in html
    assert KEY_COMMAND not in html


def test_without_a_key_the_page_explains_how_to_get_one_and_loads_no_tracker(
    client: TestClient, catalogue: Shop
) -> None:
    html = client.get("/demo-store").text
    assert KEY_COMMAND in html
    assert script_tag(html) is None
    assert "Linen tee" in html


@pytest.mark.parametrize(
    ("which", "problem"),
    [("unknown", "unknown or revoked"), ("secret", "secret key"), ("other", "another shop")],
)
def test_a_key_the_page_must_not_use_is_refused_with_the_reason(
    client: TestClient,
    catalogue: Shop,
    keys: Keys,
    other_keys: Keys,
    which: str,
    problem: str,
) -> None:
    raw = {"unknown": "pk_not-a-real-key", "secret": keys.secret, "other": other_keys.publishable}
    html = client.get("/demo-store", params={"key": raw[which]}).text
    assert problem in html
    assert KEY_COMMAND in html
    assert script_tag(html) is None
    # A secret key is never echoed into the page.
    assert keys.secret not in html


def test_a_publishable_key_without_the_events_scope_is_refused(
    client: TestClient, runtime: Runtime, catalogue: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        issued = api_keys.create_key(
            session,
            runtime.clock,
            shop_id=catalogue.id,
            name="recs only",
            kind=KeyKind.PUBLISHABLE,
            scopes=[Scope.RECOMMENDATIONS_READ],
        )
    html = client.get("/demo-store", params={"key": issued.raw}).text
    assert "events:write" in html
    assert script_tag(html) is None


def test_product_page_carries_every_tracking_attribute(
    client: TestClient, catalogue: Shop, keys: Keys
) -> None:
    response = client.get("/demo-store/p/TEE-1", params={"key": keys.publishable})
    assert response.status_code == 200
    html = response.text
    assert 'data-sk-page="product" data-sk-sku="TEE-1"' in html
    assert '<meta name="shopkeeper:sku" content="TEE-1">' in html
    assert "€19.90" in html
    assert re.search(r"<button[^>]*data-sk-add-to-cart[^>]*data-sk-sku=\"TEE-1\"", html)
    assert re.search(r"<button[^>]*data-sk-remove-from-cart[^>]*data-sk-sku=\"TEE-1\"", html)
    assert 'data-sk-hesitation="add-to-cart"' in html
    assert 'data-sk-hesitation="price"' in html
    assert re.search(r"<form[^>]*data-sk-search=\"q\"", html)
    assert f'name="key" value="{keys.publishable}"' in html
    # Related products come from the same category only.
    assert "Wool tee" in html
    assert "Stoneware mug" not in html
    assert script_tag(html) is not None


def test_unknown_product_is_a_404_page(client: TestClient, catalogue: Shop) -> None:
    response = client.get("/demo-store/p/NOPE-9")
    assert response.status_code == 404
    assert "NOPE-9" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_search_lists_only_matching_products(client: TestClient, catalogue: Shop) -> None:
    html = client.get("/demo-store/search", params={"q": "tee"}).text
    assert 'data-sk-page="search"' in html
    assert "Linen tee" in html
    assert "Wool tee" in html
    assert "Stoneware mug" not in html
    assert 'value="tee"' in html
    assert "no-results" in client.get("/demo-store/search", params={"q": "zebra"}).text


def test_the_demo_shop_is_preferred_over_the_default_one(
    client: TestClient, runtime: Runtime, catalogue: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        demo = create_shop(session, ShopCreate(slug="demo", name="Demo bakery"), runtime.clock)
    add_products(runtime, demo, ("BREAD-1", "Sourdough loaf", "4.20", "bread"))
    html = client.get("/demo-store").text
    assert "Demo bakery" in html
    assert "Sourdough loaf" in html
    assert "Linen tee" not in html
    assert f"{KEY_COMMAND} --shop demo" in html
    assert client.get("/demo-store/p/TEE-1").status_code == 404


def test_a_shop_that_requires_consent_gets_the_consent_mode_and_a_banner(
    client: TestClient, runtime: Runtime, catalogue: Shop, keys: Keys
) -> None:
    with transaction(runtime.sessions) as session:
        session.execute(
            update(ShopRow).where(ShopRow.id == catalogue.id).values(consent_required=True)
        )
    html = client.get("/demo-store/p/TEE-1", params={"key": keys.publishable}).text
    tag = script_tag(html)
    assert tag is not None
    assert 'data-consent="required"' in tag
    assert 'id="consent-banner"' in html


def test_demo_store_stays_out_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/demo-store")]


def test_the_tracker_is_served_as_javascript(client: TestClient) -> None:
    response = client.get("/static/shopkeeper.js")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] in {
        "application/javascript",
        "text/javascript",
    }
    assert "window.shopkeeper" in response.text
    assert response.content == (STATIC_DIR / "shopkeeper.js").read_bytes()
