"""Cross-cutting HTTP protections: CORS per shop and rate limits per publishable key and IP."""

from __future__ import annotations

from fastapi import FastAPI

from shopkeeper.core.config import Settings
from shopkeeper.services.runtime import Runtime


def install_security(app: FastAPI, settings: Settings, runtime: Runtime) -> None:
    """Add the CORS and rate-limit middleware."""
