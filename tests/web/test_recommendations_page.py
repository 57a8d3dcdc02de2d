"""The Recommendations dashboard page: live recommendations of a session, and performance."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from shopkeeper.data.database import transaction
from shopkeeper.domain.access import Role
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.services import events, holdout
from shopkeeper.services.default_models import fit_recommenders
from shopkeeper.services.runtime import Runtime
from shopkeeper.testing.clock import FakeClock
from tests.conftest import serve_every_session
from tests.web.conftest import sign_in
from tests.web.seed import Seeded, seed_users

pytestmark = pytest.mark.postgres


def record(runtime: Runtime, shop: Shop, batch: list[dict[str, object]]) -> None:
    result = events.record_events(
        runtime.sessions, runtime.clock, runtime.session_store, shop_id=shop.id, raw_events=batch
    )
    assert not result.rejected, result.rejected


def event(
    kind: str, session_id: str, minutes_ago: int, clock: FakeClock, **extra: object
) -> dict[str, object]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "session_id": session_id,
        "occurred_at": (clock.now() - timedelta(minutes=minutes_ago)).isoformat(),
        **extra,
    }


@pytest.fixture
def fitted(runtime: Runtime, shop: Shop, seeded: Seeded, clock: FakeClock) -> None:
    """Past visitors went from the tee to the socks; STAN learns that, popularity the rest."""
    batch = []
    for n in range(6):
        batch += [
            event("view", f"past-{n}", 300 - n, clock, sku="TEE-1"),
            event("view", f"past-{n}", 299 - n, clock, sku="SOCK-1"),
        ]
    record(runtime, shop, batch)
    serve_every_session(runtime, shop.id)
    runs = fit_recommenders(runtime, shop.id)
    assert runs.session is not None
    # Past the model cache's check interval, so the app serves the runs just stored.
    clock.advance(minutes=1)


def test_owner_sees_a_sessions_recommendations_with_reasons(
    backend: str, client: TestClient, fitted: None
) -> None:
    sign_in(client, Role.OWNER)
    page = client.get("/recommendations", params={"session_id": "s-buyer"})
    assert page.status_code == 200
    html = page.text
    assert 'href="/recommendations" class="on"' in html
    assert 'data-session="s-buyer"' in html
    # s-buyer viewed the tee: the socks come from the session model, with their reason.
    assert "Because you viewed Linen tee" in html
    assert 'data-sku="SOCK-1"' in html
    assert 'data-source="session"' in html
    assert 'data-sku="TEE-1"' not in html  # what the visitor is looking at is left out
    # The picker lists the recent sessions with what they viewed.
    assert '<option value="s-buyer" selected' in html
    assert "Stoneware mug" in html  # s-browser's view
    assert 'id="ctr-data"' in html


def test_typed_session_id_and_htmx_refresh_return_the_live_block(
    backend: str, client: TestClient, fitted: None
) -> None:
    sign_in(client, Role.VIEWER)
    fragment = client.get(
        "/recommendations/live",
        params={"session_id": "s-browser", "typed_id": "s-buyer"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'id="live-recs"' in fragment.text
    assert 'data-session="s-buyer"' in fragment.text
    assert "Because you viewed Linen tee" in fragment.text
    # A visitor never seen gets the popular products, each with its reason.
    unknown = client.get("/recommendations/live", params={"typed_id": "nobody"}).text
    assert 'data-source="popularity"' in unknown
    assert "Popular lately" in unknown


def test_without_a_model_the_page_says_how_to_fit_one(
    backend: str, client: TestClient, seeded: Seeded
) -> None:
    sign_in(client, Role.OWNER)
    html = client.get("/recommendations").text
    assert 'id="no-recs"' in html
    assert "fit-recommenders" in html
    # The seeded sessions are still listed, the latest picked first.
    assert '<option value="s-' in html


def test_without_events_the_page_shows_empty_states(
    backend: str, client: TestClient, runtime: Runtime, shop: Shop
) -> None:
    seed_users(runtime, shop)
    sign_in(client, Role.OWNER)
    response = client.get("/recommendations?days=7")
    assert response.status_code == 200
    html = response.text
    assert 'id="no-sessions"' in html
    assert 'id="no-recs"' in html
    assert 'data-metric="ctr-treatment" data-value=""' in html
    assert client.get("/recommendations?lang=fr").text.count("Recommandations en direct") == 1


def test_performance_figures_land_in_the_sessions_group(
    backend: str, client: TestClient, runtime: Runtime, shop: Shop, seeded: Seeded, clock: FakeClock
) -> None:
    rec = {"rec_request_id": "r-1"}
    record(
        runtime,
        shop,
        [
            event("recommendation_impression", "s-buyer", 30, clock, sku="MUG-1", **rec),
            event("recommendation_impression", "s-buyer", 30, clock, sku="SOCK-1", **rec),
            event("recommendation_click", "s-buyer", 29, clock, sku="SOCK-1", **rec),
        ],
    )
    with transaction(runtime.sessions) as session:
        group = holdout.assign(session, shop.id, Capability.RECOMMEND, "s-buyer").value
    sign_in(client, Role.OWNER)
    html = client.get("/recommendations").text
    assert f'data-metric="ctr-{group}" data-value="0.5"' in html
    other = "holdout" if group == "treatment" else "treatment"
    assert f'data-metric="ctr-{other}" data-value=""' in html
