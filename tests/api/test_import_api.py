"""POST /v1/import/{kind}: multipart upload, secret keys only, summary as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api.routers import imports as import_routes
from tests.conftest import Keys, auth

pytestmark = pytest.mark.postgres
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def upload(name: str, content: bytes | None = None) -> dict[str, tuple[str, bytes, str]]:
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return {"file": (name, data, "text/csv")}


def test_secret_key_imports_a_file_and_gets_the_summary(
    backend: str, client: TestClient, keys: Keys
) -> None:
    response = client.post(
        "/v1/import/products", files=upload("shopify_products.csv"), headers=auth(keys.secret)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["format"], body["created"], body["updated"], body["rejected"]) == (
        "shopify",
        5,
        0,
        0,
    )
    product = client.get("/v1/products/TEE-W-L", headers=auth(keys.secret)).json()
    assert product["price"] in ("21.90", "21.9000")

    again = client.post(
        "/v1/import/products?format=shopify",
        files=upload("shopify_products.csv"),
        headers=auth(keys.secret),
    ).json()
    assert (again["created"], again["updated"]) == (0, 5)


def test_rejected_rows_come_back_with_their_lines(
    backend: str, client: TestClient, keys: Keys
) -> None:
    content = b"sku;title;price\nA-1;Tee;19,90\nA-2;;5\n"
    body = client.post(
        "/v1/import/products", files=upload("mixed.csv", content), headers=auth(keys.secret)
    ).json()
    assert (body["created"], body["rejected"]) == (1, 1)
    assert body["errors"][0]["line"] == 3
    assert "title" in body["errors"][0]["reason"]


def test_publishable_key_is_refused(backend: str, client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/import/products", files=upload("products.csv"), headers=auth(keys.publishable)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("products", b"\x00\x01\x02garbage\xff\xfe"),
        ("products", b"no,columns,we,know\n1,2,3,4\n"),
        ("orders", None),  # a WooCommerce product export is no order file
    ],
)
def test_unreadable_files_get_422(
    backend: str, client: TestClient, keys: Keys, kind: str, content: bytes | None
) -> None:
    response = client.post(
        f"/v1/import/{kind}",
        files=upload("woocommerce_products.csv", content),
        headers=auth(keys.secret),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_unknown_kind_and_missing_file_get_422(
    backend: str, client: TestClient, keys: Keys
) -> None:
    assert (
        client.post(
            "/v1/import/widgets", files=upload("products.csv"), headers=auth(keys.secret)
        ).status_code
        == 422
    )
    assert client.post("/v1/import/products", headers=auth(keys.secret)).status_code == 422


def test_too_big_file_gets_413(
    backend: str, client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_routes, "MAX_UPLOAD_BYTES", 100)
    response = client.post(
        "/v1/import/products", files=upload("shopify_products.csv"), headers=auth(keys.secret)
    )
    assert response.status_code == 413
