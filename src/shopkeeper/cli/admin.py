"""``db``, ``config``, ``keys``, ``users`` and ``shops`` commands."""

from __future__ import annotations

import typer
from rich.table import Table

from shopkeeper.cli.context import ShopOption, console, friendly_errors, runtime, settings, shop
from shopkeeper.core.config import masked, reference_markdown
from shopkeeper.data.database import current_revision, transaction, upgrade
from shopkeeper.data.pii import generate_key
from shopkeeper.domain.access import KeyKind, Role, Scope
from shopkeeper.domain.shops import ShopCreate
from shopkeeper.services.access import api_keys, users
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import create_shop, list_shops

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
config_app = typer.Typer(help="Settings.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
users_app = typer.Typer(help="Dashboard users.", no_args_is_help=True)
shops_app = typer.Typer(help="Shops of this deployment.", no_args_is_help=True)


@db_app.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """Apply all migrations."""
    rt = Runtime.from_settings(settings())
    upgrade(rt.engine)
    console.print(f"database at revision [bold]{current_revision(rt.engine)}[/]")


@db_app.command("current")
@friendly_errors
def db_current() -> None:
    """Show the schema revision."""
    rt = Runtime.from_settings(settings())
    console.print(current_revision(rt.engine) or "(empty database)")


@config_app.command("show")
def config_show() -> None:
    """Print every setting, secrets masked."""
    table = Table("setting", "value")
    for name, value in masked(settings()).items():
        table.add_row(f"SHOPKEEPER_{name.upper()}", value)
    console.print(table)


@config_app.command("reference")
def config_reference() -> None:
    """Print the configuration reference (Markdown) generated from the settings model."""
    typer.echo(reference_markdown(), nl=False)


@keys_app.command("create")
@friendly_errors
def keys_create(
    name: str = typer.Option(..., help="What the key is for."),
    kind: KeyKind = typer.Option(
        KeyKind.SECRET, help="secret (server) or publishable (storefront)."
    ),
    scope: list[Scope] = typer.Option([], help="Scopes; default: all a key of this kind may have."),
    shop_slug: str = ShopOption,
) -> None:
    """Create a key; it is shown once."""
    target = shop(shop_slug)
    with transaction(runtime().sessions) as session:
        issued = api_keys.create_key(
            session, runtime().clock, shop_id=target.id, name=name, kind=kind, scopes=scope or None
        )
    console.print(
        f"[bold green]{issued.raw}[/]  ({issued.kind.value}, scopes: {', '.join(issued.scopes)})"
    )
    console.print("Store it now: it cannot be shown again.")


@keys_app.command("list")
@friendly_errors
def keys_list(shop_slug: str = ShopOption) -> None:
    """List keys (prefixes only)."""
    target = shop(shop_slug)
    with transaction(runtime().sessions) as session:
        keys = api_keys.list_keys(session, target.id)
    table = Table("id", "name", "kind", "prefix", "scopes", "created", "revoked")
    for k in keys:
        table.add_row(
            str(k.id),
            k.name,
            k.kind,
            k.prefix + "…",
            " ".join(k.scopes),
            k.created_at.strftime("%Y-%m-%d"),
            k.revoked_at.strftime("%Y-%m-%d") if k.revoked_at else "",
        )
    console.print(table)


@keys_app.command("revoke")
@friendly_errors
def keys_revoke(key_id: int, shop_slug: str = ShopOption) -> None:
    """Revoke a key at once."""
    target = shop(shop_slug)
    with transaction(runtime().sessions) as session:
        api_keys.revoke_key(session, runtime().clock, shop_id=target.id, key_id=key_id)
    console.print(f"key {key_id} revoked")


@keys_app.command("generate-pii-key")
def keys_generate_pii() -> None:
    """Print a fresh value for SHOPKEEPER_PII_KEY."""
    console.print(generate_key())


@users_app.command("create")
@friendly_errors
def users_create(
    email: str,
    role: Role = typer.Option(Role.STAFF, help="owner, staff, support_agent or viewer."),
    name: str = typer.Option("", help="Display name."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    shop_slug: str = ShopOption,
) -> None:
    """Create a dashboard user."""
    target = shop(shop_slug)
    with transaction(runtime().sessions) as session:
        user = users.create_user(
            session,
            runtime().clock,
            shop_id=target.id,
            email=email,
            password=password,
            role=role,
            name=name,
        )
    console.print(f"user {user.email} ({user.role.value}) created in shop {target.slug}")


@users_app.command("set-password")
@friendly_errors
def users_set_password(
    email: str,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Change a user's password."""
    with transaction(runtime().sessions) as session:
        users.set_password(session, email=email, password=password)
    console.print(f"password of {email} changed")


@users_app.command("list")
@friendly_errors
def users_list(shop_slug: str = ShopOption) -> None:
    """List the shop's users."""
    target = shop(shop_slug)
    with transaction(runtime().sessions) as session:
        found = users.list_users(session, target.id)
    table = Table("id", "email", "name", "role")
    for u in found:
        table.add_row(str(u.id), u.email, u.name, u.role.value)
    console.print(table)


@shops_app.command("list")
@friendly_errors
def shops_list() -> None:
    """List shops."""
    with transaction(runtime().sessions) as session:
        found = list_shops(session)
    table = Table("id", "slug", "name", "currency", "time zone", "locale")
    for s in found:
        table.add_row(str(s.id), s.slug, s.name, s.currency, s.timezone, s.locale)
    console.print(table)


@shops_app.command("create")
@friendly_errors
def shops_create(
    slug: str,
    name: str = typer.Option(...),
    currency: str = typer.Option("EUR"),
    timezone: str = typer.Option("Europe/Paris"),
    locale: str = typer.Option("en"),
) -> None:
    """Add a shop to this deployment."""
    spec = ShopCreate(slug=slug, name=name, currency=currency, timezone=timezone, locale=locale)
    with transaction(runtime().sessions) as session:
        created = create_shop(session, spec, runtime().clock)
    console.print(f"shop {created.slug} created (id {created.id})")
