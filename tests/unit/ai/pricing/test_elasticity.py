"""Elasticity estimation: recovery of planted elasticities, pooling, intervals, the contract."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.checks import checks_for
from shopkeeper.ai.pricing.elasticity import ElasticityQuery, HierarchicalElasticityModel
from shopkeeper.ai.pricing.samples import sample, synthetic_sales
from shopkeeper.ai.registry import ModelSpec
from shopkeeper.core.errors import InvalidInputError, NotFittedError


@pytest.fixture(scope="module")
def rich() -> tuple[pd.DataFrame, dict[str, float], HierarchicalElasticityModel]:
    sales = synthetic_sales(7, categories=4, products_per_category=10, days=150, base_units=(4, 30))
    return sales.frame, sales.elasticity, HierarchicalElasticityModel().fit(sales.frame)


def estimates(model: HierarchicalElasticityModel, skus: tuple[str, ...]) -> dict[str, float]:
    return {e.sku: e.mean for e in model.predict(ElasticityQuery(skus=skus))}


def test_planted_elasticities_are_recovered(rich: tuple) -> None:
    _, truth, model = rich
    got = estimates(model, tuple(truth))
    errors = np.array([got[s] - truth[s] for s in truth])
    assert np.mean(np.abs(errors)) < 0.25
    assert abs(np.mean(errors)) < 0.12  # no systematic bias
    assert np.corrcoef([got[s] for s in truth], list(truth.values()))[0, 1] > 0.85
    # The shared terms the generator planted: competitors at 0.5, promotions x1.4, weekends.
    assert model.shared_["competitor"] == pytest.approx(0.5, abs=0.15)
    assert model.shared_["promotion"] == pytest.approx(np.log(1.4), abs=0.1)
    assert model.shared_["dow_5"] == pytest.approx(np.log(1.25 / 0.9), abs=0.1)
    assert model.converged_


def test_the_80_percent_intervals_cover_about_80_percent(rich: tuple) -> None:
    _, truth, model = rich
    answers = model.predict(ElasticityQuery(skus=tuple(truth)))
    inside = np.mean([e.low <= truth[e.sku] <= e.high for e in answers])
    assert 0.6 <= inside <= 0.97
    assert all(e.low < e.mean < e.high and e.sd > 0 for e in answers)


def with_sparse_product(seed: int) -> tuple[pd.DataFrame, float]:
    """A category of well-measured products plus one that sold a handful of units, whose few
    sales happen to rise with its price (a naive fit would call it price-loving)."""
    sales = synthetic_sales(seed, categories=2, products_per_category=8, days=120)
    days = pd.date_range("2026-01-05", periods=8, freq="D")
    sparse = pd.DataFrame(
        {
            "sku": "CAT-0-SPARSE",
            "category": "CAT-0",
            "day": days,
            "units": [0, 1, 0, 0, 2, 1, 0, 3],
            "price": [18, 20, 18, 18, 22, 20, 18, 22],
            "ref_price": 20.0,
        }
    )
    return pd.concat([sales.frame, sparse], ignore_index=True), sales.category_mean["CAT-0"]


def test_a_sparse_product_is_shrunk_toward_its_category() -> None:
    frame, _ = with_sparse_product(11)
    pooled = HierarchicalElasticityModel().fit(frame)
    alone = HierarchicalElasticityModel(pooled=False).fit(frame)
    category = pooled.prior_.category_mean[pooled.categories_.index("CAT-0")]
    sparse = pooled.predict(ElasticityQuery(skus=("CAT-0-SPARSE",)))[0]
    unpooled = alone.predict(ElasticityQuery(skus=("CAT-0-SPARSE",)))[0]
    assert abs(sparse.mean - category) < abs(unpooled.mean - category)
    assert abs(sparse.mean - category) < 0.5
    assert sparse.pooled_share > 0.6
    # A well-measured product keeps mostly its own estimate.
    dense = pooled.predict(ElasticityQuery(skus=("CAT-1-P0",)))[0]
    assert dense.pooled_share < 0.5


def test_new_products_get_their_category_prior_or_the_shops() -> None:
    frame, _ = with_sparse_product(12)
    model = HierarchicalElasticityModel().fit(frame)
    known, unknown = model.predict(
        ElasticityQuery(skus=("NEW-A", "NEW-B"), categories={"NEW-A": "CAT-1"})
    )
    assert known.mean == pytest.approx(model.prior_.category_mean[1])
    assert known.observations == 0
    assert known.reference_price is None
    assert known.base_units == 0.0
    assert unknown.mean == pytest.approx(model.prior_.global_mean)
    assert unknown.sd > known.sd
    assert "no sales history" in model.explain(ElasticityQuery(skus=("NEW-B",)), (unknown,)).summary


def test_base_demand_follows_the_day_competitors_and_promotion(rich: tuple) -> None:
    _, _, model = rich
    sku = "CAT-0-P0"

    def base(**context: object) -> float:
        return model.predict(ElasticityQuery(skus=(sku,), **context))[0].base_units  # type: ignore[arg-type]

    monday, saturday = base(day=date(2026, 3, 2)), base(day=date(2026, 3, 7))
    assert saturday > monday * 1.2
    reference = model.predict(ElasticityQuery(skus=(sku,)))[0].reference_price
    assert reference is not None
    assert base(competitor_prices={sku: reference * 0.8}) < base()
    assert base(promoted=frozenset({sku})) > base() * 1.2


def test_a_stock_out_with_no_sale_says_nothing() -> None:
    frame = synthetic_sales(3).frame
    plain = HierarchicalElasticityModel().fit(frame)
    stockouts = frame.head(20).assign(units=0.0, censored=True)
    marked = pd.concat([frame.assign(censored=False), stockouts], ignore_index=True)
    again = HierarchicalElasticityModel().fit(marked)
    np.testing.assert_allclose(again.slope_, plain.slope_)


def test_days_that_sold_out_count_as_a_floor_of_demand() -> None:
    # Twelve products at elasticity -2 whose shelf holds 9 a day: at low prices most days
    # sell out. Dropping those days keeps only the low-demand ones at low prices, and
    # counting the sales as demand understates it there: both read far too inelastic.
    rng = np.random.default_rng(3)
    days = pd.date_range("2026-01-01", periods=150)
    parts = []
    for p in range(12):
        x = rng.uniform(-0.25, 0.25, len(days))
        demand = rng.poisson(8 * np.exp(-2.0 * x))
        parts.append(
            pd.DataFrame(
                {
                    "sku": f"P{p}",
                    "day": days,
                    "units": np.minimum(demand, 9).astype(float),
                    "price": 20 * np.exp(x),
                    "censored": demand >= 9,
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    assert frame["censored"].mean() > 0.3
    model = HierarchicalElasticityModel().fit(frame)
    assert float(np.mean(model.slope_)) == pytest.approx(-2.0, abs=0.1)
    assert model.converged_
    dropped = HierarchicalElasticityModel().fit(frame[~frame["censored"]])
    as_sales = HierarchicalElasticityModel().fit(frame.drop(columns="censored"))
    assert float(np.mean(dropped.slope_)) == pytest.approx(-0.93, abs=0.01)
    assert float(np.mean(as_sales.slope_)) == pytest.approx(-1.24, abs=0.01)


def within_day_repricing(seed: int) -> pd.DataFrame:
    """Twenty products at elasticity -2, four price periods a day sharing one demand shock;
    each period's price rises with what the day has sold so far (the shelf running low)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2026-01-01", periods=200)
    rows = []
    for p in range(20):
        for day in days:
            shock, opening, sold = rng.gamma(10, 0.1), rng.normal(0, 0.08), 0
            for _ in range(4):
                x = opening + 0.05 * min(sold / 3, 3)
                units = rng.poisson(3 * shock * np.exp(-2.0 * x))
                rows.append((f"P{p}", day, float(units), 20 * np.exp(x)))
                sold += units
    frame = pd.DataFrame(rows, columns=["sku", "day", "units", "price"])
    return frame.assign(exposure=0.25)


def test_a_days_periods_share_its_demand_shock() -> None:
    # A busy day drains the shelf and the later periods' prices go up: one row per day at
    # the day's mean price pairs dear days with big sales and reads demand as inelastic.
    # Rows per period, known to share the day's shock, read the price effect alone.
    frame = within_day_repricing(5)
    periods = HierarchicalElasticityModel().fit(frame)
    assert float(np.mean(periods.slope_)) == pytest.approx(-2.06, abs=0.01)
    assert periods.shock_shape_ == pytest.approx(10, rel=0.3)
    inside = np.abs(periods.slope_ + 2.0) <= 1.2816 * periods.slope_sd_
    assert 0.6 <= inside.mean() <= 1.0
    daily = (
        frame.assign(log_price=np.log(frame["price"]))
        .groupby(["sku", "day"], as_index=False)
        .agg(units=("units", "sum"), log_price=("log_price", "mean"))
    )
    by_day = HierarchicalElasticityModel().fit(daily.assign(price=np.exp(daily["log_price"])))
    assert float(np.mean(by_day.slope_)) == pytest.approx(-0.64, abs=0.01)


def test_bad_input_and_unfitted_use_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="missing price"):
        HierarchicalElasticityModel().fit(
            pd.DataFrame({"sku": ["A"], "day": ["2026-01-01"], "units": [1]})
        )
    frame = synthetic_sales(1).frame
    with pytest.raises(InvalidInputError, match="price must be positive"):
        HierarchicalElasticityModel().fit(frame.assign(price=0.0))
    with pytest.raises(NotFittedError):
        HierarchicalElasticityModel().predict(ElasticityQuery(skus=("A",)))


@pytest.mark.parametrize(
    "check",
    list(checks_for(ModelSpec(HierarchicalElasticityModel, sample, HierarchicalElasticityModel))),
    ids=lambda c: c.__name__,
)
def test_model_contract(check) -> None:  # type: ignore[no-untyped-def]
    check(ModelSpec(HierarchicalElasticityModel, sample, HierarchicalElasticityModel))
