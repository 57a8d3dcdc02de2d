"""What every dashboard request knows: the signed-in user, their shop, language and CSRF token.

Dashboard routes use :class:`DashboardRoute`, which turns "not signed in" into a redirect to
``/login`` and project errors into an HTML page with the error's status, so the JSON error
handlers of the API never answer a browser.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from shopkeeper.core.errors import AuthenticationError, PermissionDeniedError, ShopkeeperError
from shopkeeper.data.database import transaction
from shopkeeper.domain.access import Role, Scope
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.services import proposals
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.access.users import UserInfo, get_user
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import get_shop
from shopkeeper.services.support.metrics import open_handoffs
from shopkeeper.web import formatting
from shopkeeper.web.i18n import pick_language, translator

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals.update(capabilities=[c.value for c in Capability])
TEMPLATES.env.filters.update(day=formatting.day)

SESSION_USER = "uid"
SESSION_CSRF = "csrf"
SESSION_LANG = "lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


# Support agents answer customers: the customer-service pages, and the orders, customers
# and products customers ask about. The shop's figures, proposals and settings are not theirs.
AGENT_SECTIONS = ("/support", "/orders", "/customers", "/products")
AGENT_HOME = "/support/queue"


class LoginRequiredError(Exception):
    """The request needs a signed-in user and has none (or a stale one)."""


class ElsewhereError(Exception):
    """This user's page is another one: the dashboard route answers with a redirect."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def may_open(role: Role, path: str) -> bool:
    """Whether a user of ``role`` may open the dashboard page at ``path``.

    Examples
    --------
    >>> may_open(Role.SUPPORT_AGENT, "/support/queue"), may_open(Role.SUPPORT_AGENT, "/inbox")
    (True, False)
    >>> may_open(Role.VIEWER, "/inbox"), may_open(Role.SUPPORT_AGENT, "/supportx")
    (True, False)
    """
    if role is not Role.SUPPORT_AGENT:
        return True
    return any(path == p or path.startswith(p + "/") for p in AGENT_SECTIONS)


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse a POST whose form field or HTMX header does not carry the session's token."""
    expected = request.session.get(SESSION_CSRF)
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise PermissionDeniedError(
            "the form has expired or did not come from this dashboard; reload the page",
            reason="csrf",
        )


@dataclass(frozen=True)
class DashboardContext:
    """A signed-in dashboard request: user, shop, language and the helpers templates use."""

    request: Request
    runtime: Runtime
    user: UserInfo
    shop: Shop
    lang: str
    csrf: str
    waiting: int
    queue: int = 0

    @property
    def principal(self) -> Principal:
        return self.user.principal()

    def require(self, scope: Scope) -> None:
        if not self.principal.can(scope):
            raise PermissionDeniedError(
                f"your role ({self.user.role.value}) cannot do this", required_scope=scope.value
            )

    def may_open(self, path: str) -> bool:
        """Whether the navigation shows a link to ``path`` to this user."""
        return may_open(self.user.role, path)

    @property
    def from_htmx(self) -> bool:
        """Whether HTMX sent the request, so it expects a fragment rather than a whole page."""
        return bool(self.request.headers.get("HX-Request"))

    @property
    def sees_personal_data(self) -> bool:
        # Only roles that run the shop read names and addresses; others see pseudonymous ids.
        return self.user.can_edit

    @contextmanager
    def session(self) -> Iterator[Session]:
        with transaction(self.runtime.sessions) as session:
            yield session

    def money(self, amount: Any) -> str:
        return formatting.money(amount, self.shop.currency, self.lang)

    def time(self, moment: Any) -> str:
        return formatting.local_time(moment, self.shop.zone)

    def render(self, template: str, /, **values: Any) -> HTMLResponse:
        values.update(
            ctx=self,
            t=translator(self.lang),
            money=self.money,
            localtime=self.time,
            percent=lambda ratio: formatting.percent(ratio, self.lang),
            number=lambda value, places=0: formatting.number(value, self.lang, places),
        )
        return TEMPLATES.TemplateResponse(self.request, template, values)


def dashboard_context(request: Request) -> DashboardContext:
    user_id = request.session.get(SESSION_USER)
    if not isinstance(user_id, int):
        raise LoginRequiredError
    runtime = runtime_of(request)
    try:
        with transaction(runtime.sessions) as session:
            user = get_user(session, user_id)
            shop = get_shop(session, user.shop_id)
            waiting = proposals.count_waiting(session, shop.id)
            queue = open_handoffs(session, shop.id)
    except AuthenticationError:
        request.session.clear()
        raise LoginRequiredError from None
    path = request.url.path
    if not may_open(user.role, path):
        if path == "/":
            raise ElsewhereError(AGENT_HOME)
        raise PermissionDeniedError(
            f"your role ({user.role.value}) works in the customer-service pages only",
            reason="role",
        )
    lang = pick_language(
        request.query_params.get("lang"), request.session.get(SESSION_LANG), shop.locale
    )
    if request.query_params.get("lang") == lang:
        request.session[SESSION_LANG] = lang
    return DashboardContext(request, runtime, user, shop, lang, csrf_token(request), waiting, queue)


Dashboard = Annotated[DashboardContext, Depends(dashboard_context)]


CsrfChecked = Depends(check_csrf)


def error_page(request: Request, error: ShopkeeperError) -> HTMLResponse:
    """A whole error page, or for HTMX a message swapped into the layout's ``#flash`` area."""
    lang = pick_language(None, request.session.get(SESSION_LANG), "en")
    fragment = bool(request.headers.get("HX-Request"))
    return TEMPLATES.TemplateResponse(
        request,
        "dashboard/flash.html" if fragment else "dashboard/error.html",
        {"t": translator(lang), "lang": lang, "error": error},
        status_code=error.http_status,
        headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"} if fragment else None,
    )


def login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    location = "/login?next=" + quote(target, safe="")
    if request.headers.get("HX-Request"):
        # HTMX swaps the body of a redirect into the page; ask it to navigate instead.
        return Response(status_code=200, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


class DashboardRoute(APIRoute):
    """A route whose errors are pages, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequiredError:
                return login_redirect(request)
            except ElsewhereError as elsewhere:
                return RedirectResponse(elsewhere.location, status_code=303)
            except ShopkeeperError as error:
                return error_page(request, error)

        return handle
