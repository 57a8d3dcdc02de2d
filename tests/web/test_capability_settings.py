"""The capability settings page: shop-wide modes, holdout shares and overrides, with roles and CSRF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from shopkeeper.data.database import transaction
from shopkeeper.domain.access import Role
from shopkeeper.domain.proposals import Capability, CapabilityMode
from shopkeeper.domain.shops import Shop
from shopkeeper.services import audit, holdout, modes
from shopkeeper.services.runtime import Runtime
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer
from tests.web.seed import PASSWORD, USERS

SignIn = Callable[[Role], str]
PAGE = "/settings/capabilities"
HTMX = {"HX-Request": "true"}
SCREENSHOT = "/tmp/capability-settings.png"


def _post(client: TestClient, path: str, token: str | None, **fields: str) -> Response:
    data = dict(fields)
    if token is not None:
        data["csrf_token"] = token
    return client.post(PAGE + path, data=data, headers=HTMX)


def _mode(
    runtime: Runtime,
    shop: Shop,
    capability: Capability,
    *,
    category: str | None = None,
    sku: str | None = None,
) -> CapabilityMode:
    with transaction(runtime.sessions) as session:
        return modes.resolve_mode(session, shop.id, capability, category=category, sku=sku)


def _share(runtime: Runtime, shop: Shop, capability: Capability) -> float:
    with transaction(runtime.sessions) as session:
        return holdout.holdout_share(session, shop.id, capability)


def _actions(runtime: Runtime, shop: Shop) -> list[str]:
    with transaction(runtime.sessions) as session:
        return [r.action for r in audit.recent(session, shop.id)]


@pytest.mark.postgres
def test_page_lists_every_capability_with_its_mode_share_and_help(
    backend: str, client: TestClient, signed_in: SignIn
) -> None:
    signed_in(Role.OWNER)
    page = client.get(PAGE).text
    for capability in Capability:
        assert f'data-capability="{capability.value}"' in page
    assert page.count('<option value="suggest" selected>') == len(Capability)
    assert page.count('name="percent" min="0" max="50" step="0.1" value="10"') == len(Capability)
    assert "it proposes actions in the Inbox" in page
    assert 'href="/settings/capabilities"' in page
    assert "No override" in page
    french = client.get(PAGE + "?lang=fr").text
    assert "Réglages des capacités" in french
    assert "Automatique" in french


@pytest.mark.postgres
@pytest.mark.parametrize("role", [Role.OWNER, Role.STAFF])
def test_owner_or_staff_changes_a_mode_and_resolve_mode_follows(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop, role: Role
) -> None:
    token = signed_in(role)
    response = _post(client, "/pricing/mode", token, mode="auto")
    assert response.status_code == 200
    assert 'data-flash="saved"' in response.text
    assert "Pricing: the shop-wide mode is now “Auto”." in response.text
    # The table comes back out of band with the new choice selected.
    assert 'id="capability-modes" class="card capability-modes" hx-swap-oob="true"' in response.text
    assert _mode(runtime, shop, Capability.PRICING) is CapabilityMode.AUTO
    assert _mode(runtime, shop, Capability.RECOMMEND) is CapabilityMode.SUGGEST
    assert _actions(runtime, shop)[0] == "capability_mode.set"
    history = client.get(PAGE).text
    assert 'data-action="capability_mode.set"' in history
    assert f"user:{USERS[role]}" in history


@pytest.mark.postgres
def test_holdout_share_is_saved_and_out_of_range_values_are_refused(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    token = signed_in(Role.OWNER)
    saved = _post(client, "/fraud/holdout", token, percent="7.5")
    assert saved.status_code == 200
    assert "holdout share is now 7.5 %" in saved.text
    assert _share(runtime, shop, Capability.FRAUD) == pytest.approx(0.075)
    for bad in ("60", "-1", "lots", "nan"):
        refused = _post(client, "/fraud/holdout", token, percent=bad)
        assert refused.status_code == 422, bad
        assert refused.headers["HX-Retarget"] == "#flash"
        assert 'data-code="invalid_input"' in refused.text
        assert "between 0 and 50 %" in refused.text
    assert _share(runtime, shop, Capability.FRAUD) == pytest.approx(0.075)
    assert "7.5 %" in client.get(PAGE).text


@pytest.mark.postgres
def test_category_override_is_added_then_removed(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    token = signed_in(Role.OWNER)
    fields = {"capability": "pricing", "scope_kind": "category", "scope_value": "Tops"}
    added = _post(client, "/overrides", token, mode="auto", **fields)
    assert added.status_code == 200
    assert "Pricing (category Tops): “Auto”." in added.text
    assert 'data-override="pricing:category:Tops"' in added.text
    assert _mode(runtime, shop, Capability.PRICING, category="Tops") is CapabilityMode.AUTO
    assert _mode(runtime, shop, Capability.PRICING, category="Kitchen") is CapabilityMode.SUGGEST
    assert 'data-override="pricing:category:Tops"' in client.get(PAGE).text

    removed = _post(client, "/overrides/remove", token, **fields)
    assert removed.status_code == 200
    assert "override removed" in removed.text
    assert 'data-override="pricing:category:Tops"' not in removed.text
    assert _mode(runtime, shop, Capability.PRICING, category="Tops") is CapabilityMode.SUGGEST
    assert _actions(runtime, shop)[:2] == ["capability_mode.cleared", "capability_mode.set"]
    # Removing it twice says there is nothing to remove.
    again = _post(client, "/overrides/remove", token, **fields)
    assert again.status_code == 404


@pytest.mark.postgres
def test_product_override_needs_a_known_sku_and_wins_over_its_category(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    token = signed_in(Role.OWNER)
    unknown = _post(
        client,
        "/overrides",
        token,
        capability="pricing",
        scope_kind="product",
        scope_value="NOPE-9",
        mode="off",
    )
    assert unknown.status_code == 422
    assert 'data-code="invalid_input"' in unknown.text
    assert "no product with SKU &#39;NOPE-9&#39; in the catalogue" in unknown.text
    unknown_category = _post(
        client,
        "/overrides",
        token,
        capability="pricing",
        scope_kind="category",
        scope_value="Garden",
        mode="off",
    )
    assert unknown_category.status_code == 422
    assert "category &#39;Garden&#39;" in unknown_category.text
    with transaction(runtime.sessions) as session:
        assert not [s for s in modes.list_settings(session, shop.id) if s.scope_kind != "shop"]

    for kind, value, mode in (("category", "Tops", "auto"), ("product", " TEE-1 ", "off")):
        fields = {"capability": "pricing", "scope_kind": kind, "scope_value": value}
        assert _post(client, "/overrides", token, mode=mode, **fields).status_code == 200
    tee = _mode(runtime, shop, Capability.PRICING, category="Tops", sku="TEE-1")
    sock = _mode(runtime, shop, Capability.PRICING, category="Tops", sku="SOCK-1")
    assert (tee, sock) == (CapabilityMode.OFF, CapabilityMode.AUTO)


@pytest.mark.postgres
def test_viewer_sees_the_settings_read_only_and_cannot_post(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    token = signed_in(Role.VIEWER)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "can read these settings but not change them" in page.text
    assert "<select" not in page.text
    assert 'data-field="mode">Suggest<' in page.text
    attempts = [
        ("/pricing/mode", {"mode": "auto"}),
        ("/pricing/holdout", {"percent": "20"}),
        (
            "/overrides",
            {
                "capability": "pricing",
                "scope_kind": "category",
                "scope_value": "Tops",
                "mode": "auto",
            },
        ),
    ]
    for path, fields in attempts:
        response = _post(client, path, token, **fields)
        assert response.status_code == 403, path
        assert 'data-code="permission_denied"' in response.text
    assert _mode(runtime, shop, Capability.PRICING, category="Tops") is CapabilityMode.SUGGEST
    assert _share(runtime, shop, Capability.PRICING) == pytest.approx(0.1)
    assert _actions(runtime, shop) == []


@pytest.mark.postgres
def test_a_post_without_the_csrf_token_is_forbidden(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    signed_in(Role.OWNER)
    missing = client.post(PAGE + "/pricing/mode", data={"mode": "auto"})
    forged = _post(client, "/pricing/mode", "forged", mode="auto")
    for response in (missing, forged):
        assert response.status_code == 403
        assert "did not come from this dashboard" in response.text
    assert _mode(runtime, shop, Capability.PRICING) is CapabilityMode.SUGGEST


@pytest.mark.postgres
def test_a_plain_form_post_redirects_back_to_the_page(
    backend: str, client: TestClient, signed_in: SignIn, runtime: Runtime, shop: Shop
) -> None:
    token = signed_in(Role.OWNER)
    response = client.post(
        PAGE + "/support/mode",
        data={"mode": "off", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == PAGE
    assert _mode(runtime, shop, Capability.SUPPORT) is CapabilityMode.OFF


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian chromium not installed at {CHROMIUM}")
def test_switching_pricing_to_auto_in_the_browser(live_server: LiveServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}{PAGE}")
            page.fill("input[name=email]", USERS[Role.OWNER])
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}{PAGE}")
            page.select_option("tr[data-capability=pricing] select[name=mode]", "auto")
            expect(page.locator("#flash [role=status]")).to_contain_text("Pricing")
            expect(page.locator("#mode-changes tbody tr").first).to_contain_text("auto")
            page.screenshot(path=SCREENSHOT, full_page=True)
        finally:
            browser.close()
    mode = _mode(live_server.runtime, live_server.shop, Capability.PRICING)
    assert mode is CapabilityMode.AUTO
