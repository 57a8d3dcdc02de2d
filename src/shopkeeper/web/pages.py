"""Dashboard pages: sign-in, overview, lists, Inbox, jobs, capability and support pages.

Everything here is server-rendered (Jinja2) with HTMX for partial updates; the routes are
for browsers, not API clients, so none of them appears in the OpenAPI schema.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from shopkeeper.core.config import Settings
from shopkeeper.web import auth
from shopkeeper.web.views import (
    capabilities,
    capability_settings,
    customers,
    inbox,
    jobs,
    orders,
    overview,
    pricing,
    products,
    recommendation_rules,
    recommendations,
    stock,
    support,
)

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "shopkeeper_session"
SESSION_MAX_AGE = 12 * 3600


def install(app: FastAPI) -> None:
    """Register the dashboard routes, the session cookie and ``/static`` on ``app``."""
    settings: Settings = app.state.settings
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.session_cookie_secure,
    )
    for module in (
        auth,
        overview,
        products,
        customers,
        orders,
        stock,
        pricing,
        recommendations,
        inbox,
        jobs,
        capabilities,
        capability_settings,
        recommendation_rules,
        support,
    ):
        app.include_router(module.router)
    # The storefront installs first and may have mounted the same folder already.
    if not any(getattr(route, "name", None) == "static" for route in app.routes):
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
