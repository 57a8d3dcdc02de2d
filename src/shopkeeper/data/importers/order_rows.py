"""Orders span several rows (one per line): group them and validate each order as a whole.

A bad line rejects its whole order so no partial order is ever stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from shopkeeper.data.importers.cells import CellError, Row, describe
from shopkeeper.data.importers.records import Parsed, Record, Rejection
from shopkeeper.domain.customers import CustomerCreate
from shopkeeper.domain.orders import OrderCreate, OrderLineIn


def group_orders(rows: Iterator[Row], key_column: str) -> Iterator[list[Row] | Rejection]:
    """Consecutive rows with the same order id form one order.

    An id that comes back after other orders is refused rather than merged: importing it
    would replace the order already stored with only its later lines.

    Examples
    --------
    >>> rows = [Row(2, {"id": "A"}), Row(3, {"id": "A"}), Row(4, {"id": "B"})]
    >>> [[r.line for r in g] for g in group_orders(iter(rows), "id")]
    [[2, 3], [4]]
    """
    finished: set[str] = set()
    current: list[Row] = []
    current_key = ""
    for row in rows:
        key = row.text(key_column)
        if not key:
            yield Rejection((row.line,), row.error or f"{key_column} is empty")
            continue
        if key != current_key and current:
            yield _checked(current_key, current, finished)
            current = []
        current_key = key
        current.append(row)
    if current:
        yield _checked(current_key, current, finished)


def _checked(key: str, rows: list[Row], finished: set[str]) -> list[Row] | Rejection:
    if key in finished:
        return Rejection(
            tuple(r.line for r in rows),
            f"order {key!r} appeared earlier in the file; the rows of one order must be consecutive",
        )
    finished.add(key)
    return rows


def build_order(
    key: str,
    rows: list[Row],
    header: Callable[[list[Row]], dict[str, Any]],
    line: Callable[[Row], dict[str, Any]],
    customer: Callable[[list[Row]], CustomerCreate | None] | None = None,
) -> Parsed:
    """One order from its rows: every line and the order fields must be valid, or none is kept."""
    lines = tuple(r.line for r in rows)
    problems: list[str] = []
    order_lines: list[OrderLineIn] = []
    for row in rows:
        if row.error:
            problems.append(f"line {row.line}: {row.error}")
            continue
        try:
            order_lines.append(OrderLineIn.model_validate(line(row)))
        except (CellError, ValidationError) as exc:
            problems.append(f"line {row.line}: {describe(exc)}")
    fields: dict[str, Any] = {}
    buyer: CustomerCreate | None = None
    try:
        fields = header(rows)
        buyer = customer(rows) if customer else None
    except (CellError, ValidationError) as exc:
        problems.append(f"line {rows[0].line}: {describe(exc)}")
    if not problems:
        try:
            order = OrderCreate.model_validate({**fields, "lines": order_lines})
            return Record(lines, order, buyer)
        except ValidationError as exc:
            problems.append(describe(exc))
    return Rejection(lines, f"order {key!r}: " + "; ".join(problems))


def orders_from_rows(
    rows: Iterator[Row],
    key_column: str,
    header: Callable[[list[Row]], dict[str, Any]],
    line: Callable[[Row], dict[str, Any]],
    customer: Callable[[list[Row]], CustomerCreate | None] | None = None,
) -> Iterator[Parsed]:
    """Each order of a file whose rows are order lines, or the rejection of its rows.

    ``header`` reads the order fields from an order's rows, ``line`` one order line from a
    row, and ``customer`` (when the export names buyers) the order's buyer.
    """
    for group in group_orders(rows, key_column):
        if isinstance(group, Rejection):
            yield group
        else:
            yield build_order(group[0].text(key_column), group, header, line, customer)
