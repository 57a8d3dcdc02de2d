"""Dashboard sign-in, session cookie, CSRF, roles, redirects and the OpenAPI boundary."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from shopkeeper.domain.access import Role
from tests.web.conftest import csrf_of, sign_in
from tests.web.seed import PASSWORD, USERS, Seeded

pytestmark = pytest.mark.postgres

PAGES = [
    "/",
    "/products",
    "/products/TEE-1",
    "/customers",
    "/orders",
    "/orders/O-1",
    "/inbox",
    "/jobs",
    "/capabilities/pricing",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_redirect_to_login_when_signed_out(
    backend: str, client: TestClient, seeded: Seeded, path: str
) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_htmx_requests_get_a_client_side_redirect(backend: str, client: TestClient) -> None:
    response = client.get("/products", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers["HX-Redirect"].startswith("/login")


def test_sign_in_sets_a_protected_cookie_and_returns_to_the_asked_page(
    backend: str, client: TestClient, seeded: Seeded
) -> None:
    token = csrf_of(client.get("/login?next=/orders").text)
    response = client.post(
        "/login",
        data={
            "email": USERS[Role.OWNER],
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/orders",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/orders"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # session_cookie_secure is off in tests
    assert client.get("/orders").status_code == 200


def test_wrong_password_is_refused(backend: str, client: TestClient, seeded: Seeded) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"email": USERS[Role.OWNER], "password": "nope-nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "/\\evil.example/x", "https://evil.example"]
)
def test_next_cannot_point_off_site(
    backend: str, client: TestClient, seeded: Seeded, target: str
) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "email": USERS[Role.OWNER],
            "password": PASSWORD,
            "csrf_token": token,
            "next": target,
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_login_without_csrf_token_is_forbidden(
    backend: str, client: TestClient, seeded: Seeded
) -> None:
    client.get("/login")
    response = client.post("/login", data={"email": USERS[Role.OWNER], "password": PASSWORD})
    assert response.status_code == 403


def test_logout_needs_the_token_and_ends_the_session(
    backend: str, client: TestClient, seeded: Seeded
) -> None:
    token = sign_in(client)
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_stale_session_token_is_refused_after_signing_in_again(
    backend: str, client: TestClient, seeded: Seeded
) -> None:
    before = csrf_of(client.get("/login").text)
    after = sign_in(client)
    assert before != after
    assert client.post("/logout", data={"csrf_token": before}).status_code == 403


def test_dashboard_routes_stay_out_of_the_openapi_schema(backend: str, client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p in ("/", "/login", "/logout") or p.startswith("/inbox")]


def test_static_assets_are_served(backend: str, client: TestClient) -> None:
    for path in (
        "/static/dashboard.css",
        "/static/dashboard.js",
        "/static/vendor/htmx.min.js",
        "/static/vendor/chart.umd.min.js",
    ):
        assert client.get(path).status_code == 200, path


def test_support_agent_cannot_open_the_inbox(
    backend: str, client: TestClient, signed_in: Callable[[Role], str]
) -> None:
    signed_in(Role.SUPPORT_AGENT)
    response = client.get("/inbox")
    assert response.status_code == 403
    assert "permission_denied" in response.text


def test_unknown_capability_and_product_are_html_404s(
    backend: str, client: TestClient, signed_in: Callable[[Role], str]
) -> None:
    signed_in(Role.VIEWER)
    for path in ("/capabilities/teleport", "/products/NOPE"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
