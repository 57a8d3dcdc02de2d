"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from shopkeeper.api.deps import RuntimeDep
from shopkeeper.core.errors import UpstreamError
from shopkeeper.data.database import current_revision

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database answers and its schema is current")
def readyz(runtime: RuntimeDep) -> dict[str, str]:
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = current_revision(runtime.engine)
    except Exception as exc:  # any driver error means "not ready", with the reason
        raise UpstreamError(f"database unavailable: {exc.__class__.__name__}") from exc
    if revision is None:
        raise UpstreamError("database has no schema yet; run `shopkeeper db upgrade`")
    return {"status": "ready", "schema": revision}


@router.get("/metrics", summary="Prometheus metrics of this worker")
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
