"""Dashboard pages (filled by the dashboard work)."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Register the dashboard routes on ``app``."""
