"""GET /v1/recommendations/email-block: escaped, email-safe HTML whose links carry the rec id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from shopkeeper.testing.clock import FakeClock
from tests.api.test_recommendations import BASE, fit, seed
from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres

BLOCK = "/v1/recommendations/email-block"
HOSTILE = '<script>alert("x")</script> & Mug'


@pytest.fixture
def shop_with_models(client: TestClient, keys: Keys, clock: FakeClock) -> None:
    headers = auth(keys.secret)
    seed(client, keys.secret)
    product = {"sku": "EVIL", "title": HOSTILE, "price": "9.99", "category": "mugs"}
    assert client.post("/v1/products", json=product, headers=headers).status_code == 201
    order = {
        "external_id": "O-EVIL",
        "placed_at": (BASE + timedelta(days=1)).isoformat(),
        "lines": [{"sku": "EVIL", "quantity": 100, "unit_price": "9.99"}],
    }
    assert client.post("/v1/orders", json=order, headers=headers).status_code == 201
    assert client.post("/v1/customers", json={"external_id": "C-1"}, headers=headers).is_success
    fit(client, keys.secret, clock)


def test_json_block_has_escaped_html_text_and_rec_id_links(
    backend: str, client: TestClient, keys: Keys, shop_with_models: None
) -> None:
    response = client.get(
        BLOCK,
        params={"customer_id": "C-1", "k": 3, "base_url": "https://shop.example/"},
        headers=auth(keys.secret),
    )
    assert response.status_code == 200, response.text
    block = response.json()
    rec = block["rec_request_id"]
    assert len(block["items"]) == 3
    assert block["items"][0]["sku"] == "EVIL"  # the best seller
    html = block["html"]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Mug" in html
    assert html.count(f'?rec={rec}"') == 3
    assert 'href="https://shop.example/products/EVIL?rec=' in html
    assert "<style" not in html
    assert "class=" not in html
    assert f"https://shop.example/products/EVIL?rec={rec}" in block["text"]
    assert block["subject_hint"] == f"{HOSTILE} and 2 more picked for you"


def test_html_format_returns_the_table_itself(
    backend: str, client: TestClient, keys: Keys, shop_with_models: None
) -> None:
    response = client.get(
        BLOCK,
        params={"customer_id": "C-1", "format": "html", "product_path": "/p/{sku}"},
        headers=auth(keys.secret),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<table")
    assert 'href="http://localhost:8000/p/EVIL?rec=' in response.text


def test_unknown_customer_and_bad_links_are_refused(
    backend: str, client: TestClient, keys: Keys, shop_with_models: None
) -> None:
    headers = auth(keys.secret)
    missing = client.get(BLOCK, params={"customer_id": "C-404"}, headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    script = client.get(
        BLOCK, params={"customer_id": "C-1", "base_url": "javascript:alert(1)"}, headers=headers
    )
    assert script.status_code == 422
    assert "base_url" in script.json()["message"]
    no_sku = client.get(
        BLOCK, params={"customer_id": "C-1", "product_path": "/shop"}, headers=headers
    )
    assert no_sku.status_code == 422
