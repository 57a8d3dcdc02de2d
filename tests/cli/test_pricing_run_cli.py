"""``shopkeeper pricing run|mode|rules|lock|kill-switch`` on a real SQLite file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from shopkeeper.cli import context
from shopkeeper.cli.main import app
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ProductRow
from shopkeeper.services.shops import get_shop_by_slug
from tests.unit.services.stock_shop import build_stock_shop

runner = CliRunner()


def _price(sku: str) -> Decimal:
    with context.runtime().sessions() as session:
        price = session.scalar(select(ProductRow.price).where(ProductRow.sku == sku))
    assert price is not None
    return price


def test_auto_pricing_then_the_kill_switch(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    rt = context.runtime()
    with transaction(rt.sessions) as session:
        shop = get_shop_by_slug(session, "default")
    build_stock_shop(rt, shop)
    assert runner.invoke(app, ["forecast", "run"]).exit_code == 0
    before = _price("FAST-1")

    bad = runner.invoke(app, ["pricing", "rules", "floor=20", "cap=15"])
    assert bad.exit_code != 0
    assert "floor 20 is above cap 15" in bad.output
    assert "Traceback" not in bad.output
    ruled = runner.invoke(app, ["pricing", "rules", "max_change_per_update=0.05"])
    assert ruled.exit_code == 0, ruled.output

    locked = runner.invoke(app, ["pricing", "lock", "UMB-1"])
    assert locked.exit_code == 0, locked.output
    assert runner.invoke(app, ["pricing", "mode", "auto"]).exit_code == 0
    ran = runner.invoke(app, ["pricing", "run"])
    assert ran.exit_code == 0, ran.output
    assert "4 products: 3 quoted" in ran.output
    assert "UMB-1" in ran.output  # refused: locked
    moved = _price("FAST-1")
    assert moved != before
    assert abs(moved / before - 1) <= Decimal("0.051")

    stopped = runner.invoke(app, ["pricing", "kill-switch"])
    assert stopped.exit_code == 0, stopped.output
    assert f"FAST-1: {moved} -> {before}" in stopped.output
    assert _price("FAST-1") == before
