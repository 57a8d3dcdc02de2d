"""Hierarchical reconciliation: coherent sums, bottom-up, refused inputs, MinT's weighting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shopkeeper.ai.forecast.hierarchy import Hierarchy
from shopkeeper.ai.forecast.reconcile import METHODS, Method, reconcile
from shopkeeper.core.errors import ErrorCode, InvalidInputError

DATES = pd.date_range("2026-03-01", periods=5, freq="D")
PAST = pd.date_range("2026-01-01", periods=40, freq="D")


def shop(n_skus: int = 9, n_categories: int = 3) -> Hierarchy:
    skus = [f"SKU-{i}" for i in range(n_skus)]
    return Hierarchy.from_groups(
        {"category": {sku: f"cat-{i % n_categories}" for i, sku in enumerate(skus)}},
        total="shop",
        bottom_level="sku",
    )


def frame_of(
    tree: Hierarchy, values: dict[str, np.ndarray], dates: pd.DatetimeIndex
) -> pd.DataFrame:
    return pd.DataFrame(
        [(uid, d, float(v)) for uid in tree.ids for d, v in zip(dates, values[uid], strict=True)],
        columns=["unique_id", "ds", "mean"],
    )


def random_base(tree: Hierarchy, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Incoherent base forecasts with 80% bounds, and residuals of every node."""
    rng = np.random.default_rng(seed)
    base = frame_of(tree, {u: rng.uniform(5, 50, len(DATES)) for u in tree.ids}, DATES)
    base["lo-80"] = base["mean"] * 0.7
    base["hi-80"] = base["mean"] * 1.3
    residuals = frame_of(tree, {u: rng.normal(0, 3, len(PAST)) for u in tree.ids}, PAST)
    return base, residuals.rename(columns={"mean": "residual"})


def wide(frame: pd.DataFrame, column: str = "mean") -> pd.DataFrame:
    return frame.pivot(index="unique_id", columns="ds", values=column)


@pytest.mark.parametrize("method", METHODS)
def test_every_parent_is_the_sum_of_its_children(method: Method) -> None:
    tree = shop()
    base, residuals = random_base(tree)
    out = reconcile(base, tree, method=method, residuals=residuals, levels=(80,)).frame
    means = wide(out)
    parents = tree.parents["category"]
    for category in tree.levels["category"]:
        children = [b for b, p in zip(tree.bottom, parents, strict=True) if p == category]
        np.testing.assert_allclose(means.loc[category], means.loc[children].sum(), rtol=1e-9)
    np.testing.assert_allclose(means.loc["shop"], means.loc[list(tree.bottom)].sum(), rtol=1e-9)
    # The base forecasts did not add up: reconciliation changed something.
    assert not np.allclose(wide(base).loc["shop"], means.loc["shop"])
    assert (out["lo-80"] <= out["mean"]).all()
    assert (out["mean"] <= out["hi-80"]).all()
    assert set(out["reconciliation"]) == {method}


def test_grouped_structures_that_do_not_nest_add_up_too() -> None:
    """Store×department into stores and into departments: two parents per bottom series."""
    ids = [f"{s}_{d}" for s in (1, 2) for d in (1, 2, 3)]
    tree = Hierarchy.from_groups(
        {
            "store": {uid: f"store {uid.split('_')[0]}" for uid in ids},
            "dept": {uid: f"dept {uid.split('_')[1]}" for uid in ids},
        }
    )
    base, residuals = random_base(tree, seed=3)
    means = wide(reconcile(base, tree, residuals=residuals).frame)
    for dept in ("1", "2", "3"):
        np.testing.assert_allclose(
            means.loc[f"dept {dept}"], means.loc[[f"1_{dept}", f"2_{dept}"]].sum(), rtol=1e-9
        )
    np.testing.assert_allclose(means.loc["total"], means.loc[ids].sum(), rtol=1e-9)


def test_bottom_up_keeps_the_bottom_and_sums_it() -> None:
    tree = shop()
    base, _ = random_base(tree, seed=1)
    out = wide(reconcile(base, tree, method="bottom_up").frame)
    before = wide(base)
    bottom = list(tree.bottom)
    np.testing.assert_allclose(out.loc[bottom], before.loc[bottom])
    np.testing.assert_allclose(out.loc["shop"], before.loc[bottom].sum())


def test_mint_shrink_trusts_the_levels_that_erred_least() -> None:
    """A top forecast 30 % too high, from a model whose past errors were large.

    The bottom forecasts are right and their past errors small, so MinT with the errors'
    covariance should pull the top back to near the bottom's sum; OLS, which weighs every
    node alike, splits the difference and spreads the bias over the SKUs.
    """
    rng = np.random.default_rng(7)
    tree = shop(n_skus=12, n_categories=3)
    truth = {b: np.full(len(DATES), rng.uniform(10, 30)) for b in tree.bottom}
    s = tree.summing_matrix().toarray()
    bottom_truth = np.array([truth[b] for b in tree.bottom])
    every = dict(zip(tree.ids, s @ bottom_truth, strict=True))
    base_values = {u: v.copy() for u, v in every.items()}
    base_values["shop"] = every["shop"] * 1.3
    base = frame_of(tree, base_values, DATES)
    scale = {u: 20.0 if u == "shop" else 1.0 for u in tree.ids}
    residuals = frame_of(tree, {u: rng.normal(0, scale[u], len(PAST)) for u in tree.ids}, PAST)
    residuals = residuals.rename(columns={"mean": "residual"})
    actual = frame_of(tree, every, DATES).rename(columns={"mean": "y"})

    def top_and_bottom_error(method: str) -> tuple[float, float]:
        if method == "base":
            out = base
        else:
            out = reconcile(base, tree, method=method, residuals=residuals).frame  # type: ignore[arg-type]
        joined = actual.merge(out, on=["unique_id", "ds"])
        err = (joined["y"] - joined["mean"]).abs()
        top = float(err[joined["unique_id"] == "shop"].mean())
        return top, float(err[joined["unique_id"].isin(tree.bottom)].mean())

    base_top, base_bottom = top_and_bottom_error("base")
    mint_top, mint_bottom = top_and_bottom_error("mint_shrink")
    ols_top, ols_bottom = top_and_bottom_error("ols")
    assert base_bottom == 0.0
    assert mint_top < 0.25 * base_top
    assert mint_top < 0.5 * ols_top
    assert mint_bottom < 0.5 * ols_bottom


def test_negative_means_after_mint_are_cut_and_the_sums_still_hold() -> None:
    tree = Hierarchy.from_groups({"category": {"a": "AB", "b": "AB"}}, total=None)
    base = frame_of(tree, {"AB": np.full(5, 2.0), "a": np.full(5, 10.0), "b": np.zeros(5)}, DATES)
    raw = wide(reconcile(base, tree, method="ols", nonnegative=False).frame)
    assert (raw.loc["b"] < 0).all()
    kept = wide(reconcile(base, tree, method="ols").frame)
    assert (kept >= 0).all().all()
    np.testing.assert_allclose(kept.loc["b"], 0.0)
    np.testing.assert_allclose(kept.loc["AB"], kept.loc["a"] + kept.loc["b"])


def refused(words: str, call: object, *args: object, **kwargs: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert words in caught.value.message


def test_bad_forecasts_and_residuals_are_refused() -> None:
    tree = shop()
    base, residuals = random_base(tree)
    stranger = base[base["unique_id"] == "SKU-0"].assign(unique_id="SKU-99")
    refused("missing from the hierarchy", reconcile, pd.concat([base, stranger]), tree)
    refused("lack 1 series", reconcile, base[base["unique_id"] != "SKU-3"], tree)
    shifted = base.copy()
    shifted.loc[shifted["unique_id"] == "SKU-2", "ds"] += pd.Timedelta(days=1)
    refused("same dates", reconcile, shifted, tree, method="bottom_up")
    holes = base.copy()
    holes.loc[3, "mean"] = np.nan
    refused("missing or infinite", reconcile, holes, tree, method="ols")
    below = base.copy()
    below.loc[5, "mean"] = -1.0
    refused("negative base forecasts", reconcile, below, tree, method="ols")
    refused("missing columns lo-95, hi-95", reconcile, base, tree, method="ols", levels=(95,))
    refused("needs residuals", reconcile, base, tree)
    refused("must be one of", reconcile, base, tree, method="top_down")
    few = residuals[(residuals["unique_id"] != "cat-1") | (residuals["ds"] == PAST[0])]
    refused("fewer than 2 residuals", reconcile, base, tree, residuals=few)
    refused(
        "residuals lack",
        reconcile,
        base,
        tree,
        residuals=residuals[residuals["unique_id"] != "shop"],
    )


def test_negative_base_passes_when_values_may_be_negative() -> None:
    tree = shop()
    base, _ = random_base(tree)
    base.loc[base["unique_id"] == "SKU-1", "mean"] = -4.0  # returns outweigh sales
    out = wide(reconcile(base, tree, method="bottom_up", nonnegative=False).frame)
    assert (out.loc["SKU-1"] == -4.0).all()


def test_bad_hierarchies_are_refused() -> None:
    refused(
        "same bottom ids", Hierarchy.from_groups, {"store": {"1_1": "s1"}, "dept": {"1_2": "d2"}}
    )
    refused("used by levels", Hierarchy.from_groups, {"category": {"a": "a"}})
    refused("used by levels", Hierarchy.from_groups, {"category": {"a": "shop"}}, total="shop")
    refused("must differ", Hierarchy.from_groups, {"total": {"a": "x"}})
    refused("needs a total", Hierarchy.from_groups, {}, total=None)
    tree = shop()
    history = pd.DataFrame({"unique_id": ["SKU-1", "SKU-404"], "ds": DATES[:2], "y": [1.0, 2.0]})
    refused("not bottom series", tree.aggregate, history)


def test_aggregate_sums_every_node_and_keeps_the_matrix_order() -> None:
    tree = shop(n_skus=4, n_categories=2)
    rng = np.random.default_rng(2)
    history = pd.DataFrame(
        [(b, d, float(rng.integers(0, 9))) for b in tree.bottom for d in DATES],
        columns=["unique_id", "ds", "y"],
    )
    history = history.drop(index=[0, 7])  # a missing day counts as no sale
    every = tree.aggregate(history)
    assert list(every["unique_id"].drop_duplicates()) == list(tree.ids)
    totals = wide(every, "y").fillna(0.0)
    s = tree.summing_matrix().toarray()
    np.testing.assert_allclose(
        totals.loc[list(tree.ids)].to_numpy(), s @ totals.loc[list(tree.bottom)].to_numpy()
    )


def test_intervals_move_with_the_mean_and_a_zero_floor_stays() -> None:
    """A SKU whose 80 % interval starts at 0 keeps 0 when MinT nudges its mean up."""
    tree = Hierarchy.from_groups({"category": {"a": "AB", "b": "AB"}}, total=None)
    base = frame_of(
        tree, {"AB": np.full(5, 12.0), "a": np.full(5, 4.0), "b": np.full(5, 5.0)}, DATES
    )
    base["lo-80"] = np.where(base["unique_id"] == "a", 0.0, base["mean"] - 2.0)
    base["hi-80"] = base["mean"] + 3.0
    out = reconcile(base, tree, method="ols", levels=(80,)).frame.set_index("unique_id")
    np.testing.assert_allclose(out.loc["a", "mean"], 5.0)  # 4 + a third of the gap of 3
    assert (out.loc["a", "lo-80"] == 0.0).all()
    np.testing.assert_allclose(out.loc["a", "hi-80"], 8.0)
    np.testing.assert_allclose(out.loc["b", "lo-80"], 4.0)
    np.testing.assert_allclose(out.loc["AB", "hi-80"], 14.0)
