"""Importing a CSV of competitor prices: line-numbered rejections, chunked commits.

Rows are checked as the API checks a batch (the model, then the shop's currency and the
date), then stored by :class:`~shopkeeper.services.competitor_prices.PriceRecorder` in
chunks, one transaction each. An import stopped halfway keeps the chunks committed before
the stop and nothing of the interrupted one; recording is idempotent, so running the same
file again completes it without doubling anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.importers.competitor_prices import PriceRow, open_price_file
from shopkeeper.data.importers.records import Rejection
from shopkeeper.domain.shops import Shop
from shopkeeper.services.competitor_prices import PriceBatchResult, PriceRecorder, check_price
from shopkeeper.services.competitor_suggestions import Catalogue
from shopkeeper.services.imports import (
    CHUNK_SIZE,
    MAX_LISTED_ERRORS,
    ImportInterruptedError,
    ImportProgress,
    RowError,
)


class CompetitorImportResult(BaseModel):
    """What an import did. ``stored`` counts the rows kept (``unchanged``: already held);
    each is ``matched`` (now a signal), ``suggested`` or ``unmatched`` (kept until the owner
    confirms a match).

    Examples
    --------
    >>> CompetitorImportResult().complete
    True
    """

    rows_read: int = 0
    stored: int = 0
    unchanged: int = 0
    matched: int = 0
    suggested: int = 0
    unmatched: int = 0
    rejected: int = 0
    errors: list[RowError] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every row was stored."""
        return self.rejected == 0

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line=line, lines=[line], reason=reason))

    def add(self, chunk: PriceBatchResult) -> None:
        counts = chunk.counts()
        for name in ("stored", "unchanged", "matched", "suggested", "unmatched"):
            setattr(self, name, getattr(self, name) + counts[name])


def import_competitor_prices(
    sessions: sessionmaker[Session],
    clock: Clock,
    shop: Shop,
    stream: BinaryIO,
    *,
    actor: str = "import",
    chunk_size: int = CHUNK_SIZE,
    on_progress: Callable[[ImportProgress], None] | None = None,
) -> CompetitorImportResult:
    """Import one CSV file of competitor prices into ``shop``.

    Raises :class:`~shopkeeper.data.importers.records.ImportFileError` before any write when
    the file cannot be read or lacks a required column, and
    :class:`~shopkeeper.services.imports.ImportInterruptedError` when the database fails.
    """
    parsed = open_price_file(stream, shop.zone)
    result = CompetitorImportResult(warnings=parsed.warnings)
    catalogue: Catalogue | None = None

    def report(pending: int = 0) -> None:
        # ``pending``: rows of the open chunk, stored once it commits.
        if on_progress is not None:
            on_progress(
                ImportProgress(
                    rows_read=parsed.source.rows_read,
                    bytes_read=parsed.source.bytes_read,
                    total_bytes=parsed.source.total_bytes,
                    stored=result.stored + pending,
                    rejected=result.rejected,
                )
            )

    def store(chunk: list[PriceRow]) -> None:
        nonlocal catalogue
        if not chunk:
            return
        done = PriceBatchResult()
        refused: list[tuple[int, str]] = []
        with sessions() as session, session.begin():
            # Read once per import: the catalogue does not change because prices arrive.
            catalogue = catalogue or Catalogue.load(session, shop.id)
            recorder = PriceRecorder(session, clock, shop, catalogue, actor)
            for row in chunk:
                try:
                    done.stored.append(recorder.record(row.line, row.item))
                except InvalidInputError as exc:
                    refused.append((row.line, exc.message))
                report(len(done.stored))
        # Counted once the chunk is committed: a chunk rolled back stored nothing.
        result.add(done)
        for line, reason in refused:
            result.reject(line, reason)

    chunk: list[PriceRow] = []
    try:
        for parsed_row in parsed.rows:
            if isinstance(parsed_row, Rejection):
                result.reject(parsed_row.lines[0], parsed_row.reason)
                report()
                continue
            try:
                check_price(parsed_row.item, shop, clock)
            except InvalidInputError as exc:
                result.reject(parsed_row.line, exc.message)
                report()
                continue
            chunk.append(parsed_row)
            if len(chunk) >= chunk_size:
                store(chunk)
                chunk = []
        store(chunk)
    except SQLAlchemyError as exc:
        raise ImportInterruptedError(
            f"the database failed during the import; {result.stored} rows were saved "
            f"before it: {exc.__class__.__name__}",
            saved=result.stored,
        ) from exc
    result.rows_read = parsed.source.rows_read
    result.errors.sort(key=lambda error: error.line)
    return result
