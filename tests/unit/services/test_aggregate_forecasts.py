"""Category and whole-shop forecasts: stored by the forecast run, summed from the products'."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import update

from shopkeeper.core.errors import NotFoundError
from shopkeeper.data.database import transaction
from shopkeeper.data.tables import ProductRow
from shopkeeper.domain.catalog import ProductCreate
from shopkeeper.domain.forecasts import ForecastPoint
from shopkeeper.domain.shops import Shop
from shopkeeper.services import aggregate_forecasts, forecasting
from shopkeeper.services.catalog import upsert_product
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.sales_history import SalesHistory
from tests.unit.services.stock_shop import build_stock_shop

pytestmark = pytest.mark.postgres

# After the changes below: coffee = FAST-1 + LONE-1, home decor = SLOW-1, UMB-1 without a
# category, garden = two products on sale for a month that never sold.
CATEGORIES = {
    "coffee": ("FAST-1", "LONE-1"),
    "home decor": ("SLOW-1",),
    aggregate_forecasts.UNCATEGORISED: ("UMB-1",),
    "garden": ("GARD-1", "GARD-2"),
}


@pytest.fixture
def forecast(runtime: Runtime, shop: Shop) -> Shop:
    last_sale = build_stock_shop(runtime, shop)
    with transaction(runtime.sessions) as session:
        for sku in ("GARD-1", "GARD-2"):
            upsert_product(
                session,
                runtime.clock,
                shop,
                ProductCreate(sku=sku, title=f"Râteau {sku}", category="garden", price=Decimal(9)),
                "test",
            )
        # On sale for a month before the last order: a series of zeros, not a missing one.
        session.execute(
            update(ProductRow)
            .where(ProductRow.shop_id == shop.id, ProductRow.sku.in_(("GARD-1", "GARD-2")))
            .values(created_at=last_sale - timedelta(days=30))
        )
        for sku, category in (("LONE-1", "coffee"), ("UMB-1", "  ")):
            session.execute(
                update(ProductRow)
                .where(ProductRow.shop_id == shop.id, ProductRow.sku == sku)
                .values(category=category)
            )
    forecasting.run_forecasts(runtime, shop.id)
    return shop


def _means(points: list[ForecastPoint]) -> pd.Series:
    return pd.Series({p.day: p.mean for p in points})


def test_categories_sum_their_products_and_the_shop_sums_the_categories(
    runtime: Runtime, forecast: Shop
) -> None:
    products = forecasting.stored_forecasts(runtime, forecast.id)
    assert set(products) == {sku for skus in CATEGORIES.values() for sku in skus}
    listed = aggregate_forecasts.list_category_forecasts(runtime, forecast.id)
    assert {c.category: c.products for c in listed} == {k: len(v) for k, v in CATEGORIES.items()}
    assert listed[0].category == "coffee"  # most units first
    by_category = {}
    for category, skus in CATEGORIES.items():
        found = aggregate_forecasts.get_aggregate_forecast(
            runtime, forecast.id, "category", category
        )
        summed = sum(_means(products[sku]) for sku in skus)
        assert len(found.points) == forecasting.HORIZON_DAYS
        assert _means(found.points).to_dict() == pytest.approx(summed.to_dict(), abs=1e-3)
        by_category[category] = _means(found.points)
        for p in found.points:
            assert None not in (p.lo_95, p.lo_80, p.hi_80, p.hi_95)
            assert p.lo_95 <= p.lo_80 <= p.mean <= p.hi_80 <= p.hi_95
    shop = aggregate_forecasts.get_aggregate_forecast(runtime, forecast.id, "shop")
    assert (shop.key, shop.products, shop.reconciliation) == ("", 6, "bottom_up")
    assert _means(shop.points).to_dict() == pytest.approx(
        sum(by_category.values()).to_dict(), abs=1e-3
    )
    assert all(p.lo_80 is not None and p.lo_80 <= p.mean <= (p.hi_80 or 0) for p in shop.points)
    # FAST-1 sells about five a day, LONE-1 two: both in coffee, FAST-1 first.
    assert 6.0 < shop.total_units / len(shop.points) < 10.0
    assert "Sum of the 6 products' forecasts across 4 categories" in shop.explanation["summary"]


def test_the_explanation_names_the_biggest_products_and_the_history_is_summed(
    runtime: Runtime, forecast: Shop
) -> None:
    coffee = aggregate_forecasts.get_aggregate_forecast(runtime, forecast.id, "category", "coffee")
    summary = coffee.explanation["summary"]
    assert summary.startswith("Sum of the 2 products' forecasts in coffee (about ")
    assert "interval from the category's own history" in summary
    factors = coffee.explanation["factors"]
    assert [f["name"] for f in factors] == ["FAST-1", "LONE-1"]
    assert factors[0]["weight"] > factors[1]["weight"] > 0
    assert "Café moulu 1 kg" in factors[0]["detail"]
    # The history drawn before the forecast: the members' sales summed day by day.
    fast = forecasting.get_forecast(runtime, forecast.id, "FAST-1").history
    lone = forecasting.get_forecast(runtime, forecast.id, "LONE-1").history
    assert [h.day for h in coffee.history] == [h.day for h in fast]
    assert [h.units for h in coffee.history] == [
        a.units + b.units for a, b in zip(fast, lone, strict=True)
    ]
    assert coffee.history[-1].day < coffee.points[0].day


def test_a_category_of_new_products_expects_nothing_and_says_why(
    runtime: Runtime, forecast: Shop
) -> None:
    garden = aggregate_forecasts.get_aggregate_forecast(runtime, forecast.id, "category", "garden")
    assert garden.total_units == 0
    assert all(p.mean == 0 for p in garden.points)
    assert garden.explanation["summary"].startswith("None of the 2 products in garden has sold")
    assert all(h.units == 0 for h in garden.history)


def test_unknown_category_and_a_shop_without_sales_are_clear(runtime: Runtime, shop: Shop) -> None:
    summary = forecasting.run_forecasts(runtime, shop.id)
    assert summary.series == 0
    assert aggregate_forecasts.list_category_forecasts(runtime, shop.id) == []
    with pytest.raises(NotFoundError, match="forecast run"):
        aggregate_forecasts.get_aggregate_forecast(runtime, shop.id, "shop")
    with pytest.raises(NotFoundError, match="forecast run"):
        aggregate_forecasts.get_aggregate_forecast(runtime, shop.id, "category", "coffee")
    empty = SalesHistory(pd.DataFrame(columns=["unique_id", "ds", "y"]), None, "UTC")
    nothing = pd.DataFrame(columns=["unique_id", "ds", "mean"])
    stored = aggregate_forecasts.save_aggregate_forecasts(
        runtime, shop.id, None, empty, nothing, horizon=7
    )
    assert stored == 0
    build_stock_shop(runtime, shop)
    forecasting.run_forecasts(runtime, shop.id, horizon=7)
    with pytest.raises(NotFoundError, match="among those forecast"):
        aggregate_forecasts.get_aggregate_forecast(runtime, shop.id, "category", "toys")
    assert len(aggregate_forecasts.get_aggregate_forecast(runtime, shop.id, "shop").points) == 7
