"""Reading an uploaded CSV: encoding, delimiter, header, physical line numbers, progress."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from shopkeeper.data.importers.cells import Row
from shopkeeper.data.importers.records import ImportFileError

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
# Shopify descriptions hold whole HTML pages in one cell; the csv default (128 KiB) is too small.
FIELD_LIMIT = 4 * 1024 * 1024


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 as Excel writes it."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise ImportFileError("this is not a text CSV file (it contains binary data)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def detect_delimiter(header_line: str) -> str:
    """The separator that splits the header most often (headers rarely contain one)."""
    counts = {d: _count_outside_quotes(header_line, d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    quoted, count = False, 0
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


class CsvSource:
    """The rows of a CSV file with their physical line numbers (the header is line 1).

    Examples
    --------
    >>> data = io.BytesIO("\\ufeffsku;price\\nA1;19,90\\n".encode())
    >>> source = CsvSource(data)
    >>> source.header, [(r.line, r.cells) for r in source.rows()]
    (['sku', 'price'], [(2, {'sku': 'A1', 'price': '19,90'})])
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        stream.seek(0, io.SEEK_END)
        self.total_bytes = stream.tell()
        stream.seek(0)
        sample = stream.read(SAMPLE_BYTES)
        stream.seek(0)
        if not sample.strip():
            raise ImportFileError("the file is empty")
        self.encoding = detect_encoding(sample)
        self._text = io.TextIOWrapper(stream, encoding=self.encoding, newline="")
        first = self._read_header_line()
        self.delimiter = detect_delimiter(first)
        header = next(csv.reader([first], delimiter=self.delimiter), [])
        self.header = [name.strip().lstrip("\ufeff").lower() for name in header]
        if len(self.header) < 2 or not all(self.header):
            raise ImportFileError(
                "the first line is not a CSV header (expected at least two named columns)"
            )
        self.rows_read = 0

    def _read_header_line(self) -> str:
        try:
            return self._text.readline()
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"cannot decode the file as {self.encoding}: {exc}") from None

    @property
    def bytes_read(self) -> int:
        """How far into the file reading has got (for progress bars)."""
        try:
            return min(self._stream.tell(), self.total_bytes)
        except (OSError, ValueError):
            return self.total_bytes

    def rows(self) -> Iterator[Row]:
        """Data rows; blank lines are skipped, short rows padded, over-long rows flagged."""
        csv.field_size_limit(FIELD_LIMIT)
        reader = csv.reader(self._text, delimiter=self.delimiter)
        width = len(self.header)
        last_line = 1
        try:
            for cells in reader:
                start, last_line = last_line + 1, reader.line_num + 1
                if not any(cell.strip() for cell in cells):
                    continue
                self.rows_read += 1
                error = None
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    # Usually a cell with an unquoted separator: the values are misaligned.
                    error = f"has {len(cells)} cells but the header has {width}"
                cells = cells + [""] * (width - len(cells))
                yield Row(start, dict(zip(self.header, cells, strict=False)), error)
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"cannot decode line {last_line + 1}: {exc.reason}") from None
        except csv.Error as exc:
            raise ImportFileError(f"line {reader.line_num + 1}: {exc}") from None
