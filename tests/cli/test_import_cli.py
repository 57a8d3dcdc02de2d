"""``shopkeeper import ...``: summary table, listed errors, exit codes 0 / 2 / 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper.cli.main import app

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def test_clean_import_exits_0_with_a_summary(cli_env: Path) -> None:
    for kind, name in [("suppliers", "suppliers.csv"), ("products", "products.csv")]:
        result = runner.invoke(app, ["import", kind, str(FIXTURES / name)])
        assert result.exit_code == 0, result.output
    assert "products.csv" in result.output
    assert "shopkeeper" in result.output
    stock = runner.invoke(
        app, ["import", "stock", str(FIXTURES / "stock.csv"), "--shop", "default"]
    )
    assert stock.exit_code == 0, stock.output


def test_rejected_rows_exit_2_and_list_their_lines(cli_env: Path) -> None:
    bad = cli_env / "bad.csv"
    lines = ["sku,title,price"] + [f"B-{n},Bad,minus{n}" for n in range(25)] + ["OK-1,Good,5"]
    bad.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["import", "products", str(bad)])
    assert result.exit_code == 2, result.output
    assert "not a number" in result.output
    assert "and 5 more rejected" in result.output  # only the first 20 are listed
    assert "Traceback" not in result.output


def test_shopify_orders_by_format_option(cli_env: Path) -> None:
    result = runner.invoke(
        app, ["import", "orders", str(FIXTURES / "shopify_orders.csv"), "--format", "shopify"]
    )
    assert result.exit_code == 0, result.output
    assert "shopify" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "products", "missing.csv"], "no such file"),
        (["import", "orders", str(FIXTURES / "woocommerce_products.csv")], "cannot be imported"),
        (["import", "suppliers", str(FIXTURES / "products.csv")], "missing column"),
    ],
)
def test_fatal_errors_exit_1_with_one_line(cli_env: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_unknown_shop_is_not_found(cli_env: Path) -> None:
    result = runner.invoke(
        app, ["import", "products", str(FIXTURES / "products.csv"), "--shop", "nope"]
    )
    assert result.exit_code == 4
