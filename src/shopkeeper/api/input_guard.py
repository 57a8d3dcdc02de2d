"""Refuse a NUL character in a request's path or query string, before any route runs.

PostgreSQL text cannot hold NUL, so a sku or session id carrying one (``%00``) would reach
a query and fail there as a server error. SQLite would store it; no real identifier holds
one. Checked once here rather than on each parameter of each route.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from shopkeeper.api.errors import error_body
from shopkeeper.core.errors import ErrorCode


def carries_nul(scope: Scope) -> bool:
    """Whether the path or the (still percent-encoded) query string holds a NUL.

    Examples
    --------
    >>> carries_nul({"path": "/v1/products/A", "query_string": b"sku=%00x"})
    True
    >>> carries_nul({"path": "/v1/products/A", "query_string": b"sku=A%2000"})
    False
    """
    query: bytes = scope.get("query_string", b"")
    return "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query


class NulGuardMiddleware:
    """Answer 422 to a request whose path or query string carries a NUL character."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and carries_nul(scope):
            body = error_body(ErrorCode.INVALID_INPUT, "the request holds a NUL character (%00)")
            await JSONResponse(body, status_code=422)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def install_input_guard(app: FastAPI) -> None:
    app.add_middleware(NulGuardMiddleware)
