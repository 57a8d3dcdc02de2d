"""``shopkeeper forecast`` and ``shopkeeper replenish``: from sales to a purchase order file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from shopkeeper.cli import context
from shopkeeper.cli.main import app
from shopkeeper.data.database import transaction
from shopkeeper.domain.proposals import Capability, ProposalStatus
from shopkeeper.services import proposals
from shopkeeper.services.shops import get_shop_by_slug
from tests.unit.services.stock_shop import build_stock_shop

runner = CliRunner()


def _seeded() -> int:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    rt = context.runtime()
    with transaction(rt.sessions) as session:
        shop = get_shop_by_slug(session, "default")
    build_stock_shop(rt, shop)
    return shop.id


def test_forecast_then_plan_then_export(cli_env: Path) -> None:
    shop_id = _seeded()
    before = runner.invoke(app, ["forecast", "show", "FAST-1"])
    assert before.exit_code != 0
    assert "forecast run" in before.output

    ran = runner.invoke(app, ["forecast", "run"])
    reused = runner.invoke(app, ["forecast", "run", "--reuse"])
    assert "refitted" in reused.output, reused.output
    assert ran.exit_code == 0, ran.output
    assert "4 products forecast 28 days" in ran.output
    shown = runner.invoke(app, ["forecast", "show", "FAST-1", "--days", "3"])
    assert shown.exit_code == 0, shown.output
    assert "80% interval" in shown.output

    planned = runner.invoke(app, ["replenish", "plan"])
    assert planned.exit_code == 0, planned.output
    assert "Acme Café" in planned.output
    assert "Clear SLOW-1" in planned.output
    assert "LONE-1" in planned.output  # no supplier: said, not silently skipped

    rt = context.runtime()
    with transaction(rt.sessions) as session:
        waiting = proposals.list_proposals(
            session, shop_id, status=ProposalStatus.PROPOSED, capability=Capability.REPLENISH
        )
        acme = next(p for p in waiting.data if p.target == "ACME")
        done = proposals.approve(
            session, rt.clock, shop_id=shop_id, proposal_id=acme.id, actor="test"
        )
    reference = str((done.result or {})["reference"])
    listed = runner.invoke(app, ["replenish", "orders"])
    assert reference in listed.output
    csv_path = cli_env / "po.csv"
    exported = runner.invoke(app, ["replenish", "export", reference, "--out", str(csv_path)])
    assert exported.exit_code == 0, exported.output
    assert "FAST-1" in csv_path.read_text(encoding="utf-8")
    pdf_path = cli_env / "po.pdf"
    assert (
        runner.invoke(app, ["replenish", "export", reference, "--out", str(pdf_path)]).exit_code
        == 0
    )
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    wrong = runner.invoke(app, ["replenish", "export", reference, "--out", str(cli_env / "x.txt")])
    assert wrong.exit_code != 0
    assert ".csv or .pdf" in wrong.output
    no_smtp = runner.invoke(app, ["replenish", "send", reference])
    assert no_smtp.exit_code != 0
    assert "SMTP" in no_smtp.output
    received = runner.invoke(app, ["replenish", "receive", reference])
    assert received.exit_code == 0, received.output
    assert "received" in received.output
    unknown = runner.invoke(app, ["replenish", "receive", "PO-NOPE"])
    assert unknown.exit_code != 0
    assert "no purchase order" in unknown.output


def test_forecast_run_without_sales_says_so(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["forecast", "run"])
    assert result.exit_code == 0, result.output
    assert "No sales yet" in result.output


def test_simulate_on_too_short_a_history_says_how_much_is_needed(cli_env: Path) -> None:
    _seeded()
    result = runner.invoke(app, ["replenish", "simulate"])
    assert result.exit_code != 0
    assert "needs at least" in result.output
