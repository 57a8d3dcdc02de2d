"""An import that stops halfway leaves whole orders only, and the rest can be re-run."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from shopkeeper.data.database import transaction
from shopkeeper.data.importers.records import ImportKind
from shopkeeper.data.tables import OrderLineRow, OrderRow
from shopkeeper.domain.shops import Shop
from shopkeeper.services.imports import ImportProgress, run_import
from shopkeeper.services.runtime import Runtime

pytestmark = pytest.mark.postgres
LINES_PER_ORDER = 3


class SimulatedCrashError(Exception):
    """Stands for anything that stops an import: a bug, a full disk, Ctrl-C."""


def orders_csv(n_orders: int) -> bytes:
    rows = ["external_id,placed_at,sku,quantity,unit_price"]
    for o in range(1, n_orders + 1):
        for line in range(1, LINES_PER_ORDER + 1):
            rows.append(f"O-{o},2026-03-01T10:00:00Z,SKU-{line},{line},9.90")
    return ("\n".join(rows) + "\n").encode()


def stored_orders(runtime: Runtime) -> dict[str, int]:
    with transaction(runtime.sessions) as session:
        found = session.execute(
            select(OrderRow.external_id, func.count(OrderLineRow.id))
            .outerjoin(OrderLineRow, OrderLineRow.order_id == OrderRow.id)
            .group_by(OrderRow.external_id)
        )
        return {row[0]: row[1] for row in found}


def test_crash_midway_keeps_only_whole_orders(backend: str, runtime: Runtime, shop: Shop) -> None:
    def crash_after_seven(state: ImportProgress) -> None:
        if state.stored == 7:
            raise SimulatedCrashError("stopped after seven orders")

    with pytest.raises(SimulatedCrashError):
        run_import(
            runtime.sessions,
            runtime.clock,
            runtime.cipher,
            shop,
            ImportKind.ORDERS,
            io.BytesIO(orders_csv(12)),
            chunk_size=3,
            on_progress=crash_after_seven,
        )
    stored = stored_orders(runtime)
    # Chunks of three whole orders: the two finished chunks stay, the third is rolled back.
    assert sorted(stored) == [f"O-{n}" for n in range(1, 7)]
    assert set(stored.values()) == {LINES_PER_ORDER}

    rerun = run_import(
        runtime.sessions,
        runtime.clock,
        runtime.cipher,
        shop,
        ImportKind.ORDERS,
        io.BytesIO(orders_csv(12)),
        chunk_size=3,
    )
    assert (rerun.created, rerun.updated, rerun.rejected) == (6, 6, 0)
    after = stored_orders(runtime)
    assert len(after) == 12
    assert set(after.values()) == {LINES_PER_ORDER}


def test_lost_database_connection_midway_is_reported_and_keeps_whole_orders(
    backend: str, runtime: Runtime, shop: Shop
) -> None:
    from shopkeeper.services.imports import ImportInterruptedError

    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("cutting the import's connection needs a database server")

    def cut_connection(state: ImportProgress) -> None:
        # The server ends the import's session mid-chunk, as a restart or failover would.
        if state.stored == 5:
            with runtime.engine.connect() as admin:
                admin.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state LIKE 'idle in transaction%'"
                )

    with pytest.raises(ImportInterruptedError) as caught:
        run_import(
            runtime.sessions,
            runtime.clock,
            runtime.cipher,
            shop,
            ImportKind.ORDERS,
            io.BytesIO(orders_csv(8)),
            chunk_size=2,
            on_progress=cut_connection,
        )
    assert caught.value.details["saved"] == 4
    stored = stored_orders(runtime)
    assert sorted(stored) == ["O-1", "O-2", "O-3", "O-4"]
    assert set(stored.values()) == {LINES_PER_ORDER}
