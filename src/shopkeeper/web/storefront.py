"""Storefront routes: the ``/static`` files (``shopkeeper.js``) and the ``/demo-store`` pages.

The demo store is a tiny shop front over the catalogue of the ``demo`` shop (or the
``default`` one) whose pages carry the ``data-sk-*`` attributes that ``shopkeeper.js``
reads, so a shop owner can watch events arrive before touching their own storefront.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from shopkeeper.core.errors import AuthenticationError, NotFoundError
from shopkeeper.domain.access import KeyKind, Scope
from shopkeeper.domain.shops import Shop
from shopkeeper.services.access import api_keys
from shopkeeper.services.catalog import get_product, list_products
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import DEFAULT_SHOP_SLUG, get_shop_by_slug
from shopkeeper.web.formatting import money

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
DEMO_SHOP_SLUG = "demo"
HOME_PAGE_SIZE = 24
RELATED_PAGE_SIZE = 4

templates = Jinja2Templates(directory=WEB_DIR / "templates")
router = APIRouter(prefix="/demo-store", include_in_schema=False)


@dataclass(frozen=True, slots=True)
class StoreFront:
    """What every demo-store page needs: the shop, and the key the tracker may use.

    ``key`` is set only for a valid publishable key of this shop; otherwise ``key_problem``
    says why the tracker is left out of the page.

    Examples
    --------
    >>> shop = Shop(1, "demo", "Demo", "EUR", "Europe/Paris", "en", True, 0.2)
    >>> StoreFront(shop, None, None).key_query
    ''
    """

    shop: Shop
    key: str | None
    key_problem: str | None

    @property
    def key_query(self) -> str:
        return urlencode({"key": self.key}) if self.key else ""


def storefront_shop(session: Session) -> Shop:
    """The shop the demo store shows: ``demo`` when it exists, else the default shop."""
    try:
        return get_shop_by_slug(session, DEMO_SHOP_SLUG)
    except NotFoundError:
        return get_shop_by_slug(session, DEFAULT_SHOP_SLUG)


def check_key(session: Session, shop: Shop, raw: str | None) -> tuple[str | None, str | None]:
    """The publishable key to put in the page, or ``None`` and the reason it was refused."""
    if not raw:
        return None, None
    try:
        principal = api_keys.authenticate(session, raw)
    except AuthenticationError:
        return None, "This key is unknown or revoked."
    if principal.key_kind is not KeyKind.PUBLISHABLE:
        # A secret key in a page would hand the whole shop to every visitor.
        return None, "This is a secret key: never put it in a web page. Use a publishable key."
    if principal.shop_id != shop.id:
        return None, f"This key belongs to another shop, not to '{shop.slug}'."
    if not principal.can(Scope.EVENTS_WRITE):
        return None, "This key may not send events (scope events:write missing)."
    return raw, None


def _storefront(session: Session, request: Request) -> StoreFront:
    shop = storefront_shop(session)
    key, problem = check_key(session, shop, request.query_params.get("key"))
    return StoreFront(shop, key, problem)


def _render(
    request: Request, store: StoreFront, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    base = str(request.base_url).rstrip("/")
    # The carousel links each recommended product to its page; the widget fills in {sku}.
    product_href = request.url_for("demo_store_product", sku="-").path.removesuffix("-") + "{sku}"
    if store.key:
        product_href += "?" + store.key_query
    shop_option = "" if store.shop.slug == DEFAULT_SHOP_SLUG else f" --shop {store.shop.slug}"
    return templates.TemplateResponse(
        request,
        f"storefront/{name}",
        {
            "store": store,
            "shop": store.shop,
            "endpoint": base,
            "script_url": str(request.url_for("static", path="shopkeeper.js")),
            "key_command": f"shopkeeper keys create --kind publishable --name storefront{shop_option}",
            "price": lambda amount: money(amount, store.shop.currency, store.shop.locale),
            "q": "",
            "product_href": product_href,
            **context,
        },
        status_code=status_code,
    )


def _sessions(request: Request) -> Session:
    runtime: Runtime = request.app.state.runtime
    return runtime.sessions()


# Plain ``def`` routes: the database work runs in the thread pool, off the event loop.
@router.get("", response_class=HTMLResponse, name="demo_store_home")
def home(request: Request) -> HTMLResponse:
    with _sessions(request) as session:
        store = _storefront(session, request)
        products = list_products(session, store.shop, status="active", limit=HOME_PAGE_SIZE)
    return _render(request, store, "home.html", products=products.data, count=products.count)


@router.get("/search", response_class=HTMLResponse, name="demo_store_search")
def search(request: Request, q: str = "") -> HTMLResponse:
    query = q.strip()[:200]
    with _sessions(request) as session:
        store = _storefront(session, request)
        found = list_products(
            session, store.shop, q=query or None, status="active", limit=HOME_PAGE_SIZE
        )
    return _render(request, store, "search.html", products=found.data, count=found.count, q=query)


@router.get("/p/{sku}", response_class=HTMLResponse, name="demo_store_product")
def product(request: Request, sku: str) -> HTMLResponse:
    with _sessions(request) as session:
        store = _storefront(session, request)
        try:
            item = get_product(session, store.shop, sku)
        except NotFoundError:
            return _render(request, store, "missing.html", status_code=404, sku=sku)
        related = list_products(
            session, store.shop, category=item.category or None, status="active", limit=8
        )
    others = [p for p in related.data if p.sku != item.sku][:RELATED_PAGE_SIZE]
    return _render(request, store, "product.html", product=item, related=others)


def install(app: FastAPI) -> None:
    """Register the demo store and, unless the dashboard already did, mount ``/static``."""
    if not any(getattr(route, "name", None) == "static" for route in app.routes):
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
