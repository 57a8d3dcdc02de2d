"""A fresh database and Redis db, loaded with a synthetic shop's history, and the real server.

Rows go in through SQLAlchemy core ``executemany`` in chunks (as the ingestion benchmark's
baseline does): 100,000 sessions through the HTTP API would measure ingestion, which
``benchmarks/ingest.py`` already does. The models are then fitted with the same public
function the scheduled job calls, before the server starts, so each worker loads them once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from benchmarks.serving.synthetic import Catalogue, sku_of
from sqlalchemy import insert, select

from shopkeeper.core.config import Settings
from shopkeeper.data.database import transaction, upgrade
from shopkeeper.data.tables import EventRow, OrderLineRow, OrderRow, ProductRow, StockLevelRow
from shopkeeper.domain.access import KeyKind
from shopkeeper.domain.shops import ShopCreate
from shopkeeper.services.access import api_keys
from shopkeeper.services.default_models import fit_recommenders
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import DEFAULT_SHOP_SLUG, ensure_default_shop

CHUNK = 10_000
HISTORY_DAYS = 28
CART_SHARE = 0.12
ORDER_SHARE = 0.5
SOLD_OUT_SHARE = 0.03


def category_name(category: int) -> str:
    return f"Category {category:02d}"


def title_of(catalogue: Catalogue, product: int) -> str:
    return f"{category_name(catalogue.category[product])} item {product}"


@dataclass(frozen=True, slots=True)
class LoadedShop:
    """What the seeding produced: keys, counts and how long each step took."""

    public_key: str
    secret_key: str
    shop_id: int
    counts: dict[str, object]  # row counts, and the names of the fitted models
    seconds: dict[str, float]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _catalogue_rows(catalogue: Catalogue, shop_id: int, now: datetime) -> list[dict[str, Any]]:
    rng = np.random.default_rng(catalogue.seed + 1)
    prices = np.round(np.exp(rng.normal(3.3, 0.7, catalogue.products)), 2)
    return [
        {
            "shop_id": shop_id,
            "sku": sku_of(p),
            "title": title_of(catalogue, p),
            "category": category_name(catalogue.category[p]),
            "brand": f"Brand {p % 40}",
            "price": Decimal(str(prices[p])),
            "cost": Decimal(str(round(float(prices[p]) * 0.55, 2))),
            "status": "active",
            "attributes": {},
            "created_at": now,
            "updated_at": now,
        }
        for p in range(catalogue.products)
    ]


def _history_rows(
    catalogue: Catalogue, sessions: list[list[int]], shop_id: int, now: datetime, seed: int
) -> tuple[list[dict[str, Any]], list[tuple[datetime, list[int]]]]:
    """Event rows of every session, and the carts that became orders (time, products)."""
    rng = np.random.default_rng(seed)
    end = now - timedelta(hours=1)
    starts = rng.random(len(sessions)) * HISTORY_DAYS * 86_400
    events: list[dict[str, Any]] = []
    orders: list[tuple[datetime, list[int]]] = []
    for n, products in enumerate(sessions):
        at = end - timedelta(seconds=float(starts[n]))
        carted: list[int] = []
        for product in products:
            at += timedelta(seconds=float(5 + rng.exponential(40)))
            row = {
                "shop_id": shop_id,
                "event_id": uuid.uuid4().hex,
                "type": "view",
                "session_id": f"h-{n}",
                "sku": sku_of(product),
                "occurred_at": at,
                "received_at": at,
                "dwell_ms": int(1000 + rng.exponential(8000)),
                "quantity": None,
                "context": {},
            }
            events.append(row)
            if rng.random() < CART_SHARE:
                events.append(
                    {
                        **row,
                        "event_id": uuid.uuid4().hex,
                        "type": "add_to_cart",
                        "quantity": 1,
                        "dwell_ms": None,
                    }
                )
                carted.append(product)
        if carted and rng.random() < ORDER_SHARE:
            orders.append((at + timedelta(minutes=2), carted))
    return events, orders


def _insert_orders(
    connection: Any,
    catalogue: Catalogue,
    orders: list[tuple[datetime, list[int]]],
    shop_id: int,
    ids: dict[str, int],
    prices: dict[str, Decimal],
) -> int:
    lines = 0
    for start in range(0, len(orders), CHUNK):
        chunk = orders[start : start + CHUNK]
        heads = []
        for n, (placed, products) in enumerate(chunk, start=start):
            total = sum((prices[sku_of(p)] for p in products), Decimal("0"))
            heads.append(
                {
                    "shop_id": shop_id,
                    "external_id": f"o-{n}",
                    "placed_at": placed,
                    "status": "completed",
                    "channel": "web",
                    "currency": "EUR",
                    "subtotal": total,
                    "discount_total": Decimal("0"),
                    "shipping_total": Decimal("0"),
                    "total": total,
                    "created_at": placed,
                    "updated_at": placed,
                }
            )
        statement = insert(OrderRow).returning(OrderRow.id, sort_by_parameter_order=True)
        order_ids = [row[0] for row in connection.execute(statement, heads)]
        line_rows = [
            {
                "shop_id": shop_id,
                "order_id": order_id,
                "line_no": i + 1,
                "product_id": ids[sku_of(p)],
                "sku": sku_of(p),
                "quantity": 1,
                "unit_price": prices[sku_of(p)],
                "discount": Decimal("0"),
            }
            for order_id, (_, products) in zip(order_ids, chunk, strict=True)
            for i, p in enumerate(products)
        ]
        connection.execute(insert(OrderLineRow), line_rows)
        lines += len(line_rows)
    return lines


def load_shop(
    url: str, model_dir: Path, redis_url: str | None, catalogue: Catalogue, sessions: int, seed: int
) -> LoadedShop:
    """Schema, shop, keys, catalogue, history and orders; then fit the recommenders."""
    settings = Settings(database_url=url, model_dir=model_dir, redis_url=redis_url, _env_file=None)  # type: ignore[call-arg,unused-ignore]
    runtime = Runtime.from_settings(settings)
    now = datetime.now(UTC)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    upgrade(runtime.engine)
    with transaction(runtime.sessions) as session:
        shop = ensure_default_shop(
            session, ShopCreate(slug=DEFAULT_SHOP_SLUG, name="Serving bench"), runtime.clock
        )
        public = api_keys.create_key(
            session, runtime.clock, shop_id=shop.id, name="bench", kind=KeyKind.PUBLISHABLE
        )
        secret = api_keys.create_key(
            session, runtime.clock, shop_id=shop.id, name="bench", kind=KeyKind.SECRET
        )
    visits = catalogue.sessions(sessions, seed)
    events, orders = _history_rows(catalogue, visits, shop.id, now, seed)
    products = _catalogue_rows(catalogue, shop.id, now)
    seconds["generate"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with runtime.engine.begin() as connection:
        connection.execute(insert(ProductRow), products)
        ids = dict(connection.execute(select(ProductRow.sku, ProductRow.id)).all())
        prices = {row["sku"]: row["price"] for row in products}
        rng = np.random.default_rng(seed + 2)
        stock = [
            {
                "shop_id": shop.id,
                "product_id": ids[sku_of(p)],
                "location": "main",
                "on_hand": 0 if rng.random() < SOLD_OUT_SHARE else int(rng.integers(1, 200)),
                "reserved": 0,
                "updated_at": now,
            }
            for p in range(catalogue.products)
        ]
        connection.execute(insert(StockLevelRow), stock)
        lines = _insert_orders(connection, catalogue, orders, shop.id, ids, prices)
    for chunk in _chunks(events):
        with runtime.engine.begin() as connection:
            connection.execute(insert(EventRow), chunk)
    seconds["insert"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    runs = fit_recommenders(runtime, shop.id)
    seconds["fit"] = round(time.perf_counter() - started, 1)
    runtime.engine.dispose()
    counts = {
        "products": catalogue.products,
        "history_sessions": len(visits),
        "history_events": len(events),
        "orders": len(orders),
        "order_lines": lines,
        "sold_out_products": sum(1 for row in stock if row["on_hand"] == 0),
        "fitted_models": sorted(
            name
            for name in ("popularity", "session", "customer", "content", "together", "context")
            if getattr(runs, name) is not None
        ),
    }
    return LoadedShop(public.raw, secret.raw, shop.id, counts, seconds)
