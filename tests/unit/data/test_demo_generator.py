"""The demo shop generator: reproducible, internally consistent, and its planted truth recoverable."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from shopkeeper.core.errors import ErrorCode, InvalidInputError
from shopkeeper.data.importers.demo import DemoShopConfig, GeneratedShop, generate_shop
from shopkeeper.services.pricing_inputs import placement

# fmt: off
SMALL = {"n_products": 150, "n_customers": 1500, "months": 12, "sessions_per_day": 40}
GROUPED = DemoShopConfig(n_products=400, n_customers=300, months=2, sessions_per_day=0,
                         events_days=1)
TINY = {"n_products": 60, "n_customers": 300, "months": 4, "sessions_per_day": 10,
        "events_days": 30}
EVENT_TYPES = {"view", "click", "add_to_cart", "remove_from_cart", "search", "checkout_start",
               "purchase", "scroll", "hesitation", "chat_open"}
# fmt: on
PARIS = "Europe/Paris"


@pytest.fixture(scope="module")
def shop() -> GeneratedShop:
    return generate_shop(DemoShopConfig(**SMALL))


@pytest.fixture(scope="module")
def ablated() -> GeneratedShop:
    return generate_shop(DemoShopConfig(**SMALL, weekly_seasonality=False, weather_effect=False))


def weekday_estimate(orders: pd.DataFrame) -> np.ndarray:
    """Orders per weekday over their centred 7-day mean, pooled, normalised to mean one.

    Days more than twice or under half their week's mean (Black Friday, Christmas) are left
    out, so one-off occasions do not leak into the weekday they happen to fall on.
    """
    days = orders["placed_at"].dt.tz_convert(PARIS).dt.tz_localize(None).dt.normalize()
    daily = days.value_counts().sort_index().asfreq("D", fill_value=0)
    frame = pd.DataFrame({"count": daily, "week": daily.rolling(7, center=True).mean()}).dropna()
    ratio = frame["count"] / frame["week"]
    frame = frame[ratio.between(0.5, 2.0)]
    by_weekday = frame.groupby(frame.index.dayofweek)
    est = (by_weekday["count"].sum() / by_weekday["week"].sum()).to_numpy()
    return est / est.mean()


def repeat_gaps(shop: GeneratedShop) -> pd.DataFrame:
    """Days between a customer's consecutive purchases of the same consumable sku."""
    lines = shop.order_lines.merge(shop.orders, left_on="order_external_id", right_on="external_id")
    lines = lines[lines["sku"].isin(list(shop.truth["repurchase_interval_days"]))]
    lines = lines.sort_values("placed_at")
    gap = lines.groupby(["customer_external_id", "sku"])["placed_at"].diff()
    return pd.DataFrame({"sku": lines["sku"], "gap": gap.dt.total_seconds() / 86400}).dropna()


def rain_correlation(shop: GeneratedShop) -> float:
    """Correlation of umbrella units with rain, both taken relative to their region-month mean."""
    category = shop.products.set_index("sku")["category"]
    lines = shop.order_lines[shop.order_lines["sku"].map(category) == "umbrellas & rainwear"]
    lines = lines.merge(shop.orders, left_on="order_external_id", right_on="external_id")
    day = lines["placed_at"].dt.tz_convert(PARIS).dt.tz_localize(None).dt.normalize()
    units = lines.groupby([lines["shipping_region"], day])["quantity"].sum()
    rain = shop.signals[shop.signals["name"] == "weather.precip_mm"]
    grid = pd.DataFrame(
        {"region": rain["region"], "day": rain["ts"].dt.tz_localize(None), "precip": rain["value"]}
    )
    grid["units"] = (
        units.reindex(pd.MultiIndex.from_frame(grid[["region", "day"]])).fillna(0).to_numpy()
    )
    group = [grid["region"], grid["day"].dt.to_period("M")]
    res_units = grid["units"] - grid.groupby(group)["units"].transform("mean")
    res_rain = grid["precip"] - grid.groupby(group)["precip"].transform("mean")
    return float(np.corrcoef(res_units, res_rain)[0, 1])


def test_same_seed_gives_identical_frames_and_other_seed_differs() -> None:
    first, second = generate_shop(DemoShopConfig(**TINY)), generate_shop(DemoShopConfig(**TINY))
    for name, frame in first.tables().items():
        pd.testing.assert_frame_equal(frame, second.tables()[name], obj=name)
    assert first.truth == second.truth
    other = generate_shop(DemoShopConfig(**TINY, seed=7))
    assert not first.orders.equals(other.orders)
    assert not first.products["title"].equals(other.products["title"])


def test_invalid_config_is_refused_with_a_code() -> None:
    with pytest.raises(InvalidInputError) as err:
        DemoShopConfig(n_products=0)
    assert err.value.code is ErrorCode.INVALID_INPUT


def test_progress_reports_steps_up_to_done() -> None:
    seen: list[tuple[str, float]] = []
    generate_shop(DemoShopConfig(**TINY), progress=lambda step, done: seen.append((step, done)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)
    assert seen[-1] == ("done", 1.0)


def test_catalogue_is_consistent(shop: GeneratedShop) -> None:
    products = shop.products
    assert products["sku"].is_unique
    assert products["category"].nunique() >= 20
    assert set(products["supplier_ref"]) <= set(shop.suppliers["supplier_ref"])
    cents = np.round(products["price"] * 100).astype(int) % 100
    assert set(cents) <= {99, 90}
    assert (products["price"] > products["cost"]).all()
    assert shop.customers["email"].is_unique
    assert shop.suppliers["lead_time_days"].between(3, 21).all()
    consumables = set(products.loc[products["is_consumable"], "sku"])
    assert consumables == set(shop.truth["repurchase_interval_days"])


def test_catalogue_has_families_and_ranges_pricing_can_keep() -> None:
    products = generate_shop(GROUPED).products
    skus, attributes = products["sku"].to_list(), products["attributes"].to_list()
    # placement() is how pricing reads them: it refuses a malformed family, range or tier.
    places = [placement(sku, a) for sku, a in zip(skus, attributes, strict=True)]
    families: dict[str, list[int]] = {}
    ranges: dict[str, list[int]] = {}
    for i, place in enumerate(places):
        if place.family_id is not None:
            families.setdefault(place.family_id, []).append(i)
        if place.range_id is not None:
            ranges.setdefault(place.range_id, []).append(i)
    assert families
    assert ranges
    in_family = {i for members in families.values() for i in members}
    in_range = {i for members in ranges.values() for i in members}
    assert not in_family & in_range
    assert 0.05 <= len(in_family | in_range) / len(products) <= 0.3  # seen, not everywhere
    for members in families.values():  # the sizes of one product
        rows = products.iloc[members]
        assert len(members) > 1
        assert rows["brand"].nunique() == 1
        assert rows["size"].is_unique
    for members in ranges.values():  # one product per tier, dearer with each tier up
        assert len(members) > 1
        assert products.iloc[members]["category"].nunique() == 1
        ladder = sorted((places[i].tier, float(products["price"].iloc[i])) for i in members)
        tiers = [tier for tier, _ in ladder]
        prices = [price for _, price in ladder]
        assert len(set(tiers)) == len(tiers)
        assert prices == sorted(set(prices)), f"tier order broken at list prices: {ladder}"
    again = generate_shop(GROUPED).products["attributes"].to_list()
    assert again == attributes


def test_orders_and_lines_add_up(shop: GeneratedShop) -> None:
    orders, lines = shop.orders, shop.order_lines
    assert orders["external_id"].is_unique
    assert set(lines["order_external_id"]) == set(orders["external_id"])
    assert set(lines["sku"]) <= set(shop.products["sku"])
    assert set(orders["customer_external_id"]) <= set(shop.customers["external_id"])
    assert (lines["quantity"] >= 1).all()
    line_no = lines.groupby("order_external_id")["line_no"].agg(["min", "max", "count"])
    assert (line_no["min"] == 1).all()
    assert (line_no["max"] == line_no["count"]).all()
    gross = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_external_id"]).sum()
    discount = lines.groupby("order_external_id")["discount"].sum()
    by_id = orders.set_index("external_id")
    np.testing.assert_allclose(by_id["discount_total"], discount.reindex(by_id.index), atol=0.006)
    np.testing.assert_allclose(by_id["total"], (gross - discount).reindex(by_id.index), atol=0.011)
    assert set(orders["status"]) <= {"delivered", "shipped", "processing", "cancelled", "returned"}
    last_day = orders["placed_at"].max() - pd.Timedelta(hours=12)
    assert not (orders.loc[orders["placed_at"] > last_day, "status"] == "delivered").any()
    cost = shop.products.set_index("sku")["cost"]
    assert (lines["unit_price"] > lines["sku"].map(cost)).all()


def test_nothing_is_bought_before_it_exists(shop: GeneratedShop) -> None:
    lines = shop.order_lines.merge(shop.orders, left_on="order_external_id", right_on="external_id")
    launched = lines["sku"].map(shop.products.set_index("sku")["created_at"])
    assert (lines["placed_at"] > launched).all()
    signed_up = shop.orders["customer_external_id"].map(
        shop.customers.set_index("external_id")["created_at"]
    )
    assert (shop.orders["placed_at"].dt.date >= signed_up.dt.date).all()


def test_stock_never_negative_and_matches_levels(shop: GeneratedShop) -> None:
    moves = shop.stock_moves.sort_values("occurred_at", kind="stable")
    running = moves.groupby("sku")["quantity"].cumsum()
    assert (running >= 0).all()
    final = moves.groupby("sku")["quantity"].sum()
    levels = shop.stock_levels.set_index("sku")["on_hand"]
    pd.testing.assert_series_equal(final.reindex(levels.index), levels, check_names=False)
    assert {"receipt", "sale"} <= set(moves["reason"])
    lines = shop.order_lines.merge(shop.orders, left_on="order_external_id", right_on="external_id")
    sold = lines.loc[lines["status"] != "cancelled", "quantity"].sum()
    assert -moves.loc[moves["reason"] == "sale", "quantity"].sum() == sold


def test_timestamps_are_utc(shop: GeneratedShop) -> None:
    for name, frame in shop.tables().items():
        for column in frame.columns:
            if column.endswith("_at") or column == "ts":
                assert str(frame[column].dtype) == "datetime64[ns, UTC]", (name, column)


def test_events_are_valid_and_purchases_link_orders(shop: GeneratedShop) -> None:
    events = shop.events
    assert set(events["type"]) == EVENT_TYPES
    assert events["event_id"].is_unique
    purchases = events[events["type"] == "purchase"]
    orders = shop.orders.set_index("external_id")
    assert purchases["order_external_id"].isin(orders.index).all()
    linked = orders.loc[purchases["order_external_id"]]
    assert (linked["placed_at"].to_numpy() == purchases["occurred_at"].to_numpy()).all()
    assert (
        linked["customer_external_id"].to_numpy() == purchases["customer_external_id"].to_numpy()
    ).all()
    searches = events[events["type"] == "search"]
    assert searches["query"].notna().all()
    assert events.loc[events["type"] != "search", "query"].isna().all()
    for column, kind in (("dwell_ms", int), ("quantity", int), ("scroll_pct", float)):
        assert {type(v) for v in events[column]} == {kind, type(None)}, column
    scroll = events["scroll_pct"].dropna()
    assert scroll.between(0, 100).all()
    assert {"page_type", "device", "referrer", "locale", "region", "city"} == set(
        events["context"].iloc[0]
    )


def test_sessions_behave_like_shoppers(shop: GeneratedShop) -> None:
    events = shop.events
    carts = set(events.loc[events["type"] == "add_to_cart", "session_id"])
    bought = set(events.loc[events["type"] == "purchase", "session_id"])
    assert 0.6 <= 1 - len(bought) / len(carts) <= 0.8  # about 70% of carts are abandoned
    assert {"remove_from_cart", "hesitation"} <= set(events["type"])
    purchased = events[events["type"] == "purchase"].merge(
        shop.order_lines, on="order_external_id"
    )[["session_id", "sku_y"]]
    views = events[events["type"] == "view"].dropna(subset=["sku"])
    key = pd.MultiIndex.from_frame(views[["session_id", "sku"]])
    is_bought = key.isin(pd.MultiIndex.from_frame(purchased.rename(columns={"sku_y": "sku"})))
    dwell = pd.to_numeric(views["dwell_ms"])
    assert dwell[is_bought].median() > 1.5 * dwell[~is_bought].median()


def test_truth_is_complete_and_saved_as_json(shop: GeneratedShop, tmp_path: Path) -> None:
    path = tmp_path / "truth.json"
    shop.save_truth(path)
    truth = json.loads(path.read_text(encoding="utf-8"))
    required = {"weekday_multipliers", "yearly_profile", "elasticity", "repurchase_interval_days",
                "weather_sensitivity", "holidays", "promotions", "local_events", "config", "effects"}  # fmt: skip
    assert required <= set(truth)
    assert len(truth["weekday_multipliers"]) == 7
    assert all(len(v) == 12 for v in truth["yearly_profile"].values())
    assert set(truth["elasticity"]) == set(shop.products["sku"])
    assert all(-4.0 <= e <= -0.5 for e in truth["elasticity"].values())
    promo_changes = shop.price_changes[shop.price_changes["reason"] == "promotion"]
    assert len(promo_changes) == len(truth["promotions"]) > 0


def test_weekly_seasonality_is_recovered(shop: GeneratedShop) -> None:
    truth = np.array(shop.truth["weekday_multipliers"])
    np.testing.assert_allclose(weekday_estimate(shop.orders), truth, rtol=0.10)


def test_repurchase_interval_is_recovered(shop: GeneratedShop) -> None:
    gaps = repeat_gaps(shop)
    top = gaps["sku"].value_counts().index[:3]
    for sku in top:
        true = shop.truth["repurchase_interval_days"][sku]
        median = gaps.loc[gaps["sku"] == sku, "gap"].median()
        assert abs(median / true - 1) <= 0.10, (sku, median, true)


def test_weather_drives_umbrella_sales(shop: GeneratedShop) -> None:
    assert rain_correlation(shop) > 0.05


def test_without_weekly_seasonality_weekdays_are_flat(ablated: GeneratedShop) -> None:
    assert ablated.truth["weekday_multipliers"] == [1.0] * 7
    np.testing.assert_allclose(weekday_estimate(ablated.orders), np.ones(7), rtol=0.10)


def test_without_weather_effect_umbrellas_ignore_rain(ablated: GeneratedShop) -> None:
    assert abs(rain_correlation(ablated)) < 0.05
    assert all(v == 0.0 for s in ablated.truth["weather_sensitivity"].values() for v in s.values())


def test_switched_off_effects_are_absent_from_data_and_truth() -> None:
    off = ("promotions", "repurchase_cycles", "holidays", "price_response", "yearly_seasonality")
    plain = generate_shop(
        DemoShopConfig(**TINY, trends=False, local_events=False, **dict.fromkeys(off, False))
    )
    truth = plain.truth
    assert truth["promotions"] == []
    assert truth["holidays"] == []
    assert truth["repurchase_interval_days"] == {}
    assert truth["trend_spikes"] == []
    assert set(plain.price_changes["reason"]) <= {"list price update"}
    assert set(truth["elasticity"].values()) == {0.0}
    assert set(truth["category_trends"].values()) == {0.0}
    assert {v for row in truth["yearly_profile"].values() for v in row} == {1.0}
    assert {v for e in truth["local_events"] for v in e["lifts"].values()} == {1.0}
    # The calendar of events is still observed: only its effect on demand is gone.
    assert (plain.signals["name"] == "local_event").any()
    # Without trends the customer base does not grow during the history either.
    assert (plain.customers["created_at"] < plain.orders["placed_at"].min()).all()
    assert not any(truth["effects"][k] for k in (*off, "trends", "local_events"))


@pytest.mark.slow
def test_default_config_has_expected_volumes() -> None:
    shop = generate_shop(DemoShopConfig())
    assert len(shop.products) == 1000
    assert len(shop.customers) == 10000
    assert 80_000 <= len(shop.orders) <= 150_000
    assert 2.0 <= len(shop.order_lines) / len(shop.orders) <= 3.0
    expected_events = 300 * 90 * 6
    assert 0.6 * expected_events <= len(shop.events) <= 1.6 * expected_events
    competitor = shop.signals["name"].str.startswith("competitor_price.")
    assert shop.signals.loc[competitor, "sku"].nunique() == 200
    assert shop.signals.loc[competitor, "name"].nunique() == 2
    key = shop.signals[["name", "region", "sku", "ts"]].fillna("")
    assert not key.duplicated().any(), "one value per series and day, as the table requires"
