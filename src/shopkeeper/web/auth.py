"""Signing in and out of the dashboard: a signed session cookie holding the user id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from shopkeeper.core.errors import AuthenticationError
from shopkeeper.data.database import transaction
from shopkeeper.services.access.users import authenticate_user
from shopkeeper.web.context import (
    SESSION_LANG,
    SESSION_USER,
    TEMPLATES,
    CsrfChecked,
    DashboardRoute,
    csrf_token,
    runtime_of,
)
from shopkeeper.web.i18n import pick_language, translator

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: "//evil.example", "/\\evil.example" (browsers read it as "//")
    # or "https://..." would make an open redirect.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _login_page(request: Request, *, failed: bool, status_code: int = 200) -> HTMLResponse:
    lang = pick_language(request.query_params.get("lang"), request.session.get(SESSION_LANG), "en")
    return TEMPLATES.TemplateResponse(
        request,
        "dashboard/login.html",
        {
            "t": translator(lang),
            "lang": lang,
            "csrf": csrf_token(request),
            "failed": failed,
            "next": _safe_next(request.query_params.get("next")),
        },
        status_code=status_code,
    )


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request, failed=False)


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    runtime = runtime_of(request)
    try:
        with transaction(runtime.sessions) as session:
            user = authenticate_user(session, runtime.clock, email=email, password=password)
    except AuthenticationError:
        return _login_page(request, failed=True, status_code=401)
    lang = request.session.get(SESSION_LANG)
    # A fresh session on sign-in: a token planted before login must not survive it.
    request.session.clear()
    request.session[SESSION_USER] = user.id
    if lang:
        request.session[SESSION_LANG] = lang
    csrf_token(request)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
