"""Shared fixtures: real databases (SQLite always, PostgreSQL when available), app and keys.

Tests that take ``backend`` run once on SQLite and, when marked ``postgres`` and
``SHOPKEEPER_TEST_POSTGRES_URL`` is set, once more on a private PostgreSQL database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from shopkeeper.api.app import create_app, prepare_database
from shopkeeper.core.config import Settings
from shopkeeper.data.database import make_engine, make_session_factory, transaction
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.session_store import InProcessSessionStore
from shopkeeper.data.tables import Base
from shopkeeper.domain.access import KeyKind
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop, ShopCreate
from shopkeeper.services import holdout
from shopkeeper.services.access import api_keys
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import DEFAULT_SHOP_SLUG, create_shop, get_shop_by_slug
from shopkeeper.testing.clock import FakeClock
from shopkeeper.testing.settings import make_test_settings

POSTGRES_URL = os.environ.get("SHOPKEEPER_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("SHOPKEEPER_TEST_REDIS_URL")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "shared_data" in item.keywords and not SHARED_DATA.is_dir():
            item.add_marker(
                pytest.mark.skip(reason=f"needs public data in {SHARED_DATA} (absent here)")
            )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("postgres"):
            backends.append("postgres")
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture(scope="session")
def postgres_server_url(worker_id: str) -> Iterator[str]:
    """A private database on the PostgreSQL server for this test process, dropped at the end."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured (SHOPKEEPER_TEST_POSTGRES_URL unset)")
    name = f"shopkeeper_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    prepare_database_schema(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def prepare_database_schema(engine: object) -> None:
    from shopkeeper.data.database import upgrade

    upgrade(engine)  # type: ignore[arg-type]


@pytest.fixture
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL with the current schema and no rows."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url: str = request.getfixturevalue("postgres_server_url")
    yield url
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    return make_test_settings(database_url=backend, model_dir=tmp_path / "models")


@pytest.fixture
def runtime(settings: Settings, clock: FakeClock) -> Iterator[Runtime]:
    engine = make_engine(settings.database_url)
    rt = Runtime(
        engine=engine,
        sessions=make_session_factory(engine),
        cipher=PiiCipher(settings.pii_key.get_secret_value()),
        model_dir=settings.model_dir,
        clock=clock,
        session_store=InProcessSessionStore(),
    )
    prepare_database(rt, settings)
    yield rt
    engine.dispose()


@pytest.fixture
def shop(runtime: Runtime) -> Shop:
    with transaction(runtime.sessions) as session:
        return get_shop_by_slug(session, DEFAULT_SHOP_SLUG)


@dataclass(frozen=True)
class Keys:
    secret: str
    publishable: str


def issue_keys(runtime: Runtime, shop_id: int) -> Keys:
    with transaction(runtime.sessions) as session:
        secret = api_keys.create_key(
            session, runtime.clock, shop_id=shop_id, name="test", kind=KeyKind.SECRET
        )
        public = api_keys.create_key(
            session, runtime.clock, shop_id=shop_id, name="store", kind=KeyKind.PUBLISHABLE
        )
    return Keys(secret.raw, public.raw)


@pytest.fixture
def keys(runtime: Runtime, shop: Shop) -> Keys:
    return issue_keys(runtime, shop.id)


@pytest.fixture
def other_shop(runtime: Runtime) -> Shop:
    with transaction(runtime.sessions) as session:
        return create_shop(session, ShopCreate(slug="other", name="Other shop"), runtime.clock)


@pytest.fixture
def other_keys(runtime: Runtime, other_shop: Shop) -> Keys:
    return issue_keys(runtime, other_shop.id)


@pytest.fixture
def app(settings: Settings, runtime: Runtime) -> FastAPI:
    return create_app(settings, runtime=runtime)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def hold_out_recommendations(runtime: Runtime, shop_id: int, share: float) -> None:
    """Set the share of sessions served popularity only (the recommend holdout)."""
    with transaction(runtime.sessions) as session:
        holdout.set_holdout_share(
            session,
            runtime.clock,
            shop_id=shop_id,
            capability=Capability.RECOMMEND,
            share=share,
            actor="test",
        )


def serve_every_session(runtime: Runtime, shop_id: int) -> None:
    """Hold no session out of personal recommendations.

    A shop's holdout salt is random, so with the default 10% share any fixed session id of
    a test could land in the holdout (served popularity only) for one run in ten.
    """
    hold_out_recommendations(runtime, shop_id, 0.0)
