"""The recommendations carousel of ``shopkeeper.js`` in chromium, on the demo store.

A live server holds a catalogue, past browsing sessions and a fitted STAN model; the
tests open product pages and check what the carousel shows and what it records.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shopkeeper.api.app import create_app
from shopkeeper.data.database import transaction
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.orders import OrderCreate, OrderLineIn
from shopkeeper.services import events, orders
from shopkeeper.services.catalog import upsert_product
from shopkeeper.services.default_models import fit_recommenders
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import get_shop
from shopkeeper.testing.settings import make_test_settings
from tests.conftest import serve_every_session
from tests.e2e.conftest import LiveServer, _seed
from tests.threaded_server import serving

pytestmark = pytest.mark.browser

# Four "journeys" of three products each, in four categories: a visitor on the first product
# of a journey is shown the two others by the session model.
JOURNEYS = {
    "lamps": ("LAMP-1", "LAMP-2", "LAMP-3"),
    "rugs": ("RUG-1", "RUG-2", "RUG-3"),
    "mugs": ("MUGS-1", "MUGS-2", "MUGS-3"),
    "pens": ("PEN-1", "PEN-2", "PEN-3"),
}
ITEM = "#recommendations .sk-recs-item"


def _prepare(runtime: Runtime, shop_id: int) -> None:
    now = datetime.now(UTC)
    with transaction(runtime.sessions) as session:
        shop = get_shop(session, shop_id)
        for category, skus in JOURNEYS.items():
            for n, sku in enumerate(skus):
                data = ProductCreate(
                    sku=sku,
                    title=f"{category.title()} {n + 1}",
                    price=Decimal("10.00") + n,
                    category=category,
                )
                upsert_product(session, runtime.clock, shop, data, actor="test")
        order = OrderCreate(
            external_id="O-1",
            placed_at=now - timedelta(days=1),
            lines=[
                OrderLineIn(sku=s[0], quantity=1, unit_price=Decimal("10"))
                for s in JOURNEYS.values()
            ],
        )
        orders.upsert_order(session, runtime.clock, runtime.cipher, shop, order)
    serve_every_session(runtime, shop_id)  # the browser's session id is random
    batch = []
    for n in range(8):
        for category, skus in JOURNEYS.items():
            start = now - timedelta(hours=20 - n)
            for step, sku in enumerate(skus):
                batch.append(
                    {
                        "event_id": str(uuid.uuid4()),
                        "type": "view",
                        "session_id": f"past-{category}-{n}",
                        "sku": sku,
                        "occurred_at": (start + timedelta(minutes=step)).isoformat(),
                    }
                )
    result = events.record_events(
        runtime.sessions, runtime.clock, runtime.session_store, shop_id=shop_id, raw_events=batch
    )
    assert not result.rejected
    assert fit_recommenders(runtime, shop_id).session is not None


@pytest.fixture(scope="module")
def rec_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live demo store whose recommendation models are fitted before it starts."""
    folder = tmp_path_factory.mktemp("recs")
    settings = make_test_settings(
        database_url=f"sqlite:///{folder / 'live.db'}", model_dir=folder / "models"
    )
    runtime = Runtime.from_settings(settings)
    shop_id, key = _seed(runtime, settings, consent_required=False)
    _prepare(runtime, shop_id)
    with serving(create_app(settings, runtime=runtime)) as url:
        yield LiveServer(url, runtime, key, shop_id)
    runtime.engine.dispose()


def shown(page: Any) -> list[dict[str, str]]:
    """The carousel's items once it has some: sku, title and reason of each."""
    page.wait_for_selector(ITEM)
    items: list[dict[str, str]] = page.eval_on_selector_all(
        ITEM,
        """els => els.map(li => ({sku: li.dataset.sku,
              name: li.querySelector('.sk-recs-name').textContent,
              reason: li.querySelector('.sk-recs-reason').textContent}))""",
    )
    return items


def request_id(page: Any) -> str:
    value: str = page.eval_on_selector("#recommendations", "el => el.dataset.recRequestId")
    return value


def test_carousel_follows_the_visit_and_records_impressions_and_clicks(
    rec_server: LiveServer, page: Any
) -> None:
    page.goto(rec_server.page_url("/demo-store/p/LAMP-1"))
    first = shown(page)
    skus = [item["sku"] for item in first]
    assert skus[:2] == ["LAMP-2", "LAMP-3"]  # what past visitors viewed next
    assert "LAMP-1" not in skus
    assert all(item["reason"] for item in first)
    assert first[0]["reason"] == "Because you viewed Lamps 1"
    assert page.is_visible("#recommendations .sk-recs-title")
    session_id = page.evaluate("() => shopkeeper.sessionId()")
    first_request = request_id(page)

    # Every item on screen gets one impression carrying the request id.
    page.evaluate("() => shopkeeper.flush()")
    rows = rec_server.wait_for_events(
        session_id,
        lambda rows: len([r for r in rows if r.type == "recommendation_impression"]) >= len(skus),
    )
    impressions = [r for r in rows if r.type == "recommendation_impression"]
    assert sorted(r.sku for r in impressions) == sorted(skus)
    assert {r.rec_request_id for r in impressions} == {first_request}
    assert impressions[0].context["placement"] == "product"

    # Another product page: the carousel follows.
    page.goto(rec_server.page_url("/demo-store/p/RUG-1"))
    second = [item["sku"] for item in shown(page)]
    assert second[:2] == ["RUG-2", "RUG-3"]
    assert second != skus

    # A product viewed without a page load (a single-page shop) refreshes it too.
    before = request_id(page)
    page.evaluate("() => shopkeeper.track('view', {sku: 'PEN-1'})")
    page.wait_for_function(
        "id => document.querySelector('#recommendations').dataset.recRequestId !== id", arg=before
    )
    assert [item["sku"] for item in shown(page)][:2] == ["PEN-2", "PEN-3"]

    # Keyboard: the arrow keys move between the products.
    page.focus("#recommendations .sk-recs-link")
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("() => document.activeElement.closest('li').dataset.position")
    assert focused == "2"

    # A click leaves for the product page and is recorded with the request it came from.
    clicked_request = request_id(page)
    clicked_sku = page.eval_on_selector(ITEM, "li => li.dataset.sku")
    with page.expect_navigation():
        page.click("#recommendations .sk-recs-link")
    assert f"/demo-store/p/{clicked_sku}" in page.url
    rows = rec_server.wait_for_events(
        session_id, lambda rows: any(r.type == "recommendation_click" for r in rows)
    )
    (click,) = [r for r in rows if r.type == "recommendation_click"]
    assert (click.sku, click.rec_request_id) == (clicked_sku, clicked_request)
    # The new page's carousel answers a new request, without the product now on screen.
    assert clicked_sku not in [item["sku"] for item in shown(page)]
    assert request_id(page) != clicked_request


def test_the_carousel_hides_itself_when_empty_or_unreachable(
    live_server: LiveServer, rec_server: LiveServer, page: Any
) -> None:
    # No model fitted on this server: an empty list, and nothing shows.
    page.goto(live_server.page_url("/demo-store/p/TEE-1"))
    page.wait_for_function("() => window.shopkeeper && window.shopkeeper.sessionId()")
    page.wait_for_load_state("networkidle")
    assert page.eval_on_selector("#recommendations", "el => el.hidden") is True
    assert page.query_selector(ITEM) is None

    # The API cannot be reached: hidden again, and no error reaches the page.
    page.route("**/v1/recommendations**", lambda route: route.abort())
    page.goto(rec_server.page_url("/demo-store/p/LAMP-1"))
    page.wait_for_load_state("networkidle")
    assert page.eval_on_selector("#recommendations", "el => el.hidden") is True
    assert page.evaluate(
        "() => Shopkeeper.recommendations(document.querySelector('#recommendations')) !== null"
    )
    page.wait_for_load_state("networkidle")
    assert page.eval_on_selector("#recommendations", "el => el.hidden") is True
