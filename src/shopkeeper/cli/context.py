"""What every command needs: settings, the runtime, the shop, and friendly errors."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console

from shopkeeper.core.config import Settings
from shopkeeper.core.errors import ShopkeeperError
from shopkeeper.data.database import transaction
from shopkeeper.domain.shops import Shop
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import DEFAULT_SHOP_SLUG, get_shop_by_slug

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

ShopOption = typer.Option(DEFAULT_SHOP_SLUG, "--shop", help="Slug of the shop to act on.")


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn project errors into one readable line and the error's exit code (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ShopkeeperError as exc:
            err_console.print(f"[bold red]error[/] ({exc.code.value}): {exc.message}")
            raise typer.Exit(exc.exit_code) from None
        except ValidationError as exc:
            err_console.print(f"[bold red]error[/] (invalid_input): {exc.errors()[0]['msg']}")
            raise typer.Exit(2) from None

    return wrapper


@functools.cache
def settings() -> Settings:
    try:
        return Settings()
    except ShopkeeperError as exc:
        err_console.print(f"[bold red]configuration error[/]: {exc.message}")
        sys.exit(exc.exit_code)


@functools.cache
def runtime() -> Runtime:
    from shopkeeper.api.app import prepare_database

    rt = Runtime.from_settings(settings())
    prepare_database(rt, settings())
    return rt


def shop(slug: str) -> Shop:
    with transaction(runtime().sessions) as session:
        return get_shop_by_slug(session, slug)
