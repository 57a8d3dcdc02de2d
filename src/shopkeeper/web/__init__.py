"""The dashboard (Jinja2 + HTMX) and the storefront assets (``shopkeeper.js``, demo store)."""

from __future__ import annotations

from fastapi import FastAPI


def install_web(app: FastAPI) -> None:
    """Mount the dashboard pages, the storefront routes and the static files."""
    from shopkeeper.web import pages, storefront

    storefront.install(app)
    pages.install(app)
