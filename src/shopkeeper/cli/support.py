"""``support`` commands: talk to the assistant, load the FAQ, see the queue, set up channels."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from shopkeeper.ai.support import FaqDocument
from shopkeeper.cli.context import ShopOption, console, friendly_errors, runtime, settings, shop
from shopkeeper.cli.support_channels import channel_app
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.domain.support import Channel, Reply
from shopkeeper.jobs.context import mailer_from_settings
from shopkeeper.services.support import queue
from shopkeeper.services.support.conversations import Incoming, SupportDesk
from shopkeeper.services.support.documents import LANGUAGES, replace_documents
from shopkeeper.services.support.understanding import Understander

app = typer.Typer(help="Customer service.", no_args_is_help=True)
faq_app = typer.Typer(help="The FAQ pages the assistant answers from.", no_args_is_help=True)
app.add_typer(channel_app, name="channel")
app.add_typer(faq_app, name="faq")


def _desk() -> SupportDesk:
    return SupportDesk(runtime(), Understander(), mailer_from_settings(settings()))


def _show(reply: Reply) -> None:
    for message in reply.messages:
        if message.role.value != "customer":
            console.print(f"[bold green]{message.role.value}[/]: {message.text}")
    details = [f"status {reply.status.value}"]
    if reply.outcome:
        details.append(f"outcome {reply.outcome.value}")
    if reply.actions:
        details.append("did " + ", ".join(a.value for a in reply.actions))
    console.print(f"[dim]({'; '.join(details)}; conversation {reply.conversation_id})[/]")


@app.command("ask")
@friendly_errors
def ask(
    text: str = typer.Argument(..., help="What the customer writes."),
    conversation: str | None = typer.Option(None, help="Continue this conversation."),
    shop_slug: str = ShopOption,
) -> None:
    """Send one customer message to the assistant and print its answer."""
    target = shop(shop_slug)
    _show(_desk().handle(Incoming(target.id, text, Channel.API, conversation_id=conversation)))


@app.command("chat")
@friendly_errors
def chat(shop_slug: str = ShopOption) -> None:
    """Talk to the assistant as a customer would (an empty line ends)."""
    target = shop(shop_slug)
    desk = _desk()
    conversation: str | None = None
    console.print("[dim]Type as a customer; an empty line ends.[/]")
    while True:
        text = typer.prompt("you", default="", show_default=False)
        if not text.strip():
            return
        reply = desk.handle(Incoming(target.id, text, Channel.API, conversation_id=conversation))
        conversation = reply.conversation_id
        _show(reply)


@app.command("queue")
@friendly_errors
def show_queue(shop_slug: str = ShopOption) -> None:
    """Conversations waiting for a person, urgent first."""
    target = shop(shop_slug)
    rt = runtime()
    with rt.sessions() as session:
        items = queue.open_queue(session, rt.cipher, target.id)
    table = Table()
    for column in ("id", "priority", "reason", "status", "since (UTC)", "summary"):
        table.add_column(column, no_wrap=column != "summary")
    for item in items:
        table.add_row(
            str(item.handoff_id),
            item.priority,
            item.reason,
            item.status,
            item.created_at.strftime("%Y-%m-%d %H:%M"),
            item.summary,
        )
    console.print(table if items else "The queue is empty.")


@faq_app.command("import")
@friendly_errors
def import_faq(
    folder: Path = typer.Argument(..., help="A folder of markdown files, one topic each."),
    language: str = typer.Option(..., help="fr or en"),
    shop_slug: str = ShopOption,
) -> None:
    """Replace the shop's FAQ in LANGUAGE with the folder's ``*.md`` files."""
    if not folder.is_dir():
        raise InvalidInputError(f"{folder} is not a folder")
    if language not in LANGUAGES:
        raise InvalidInputError(f"language must be one of {', '.join(LANGUAGES)}")
    files = sorted(folder.glob("*.md"))
    if not files:
        raise InvalidInputError(f"no .md file in {folder}")
    documents = [FaqDocument(p.name, p.read_text(encoding="utf-8")) for p in files]
    target = shop(shop_slug)
    rt = runtime()
    with transaction(rt.sessions) as session:
        count = replace_documents(session, rt.clock, target.id, language, documents, "cli")
    console.print(f"{count} FAQ pages loaded in {language} for shop {target.slug}.")
