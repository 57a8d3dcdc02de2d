"""``support channel`` commands: set up Telegram, WhatsApp and email for a shop, list them."""

from __future__ import annotations

import typer

from shopkeeper.cli.context import ShopOption, console, friendly_errors, runtime, shop
from shopkeeper.data.database import transaction
from shopkeeper.services.support.channels.settings import (
    ChannelKind,
    ChannelUpdate,
    ChannelView,
    list_channels,
    save_channel,
)

channel_app = typer.Typer(
    help="Messaging channels (Telegram, WhatsApp, email).", no_args_is_help=True
)
set_app = typer.Typer(
    help="Set up or change a channel; secrets left out keep their value.", no_args_is_help=True
)
channel_app.add_typer(set_app, name="set")

EnabledOption = typer.Option(True, "--enabled/--disabled", help="Answer on this channel or not.")
ACTOR = "cli"


def _save(
    shop_slug: str,
    kind: ChannelKind,
    enabled: bool,
    secrets: dict[str, str | None],
    options: dict[str, str | None],
) -> None:
    target = shop(shop_slug)
    rt = runtime()
    update = ChannelUpdate(
        enabled=enabled,
        secrets={k: v for k, v in secrets.items() if v is not None},
        options={k: v for k, v in options.items() if v is not None},
    )
    with transaction(rt.sessions) as session:
        view = save_channel(
            session,
            rt.clock,
            rt.cipher,
            shop_id=target.id,
            kind=kind,
            update=update,
            actor=ACTOR,
            operator=True,
        )
    _print([view])
    if kind is ChannelKind.EMAIL:
        console.print("Inbound-mail relay: POST https://<your host>/v1/support/webhooks/email")
    else:
        path = f"/v1/support/webhooks/{kind.value}/{target.slug}"
        console.print(f"Webhook URL: https://<your host>{path}")


def _print(views: list[ChannelView]) -> None:
    # Plain lines rather than a table: long ids and masked tokens stay whole and grep-able.
    for view in views:
        state = "[green]enabled[/]" if view.enabled else "[yellow]disabled[/]"
        when = f"{view.updated_at:%Y-%m-%d %H:%M}"
        console.print(f"[bold]{view.kind.value}[/]  {state}  (changed {when} by {view.updated_by})")
        for name, masked_value in view.secrets.items():
            console.print(f"  secret {name}: {masked_value}", highlight=False)
        for name, value in view.options.items():
            console.print(f"  option {name}: {value}", highlight=False, soft_wrap=True)


@set_app.command("telegram")
@friendly_errors
def set_telegram(
    bot_token: str | None = typer.Option(None, help="The bot's token from @BotFather."),
    secret_token: str | None = typer.Option(
        None, help="The secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token."
    ),
    api_base: str | None = typer.Option(None, help="Bot API URL (default api.telegram.org)."),
    enabled: bool = EnabledOption,
    shop_slug: str = ShopOption,
) -> None:
    """Answer customers who write to the shop's Telegram bot."""
    _save(
        shop_slug,
        ChannelKind.TELEGRAM,
        enabled,
        {"bot_token": bot_token, "secret_token": secret_token},
        {"api_base": api_base},
    )


@set_app.command("whatsapp")
@friendly_errors
def set_whatsapp(
    app_secret: str | None = typer.Option(None, help="The Meta app's App Secret (signatures)."),
    verify_token: str | None = typer.Option(None, help="The token Meta's verification sends."),
    access_token: str | None = typer.Option(None, help="A system-user access token."),
    phone_number_id: str | None = typer.Option(None, help="The business number's id."),
    api_base: str | None = typer.Option(None, help="Graph API URL (default graph.facebook.com)."),
    api_version: str | None = typer.Option(None, help="Graph API version, e.g. v25.0."),
    enabled: bool = EnabledOption,
    shop_slug: str = ShopOption,
) -> None:
    """Answer customers on the shop's WhatsApp Business number (Cloud API)."""
    _save(
        shop_slug,
        ChannelKind.WHATSAPP,
        enabled,
        {"app_secret": app_secret, "verify_token": verify_token, "access_token": access_token},
        {"phone_number_id": phone_number_id, "api_base": api_base, "api_version": api_version},
    )


@set_app.command("email")
@friendly_errors
def set_email(
    from_address: str | None = typer.Option(
        None, help="Sender of the replies (default SHOPKEEPER_MAIL_FROM)."
    ),
    enabled: bool = EnabledOption,
    shop_slug: str = ShopOption,
) -> None:
    """Answer emails posted by the shop's inbound-mail relay; replies go out by SMTP."""
    _save(shop_slug, ChannelKind.EMAIL, enabled, {}, {"from_address": from_address})


@channel_app.command("list")
@friendly_errors
def list_command(shop_slug: str = ShopOption) -> None:
    """The shop's channels, secrets masked."""
    target = shop(shop_slug)
    rt = runtime()
    with transaction(rt.sessions) as session:
        views = list_channels(session, rt.cipher, target.id)
    if not views:
        console.print("no channel set up: see `shopkeeper support channel set --help`")
        return
    _print(views)
