"""The demo shop: a generated French shop loaded, modelled and ready to click through.

``build_demo_shop`` is idempotent. A marker job run (``demo.build``) records the generator
config and the rows written; a re-run with the same config finds it and only refreshes the
owner login and the API keys, so ``make demo`` is quick the second time. A different config
replaces the data only when asked (``fresh=True``), never silently.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from shopkeeper.ai.recommend import PopularityRecommender
from shopkeeper.core.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from shopkeeper.data.database import transaction
from shopkeeper.data.importers.demo import DemoShopConfig, GeneratedShop, generate_shop
from shopkeeper.data.importers.demo_loader import (
    clear_shop_data,
    load_generated_shop,
    shop_row_counts,
)
from shopkeeper.data.tables import (
    JobRunRow,
    ProductForecastRow,
    ShopRow,
)
from shopkeeper.domain.access import KeyKind, Role
from shopkeeper.domain.shops import Shop, ShopCreate
from shopkeeper.services import models
from shopkeeper.services.access import api_keys, users
from shopkeeper.services.default_models import fit_default_models
from shopkeeper.services.forecasting import run_forecasts
from shopkeeper.services.pricing_run import run_pricing
from shopkeeper.services.proposals import count_waiting
from shopkeeper.services.replenish_run import run_replenishment
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import create_shop, get_shop_by_slug
from shopkeeper.services.stock_simulation import simulate_shop
from shopkeeper.services.support.demo import prepare_demo_support, seed_demo_conversations

MARKER_JOB = "demo.build"
DEMO_TIMEZONE = "Europe/Paris"
OWNER_EMAIL = "owner@demo.shop"
OWNER_PASSWORD = "demo-owner-pass"

# (phase, step, done, total): phase is "generate", "load" or "fit".
DemoProgress = Callable[[str, str, int, int], None]


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    owner_email: str
    owner_password: str
    secret_key: str
    publishable_key: str


@dataclass(frozen=True)
class DemoShop:
    """What ``build_demo_shop`` built or found."""

    shop: Shop
    reused: bool
    rows: dict[str, int]
    model_run: models.ModelRun
    credentials: DemoCredentials
    truth_path: Path
    credentials_path: Path
    proposals: int | None  # None: no proposals service in this build


def demo_folder(model_dir: Path, slug: str) -> Path:
    """Where the demo's truth and credentials live: ``<model_dir>/demo`` (or ``/demo/<slug>``)."""
    return model_dir / "demo" if slug == "demo" else model_dir / "demo" / slug


def _ensure_shop(runtime: Runtime, slug: str) -> Shop:
    with transaction(runtime.sessions) as session:
        try:
            return get_shop_by_slug(session, slug)
        except NotFoundError:
            spec = ShopCreate(
                slug=slug,
                name="Boutique démo",
                currency="EUR",
                timezone=DEMO_TIMEZONE,
                locale="fr",
                prices_include_vat=True,
            )
            return create_shop(session, spec, runtime.clock)


def demo_end_date(runtime: Runtime, shop_slug: str, *, fresh: bool = False) -> date:
    """The last day of demo history.

    An earlier build's date is kept so that a re-run finds the same config and reuses the
    data; a first (or ``fresh``) build ends yesterday in the shop's time zone, so the
    dashboard's "last 30 days" show sales rather than a blank chart.
    """
    if not fresh:
        with runtime.sessions() as session:
            shop_id = session.scalar(select(ShopRow.id).where(ShopRow.slug == shop_slug))
        marker = _marker(runtime, shop_id) if shop_id is not None else None
        previous = marker.figures.get("config", {}).get("end_date") if marker else None
        if previous:
            return date.fromisoformat(previous)
    return runtime.clock.now().astimezone(ZoneInfo(DEMO_TIMEZONE)).date() - timedelta(days=1)


def _marker(runtime: Runtime, shop_id: int) -> JobRunRow | None:
    with runtime.sessions() as session:
        return session.scalar(
            select(JobRunRow)
            .where(JobRunRow.shop_id == shop_id, JobRunRow.job_name == MARKER_JOB)
            .where(JobRunRow.status == "succeeded")
            .order_by(JobRunRow.id.desc())
            .limit(1)
        )


def _write_marker(
    runtime: Runtime, shop_id: int, config: dict[str, Any], rows: dict[str, int]
) -> None:
    now = runtime.clock.now()
    with transaction(runtime.sessions) as session:
        session.add(
            JobRunRow(
                shop_id=shop_id,
                job_name=MARKER_JOB,
                trigger="manual",
                status="succeeded",
                started_at=now,
                finished_at=now,
                figures={"config": config, "rows": rows},
            )
        )


def _generate(config: DemoShopConfig, progress: DemoProgress | None) -> GeneratedShop:
    def report(step: str, fraction: float) -> None:
        if progress:
            progress("generate", step, round(fraction * 100), 100)

    return generate_shop(config, progress=report)


def _load(
    runtime: Runtime,
    shop: Shop,
    config: DemoShopConfig,
    progress: DemoProgress | None,
    folder: Path,
) -> dict[str, int]:
    generated = _generate(config, progress)
    folder.mkdir(parents=True, exist_ok=True)
    generated.save_truth(folder / "truth.json")

    def report(table: str, done: int, total: int) -> None:
        if progress:
            progress("load", table, done, total)

    load_generated_shop(
        runtime.engine,
        runtime.cipher,
        generated,
        shop_id=shop.id,
        currency=shop.currency,
        now=runtime.clock.now(),
        progress=report,
    )
    return shop_row_counts(runtime.engine, shop.id)


def _owner(runtime: Runtime, shop_id: int) -> None:
    with transaction(runtime.sessions) as session:
        try:
            users.create_user(
                session,
                runtime.clock,
                shop_id=shop_id,
                email=OWNER_EMAIL,
                password=OWNER_PASSWORD,
                role=Role.OWNER,
                name="Demo owner",
            )
        except ConflictError:
            # Someone may have changed it while exploring: the printed login must work.
            users.set_password(session, email=OWNER_EMAIL, password=OWNER_PASSWORD)


def _keys(runtime: Runtime, shop_id: int, path: Path) -> tuple[str, str]:
    """The demo's secret and publishable keys, reused while they still authenticate.

    Raw keys are shown once and stored only hashed, so to print the same keys on every
    run they are kept in a 0600 file beside the truth. Keys that no longer work (a new
    database, a revoked key) are replaced by fresh ones.
    """
    if path.is_file():
        saved = json.loads(path.read_text())
        try:
            with transaction(runtime.sessions) as session:
                for raw in (saved["secret_key"], saved["publishable_key"]):
                    if api_keys.authenticate(session, raw).shop_id != shop_id:
                        raise AuthenticationError("key of another shop")
            return saved["secret_key"], saved["publishable_key"]
        except (AuthenticationError, KeyError):
            pass
    with transaction(runtime.sessions) as session:
        secret = api_keys.create_key(
            session, runtime.clock, shop_id=shop_id, name="demo back office", kind=KeyKind.SECRET
        )
        public = api_keys.create_key(
            session,
            runtime.clock,
            shop_id=shop_id,
            name="demo storefront",
            kind=KeyKind.PUBLISHABLE,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump({"secret_key": secret.raw, "publishable_key": public.raw}, handle)
    path.chmod(0o600)
    return secret.raw, public.raw


# The before/after table on a sample: about a minute of forecasting on two cores.
DEMO_SIMULATED_PRODUCTS = 150


def _plan_stock(
    runtime: Runtime, shop_id: int, progress: DemoProgress | None, *, replan: bool
) -> None:
    """Forecast demand and plan replenishment as the nightly jobs would, once per build."""
    with runtime.sessions() as session:
        planned = session.scalar(
            select(func.count(ProductForecastRow.id)).where(ProductForecastRow.shop_id == shop_id)
        )
    if planned and not replan:
        return
    if progress:
        progress("forecast", "demand", 0, 4)
    run_forecasts(runtime, shop_id)
    if progress:
        progress("forecast", "replenishment", 1, 4)
    run_replenishment(runtime, shop_id)
    if progress:
        progress("forecast", "prices", 2, 4)
    # Pricing is in "suggest" mode by default: the Inbox shows the proposed prices.
    run_pricing(runtime, shop_id)
    if progress:
        progress("forecast", "before/after simulation", 3, 4)
    # A demo shorter than the simulation needs keeps the Stock page's "not yet" message.
    with contextlib.suppress(InvalidInputError):
        simulate_shop(runtime, shop_id, max_products=DEMO_SIMULATED_PRODUCTS)
    if progress:
        progress("forecast", "before/after simulation", 4, 4)


def build_demo_shop(
    runtime: Runtime,
    *,
    config: DemoShopConfig,
    shop_slug: str = "demo",
    progress: DemoProgress | None = None,
    fresh: bool = False,
) -> DemoShop:
    """Create (or find) the demo shop with its data, default models, owner and API keys."""
    shop = _ensure_shop(runtime, shop_slug)
    folder = demo_folder(runtime.model_dir, shop_slug)
    truth_path = folder / "truth.json"
    wanted = config.to_dict()
    marker = _marker(runtime, shop.id)
    rows = shop_row_counts(runtime.engine, shop.id)
    reused = (
        not fresh
        and marker is not None
        and marker.figures.get("config") == wanted
        and all(rows.get(t) == n for t, n in marker.figures.get("rows", {}).items())
    )
    if reused:
        if not truth_path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            _generate(config, progress).save_truth(truth_path)
    else:
        if any(rows.values()):
            if not fresh:
                raise ConflictError(
                    f"shop {shop_slug!r} already holds data from another demo config or import;"
                    " run again with --fresh to replace it",
                    shop=shop_slug,
                )
            clear_shop_data(runtime.engine, shop.id)
        rows = _load(runtime, shop, config, progress, folder)
        _write_marker(runtime, shop.id, wanted, rows)
    if progress:
        progress("fit", PopularityRecommender.name(), 0, 1)
    with runtime.sessions() as session:
        run = models.current_run(session, shop.id, PopularityRecommender.capability)
    if run is None or not reused:
        run = fit_default_models(runtime, shop.id)
    if progress:
        progress("fit", PopularityRecommender.name(), 1, 1)
    _owner(runtime, shop.id)
    prepare_demo_support(runtime, shop.id)
    seed_demo_conversations(runtime, shop.id)
    credentials_path = folder / "credentials.json"
    secret, public = _keys(runtime, shop.id, credentials_path)
    _plan_stock(runtime, shop.id, progress, replan=not reused)
    with runtime.sessions() as session:
        proposals = count_waiting(session, shop.id)
    return DemoShop(
        shop=shop,
        reused=reused,
        rows=rows,
        model_run=run,
        credentials=DemoCredentials(OWNER_EMAIL, OWNER_PASSWORD, secret, public),
        truth_path=truth_path,
        credentials_path=credentials_path,
        proposals=proposals,
    )
