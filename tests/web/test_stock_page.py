"""The stock page: stock health, proposals with reasons, purchase orders, simulation, forecast."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ModelRunRow
from shopkeeper.domain.access import Role
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.proposals import Capability, ProposalPublic, ProposalStatus
from shopkeeper.domain.shops import Shop
from shopkeeper.services import catalog, forecasting, proposals
from shopkeeper.services.replenish_run import run_replenishment
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.stock_health import stock_health
from shopkeeper.services.stock_simulation import CAPABILITY as SIMULATION
from tests.unit.services.stock_shop import build_stock_shop
from tests.web.conftest import sign_in
from tests.web.seed import seed_users

pytestmark = pytest.mark.postgres

_CHART = re.compile(r'<script type="application/json" id="forecast-data">(.*?)</script>', re.S)


@pytest.fixture
def stocked(runtime: Runtime, shop: Shop) -> Shop:
    """The replenishment test shop, forecast and planned, with the dashboard's users."""
    seed_users(runtime, shop)
    build_stock_shop(runtime, shop)
    forecasting.run_forecasts(runtime, shop.id)
    run_replenishment(runtime, shop.id)
    return shop


def _waiting(runtime: Runtime, shop: Shop) -> list[ProposalPublic]:
    with transaction(runtime.sessions) as session:
        return proposals.list_proposals(
            session, shop.id, status=ProposalStatus.PROPOSED, capability=Capability.REPLENISH
        ).data


def _chart(html: str) -> dict[str, Any]:
    found = _CHART.search(html)
    assert found, "no forecast chart data on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_stock_page_shows_risks_slow_movers_and_the_reasons_of_each_proposal(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    sign_in(client, Role.OWNER)
    page = client.get("/stock")
    assert page.status_code == 200
    html = page.text
    health = stock_health(runtime, stocked.id)
    at_risk = [h.sku for h in health if h.at_risk]
    slow = [h.sku for h in health if h.slow_mover]
    assert "FAST-1" in at_risk
    assert "SLOW-1" in slow
    assert f'data-kpi="at-risk">{len(at_risk)}<' in html
    assert f'data-kpi="slow">{len(slow)}<' in html
    risk_table = html.split('class="at-risk"')[1].split("</table>")[0]
    assert re.findall(r'data-sku="([^"]+)"', risk_table) == at_risk
    assert 'data-sku="SLOW-1"' in html.split('class="slow-movers"')[1].split("</table>")[0]
    waiting = _waiting(runtime, stocked)
    order = next(p for p in waiting if p.kind == "purchase_order")
    clearance = next(p for p in waiting if p.kind == "price_change")
    for proposal in (order, clearance):
        card = html.split(f'id="stock-proposal-{proposal.id}"')[1].split("</article>")[0]
        assert str(escape(proposal.explanation["summary"])) in card
        assert f'href="/inbox#proposal-{proposal.id}"' in card
    order_card = html.split(f'id="stock-proposal-{order.id}"')[1].split("</article>")[0]
    for line in order.payload["lines"]:
        assert str(escape(line["reason"])) in order_card
    assert 'data-kpi="waiting">2<' in html
    # With no product chosen, the most urgent one's forecast is drawn.
    assert _chart(html)["labels"]
    assert f'data-sku="{at_risk[0]}"' in html.split('id="forecast"')[1]


def test_the_chart_data_of_a_chosen_product_is_its_history_and_forecast(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    sign_in(client, Role.VIEWER)
    forecast = forecasting.get_forecast(runtime, stocked.id, "UMB-1")
    chart = _chart(client.get("/stock?sku=UMB-1").text)
    past = len(forecast.history)
    assert chart["labels"][:past] == [s.day.isoformat() for s in forecast.history]
    assert chart["labels"][past:] == [p.day.isoformat() for p in forecast.points]
    assert chart["history"][:past] == [s.units for s in forecast.history]
    assert all(v is None for v in chart["history"][past:])
    assert chart["mean"][past:] == [p.mean for p in forecast.points]
    for day in range(past, len(chart["labels"])):
        lo95, lo80, mean = chart["lo_95"][day], chart["lo_80"][day], chart["mean"][day]
        assert lo95 <= lo80 <= mean <= chart["hi_80"][day] <= chart["hi_95"][day]
    assert set(chart["names"]) == {"history", "forecast", "band_80", "band_95"}
    # HTMX asks for the block alone and the address bar follows the choice.
    fragment = client.get("/stock/forecast?sku=UMB-1", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Push-Url"] == "/stock?sku=UMB-1"
    assert "<nav" not in fragment.text
    assert _chart(fragment.text) == chart
    assert str(escape(forecast.explanation["summary"])) in fragment.text


def test_an_unknown_or_unforecast_product_gets_a_plain_message(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    with transaction(runtime.sessions) as session:
        catalog.upsert_product(
            session,
            runtime.clock,
            stocked,
            ProductCreate(sku="NEW-1", title="Nouveau thé", price=Decimal("8.00")),
            "test",
        )
    sign_in(client, Role.OWNER)
    unknown = client.get("/stock?sku=NOPE-42")
    assert unknown.status_code == 200
    assert 'data-role="forecast-missing"' in unknown.text
    assert "NOPE-42" in unknown.text
    assert not _CHART.search(unknown.text)
    fresh = client.get("/stock?sku=NEW-1&lang=fr")
    assert fresh.status_code == 200
    assert "Pas encore de prévision pour Nouveau thé (NEW-1)" in fresh.text
    assert not _CHART.search(fresh.text)


def test_an_approved_order_downloads_as_csv_and_pdf(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    order = next(p for p in _waiting(runtime, stocked) if p.kind == "purchase_order")
    with transaction(runtime.sessions) as session:
        applied = proposals.approve(
            session, runtime.clock, shop_id=stocked.id, proposal_id=order.id, actor="test"
        )
    assert applied.result is not None
    reference = applied.result["reference"]
    sign_in(client, Role.OWNER)
    html = client.get("/stock").text
    assert f'data-reference="{reference}"' in html
    assert 'data-kpi="open-orders">1<' in html
    link = f"/stock/purchase-orders/{reference}"
    copy = client.get(link + ".csv")
    assert copy.status_code == 200
    assert copy.headers["content-type"].startswith("text/csv")
    assert f'filename="{reference}.csv"' in copy.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(copy.text)))
    ordered = {line["sku"]: line["quantity"] for line in order.payload["lines"]}
    assert {row["sku"]: int(row["quantity"]) for row in rows} == ordered
    printed = client.get(link + ".pdf")
    assert printed.status_code == 200
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    missing = client.get("/stock/purchase-orders/PO-NOPE.csv")
    assert missing.status_code == 404


def test_the_simulated_table_compares_ours_with_the_small_shop_habit(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    sign_in(client, Role.OWNER)
    assert 'id="no-simulation"' in client.get("/stock").text
    figures = {
        "small_shop": (12.0, 40.0, 200.0),
        "textbook_ss": (6.0, 30.0, 150.0),
        "ours": (3.0, 20.0, 250.0),
    }
    rows = [
        {
            "policy": policy,
            "stockout_pct": stockout,
            "overstock_pct": overstock,
            "storage_cost": storage,
            "lost_sales_pct": 1.0,
            "service_level_pct": 99.0,
            "order_cost": 60.0,
            "total_cost": storage + 60.0,
        }
        for policy, (stockout, overstock, storage) in figures.items()
    ]
    now = runtime.clock.now()
    with transaction(runtime.sessions) as session:
        session.add(
            ModelRunRow(
                shop_id=stocked.id,
                capability=SIMULATION,
                model_name="simulation",
                package_version="test",
                metrics={"products": 4, "days": 182, "currency": "EUR", "rows": rows},
                created_at=now - timedelta(hours=1),
                data_start=None,
                data_end=None,
                artifact=None,
            )
        )
    html = client.get("/stock").text
    table = html.split('class="simulation"')[1].split("</table>")[0]

    def change(metric: str) -> str:
        row = table.split(f'data-metric="{metric}"')[1].split("</tr>")[0]
        found = re.search(r'data-role="change">([^<]*)<', row)
        assert found
        return found.group(1)

    assert change("stockout") == "-75.0%"  # 3 against 12
    assert change("overstock") == "-50.0%"
    assert change("storage") == "+25.0%"
    # Storage is costed over the 182 simulated days and shown per year.
    storage_row = table.split('data-metric="storage"')[1].split("</tr>")[0]
    assert "€401.10" in storage_row  # 200 * 365 / 182
    assert "worse" in storage_row
    assert "better" in table.split('data-metric="stockout"')[1]


def test_an_empty_shop_explains_what_will_appear(
    backend: str, client: TestClient, runtime: Runtime, shop: Shop
) -> None:
    seed_users(runtime, shop)
    sign_in(client, Role.OWNER)
    page = client.get("/stock")
    assert page.status_code == 200
    assert 'data-role="forecast-missing"' in page.text
    assert 'data-kpi="at-risk">0<' in page.text


def test_roles_without_the_stock_pages_are_refused(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    assert client.get("/stock", follow_redirects=False).status_code == 303
    sign_in(client, Role.SUPPORT_AGENT)
    assert client.get("/stock").status_code == 403
    assert client.get("/stock/forecast?sku=FAST-1").status_code == 403
    assert client.get("/stock/purchase-orders/PO-ANY.csv").status_code == 403
    assert 'href="/stock"' not in client.get("/orders").text
