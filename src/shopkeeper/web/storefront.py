"""Storefront routes: static files, ``/static/shopkeeper.js`` and ``/demo-store``."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Register the storefront routes on ``app``."""
