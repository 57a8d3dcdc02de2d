"""Dashboard fixtures: a seeded shop, signed-in test clients and a live server for the browser."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shopkeeper.api.app import create_app, prepare_database
from shopkeeper.data.database import make_engine, make_session_factory, transaction
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.session_store import InProcessSessionStore
from shopkeeper.domain.access import Role
from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import DEFAULT_SHOP_SLUG, get_shop_by_slug
from shopkeeper.testing.clock import FakeClock
from shopkeeper.testing.settings import make_test_settings
from tests.threaded_server import serving
from tests.web.seed import PASSWORD, USERS, Seeded, seed_shop, seed_users

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def owner_browser_page(base_url: str) -> Iterator[Any]:
    """A chromium page signed in as the shop owner, closed when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1360, "height": 1000})
        page = context.new_page()
        page.goto(f"{base_url}/login")
        page.fill("input[name=email]", USERS[Role.OWNER])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base_url}/")
        yield page
        context.close()
        browser.close()


def csrf_of(html: str) -> str:
    """The CSRF token a rendered page carries in its forms."""
    found = _CSRF.search(html)
    assert found, "page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, role: Role = Role.OWNER) -> str:
    """Sign ``client`` in as the seeded user of ``role``; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": USERS[role], "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/products").text)


@pytest.fixture
def seeded(runtime: Runtime, shop: Shop) -> Seeded:
    seed_users(runtime, shop)
    return seed_shop(runtime, shop)


@pytest.fixture
def signed_in(client: TestClient, seeded: Seeded) -> Callable[[Role], str]:
    return lambda role: sign_in(client, role)


@dataclass(frozen=True)
class LiveServer:
    url: str
    runtime: Runtime
    shop: Shop
    app: FastAPI


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app under uvicorn on a free local port, over a seeded on-disk SQLite file."""
    folder = tmp_path_factory.mktemp("live")
    settings = make_test_settings(
        database_url=f"sqlite:///{folder / 'live.db'}", model_dir=folder / "models"
    )
    engine = make_engine(settings.database_url)
    runtime = Runtime(
        engine=engine,
        sessions=make_session_factory(engine),
        cipher=PiiCipher(settings.pii_key.get_secret_value()),
        model_dir=settings.model_dir,
        clock=FakeClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC)),
        session_store=InProcessSessionStore(),
    )
    prepare_database(runtime, settings)
    with transaction(runtime.sessions) as session:
        shop = get_shop_by_slug(session, DEFAULT_SHOP_SLUG)
    seed_users(runtime, shop)
    seed_shop(runtime, shop)
    app = create_app(settings, runtime=runtime)
    with serving(app, lifespan="on") as url:
        yield LiveServer(url, runtime, shop, app)
    engine.dispose()
