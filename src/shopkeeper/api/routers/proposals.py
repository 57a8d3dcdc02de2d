"""Routes for proposals."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/proposals", tags=["proposals"])
