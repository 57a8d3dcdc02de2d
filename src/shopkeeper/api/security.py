"""Cross-cutting HTTP protections: CORS per shop and rate limits per publishable key and IP.

Both are pure ASGI middleware: they sit in front of the ingestion path, where a
``BaseHTTPMiddleware`` would cost a task and a stream copy per request.

Storefront routes (the ones a publishable key may call, listed in
:data:`STOREFRONT_PREFIXES`) answer CORS only for origins the shop lists in
``shops.allowed_origins``; every other route is server-to-server and answers no CORS at all.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response

from shopkeeper.api.errors import error_body
from shopkeeper.core.config import Settings
from shopkeeper.core.errors import ErrorCode
from shopkeeper.data.rate_limit import make_window_counter
from shopkeeper.services.origins import OriginPolicy
from shopkeeper.services.rate_limit import RateLimiter, bucket_for
from shopkeeper.services.runtime import Runtime

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)

# Routes a publishable key may call from a browser; new storefront routers add their prefix.
STOREFRONT_PREFIXES = (
    "/v1/events",
    "/v1/recommendations",
    "/v1/prices",
    "/v1/offers",
    "/v1/support",
)
ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, X-Shopkeeper-Key"
PREFLIGHT_MAX_AGE_S = "600"
SECRET_KEY_PREFIX = "sk_"


def is_storefront_path(path: str) -> bool:
    """Whether ``path`` belongs to a route a publishable key may call.

    Examples
    --------
    >>> is_storefront_path("/v1/events"), is_storefront_path("/v1/eventsx")
    (True, False)
    """
    return any(path == p or path.startswith(p + "/") for p in STOREFRONT_PREFIXES)


def request_key(scope: Scope) -> str | None:
    """The API key of a request, found where :func:`shopkeeper.api.deps.raw_key` looks."""
    headers = Headers(scope=scope)
    bearer = headers.get("authorization", "")
    if bearer.lower().startswith("bearer "):
        return bearer[7:].strip() or None
    header_key: str | None = headers.get("x-shopkeeper-key")
    if header_key:
        return header_key
    query: bytes = scope.get("query_string", b"")
    if b"key=" not in query:
        return None
    pairs: list[tuple[str, str]] = parse_qsl(query.decode("latin-1"))
    for name, value in pairs:
        if name == "key":
            return value
    return None


def _same_origin(origin: str, scope: Scope) -> bool:
    host = Headers(scope=scope).get("host", "")
    return origin.rstrip("/").lower() == f"{scope.get('scheme', 'http')}://{host}".lower()


def _refusal(status: int, code: ErrorCode, message: str, **details: Any) -> Response:
    return JSONResponse(error_body(code, message, details), status_code=status)


class StorefrontCorsMiddleware:
    """CORS for storefront routes, per shop.

    A preflight carries no ``Authorization`` header, so it is judged by the shop of the
    ``key`` query parameter when present, else admitted if any shop lists the origin; the
    actual request is then judged by its key's exact shop and refused (403) otherwise, so a
    foreign site cannot post events with a shop's publishable key even as a simple request.
    Requests without an ``Origin`` header (servers, curl) and same-origin calls pass as they are.
    """

    def __init__(self, app: ASGIApp, policy: OriginPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_storefront_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or _same_origin(origin, scope):
            await self.app(scope, receive, send)
            return
        allowed = await self._allows(origin, request_key(scope))
        is_preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        if not allowed:
            refusal = _refusal(
                403,
                ErrorCode.PERMISSION_DENIED,
                "this origin is not in the shop's allowed origins",
                origin=origin,
            )
            await refusal(scope, receive, send)
            return
        if is_preflight:
            preflight = Response(status_code=204, headers=self._preflight_headers(origin))
            await preflight(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out["Access-Control-Allow-Origin"] = origin
                out["Access-Control-Expose-Headers"] = "Retry-After"
                out.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _allows(self, origin: str, key: str | None) -> bool:
        cached = self.policy.allows_cached(origin, key)
        if cached is not None:
            return cached
        # A cache miss reads the database: keep that off the event loop.
        return await run_in_threadpool(self.policy.allows, origin, key)

    @staticmethod
    def _preflight_headers(origin: str) -> dict[str, str]:
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ALLOWED_METHODS,
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE_S,
            "Vary": "Origin",
        }


class RateLimitMiddleware:
    """429 for a publishable key (or a keyless caller) and client IP over the limit.

    Secret keys are server-side integrations with their own budget and pass unlimited.
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        key = request_key(scope)
        limited = is_storefront_path(scope["path"]) or (key or "").startswith("pk_")
        if not limited or (key or "").startswith(SECRET_KEY_PREFIX):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        try:
            decision = await self.limiter.check(bucket_for(key, ip))
        except Exception:  # a limit store outage must not take the storefront down with it
            log.warning("rate limit store unavailable; request let through", exc_info=True)
            await self.app(scope, receive, send)
            return
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        refusal = _refusal(
            429,
            ErrorCode.RATE_LIMITED,
            f"more than {decision.limit} requests per minute; retry later",
            limit=decision.limit,
            retry_after_s=decision.retry_after_s,
        )
        refusal.headers["Retry-After"] = str(decision.retry_after_s)
        refusal.headers["X-RateLimit-Limit"] = str(decision.limit)
        refusal.headers["X-RateLimit-Remaining"] = "0"
        await refusal(scope, receive, send)


def install_security(app: FastAPI, settings: Settings, runtime: Runtime) -> None:
    """Add the CORS and rate-limit middleware.

    CORS is the outer layer so a 429 still carries ``Access-Control-Allow-Origin`` and the
    storefront script can read ``Retry-After``. The limiter counts in Redis when
    ``settings.redis_url`` is set, so several workers share one budget.
    """
    policy = OriginPolicy(runtime.sessions, runtime.clock)
    limiter = RateLimiter(
        make_window_counter(settings.redis_url),
        runtime.clock,
        limit=settings.rate_limit_per_minute,
    )
    app.state.origin_policy = policy
    app.state.rate_limiter = limiter
    app.add_middleware(RateLimitMiddleware, limiter=limiter)
    app.add_middleware(StorefrontCorsMiddleware, policy=policy)
