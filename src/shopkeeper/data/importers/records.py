"""What parsing a file produces: records ready to upsert, or rejections with their lines."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.importers.cells import CellError, Row, describe
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.customers import CustomerCreate
from shopkeeper.domain.orders import OrderCreate
from shopkeeper.domain.signals import SignalPointIn
from shopkeeper.domain.stock import StockSet
from shopkeeper.domain.suppliers import SupplierCreate


class ImportKind(StrEnum):
    PRODUCTS = "products"
    CUSTOMERS = "customers"
    ORDERS = "orders"
    STOCK = "stock"
    SUPPLIERS = "suppliers"
    SIGNALS = "signals"


class ImportFormat(StrEnum):
    AUTO = "auto"
    SHOPKEEPER = "shopkeeper"
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"


class ImportFileError(InvalidInputError):
    """The file as a whole cannot be imported (unreadable, wrong format, missing columns).

    Its exit code differs from a rejected row's (2) so scripts can tell the two apart.
    """

    exit_code: ClassVar[int] = 1


Item = ProductCreate | CustomerCreate | OrderCreate | StockSet | SupplierCreate | SignalPointIn
ItemT = TypeVar("ItemT", bound=Item)
P = ParamSpec("P")


@dataclass(frozen=True, slots=True)
class Record:
    """A validated item and the physical CSV lines it came from.

    ``customer`` carries the buyer of an order when the export has one (Shopify orders),
    so the order and its customer are stored together.

    Examples
    --------
    >>> Record((2,), StockSet(sku="A1", on_hand=3)).key
    'A1'
    """

    lines: tuple[int, ...]
    item: Item
    customer: CustomerCreate | None = None

    @property
    def key(self) -> str:
        if isinstance(self.item, ProductCreate | StockSet):
            return self.item.sku
        if isinstance(self.item, SupplierCreate):
            return self.item.ref
        if isinstance(self.item, SignalPointIn):
            point = self.item
            return " ".join(
                filter(None, (point.name, point.region, point.sku, f"{point.ts:%F %R}"))
            )
        return self.item.external_id


@dataclass(frozen=True, slots=True)
class Rejection:
    """Rows that could not become an item, and why."""

    lines: tuple[int, ...]
    reason: str


def record_or_rejection(
    line: int,
    model: type[ItemT],
    build: Callable[P, dict[str, Any]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> Record | Rejection:
    """The item one row describes, or the row's rejection if a cell or the model refuses it.

    ``build`` runs here rather than in the caller so an unreadable cell it meets becomes a
    rejection of this row, not an error that stops the whole file.

    Examples
    --------
    >>> record_or_rejection(2, StockSet, dict, sku="A1", on_hand=3).item.on_hand
    3
    >>> record_or_rejection(3, StockSet, dict, sku="A1", on_hand=-1).lines
    (3,)
    """
    try:
        return Record((line,), model.model_validate(build(*args, **kwargs)))
    except (CellError, ValidationError) as exc:
        return Rejection((line,), describe(exc))


def _hashed_ref(email: str) -> str:
    return "em-" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What a mapper needs from the shop.

    ``zone`` reads times written without an offset; ``customer_ref`` turns an email into a
    pseudonymous customer id when an export links orders to customers only by email (the
    service passes a keyed hash so the id reveals nothing).

    Examples
    --------
    >>> ParseContext(ZoneInfo("UTC")).customer_ref("Ada@Example.com")[:3]
    'em-'
    """

    zone: ZoneInfo
    customer_ref: Callable[[str], str] = _hashed_ref


Parsed = Record | Rejection
Parse = Callable[[Iterator[Row], ParseContext], Iterator[Parsed]]


@dataclass(frozen=True, slots=True)
class Mapper:
    """How one format's file of one kind turns into records.

    ``known`` lists the columns the format reads; for our own format any other column is
    reported as a warning (likely a typo). Foreign exports carry many columns we do not
    use, so their mappers leave ``known`` empty and nothing is reported.
    """

    required: frozenset[str]
    parse: Parse
    known: frozenset[str] = frozenset()
    known_prefixes: tuple[str, ...] = ()
