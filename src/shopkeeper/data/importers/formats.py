"""Which mapper reads a file: the format named by the caller or recognised from the header."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from shopkeeper.data.importers import native, shopify, woocommerce
from shopkeeper.data.importers.records import (
    ImportFileError,
    ImportFormat,
    ImportKind,
    Mapper,
    ParseContext,
    Parsed,
)
from shopkeeper.data.importers.source import CsvSource

MAPPERS: dict[ImportFormat, dict[ImportKind, Mapper]] = {
    ImportFormat.SHOPKEEPER: native.MAPPERS,
    ImportFormat.SHOPIFY: shopify.MAPPERS,
    ImportFormat.WOOCOMMERCE: woocommerce.MAPPERS,
}
# Columns only that platform's exports have, checked in this order.
SIGNATURES: tuple[tuple[ImportFormat, frozenset[str]], ...] = (
    (ImportFormat.SHOPIFY, frozenset({"handle", "variant sku"})),
    (ImportFormat.SHOPIFY, frozenset({"name", "lineitem quantity"})),
    (ImportFormat.WOOCOMMERCE, frozenset({"id", "type", "regular price"})),
)


def detect_format(header: list[str]) -> ImportFormat:
    """The platform whose export has this header; our own format otherwise.

    Examples
    --------
    >>> detect_format(["handle", "title", "variant sku", "variant price"]).value
    'shopify'
    >>> detect_format(["sku", "title", "price"]).value
    'shopkeeper'
    """
    columns = set(header)
    for fmt, signature in SIGNATURES:
        if signature <= columns:
            return fmt
    return ImportFormat.SHOPKEEPER


@dataclass
class ParsedFile:
    """An opened import: the detected format, header warnings and the parsed records."""

    source: CsvSource
    format: ImportFormat
    records: Iterator[Parsed]
    warnings: list[str] = field(default_factory=list)


def open_import(
    stream: BinaryIO, kind: ImportKind, fmt: ImportFormat, ctx: ParseContext
) -> ParsedFile:
    """Read the header, choose the mapper and check its required columns before any row."""
    source = CsvSource(stream)
    chosen = detect_format(source.header) if fmt is ImportFormat.AUTO else fmt
    mapper = MAPPERS[chosen].get(kind)
    if mapper is None:
        supported = ", ".join(f.value for f, kinds in MAPPERS.items() if kind in kinds)
        raise ImportFileError(
            f"{chosen.value} files cannot be imported as {kind.value} (formats for "
            f"{kind.value}: {supported})",
            format=chosen.value,
        )
    missing = sorted(mapper.required - set(source.header))
    if missing:
        raise ImportFileError(
            f"not a {chosen.value} {kind.value} file: missing column(s) {', '.join(missing)}",
            missing=missing,
            format=chosen.value,
        )
    warnings = [
        f"column {name!r} is not part of the {kind.value} format; ignored"
        for name in source.header
        if mapper.known
        and name not in mapper.known
        and not name.startswith(mapper.known_prefixes or ("\0",))
    ]
    return ParsedFile(source, chosen, mapper.parse(source.rows(), ctx), warnings)
