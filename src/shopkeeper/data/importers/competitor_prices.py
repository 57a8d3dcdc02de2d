"""Reading a CSV of competitor prices: one price a row, each refused row with its line.

Columns: ``competitor, title, price, currency, observed_at`` (required) and
``competitor_sku, url, sku`` (optional). The file is read like every import (encoding,
separator, decimal commas: :class:`~shopkeeper.data.importers.source.CsvSource`); a time
written without an offset is in the shop's time zone, and the day of a price is the day as
written, not converted to UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shopkeeper.data.importers.cells import CellError, Row, describe
from shopkeeper.data.importers.records import ImportFileError, Rejection
from shopkeeper.data.importers.source import CsvSource
from shopkeeper.domain.competitor_prices import CompetitorPriceIn

REQUIRED = frozenset({"competitor", "title", "price", "currency", "observed_at"})
OPTIONAL = frozenset({"competitor_sku", "url", "sku"})
_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


@dataclass(frozen=True, slots=True)
class PriceRow:
    """A valid price and the physical line it came from."""

    line: int
    item: CompetitorPriceIn


def observed_at(text: str, zone: ZoneInfo) -> datetime:
    """The time of a price as written; without an offset it is in ``zone``.

    Examples
    --------
    >>> paris = ZoneInfo("Europe/Paris")
    >>> observed_at("2026-03-01 00:30", paris).isoformat()
    '2026-03-01T00:30:00+01:00'
    >>> observed_at("01/03/2026", paris).date().isoformat()
    '2026-03-01'
    """
    cleaned = " ".join(text.split()).replace(" UTC", "+00:00")
    written: datetime | None = None
    try:
        written = datetime.fromisoformat(cleaned)
    except ValueError:
        for pattern in _DAY_FIRST:
            try:
                written = datetime.strptime(cleaned, pattern)
                break
            except ValueError:
                continue
    if written is None:
        raise CellError(
            "observed_at", f"{text!r} is not a date and time (use ISO 8601, e.g. 2026-03-01 10:15)"
        )
    return written if written.tzinfo else written.replace(tzinfo=zone)


def _values(row: Row, zone: ZoneInfo) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: row.text(name) for name in ("competitor", "title", "currency", *OPTIONAL)
    }
    values["price"] = row.get("price", "decimal")
    raw_time = row.text("observed_at")
    values["observed_at"] = observed_at(raw_time, zone) if raw_time else None
    # Blank cells are absent: the model then names the required ones that are missing.
    return {name: value for name, value in values.items() if value not in (None, "")}


def _parse(rows: Iterator[Row], zone: ZoneInfo) -> Iterator[PriceRow | Rejection]:
    for row in rows:
        if row.error:
            yield Rejection((row.line,), row.error)
            continue
        try:
            yield PriceRow(row.line, CompetitorPriceIn.model_validate(_values(row, zone)))
        except (CellError, ValidationError) as exc:
            yield Rejection((row.line,), describe(exc))


@dataclass
class PriceFile:
    """An opened file: where reading stands, the parsed rows, and warnings on its header."""

    source: CsvSource
    rows: Iterator[PriceRow | Rejection]
    warnings: list[str] = field(default_factory=list)


def open_price_file(stream: BinaryIO, zone: ZoneInfo) -> PriceFile:
    """Check the header before any row; refuse a file without the required columns."""
    source = CsvSource(stream)
    missing = sorted(REQUIRED - set(source.header))
    if missing:
        raise ImportFileError(
            f"not a competitor prices file: missing column(s) {', '.join(missing)}",
            missing=missing,
        )
    warnings = [
        f"column {name!r} is not part of the competitor prices format; ignored"
        for name in source.header
        if name not in REQUIRED | OPTIONAL
    ]
    return PriceFile(source, _parse(source.rows(), zone), warnings)
