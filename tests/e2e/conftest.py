"""A live Shopkeeper server and a headless Debian chromium for browser tests.

The server is the real app (``create_app``) served by uvicorn in a background thread on a
free 127.0.0.1 port, over an on-disk SQLite database seeded with a few products and a
publishable key. Browser tests are marked ``browser`` and skip when chromium is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from shopkeeper.api.app import create_app, prepare_database
from shopkeeper.core.config import Settings
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import EventRow, ShopRow
from shopkeeper.domain.access import KeyKind
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.services.access import api_keys
from shopkeeper.services.catalog import upsert_product
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import DEFAULT_SHOP_SLUG, get_shop_by_slug
from shopkeeper.testing.settings import make_test_settings
from tests.threaded_server import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PRODUCTS = (
    ("TEE-1", "Linen tee", "19.90", "tops", "A loose linen tee. " * 40),
    ("TEE-2", "Wool tee", "29.00", "tops", "Merino, warm and soft."),
    ("MUG-1", "Stoneware mug", "12.50", "kitchen", "Holds 350 ml."),
)


@dataclass
class LiveServer:
    """A running app: its base URL, its runtime (for database checks) and a publishable key."""

    url: str
    runtime: Runtime
    publishable_key: str
    shop_id: int

    def page_url(self, path: str) -> str:
        return f"{self.url}{path}?key={self.publishable_key}"

    def events(self, session_id: str | None = None) -> list[EventRow]:
        with self.runtime.sessions() as session:
            query = select(EventRow).where(EventRow.shop_id == self.shop_id)
            if session_id is not None:
                query = query.where(EventRow.session_id == session_id)
            rows = list(session.scalars(query.order_by(EventRow.id)))
            session.expunge_all()
            return rows

    def wait_for_events(
        self, session_id: str, until: Callable[[list[EventRow]], bool], timeout: float = 15
    ) -> list[EventRow]:
        """Poll until ``until(rows)`` holds: beacons land after the page has gone."""
        deadline = time.monotonic() + timeout
        rows = self.events(session_id)
        while not until(rows) and time.monotonic() < deadline:
            time.sleep(0.1)
            rows = self.events(session_id)
        return rows


def _seed(runtime: Runtime, settings: Settings, *, consent_required: bool) -> tuple[int, str]:
    prepare_database(runtime, settings)
    with transaction(runtime.sessions) as session:
        shop = get_shop_by_slug(session, DEFAULT_SHOP_SLUG)
        session.execute(
            update(ShopRow).where(ShopRow.id == shop.id).values(consent_required=consent_required)
        )
        for sku, title, price, category, description in PRODUCTS:
            upsert_product(
                session,
                runtime.clock,
                shop,
                ProductCreate(
                    sku=sku,
                    title=title,
                    price=Decimal(price),
                    category=category,
                    description=description,
                ),
                actor="test",
            )
        key = api_keys.create_key(
            session, runtime.clock, shop_id=shop.id, name="storefront", kind=KeyKind.PUBLISHABLE
        )
    return shop.id, key.raw


@pytest.fixture
def live_server_factory(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start servers on demand (``consent_required=...``); all are stopped at the end."""
    with ExitStack() as running:

        def start(*, consent_required: bool = False) -> LiveServer:
            db = tmp_path / f"live-{len(runtimes)}.db"
            settings = make_test_settings(
                database_url=f"sqlite:///{db}", model_dir=tmp_path / "models"
            )
            # The real clock: the browser stamps events with its own (real) time.
            runtime = Runtime.from_settings(settings)
            runtimes.append(runtime)
            running.callback(runtime.engine.dispose)
            shop_id, key = _seed(runtime, settings, consent_required=consent_required)
            url = running.enter_context(serving(create_app(settings, runtime=runtime)))
            return LiveServer(url, runtime, key, shop_id)

        runtimes: list[Runtime] = []
        yield start


@pytest.fixture
def live_server(live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    return live_server_factory()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless chromium per test module; each test opens its own context."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh browser page; any JavaScript error on it fails the test."""
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors
