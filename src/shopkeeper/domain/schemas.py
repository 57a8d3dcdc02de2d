"""Shared pieces of the validated input/output shapes (pages, constrained strings)."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints

from shopkeeper.core.errors import InvalidInputError

T = TypeVar("T")

Sku = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^\s/?#]+$"),
]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class Strict(BaseModel):
    """Input models refuse unknown fields so typos are reported, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Page(BaseModel, Generic[T]):
    """One page of a list plus the total count matching the filters."""

    data: list[T]
    count: int


def check_page_window(offset: int, limit: int, max_limit: int) -> None:
    """Refuse a page request the list services do not serve.

    The API checks the same bounds on its query parameters; this guards the CLI, the
    dashboard and jobs, which call the services directly.

    Examples
    --------
    >>> check_page_window(0, 50, 500)
    >>> check_page_window(0, 501, 500)
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.InvalidInputError: limit must be 1..500 and offset >= 0
    """
    if not 1 <= limit <= max_limit or offset < 0:
        raise InvalidInputError(f"limit must be 1..{max_limit} and offset >= 0")
