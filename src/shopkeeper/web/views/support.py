"""Customer service: the assistant's figures, the handoff queue and conversation transcripts.

Everyone of the shop reads the figures and sees the queue; transcripts, summaries and the
questions customers typed are personal data, shown only to the people who answer customers
(owners, staff and support agents), who also claim, answer and resolve handoffs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shopkeeper.core.errors import InvalidInputError, PermissionDeniedError
from shopkeeper.domain.access import Scope
from shopkeeper.domain.support import MAX_MESSAGE_CHARS, Outcome
from shopkeeper.services.kpis import DEFAULT_PERIOD_DAYS, PERIOD_CHOICES
from shopkeeper.services.support import queue, review
from shopkeeper.services.support.metrics import SupportMetrics, support_metrics
from shopkeeper.web.context import CsrfChecked, Dashboard, DashboardContext, DashboardRoute
from shopkeeper.web.i18n import translator

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)
QUEUE_PAGE = "/support/queue"
OUTCOME_KEYS = (*(o.value for o in Outcome), "open")
# One fixed colour per outcome, so the chart reads the same in every period.
OUTCOME_COLOURS = {
    "resolved": "#2f6f5e",
    "handoff": "#c0762b",
    "declined": "#8a94a6",
    "open": "#d5dbe0",
}


def answers_customers(ctx: DashboardContext) -> bool:
    """Whether this user works the queue: owners, staff and support agents."""
    return ctx.principal.can(Scope.SUPPORT_MANAGE)


def _require_answering(ctx: DashboardContext) -> None:
    if not answers_customers(ctx):
        raise PermissionDeniedError(
            f"your role ({ctx.user.role.value}) cannot answer customers",
            required_scope=Scope.SUPPORT_MANAGE.value,
        )


def duration(value: timedelta | None) -> str:
    """A waiting time as people say it: ``45 s``, ``12 min``, ``3 h 05``, ``2 d 4 h``.

    Examples
    --------
    >>> duration(timedelta(seconds=45)), duration(timedelta(minutes=185)), duration(None)
    ('45 s', '3 h 05', '—')
    """
    if value is None:
        return "—"
    seconds = max(0, round(value.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60:02d}"
    return f"{hours // 24} d {hours % 24} h"


def who(actor: str | None) -> str:
    """An actor as people read it: ``user:ada@shop.test`` -> ``ada@shop.test``."""
    return (actor or "—").removeprefix("user:")


def _render(ctx: DashboardContext, template: str, /, **values: Any) -> HTMLResponse:
    t = translator(ctx.lang)

    def named(kind: str, value: str | None) -> str:
        """The label of a reason, intent, status or outcome; the raw value when unlabelled."""
        if not value:
            return "—"
        key = f"support.{kind}.{value}"
        label = t(key)
        return value.replace("_", " ") if label == key else label

    return ctx.render(template, named=named, duration=duration, who=who, **values)


def _chart(metrics: SupportMetrics) -> dict[str, Any]:
    """Conversations started per day, one stacked series per outcome."""
    return {
        "labels": [day.day.isoformat() for day in metrics.per_day],
        "series": [
            {
                "key": key,
                "colour": OUTCOME_COLOURS[key],
                "values": [getattr(day, key) for day in metrics.per_day],
            }
            for key in OUTCOME_KEYS
        ],
    }


@router.get("/support")
def support_overview(ctx: Dashboard, days: int = DEFAULT_PERIOD_DAYS) -> HTMLResponse:
    ctx.require(Scope.ORDERS_READ)  # figures: the same right as the shop's overview
    if days not in PERIOD_CHOICES:
        days = DEFAULT_PERIOD_DAYS
    answering = answers_customers(ctx)
    with ctx.session() as session:
        metrics = support_metrics(
            session, ctx.runtime.cipher, ctx.shop, ctx.runtime.clock.now(), days
        )
        recent = review.recent_conversations(session, ctx.shop.id) if answering else []
    return _render(
        ctx,
        "dashboard/support.html",
        metrics=metrics,
        chart=_chart(metrics),
        days=days,
        choices=PERIOD_CHOICES,
        recent=recent,
        answering=answering,
    )


@router.get("/support/queue")
def support_queue(ctx: Dashboard) -> HTMLResponse:
    ctx.require(Scope.ORDERS_READ)
    with ctx.session() as session:
        items = queue.open_queue(session, ctx.runtime.cipher, ctx.shop.id)
    return _render(
        ctx,
        "dashboard/support_queue.html",
        items=items,
        answering=answers_customers(ctx),
        me=ctx.principal.actor,
    )


def _after_action(ctx: DashboardContext, handoff_id: int, next_page: str, note: str) -> Response:
    """The updated card for HTMX (and a nudge to the transcript), a redirect otherwise."""
    if not ctx.from_htmx:
        target = next_page if next_page.startswith("/support/") else QUEUE_PAGE
        return RedirectResponse(target, status_code=303)
    with ctx.session() as session:
        item = review.handoff_item(session, ctx.runtime.cipher, ctx.shop.id, handoff_id)
    response = _render(
        ctx,
        "dashboard/support_card.html",
        item=item,
        answering=True,
        me=ctx.principal.actor,
        note=note,
        on_conversation=next_page.startswith("/support/conversations/"),
    )
    # A transcript on the page reloads its messages at once rather than at its next poll.
    response.headers["HX-Trigger"] = "support-updated"
    return response


@router.post("/support/queue/{handoff_id}/claim", dependencies=[CsrfChecked])
def claim(ctx: Dashboard, handoff_id: int, next: Annotated[str, Form()] = "") -> Response:
    _require_answering(ctx)
    with ctx.session() as session:
        queue.claim(session, ctx.runtime.clock, ctx.shop.id, handoff_id, ctx.principal.actor)
    return _after_action(ctx, handoff_id, next, "support.claimed")


@router.post("/support/queue/{handoff_id}/reply", dependencies=[CsrfChecked])
def reply(
    ctx: Dashboard,
    handoff_id: int,
    text: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    _require_answering(ctx)
    text = text.strip()
    if not text:
        raise InvalidInputError("write a reply before sending it", field="text")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInputError(
            f"a reply holds at most {MAX_MESSAGE_CHARS} characters", field="text"
        )
    with ctx.session() as session:
        queue.reply(
            session,
            ctx.runtime.clock,
            ctx.runtime.cipher,
            ctx.shop.id,
            handoff_id,
            ctx.principal.actor,
            text,
        )
    return _after_action(ctx, handoff_id, next, "support.sent")


@router.post("/support/queue/{handoff_id}/resolve", dependencies=[CsrfChecked])
def resolve(ctx: Dashboard, handoff_id: int, next: Annotated[str, Form()] = "") -> Response:
    _require_answering(ctx)
    with ctx.session() as session:
        queue.resolve(session, ctx.runtime.clock, ctx.shop.id, handoff_id, ctx.principal.actor)
    return _after_action(ctx, handoff_id, next, "support.resolved_note")


@router.get("/support/conversations/{public_id}")
def conversation(ctx: Dashboard, public_id: str) -> HTMLResponse:
    _require_answering(ctx)
    with ctx.session() as session:
        found = review.conversation_file(session, ctx.runtime.cipher, ctx.shop.id, public_id[:48])
    return _render(
        ctx,
        "dashboard/support_conversation.html",
        file=found,
        c=found.conversation,
        messages=found.messages,
        me=ctx.principal.actor,
    )


@router.get("/support/conversations/{public_id}/messages")
def conversation_messages(ctx: Dashboard, public_id: str) -> HTMLResponse:
    """The message list alone, which the transcript page polls for new messages."""
    _require_answering(ctx)
    with ctx.session() as session:
        line, messages = review.conversation_messages(
            session, ctx.runtime.cipher, ctx.shop.id, public_id[:48]
        )
    return _render(ctx, "dashboard/support_messages.html", c=line, messages=messages)
