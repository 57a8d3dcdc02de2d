"""Request dependencies: the runtime, a unit-of-work session, the caller and their shop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from shopkeeper.core.errors import AuthenticationError
from shopkeeper.domain.access import KeyKind, Scope
from shopkeeper.domain.shops import Shop
from shopkeeper.services.access import api_keys
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.serving_cache import ServingCache
from shopkeeper.services.shops import get_shop

KEY_HEADER = "X-Shopkeeper-Key"


# The cheap dependencies are coroutines: FastAPI runs a plain function on the thread pool,
# and on the storefront's hot path each such hop costs more than the work it does.
async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    with runtime.sessions() as session, session.begin():
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def raw_key(request: Request) -> tuple[str | None, bool]:
    """The key sent with the request and whether it came in the URL.

    ``navigator.sendBeacon`` cannot set headers, so storefront scripts may put a
    publishable key in the ``key`` query parameter; secret keys never travel in URLs.
    """
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    if request.headers.get(KEY_HEADER):
        return request.headers[KEY_HEADER], False
    return request.query_params.get("key"), True


async def get_principal(request: Request) -> Principal:
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    # Read here rather than through RuntimeDep: every sub-dependency is a round of
    # FastAPI's per-request solving, on every authenticated call.
    runtime: Runtime = request.app.state.runtime
    key, in_url = raw_key(request)
    if not key:
        raise AuthenticationError(
            f"send an API key as 'Authorization: Bearer <key>' or the {KEY_HEADER} header"
        )

    def authenticate() -> Principal:
        with runtime.sessions() as session:
            return api_keys.authenticate(session, key)

    if api_keys.looks_publishable(key):
        # Storefront keys ask on every page view: each worker remembers them briefly.
        cache: ServingCache = request.app.state.serving
        key_hash = api_keys.hash_key(key)
        held = cache.held_principal(key_hash)
        if held is None:
            held = await run_in_threadpool(cache.principal, key_hash, authenticate)
        principal = held
    else:
        principal = await run_in_threadpool(authenticate)
    if in_url and principal.key_kind is not KeyKind.PUBLISHABLE:
        raise AuthenticationError("secret keys must be sent in a header, never in the URL")
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(scope: Scope) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that admits only callers holding ``scope``."""

    async def _check(request: Request) -> Principal:
        # get_principal called directly, not as a sub-dependency: one round of dependency
        # solving less per call; it remembers the principal on the request either way.
        principal = await get_principal(request)
        principal.require(scope)
        return principal

    return _check


def get_current_shop(principal: PrincipalDep, session: SessionDep) -> Shop:
    return get_shop(session, principal.shop_id)


ShopDep = Annotated[Shop, Depends(get_current_shop)]
