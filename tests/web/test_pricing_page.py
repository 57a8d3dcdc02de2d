"""The Pricing page: curves, competitors, realised profit, proposals, kill switch, roles."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ProductRow, SignalRow
from shopkeeper.domain.access import Role
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.proposals import Capability, CapabilityMode, ProposalPublic, ProposalStatus
from shopkeeper.domain.shops import Shop
from shopkeeper.services import catalog, proposals
from shopkeeper.services.modes import resolve_mode, set_mode
from shopkeeper.services.pricing_run import run_pricing
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock
from tests.unit.services.stock_shop import build_forecast_shop
from tests.web.conftest import sign_in
from tests.web.seed import seed_users

pytestmark = pytest.mark.postgres

HTMX = {"HX-Request": "true"}


def _data(html: str, name: str) -> dict[str, Any]:
    found = re.search(
        rf'<script type="application/json" id="{name}-data">(.*?)</script>', html, re.S
    )
    assert found, f"no {name} chart data on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _mode(runtime: Runtime, shop: Shop, mode: CapabilityMode) -> None:
    with transaction(runtime.sessions) as session:
        set_mode(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            mode=mode,
            actor="test",
        )


def _prices(runtime: Runtime, shop: Shop) -> dict[str, Decimal]:
    with runtime.sessions() as session:
        rows = session.execute(
            select(ProductRow.sku, ProductRow.price).where(ProductRow.shop_id == shop.id)
        ).all()
    return dict(rows)


def _waiting(runtime: Runtime, shop: Shop) -> list[ProposalPublic]:
    with transaction(runtime.sessions) as session:
        return proposals.list_proposals(
            session, shop.id, status=ProposalStatus.PROPOSED, capability=Capability.PRICING
        ).data


def _competitor(runtime: Runtime, shop: Shop, sku: str, name: str, prices: list[float]) -> None:
    now = runtime.clock.now()
    with transaction(runtime.sessions) as session:
        for back, value in enumerate(reversed(prices)):
            day = datetime.combine((now - timedelta(days=back)).date(), datetime.min.time(), UTC)
            session.add(
                SignalRow(
                    shop_id=shop.id,
                    name=f"competitor_price.{name.lower()}",
                    granularity="daily",
                    region="",
                    sku=sku,
                    ts=day,
                    value=value,
                    meta={"competitor": name},
                )
            )


@pytest.fixture
def stocked(runtime: Runtime, shop: Shop) -> Shop:
    seed_users(runtime, shop)
    return build_forecast_shop(runtime, shop)


def test_the_curve_competitors_proposals_and_guardrails_of_a_suggesting_shop(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    _mode(runtime, stocked, CapabilityMode.SUGGEST)
    assert run_pricing(runtime, stocked.id).changes >= 1
    _competitor(runtime, stocked, "FAST-1", "PrixMalin", [9.5, 9.9, 10.4])
    waiting = _waiting(runtime, stocked)
    sign_in(client, Role.OWNER)
    page = client.get("/pricing?sku=FAST-1")
    assert page.status_code == 200
    html = page.text
    assert 'href="/pricing" class="on"' in html
    curve = _data(html, "curve")
    assert curve["sku"] == "FAST-1"
    assert len(curve["prices"]) == 31
    assert curve["prices"][15] == curve["current"]["price"] == 10.0
    assert curve["prices"][0] == pytest.approx(7.0)
    assert curve["prices"][-1] == pytest.approx(13.0)
    # Dearer sells less; the band holds the mean curve.
    assert curve["units"] == sorted(curve["units"], reverse=True)
    for low, mean, high in zip(
        curve["units_low"], curve["units"], curve["units_high"], strict=True
    ):
        assert low <= mean + 1e-3
        assert mean <= high + 1e-3
    fast = next((p for p in waiting if p.target == "FAST-1"), None)
    if fast is not None:
        assert curve["proposed"]["price"] == float(fast.payload["new_price"])
        assert curve["proposed"]["status"] == "proposed"
    assert re.search(r"A 10\.0% price rise loses about \d+\.\d% of sales", html)
    assert "from the category “coffee”" in html
    history = _data(html, "history")
    assert [c["name"] for c in history["competitors"]] == ["PrixMalin"]
    assert [p["y"] for p in history["competitors"][0]["points"]] == [9.5, 9.9, 10.4]
    assert history["ours"][0]["y"] == history["ours"][-1]["y"] == 10.0
    # Each waiting proposal with its reason and a way to decide on it.
    table = html.split('class="waiting"')[1].split("</table>")[0]
    assert re.findall(r'data-proposal="(\d+)"', table) == [str(p.id) for p in waiting]
    for proposal in waiting:
        assert str(escape(proposal.explanation["summary"])) in table
        assert f'href="/inbox#proposal-{proposal.id}"' in table
    assert f'data-kpi="waiting">{len(waiting)}<' in html
    assert 'data-kpi="mode">Suggest<' in html
    assert 'data-rule="min_margin">10.0%<' in html
    assert 'data-role="no-effects"' in html  # suggesting changes no price


def test_picking_a_product_re_renders_its_block_and_says_what_is_missing(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    run_pricing(runtime, stocked.id)
    with transaction(runtime.sessions) as session:
        catalog.upsert_product(
            session,
            runtime.clock,
            stocked,
            ProductCreate(sku="FREE-1", title="Sans coût", price=Decimal("3.00")),
            "test",
        )
    sign_in(client, Role.OWNER)
    umbrella = client.get("/pricing/product?sku=UMB-1", headers=HTMX)
    assert umbrella.status_code == 200
    assert umbrella.headers["HX-Push-Url"] == "/pricing?sku=UMB-1"
    assert "<html" not in umbrella.text
    assert _data(umbrella.text, "curve")["sku"] == "UMB-1"
    assert _data(umbrella.text, "curve")["current"]["price"] == 15.0
    unknown = client.get("/pricing/product?sku=NOPE-9", headers=HTMX)
    assert 'data-role="product-missing"' in unknown.text
    assert "NOPE-9" in unknown.text
    free = client.get("/pricing/product?sku=FREE-1", headers=HTMX)
    assert 'data-role="curve-missing"' in free.text
    assert "has no unit cost" in free.text
    assert 'id="history-data"' in free.text  # its price history still shows


def test_a_shop_that_never_priced_gets_a_run_button_that_works(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    token = sign_in(client, Role.OWNER)
    page = client.get("/pricing")
    assert 'data-role="never-run"' in page.text
    assert "shopkeeper pricing run" in page.text
    assert 'id="curve-data"' not in page.text
    _mode(runtime, stocked, CapabilityMode.SUGGEST)
    ran = client.post("/pricing/run", data={"csrf_token": token}, headers=HTMX)
    assert ran.status_code == 200
    assert "<html" not in ran.text  # the page body, for HTMX
    assert 'data-role="ran"' in ran.text
    assert 'data-role="never-run"' not in ran.text
    assert _data(ran.text, "curve")["sku"]
    assert len(_waiting(runtime, stocked)) >= 1


def test_realised_profit_then_the_kill_switch_puts_prices_back(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop, clock: FakeClock
) -> None:
    _mode(runtime, stocked, CapabilityMode.AUTO)
    before = _prices(runtime, stocked)
    assert run_pricing(runtime, stocked.id).applied >= 1
    moved = {sku for sku, price in _prices(runtime, stocked).items() if price != before[sku]}
    token = sign_in(client, Role.OWNER)
    early = client.get("/pricing").text
    statuses = re.findall(r'data-sku="([^"]+)" data-status="([^"]+)"', early)
    assert {sku for sku, _ in statuses} == moved
    assert {status for _, status in statuses} == {"too_early"}
    clock.advance(days=4)
    later = client.get("/pricing").text
    assert set(re.findall(r'data-status="([^"]+)"', later)) == {"measured"}
    bars = _data(later, "effects")
    assert len(bars["measured"]) == len(moved)
    # No sale since the changes: each measured change lost the profit of the days before
    # (SLOW-1 may have sold nothing in them either).
    assert all(value <= 0 for value in bars["measured"])
    assert min(bars["measured"]) < 0
    assert 'data-kpi="measured" class="worse"' in later

    stopped = client.post("/pricing/kill-switch", data={"csrf_token": token})
    assert stopped.status_code == 200
    assert "<html" in stopped.text  # a plain form post gets the whole page
    assert _prices(runtime, stocked) == before
    notice = stopped.text.split('data-role="stopped"')[1].split("</div>")[0]
    assert set(re.findall(r'data-sku="([^"]+)"', notice)) == moved
    assert 'data-kpi="mode">Off<' in stopped.text
    with runtime.sessions() as session:
        assert resolve_mode(session, stocked.id, Capability.PRICING) is CapabilityMode.OFF


def test_roles_and_csrf_guard_the_page(
    backend: str, client: TestClient, runtime: Runtime, stocked: Shop
) -> None:
    _mode(runtime, stocked, CapabilityMode.AUTO)
    run_pricing(runtime, stocked.id)
    after = _prices(runtime, stocked)
    assert client.get("/pricing", follow_redirects=False).status_code == 303
    token = sign_in(client, Role.VIEWER)
    page = client.get("/pricing")
    assert page.status_code == 200
    assert 'data-role="kill-switch"' not in page.text
    assert "can read pricing but not stop or run it" in page.text
    for path in ("/pricing/kill-switch", "/pricing/run"):
        refused = client.post(path, data={"csrf_token": token}, headers=HTMX)
        assert refused.status_code == 403, path
        assert 'data-code="permission_denied"' in refused.text
    assert _prices(runtime, stocked) == after
    client.cookies.clear()
    sign_in(client, Role.OWNER)
    forged = client.post("/pricing/kill-switch", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert _prices(runtime, stocked) == after
    client.cookies.clear()
    sign_in(client, Role.SUPPORT_AGENT)
    assert client.get("/pricing").status_code == 403
    assert client.get("/pricing/product?sku=FAST-1").status_code == 403
    assert 'href="/pricing"' not in client.get("/orders").text
