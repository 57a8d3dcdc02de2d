"""One CSV row and typed access to its cells, tolerant of the ways shops write numbers.

Exports from French or German back offices write ``19,90`` and ``1 234,50``; Excel adds
non-breaking spaces and currency signs. A cell that cannot be read raises :class:`CellError`,
which names the column so the row's rejection reason says where to look.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import ValidationError

CellType = Literal["text", "decimal", "int", "float", "bool", "datetime"]

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"[€$£]|\b[A-Z]{3}\b")
_TRUE = frozenset({"1", "true", "yes", "y", "oui", "o", "vrai", "t"})
_FALSE = frozenset({"0", "false", "no", "n", "non", "faux", "f", "-1"})


class CellError(ValueError):
    """A cell that does not hold what its column promises."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.column = column


def parse_decimal(text: str) -> Decimal:
    """Read a number written with a decimal point or a decimal comma.

    When both separators appear the last one is the decimal mark; a lone comma is
    always a decimal mark (exports do not write thousands separators without decimals).

    Examples
    --------
    >>> parse_decimal("19,90"), parse_decimal("1 234,50"), parse_decimal("1,234.50")
    (Decimal('19.90'), Decimal('1234.50'), Decimal('1234.50'))
    """
    cleaned = _CURRENCY.sub("", _SPACES.sub("", text))
    if "," in cleaned and "." in cleaned:
        thousands = "," if cleaned.rfind(".") > cleaned.rfind(",") else "."
        cleaned = cleaned.replace(thousands, "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    return value


def parse_int(text: str) -> int:
    value = parse_decimal(text)
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    return int(value)


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a yes/no value")


def parse_datetime(text: str, zone: ZoneInfo) -> datetime:
    """An aware UTC datetime; a time written without offset is in the shop's time zone.

    Examples
    --------
    >>> parse_datetime("2026-03-01 10:15:32 +0100", ZoneInfo("UTC")).isoformat()
    '2026-03-01T09:15:32+00:00'
    >>> parse_datetime("01/03/2026 10:00", ZoneInfo("Europe/Paris")).isoformat()
    '2026-03-01T09:00:00+00:00'
    """
    cleaned = " ".join(text.split())
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(cleaned.replace(" UTC", "+00:00"))
    except ValueError:
        for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
            try:
                parsed = datetime.strptime(cleaned, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(f"{text!r} is not a date and time (use ISO 8601, e.g. 2026-03-01 10:15)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its physical line in the file and its cells by lower-case column name.

    Examples
    --------
    >>> row = Row(3, {"price": "19,90", "title": " Tee "})
    >>> row.get("price", "decimal"), row.get("title"), row.get("missing")
    (Decimal('19.90'), 'Tee', None)
    """

    line: int
    cells: dict[str, str]
    error: str | None = None

    def text(self, column: str) -> str:
        """The stripped cell, ``""`` when blank or absent."""
        return self.cells.get(column, "").strip()

    def get(self, column: str, kind: CellType = "text", zone: ZoneInfo | None = None) -> Any:
        """The typed value of a cell, ``None`` when blank or absent."""
        raw = self.text(column)
        if not raw:
            return None
        try:
            if kind == "text":
                return raw
            if kind == "decimal":
                return parse_decimal(raw)
            if kind == "int":
                return parse_int(raw)
            if kind == "float":
                return float(parse_decimal(raw))
            if kind == "bool":
                return parse_bool(raw)
            return parse_datetime(raw, zone or ZoneInfo("UTC"))
        except ValueError as exc:
            raise CellError(column, str(exc)) from None

    def values(self, spec: dict[str, CellType], zone: ZoneInfo | None = None) -> dict[str, Any]:
        """The non-blank cells named in ``spec``, converted; blank cells are left out."""
        found = {name: self.get(name, kind, zone) for name, kind in spec.items()}
        return {name: value for name, value in found.items() if value is not None}

    def prefixed(self, prefix: str) -> dict[str, str]:
        """Non-blank cells whose column starts with ``prefix``, keyed by the rest of the name."""
        return {
            name[len(prefix) :]: value.strip()
            for name, value in self.cells.items()
            if name.startswith(prefix) and len(name) > len(prefix) and value.strip()
        }


def describe(exc: Exception) -> str:
    """A one-line reason for a cell or model validation failure."""
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            where = ".".join(str(p) for p in error["loc"])
            parts.append(f"{where}: {message}" if where else message)
        return "; ".join(parts)
    return str(exc)


_TAGS = re.compile(r"<[^>]+>")
_NOT_SKU = re.compile(r"[^A-Za-z0-9._-]+")


def plain_text(markup: str) -> str:
    """Text of an HTML description: tags dropped, entities decoded, whitespace collapsed.

    Examples
    --------
    >>> plain_text("<p>Soft&nbsp;cotton<br>tee</p>")
    'Soft cotton tee'
    """
    return " ".join(html.unescape(_TAGS.sub(" ", markup)).split())


def sku_from(*parts: str) -> str:
    """A sku built from names when the export has none (allowed characters only, 64 at most).

    Examples
    --------
    >>> sku_from("classic-tee", "Red / XL")
    'classic-tee-Red-XL'
    """
    joined = "-".join(_NOT_SKU.sub("-", p).strip("-") for p in parts if p.strip())
    return joined[:64].strip("-")
