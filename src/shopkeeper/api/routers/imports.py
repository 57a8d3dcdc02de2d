"""Routes for imports."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/import", tags=["imports"])
