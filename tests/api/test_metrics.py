"""Prometheus counters: one per request, labelled by route template and status."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import Keys, auth


def _count(text: str, route: str, status: str) -> float:
    pattern = (
        r'shopkeeper_http_requests_total\{method="GET",route="'
        + re.escape(route)
        + r'",status="'
        + status
        + r'"\} ([0-9.e+]+)'
    )
    found = re.search(pattern, text)
    return float(found.group(1)) if found else 0.0


def test_requests_are_counted_by_route_template_and_status(client: TestClient, keys: Keys) -> None:
    before = client.get("/metrics").text
    assert client.get("/v1/products/NOPE", headers=auth(keys.secret)).status_code == 404
    assert client.get("/v1/products/NOPE-2", headers=auth(keys.secret)).status_code == 404
    assert client.get("/nowhere").status_code == 404
    after = client.get("/metrics").text
    route = "/v1/products/{sku}"
    # Two raw paths, one template: the label set stays bounded whatever clients send.
    assert _count(after, route, "404") - _count(before, route, "404") == 2
    assert _count(after, "unmatched", "404") - _count(before, "unmatched", "404") == 1
    assert (
        'shopkeeper_http_request_seconds_bucket{le="0.001",method="GET",route="/v1/products/{sku}"}'
        in after
    )
