"""``shopkeeper import competitor-prices FILE`` and ``shopkeeper pricing matches|confirm|reject``."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from shopkeeper.cli import context
from shopkeeper.cli.main import app
from tests.unit.services.competitor_shop import add_products, competitor_signals

runner = CliRunner()

GOOD = """competitor;title;price;currency;observed_at;competitor_sku;url;sku
PrixMalin;PROMO Maison Arabica café grains pur arabica 0,5 kg;11,90;EUR;2026-11-20;PM-1;https://pm.example/1;
PrixMalin;PROMO Maison Arabica café grains pur arabica 0,5 kg;11,50;EUR;21/11/2026 09:00;PM-1;;
PrixMalin;Limonade Lorina 75cl;3,20;EUR;2026-11-20 10:00;;;LIM-75
PrixMalin;Vélo électrique;999;EUR;2026-11-20;;;
"""
BAD_ROWS = """competitor,title,price,currency,observed_at,sku
PrixMalin,Limonade Lorina 75cl,3.20,EUR,2026-11-20,LIM-75
PrixMalin,Limonade Lorina 75cl,-3.20,EUR,2026-11-21,LIM-75
PrixMalin,Limonade Lorina 75cl,3.20,XYZ,2026-11-22,LIM-75
PrixMalin,Limonade Lorina 75cl,3.20,EUR,yesterday,LIM-75
PrixMalin,Limonade Lorina 75cl,3.20,EUR,2026-11-23,NOPE
PrixMalin,,3.20,EUR,2026-11-24,LIM-75
PrixMalin,Limonade Lorina 75cl,lots,EUR,2026-11-25,LIM-75
"""


def squeeze(output: str) -> str:
    return re.sub(r" +", " ", output)


def _setup() -> int:
    rt = context.runtime()
    target = context.shop("default")
    add_products(rt, target)
    return target.id


def _line_reasons(output: str) -> dict[int, str]:
    """``{line: start of reason}`` from the rejected-rows table."""
    found: dict[int, str] = {}
    for line in output.splitlines():
        match = re.match(r"\W*(\d+)\s+│\s+(.*?)\s*│", line)
        if match:
            found[int(match[1])] = match[2]
    return found


def test_import_stores_prices_and_reports_what_became_of_them(cli_env: Path) -> None:
    shop_id = _setup()
    path = cli_env / "prices.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["import", "competitor-prices", str(path)])
    assert result.exit_code == 0, result.output
    # rows, stored, unchanged, matched, suggested, unmatched, rejected
    assert "prices.csv" in result.output
    assert "│ 4 │ 4 │ 0 │ 1 │ 2 │ 1 │ 0 │" in squeeze(result.output)
    assert "pricing matches --status suggested" in result.output
    signals = competitor_signals(context.runtime(), shop_id)
    assert [(s[1], s[2].isoformat(), s[3]) for s in signals] == [("LIM-75", "2026-11-20", 3.2)]

    again = runner.invoke(app, ["import", "competitor-prices", str(path)])
    assert again.exit_code == 0, again.output
    assert "│ 4 │ 4 │ 4 │ 1 │ 2 │ 1 │ 0 │" in squeeze(again.output)
    assert competitor_signals(context.runtime(), shop_id) == signals


def test_bad_rows_are_listed_with_their_line_numbers(cli_env: Path) -> None:
    shop_id = _setup()
    path = cli_env / "bad.csv"
    path.write_text(BAD_ROWS, encoding="utf-8")
    result = runner.invoke(app, ["import", "competitor-prices", str(path)], terminal_width=200)
    assert result.exit_code == 2, result.output
    reasons = _line_reasons(result.output.split("rejected rows", 1)[1])
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert reasons[3].startswith("price: price must be more than zero")
    assert reasons[4].startswith("currency: unknown currency 'XYZ'")
    assert reasons[5].startswith("observed_at: 'yesterday' is not a date")
    assert reasons[6].startswith("sku: no product of ours has the sku 'NOPE'")
    assert reasons[7].startswith("title:")
    assert reasons[8].startswith("price: 'lots' is not a number")
    # The good row of the file is stored all the same.
    assert len(competitor_signals(context.runtime(), shop_id)) == 1


def test_a_file_without_the_required_columns_is_refused(cli_env: Path) -> None:
    _setup()
    path = cli_env / "wrong.csv"
    path.write_text("competitor,title,price\nPrixMalin,Café,3\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "competitor-prices", str(path)])
    assert result.exit_code == 1
    assert "missing column(s) currency, observed_at" in " ".join(result.output.split())
    missing = runner.invoke(app, ["import", "competitor-prices", str(cli_env / "none.csv")])
    assert missing.exit_code == 1


def test_a_large_file_imports_under_a_progress_bar(cli_env: Path) -> None:
    shop_id = _setup()
    path = cli_env / "large.csv"
    # Long addresses make the file pass the progress bar's size without many rows.
    rows = [
        f"PrixMalin,Limonade Lorina 75cl,3.{i % 100:02d},EUR,2026-{1 + i // 28:02d}-{1 + i % 28:02d},"
        f"LIM-75,https://pm.example/{'x' * 1900}"
        for i in range(150)
    ]
    path.write_text("competitor,title,price,currency,observed_at,sku,url\n" + "\n".join(rows))
    assert path.stat().st_size > 256 * 1024
    result = runner.invoke(app, ["import", "competitor-prices", str(path)])
    assert result.exit_code == 0, result.output
    assert len(competitor_signals(context.runtime(), shop_id)) == 150


def test_pricing_commands_list_confirm_and_reject(cli_env: Path) -> None:
    shop_id = _setup()
    path = cli_env / "prices.csv"
    path.write_text(GOOD, encoding="utf-8")
    runner.invoke(app, ["import", "competitor-prices", str(path)])

    listed = runner.invoke(app, ["pricing", "matches", "--status", "suggested"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if "COF-500" in line)
    match_id = int(re.findall(r"\d+", row)[0])
    assert "suggested" in row
    assert "11.50 EUR" in row
    assert "Vélo" not in listed.output

    confirmed = runner.invoke(app, ["pricing", "confirm", str(match_id)])
    assert confirmed.exit_code == 0, confirmed.output
    assert "2 prices in the signals" in confirmed.output
    assert {s[1] for s in competitor_signals(context.runtime(), shop_id)} == {"COF-500", "LIM-75"}

    rejected = runner.invoke(app, ["pricing", "reject", str(match_id)])
    assert rejected.exit_code == 0, rejected.output
    assert "2 prices removed" in rejected.output
    assert {s[1] for s in competitor_signals(context.runtime(), shop_id)} == {"LIM-75"}

    unmatched = runner.invoke(app, ["pricing", "matches", "--status", "unmatched"])
    bike_id = int(
        re.findall(r"\d+", next(li for li in unmatched.output.splitlines() if "Vélo" in li))[0]
    )
    no_sku = runner.invoke(app, ["pricing", "confirm", str(bike_id)])
    assert no_sku.exit_code == 2
    assert "give the sku" in no_sku.output
    by_hand = runner.invoke(app, ["pricing", "confirm", str(bike_id), "--sku", "VASE-1"])
    assert by_hand.exit_code == 0, by_hand.output
    assert runner.invoke(app, ["pricing", "reject", "999"]).exit_code == 4
    assert (
        "No competitor matches"
        in runner.invoke(app, ["pricing", "matches", "--competitor", "X"]).output
    )
    assert runner.invoke(app, ["pricing", "suggest"]).exit_code == 0
