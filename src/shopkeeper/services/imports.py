"""Importing CSV files: parse, validate like the API, upsert in chunks of whole records.

Each chunk is one transaction and each record (a product, or an order with all its lines)
one savepoint inside it, so a record the database refuses is rejected alone while an
import that stops halfway (an exception, a killed process) leaves only whole chunks
behind: never an order without some of its lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import ErrorCode, ShopkeeperError
from shopkeeper.data.importers.formats import open_import
from shopkeeper.data.importers.records import (
    ImportFormat,
    ImportKind,
    ParseContext,
    Record,
    Rejection,
)
from shopkeeper.data.pii import PiiCipher
from shopkeeper.data.tables import ProductRow, StockLevelRow
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.customers import CustomerCreate
from shopkeeper.domain.orders import OrderCreate
from shopkeeper.domain.shops import Shop
from shopkeeper.domain.signals import SignalPointIn
from shopkeeper.domain.stock import StockSet
from shopkeeper.domain.suppliers import SupplierCreate
from shopkeeper.services.catalog import upsert_product
from shopkeeper.services.customers import upsert_customer
from shopkeeper.services.orders import upsert_order
from shopkeeper.services.signals import upsert_signal
from shopkeeper.services.stock import set_stock
from shopkeeper.services.suppliers import upsert_supplier

CHUNK_SIZE = 200
MAX_LISTED_ERRORS = 1000


class RowError(BaseModel):
    """A rejected record: its first line, every line it spans, and the reason."""

    line: int
    lines: list[int]
    reason: str


class ImportResult(BaseModel):
    """What an import did; ``rejected`` counts records (an order counts once).

    Examples
    --------
    >>> ImportResult(kind=ImportKind.STOCK, format=ImportFormat.SHOPKEEPER).complete
    True
    """

    kind: ImportKind
    format: ImportFormat
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[RowError] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every record was imported."""
        return self.rejected == 0

    def reject(self, lines: tuple[int, ...], reason: str) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line=lines[0], lines=list(lines), reason=reason))


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where an import stands, reported after every record."""

    rows_read: int
    bytes_read: int
    total_bytes: int
    stored: int
    rejected: int


class ImportInterruptedError(ShopkeeperError):
    """The database failed mid-import; chunks committed before the failure are kept."""

    default_code = ErrorCode.UPSTREAM
    http_status = 503
    exit_code = 6


@dataclass
class _Importer:
    sessions: sessionmaker[Session]
    clock: Clock
    cipher: PiiCipher
    shop: Shop
    actor: str

    def apply(self, session: Session, record: Record) -> bool:
        """Upsert one record; True when it was created."""
        item, shop = record.item, self.shop
        if isinstance(item, ProductCreate):
            return upsert_product(session, self.clock, shop, item, self.actor)[1]
        if isinstance(item, CustomerCreate):
            return upsert_customer(session, self.clock, self.cipher, shop.id, item)[1]
        if isinstance(item, OrderCreate):
            if record.customer is not None:
                upsert_customer(session, self.clock, self.cipher, shop.id, record.customer)
            return upsert_order(session, self.clock, self.cipher, shop, item)[1]
        if isinstance(item, StockSet):
            existed = _stock_level_exists(session, shop.id, item)
            set_stock(session, self.clock, shop.id, item)
            return not existed
        if isinstance(item, SupplierCreate):
            return upsert_supplier(session, shop.id, item)[1]
        if isinstance(item, SignalPointIn):
            return upsert_signal(session, self.clock, shop.id, item)
        raise TypeError(f"cannot import {type(item).__name__}")


def _stock_level_exists(session: Session, shop_id: int, item: StockSet) -> bool:
    found = session.scalar(
        select(StockLevelRow.id)
        .join(ProductRow, ProductRow.id == StockLevelRow.product_id)
        .where(
            StockLevelRow.shop_id == shop_id,
            ProductRow.sku == item.sku,
            StockLevelRow.location == item.location,
        )
    )
    return found is not None


def _begin(session: Session) -> None:
    # pysqlite only opens a transaction before a write, so a SAVEPOINT issued first would
    # open (and its RELEASE commit) the transaction itself: begin explicitly so the whole
    # chunk stays one transaction there too.
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN")


def run_import(
    sessions: sessionmaker[Session],
    clock: Clock,
    cipher: PiiCipher,
    shop: Shop,
    kind: ImportKind,
    stream: BinaryIO,
    fmt: ImportFormat = ImportFormat.AUTO,
    *,
    actor: str = "import",
    chunk_size: int = CHUNK_SIZE,
    on_progress: Callable[[ImportProgress], None] | None = None,
) -> ImportResult:
    """Import one CSV file of ``kind`` into ``shop``.

    Raises :class:`~shopkeeper.data.importers.records.ImportFileError` before any write when
    the file cannot be read or lacks required columns, and :class:`ImportInterruptedError`
    when the database fails midway.
    """

    def key(email: str) -> str:
        return "em-" + (cipher.email_hash(email) or "")[:24]

    parsed = open_import(stream, kind, fmt, ParseContext(shop.zone, key))
    result = ImportResult(kind=kind, format=parsed.format, warnings=parsed.warnings)
    importer = _Importer(sessions, clock, cipher, shop, actor)
    stored = 0

    def report() -> None:
        if on_progress is not None:
            on_progress(
                ImportProgress(
                    rows_read=parsed.source.rows_read,
                    bytes_read=parsed.source.bytes_read,
                    total_bytes=parsed.source.total_bytes,
                    stored=stored,
                    rejected=result.rejected,
                )
            )

    def store(chunk: list[Record]) -> None:
        nonlocal stored
        created = updated = 0
        with sessions() as session, session.begin():
            _begin(session)
            for record in chunk:
                try:
                    with session.begin_nested():
                        was_created = importer.apply(session, record)
                except ShopkeeperError as exc:
                    result.reject(record.lines, f"{record.key}: {exc.message}")
                except IntegrityError as exc:
                    result.reject(
                        record.lines, f"{record.key}: refused by the database ({exc.orig})"
                    )
                else:
                    created, updated = created + was_created, updated + (not was_created)
                    stored += 1
                report()
        result.created += created
        result.updated += updated

    chunk: list[Record] = []
    try:
        for parsed_item in parsed.records:
            if isinstance(parsed_item, Rejection):
                result.reject(parsed_item.lines, parsed_item.reason)
                report()
                continue
            chunk.append(parsed_item)
            if len(chunk) >= chunk_size:
                store(chunk)
                chunk = []
        store(chunk)
    except SQLAlchemyError as exc:
        raise ImportInterruptedError(
            f"the database failed during the import; {result.created + result.updated} "
            f"records were saved before it: {exc.__class__.__name__}",
            saved=result.created + result.updated,
        ) from exc
    result.rows_read = parsed.source.rows_read
    # Rows the database refused are found a chunk later than those the parser refused.
    result.errors.sort(key=lambda error: error.line)
    return result
