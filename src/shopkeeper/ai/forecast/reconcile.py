"""Forecasts of SKUs, categories and the whole shop that add up: hierarchical reconciliation.

Forecast every level on its own (each SKU, each category's total, the shop's total) and the
numbers disagree: a category's SKUs do not sum to the category's forecast. Reconciliation
turns the base forecasts ``y`` of every node into coherent ones, ``S @ P @ y``, where ``S``
sums bottom series into every node and ``P`` depends on the method:

- ``bottom_up``: the bottom forecasts, summed upward; the aggregates' own forecasts are
  ignored.
- ``ols``: MinTrace with identity weights, the orthogonal projection onto coherent
  forecasts; every node's disagreement is spread evenly, whatever its size.
- ``mint_shrink``: MinTrace weighted by the covariance of the base forecasts' errors,
  shrunk towards its diagonal (Schäfer & Strimmer 2005), after Wickramasuriya,
  Athanasopoulos & Hyndman (2019, JASA 114:804). Needs each node's residuals (actual minus
  forecast, in-sample or on a validation window) on common dates.

The linear algebra is Nixtla's ``hierarchicalforecast``; the hierarchy (node ids, the
summing matrix, aggregating a bottom history) is :mod:`.hierarchy`; this module holds the
checks at the door, the intervals and the handling of negative means.

Intervals: each node keeps its base interval's offsets around its reconciled mean, so the
base model's calibration per node (the conformal bounds of
:class:`~.local.LocalForecaster`) survives and the cost is linear. They are marginal
intervals, not a coherent joint distribution; a lower bound at 0 stays at 0. The library's ``normality`` intervals carry
the base covariance through ``S P`` with two dense nodes×nodes products per period ahead,
kept in memory: on Walmart (3,352 nodes, 39 weeks, three methods) about 4 minutes and
4.3 GB, and with BottomUp's independent errors the total's 80 % interval held 13 % of the
held-out weeks (a first version of ``benchmarks/forecast_hierarchy.py`` used them).

Negative means: MinT moves every bottom forecast by a share of the aggregates'
disagreement, so a small SKU can come out below zero. With ``nonnegative=True`` (demand)
negative reconciled bottom means are set to 0 and every aggregate is summed again from the
bottom, which keeps the forecasts coherent; each node's interval moves with its mean and is
cut at 0. The library's alternative (non-negative MinTrace) solves one quadratic programme
of as many variables as bottom series per period ahead, which a nightly run over thousands
of SKUs cannot afford.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from shopkeeper.ai.forecast.hierarchy import Hierarchy, listed, require
from shopkeeper.ai.forecast.prediction import Forecast
from shopkeeper.core.errors import InvalidInputError

__all__ = ["METHODS", "Hierarchy", "Method", "reconcile"]

Method = Literal["bottom_up", "ols", "mint_shrink"]
METHODS: tuple[Method, ...] = ("bottom_up", "ols", "mint_shrink")
_MAX_LISTED = 5


def reconcile(
    base: pd.DataFrame,
    hierarchy: Hierarchy,
    *,
    method: Method = "mint_shrink",
    residuals: pd.DataFrame | None = None,
    levels: tuple[int, ...] = (),
    nonnegative: bool = True,
) -> Forecast:
    """Coherent forecasts for every node of ``hierarchy`` from its base forecasts.

    Parameters
    ----------
    base
        ``unique_id, ds, mean`` for every node of the hierarchy over the same dates, and
        ``lo-L, hi-L`` for every ``L`` in ``levels`` (a :class:`.Forecast` frame); an
        optional ``model`` column is kept.
    method
        ``bottom_up``, ``ols`` or ``mint_shrink`` (see the module's docstring).
    residuals
        ``unique_id, ds, residual`` (actual minus forecast) for every node, on common dates,
        at least two finite values per node; needed by ``mint_shrink`` only. A NaN marks a
        date a series has no residual for (not yet sold, a season not yet seen).
    levels
        Interval levels in percent to carry over from ``base``; ``()``: means only.
    nonnegative
        Demand: refuse negative base means and cut negative reconciled ones to 0 (the
        aggregates summed again). ``False`` for values that may be negative (returns).

    Returns
    -------
    Forecast
        ``unique_id, ds, mean``, the intervals asked, ``model`` when ``base`` had it and
        ``reconciliation`` (the method), nodes in the hierarchy's order.

    Examples
    --------
    >>> tree = Hierarchy.from_groups({"category": {"a": "AB", "b": "AB"}}, total=None)
    >>> base = pd.DataFrame({"unique_id": ["AB", "a", "b"], "ds": ["2026-01-01"] * 3,
    ...                      "mean": [12.0, 4.0, 5.0]})
    >>> reconcile(base, tree, method="bottom_up").frame["mean"].tolist()
    [9.0, 4.0, 5.0]
    >>> reconcile(base, tree, method="ols").frame["mean"].round(2).tolist()
    [11.0, 5.0, 6.0]
    """
    # Imported here: the library pulls matplotlib in, which nothing else at import needs.
    from hierarchicalforecast.core import (  # type: ignore[import-untyped]
        HierarchicalReconciliation,
    )
    from hierarchicalforecast.methods import BottomUp, MinTrace  # type: ignore[import-untyped]
    from hierarchicalforecast.utils import SMatrix  # type: ignore[import-untyped]

    if method not in METHODS:
        raise InvalidInputError(f"method must be one of {', '.join(METHODS)}", method=method)
    frame = _checked_base(base, hierarchy, levels, nonnegative=nonnegative)
    bounds = [f"{side}-{level}" for level in levels for side in ("lo", "hi")]
    y_hat = frame[["unique_id", "ds", "mean"]].rename(columns={"mean": "base"})
    insample = None
    if method == "mint_shrink":
        insample = _checked_residuals(residuals, hierarchy)
    reconciler = BottomUp() if method == "bottom_up" else MinTrace(method=method)
    tags = {level: np.asarray(ids, dtype=object) for level, ids in hierarchy.levels.items()}
    matrix = SMatrix(
        hierarchy.summing_matrix(),
        np.asarray(hierarchy.ids, dtype=object),
        np.asarray(hierarchy.bottom, dtype=object),
    )
    out = HierarchicalReconciliation([reconciler]).reconcile(
        Y_hat_df=y_hat, tags=tags, S_df=matrix, Y_df=insample
    )
    made = next(c for c in out.columns if c not in y_hat.columns)
    result = out[["unique_id", "ds"]].assign(mean=out[made].to_numpy(dtype="float64"))
    if nonnegative:
        result = _cut_negatives(result, hierarchy)
    kept = ["unique_id", "ds", "mean", *bounds, *(["model"] if "model" in frame else [])]
    result = result.merge(
        frame[kept].rename(columns={"mean": "base_mean"}), on=["unique_id", "ds"], how="left"
    )
    for bound in bounds:
        # The base interval's offsets around the new mean: see the module's docstring.
        moved = result["mean"] + result[bound] - result["base_mean"]
        if nonnegative:
            # A lower bound at 0 (a day without sales is likely) stays there: moved up by a
            # hundredth of a unit it would exclude every zero day, about half of the demo
            # shop's SKU-days (SKU coverage of the 80 % interval fell from 84 % to 64 %).
            floor = bound.startswith("lo-") & (result[bound] <= 0)
            moved = moved.where(~floor, 0.0).clip(lower=0.0)
        result[bound] = moved
    result = result.drop(columns="base_mean")
    result["reconciliation"] = method
    return Forecast(frame=result.reset_index(drop=True))


def _checked_base(
    base: pd.DataFrame, hierarchy: Hierarchy, levels: tuple[int, ...], *, nonnegative: bool
) -> pd.DataFrame:
    bounds = tuple(f"{side}-{level}" for level in levels for side in ("lo", "hi"))
    require(base, ("unique_id", "ds", "mean", *bounds), "base forecasts")
    frame = base.assign(unique_id=base["unique_id"].astype(str), ds=pd.to_datetime(base["ds"]))
    _check_ids(set(frame["unique_id"]), hierarchy, "base forecasts")
    if frame.duplicated(["unique_id", "ds"]).any():
        raise InvalidInputError("base forecasts hold a (series, date) pair more than once")
    # No pair twice, so a series has every date exactly when it has as many rows as dates.
    counts = frame.groupby("unique_id").size()
    odd = sorted(str(uid) for uid in counts.index[counts != frame["ds"].nunique()])
    if odd:
        raise InvalidInputError(
            f"every series needs forecasts for the same dates; {len(odd)} miss some of "
            f"them: {listed(odd)}",
            series=odd[:_MAX_LISTED],
        )
    values = frame[["mean", *bounds]].to_numpy(dtype="float64")
    if not np.isfinite(values).all():
        bad = frame.loc[~np.isfinite(values).all(axis=1), "unique_id"]
        raise InvalidInputError(
            f"base forecasts hold missing or infinite values, in {listed(set(bad))}"
        )
    if nonnegative and (frame["mean"] < 0).any():
        bad = frame.loc[frame["mean"] < 0, "unique_id"]
        raise InvalidInputError(
            f"negative base forecasts of demand, in {listed(set(bad))}; "
            "fix the base model or pass nonnegative=False if values may be negative",
        )
    return frame


def _check_ids(found: set[str], hierarchy: Hierarchy, what: str) -> None:
    expected = set(hierarchy.ids)
    unknown, absent = found - expected, expected - found
    if unknown:
        raise InvalidInputError(
            f"{what} name {len(unknown)} series missing from the hierarchy's mapping: "
            f"{listed(unknown)}",
            series=sorted(unknown)[:_MAX_LISTED],
        )
    if absent:
        raise InvalidInputError(
            f"{what} lack {len(absent)} series of the hierarchy: {listed(absent)}",
            series=sorted(absent)[:_MAX_LISTED],
        )


def _checked_residuals(residuals: pd.DataFrame | None, hierarchy: Hierarchy) -> pd.DataFrame:
    if residuals is None:
        raise InvalidInputError("mint_shrink needs residuals (actual minus forecast) per series")
    require(residuals, ("unique_id", "ds", "residual"), "residuals")
    frame = residuals.assign(
        unique_id=residuals["unique_id"].astype(str), ds=pd.to_datetime(residuals["ds"])
    )
    _check_ids(set(frame["unique_id"]), hierarchy, "residuals")
    if frame.duplicated(["unique_id", "ds"]).any():
        raise InvalidInputError("residuals hold a (series, date) pair more than once")
    values = frame["residual"].to_numpy(dtype="float64")
    if np.isinf(values).any():
        raise InvalidInputError("residuals must be finite (NaN marks a missing one)")
    finite = frame.assign(ok=np.isfinite(values)).groupby("unique_id")["ok"].sum()
    few = finite[finite < 2]
    if len(few):
        raise InvalidInputError(
            f"{len(few)} series have fewer than 2 residuals: {listed(set(few.index))}",
            series=sorted(few.index)[:_MAX_LISTED],
        )
    # Residuals on a grid of every (series, date), NaN where missing; the library reads
    # them as actuals ``y`` against in-sample forecasts of 0.
    grid = pd.MultiIndex.from_product(
        [list(hierarchy.ids), sorted(frame["ds"].unique())], names=["unique_id", "ds"]
    )
    y = frame.set_index(["unique_id", "ds"])["residual"].reindex(grid)
    return y.rename("y").reset_index().assign(base=0.0)


def _cut_negatives(result: pd.DataFrame, hierarchy: Hierarchy) -> pd.DataFrame:
    """Negative bottom means to 0 and every node summed again from the bottom."""
    wide = result.pivot(index="unique_id", columns="ds", values="mean")
    wide = wide.reindex(list(hierarchy.ids))
    bottom = wide.loc[list(hierarchy.bottom)].to_numpy()
    if (bottom >= 0).all():
        return result
    summed = np.asarray(hierarchy.summing_matrix() @ np.maximum(bottom, 0.0))
    return pd.DataFrame(
        {
            "unique_id": np.repeat(wide.index.to_numpy(), len(wide.columns)),
            "ds": np.tile(wide.columns.to_numpy(), len(wide.index)),
            "mean": summed.ravel(),
        }
    )
