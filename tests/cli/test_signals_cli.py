"""``shopkeeper import signals FILE``: long-format CSV, meta_* columns, line-numbered errors."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper.cli import context
from shopkeeper.cli.main import app
from shopkeeper.data.database import transaction
from shopkeeper.data.importers.records import ImportKind
from shopkeeper.domain.shops import Shop
from shopkeeper.services import signals
from shopkeeper.services.imports import run_import
from shopkeeper.services.runtime import Runtime

runner = CliRunner()

GOOD = """name,ts,value,granularity,region,sku,meta_source,meta_competitor
weather.temp_c,2026-03-01,"11,5",daily,Bretagne,,station-35,
weather.temp_c,2026-03-02T00:00:00+01:00,9.0,,Bretagne,,station-35,
competitor_price,2026-03-01,19.90,,,TEE-1,,PrixMalin
social_mentions,2026-03-01 10:40,14,hourly,,,,
"""


def shop_points(name: str, **filters: str | None) -> list[tuple[datetime, str, str, float]]:
    rt = context.runtime()
    with transaction(rt.sessions) as session:
        frame = signals.as_frame(session, context.shop("default").id, name, **filters)
    return [
        (ts.to_pydatetime(), region, sku, value)
        for ts, region, sku, value in frame.itertuples(index=False)
    ]


def test_import_signals_stores_rows_and_meta(cli_env: Path) -> None:
    path = cli_env / "signals.csv"
    path.write_text(GOOD)
    result = runner.invoke(app, ["import", "signals", str(path)])
    assert result.exit_code == 0, result.output
    assert "signals.csv" in result.output
    assert shop_points("weather.temp_c") == [
        (datetime(2026, 3, 1, tzinfo=UTC), "Bretagne", "", 11.5),
        (datetime(2026, 3, 2, tzinfo=UTC), "Bretagne", "", 9.0),
    ]
    assert shop_points("social_mentions") == [(datetime(2026, 3, 1, 10, tzinfo=UTC), "", "", 14.0)]
    rt = context.runtime()
    with transaction(rt.sessions) as session:
        page = signals.list_points(
            session, context.shop("default").id, "competitor_price", sku="TEE-1"
        )
    assert page.data[0].meta == {"competitor": "PrixMalin"}

    # A second import of a corrected file updates instead of adding.
    path.write_text(GOOD.replace('"11,5"', "12"))
    again = runner.invoke(app, ["import", "signals", str(path)])
    assert again.exit_code == 0, again.output
    assert shop_points("weather.temp_c", region="Bretagne")[0][3] == 12.0
    assert len(shop_points("weather.temp_c")) == 2


def test_bad_lines_are_reported_with_their_numbers(cli_env: Path) -> None:
    path = cli_env / "signals.csv"
    path.write_text(
        "name,ts,value,region\n"
        "weather.temp_c,2026-03-01,11.5,Bretagne\n"
        "weather.temp_c,yesterday,3,Bretagne\n"
        "Weather Temp,2026-03-01,3,Alsace\n"
        "weather.precip_mm,2026-03-01,lots,Alsace\n"
        "weather.precip_mm,2026-03-01,0.4,Alsace\n"
    )
    result = runner.invoke(app, ["import", "signals", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.output
    assert "rejected rows" in lines
    for number, reason in [("3", "yesterday"), ("4", "name"), ("5", "not a number")]:
        assert any(
            row.strip(" │|").startswith(number) and reason in row for row in lines.splitlines()
        ), (number, lines)
    assert "Traceback" not in lines
    assert len(shop_points("weather.temp_c")) == 1
    assert len(shop_points("weather.precip_mm")) == 1


def test_missing_columns_refuse_the_file(cli_env: Path) -> None:
    path = cli_env / "signals.csv"
    path.write_text("name,value\nweather.temp_c,3\n")
    result = runner.invoke(app, ["import", "signals", str(path)])
    assert result.exit_code == 1
    assert "missing column" in result.output
    assert "ts" in result.output


@pytest.mark.postgres
def test_service_import_counts_created_and_updated(runtime: Runtime, shop: Shop) -> None:
    def run(text: str) -> tuple[int, int, list[int]]:
        result = run_import(
            runtime.sessions,
            runtime.clock,
            runtime.cipher,
            shop,
            ImportKind.SIGNALS,
            io.BytesIO(text.encode()),
        )
        return result.created, result.updated, [e.line for e in result.errors]

    header = "name,ts,value,sku,meta_note\n"
    assert run(header + "search_trend,2026-03-01,40,,\nsearch_trend,2026-03-02,42,,\n") == (
        2,
        0,
        [],
    )
    assert run(header + "search_trend,2026-03-02,45,,fixed\nsearch_trend,2030-01-01,1,,\n") == (
        0,
        1,
        [3],
    )
    with transaction(runtime.sessions) as session:
        assert signals.series(session, shop.id, "search_trend") == [
            (datetime(2026, 3, 1, tzinfo=UTC), 40.0),
            (datetime(2026, 3, 2, tzinfo=UTC), 45.0),
        ]
