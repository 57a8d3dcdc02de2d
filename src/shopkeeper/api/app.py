"""The application factory: everything is built from :class:`Settings`, nothing at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopkeeper import __version__
from shopkeeper.api.errors import install_error_handlers
from shopkeeper.api.input_guard import install_input_guard
from shopkeeper.api.metrics import install_metrics
from shopkeeper.api.routers import (
    competitor_prices,
    customers,
    events,
    forecasts,
    health,
    imports,
    jobs,
    orders,
    pricing,
    product_recommendations,
    products,
    proposals,
    recommendation_rules,
    recommendations,
    replenishment,
    signals,
    stock,
    support,
    support_channels,
    support_webhooks,
)
from shopkeeper.api.security import install_security
from shopkeeper.core.config import Settings
from shopkeeper.data.database import transaction, upgrade
from shopkeeper.domain.shops import ShopCreate
from shopkeeper.jobs.context import mailer_from_settings
from shopkeeper.jobs.scheduler import start_scheduler_if_enabled
from shopkeeper.services.models import ModelCache
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.serving_cache import ServingCache
from shopkeeper.services.shops import DEFAULT_SHOP_SLUG, ensure_default_shop
from shopkeeper.services.support.conversations import SupportDesk
from shopkeeper.services.support.understanding import Understander
from shopkeeper.web import install_web

# The storefront's routes come first: a request is matched against the routes in this
# order, and these two take nearly all the traffic.
API_ROUTERS = (
    events.router,
    recommendations.router,
    health.router,
    products.router,
    customers.router,
    orders.router,
    stock.router,
    forecasts.router,
    replenishment.router,
    replenishment.orders_router,
    imports.router,
    proposals.router,
    jobs.router,
    signals.router,
    competitor_prices.router,
    pricing.prices_router,
    pricing.router,
    recommendation_rules.router,
    product_recommendations.router,
    support.router,
    support_channels.router,
    support_webhooks.router,
)


def default_shop_spec(settings: Settings) -> ShopCreate:
    return ShopCreate(
        slug=DEFAULT_SHOP_SLUG,
        name=settings.default_shop_name,
        currency=settings.default_currency,
        timezone=settings.default_timezone,
        locale=settings.default_locale,
    )


def prepare_database(runtime: Runtime, settings: Settings) -> None:
    """Apply migrations and make sure the default shop exists (idempotent)."""
    upgrade(runtime.engine)
    with transaction(runtime.sessions) as session:
        ensure_default_shop(session, default_shop_spec(settings), runtime.clock)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the API and dashboard for one deployment.

    Examples
    --------
    >>> app = create_app(Settings(database_url="sqlite://"))
    >>> app.title
    'Shopkeeper'
    """
    settings = settings or Settings()
    runtime = runtime or Runtime.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        prepare_database(runtime, settings)
        # Each worker loads the current fitted models once, then picks up retrains lazily.
        models.warm()
        scheduler = start_scheduler_if_enabled(runtime, settings)
        yield
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        runtime.engine.dispose()

    app = FastAPI(
        title="Shopkeeper",
        version=__version__,
        description="Self-hosted AI for online shops. Every automatic decision comes with its reason.",
        lifespan=lifespan,
    )
    models = ModelCache(runtime)
    app.state.runtime = runtime
    app.state.models = models
    app.state.serving = ServingCache(runtime.clock)
    app.state.settings = settings
    app.state.mailer = mailer_from_settings(settings)
    app.state.support = SupportDesk(runtime, Understander(), app.state.mailer)
    install_error_handlers(app)
    install_metrics(app)
    install_security(app, settings, runtime)
    install_input_guard(app)
    for router in API_ROUTERS:
        app.include_router(router)
    install_web(app)
    return app


def create_served_app() -> FastAPI:
    """The app as ``shopkeeper serve`` runs it: one per worker process, which it owns.

    Unlike :func:`create_app` in a test or a script, it keeps its fitted models out of the
    garbage collector's full passes (:func:`shopkeeper.services.models.settle_heap`) and
    loads retrained ones on a background thread while it serves the old ones.
    """
    app = create_app()
    models: ModelCache = app.state.models
    models.freeze_loaded = True
    models.reload_in_background = True
    return app
