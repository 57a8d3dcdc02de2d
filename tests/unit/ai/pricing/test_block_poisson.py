"""The block Poisson solver's cells and shared demand shock, checked against direct arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import gammaln

from shopkeeper.ai.pricing.block_poisson import fit_block_poisson

DAYS, PERIODS, SHAPE = 150, 4, 6.0


def periods_of_one_product(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units, log prices and day index of one product's price periods, a gamma shock a day."""
    rng = np.random.default_rng(seed)
    day = np.repeat(np.arange(DAYS), PERIODS)
    x = rng.normal(0, 0.15, DAYS * PERIODS)
    shock = rng.gamma(SHAPE, 1 / SHAPE, DAYS)[day]
    y = rng.poisson(2.0 * shock * np.exp(-1.7 * x)).astype(float)
    return y, x, day


def fit(y: np.ndarray, x: np.ndarray, cells: np.ndarray | None, shape: float | None):  # type: ignore[no-untyped-def]
    rows = len(y)
    return fit_block_poisson(
        y, x, np.zeros((rows, 0)), np.zeros(rows, dtype=np.intp), 1,
        offset=np.zeros(rows), slope_mean=np.array([-1.5]), slope_var=np.array([1e6]),
        intercept_mean=np.zeros(1), intercept_var=1e6, cells=cells, shock_shape=shape,
    )  # fmt: skip


def shared_shock_loglik(params: np.ndarray, y: np.ndarray, x: np.ndarray, day: np.ndarray) -> float:
    """Written out directly: each day's total is negative binomial, its split multinomial."""
    mu = np.exp(params[0] + params[1] * x)
    total_mu = np.bincount(day, mu)
    total_y = np.bincount(day, y)
    k = SHAPE
    negative_binomial = (
        gammaln(total_y + k) - gammaln(k) - gammaln(total_y + 1)
        + k * np.log(k / (k + total_mu)) + total_y * np.log(total_mu / (k + total_mu))
    )  # fmt: skip
    multinomial = (
        gammaln(total_y + 1)
        - np.bincount(day, gammaln(y + 1))
        + np.bincount(day, y * np.log(mu / total_mu[day]))
    )
    return float(np.sum(negative_binomial) + np.sum(multinomial))


def test_cells_only_regroup_the_sums() -> None:
    y, x, day = periods_of_one_product(1)
    plain, grouped = fit(y, x, None, None), fit(y, x, day, None)
    np.testing.assert_allclose(grouped.slope, plain.slope, rtol=1e-9)
    np.testing.assert_allclose(grouped.slope_var, plain.slope_var, rtol=1e-9)


def test_the_shared_shock_fit_is_the_negative_binomial_multinomial_optimum() -> None:
    y, x, day = periods_of_one_product(2)
    got = fit(y, x, day, SHAPE)
    best = minimize(lambda p: -shared_shock_loglik(p, y, x, day), np.zeros(2), method="BFGS")
    assert got.converged
    assert got.intercept[0] == pytest.approx(best.x[0], abs=1e-4)
    assert got.slope[0] == pytest.approx(best.x[1], abs=1e-4)
    # The Laplace variance is the inverse of the log likelihood's curvature, taken here
    # by finite differences.
    h = 1e-4

    def second(i: int, j: int) -> float:
        def at(di: float, dj: float) -> float:
            p = best.x.copy()
            p[i] += di
            p[j] += dj
            return shared_shock_loglik(p, y, x, day)

        return (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)

    hessian = np.array([[second(0, 0), second(0, 1)], [second(1, 0), second(1, 1)]])
    assert got.slope_var[0] == pytest.approx(np.linalg.inv(-hessian)[1, 1], rel=1e-3)
    # Read as independent Poisson counts, the periods claim the level of demand far better
    # known than a shock a day allows.
    assert fit(y, x, None, None).intercept_var[0] < 0.5 * got.intercept_var[0]


def test_a_cell_holds_one_product() -> None:
    with pytest.raises(ValueError, match="one product"):
        fit_block_poisson(
            np.ones(2), np.zeros(2), np.zeros((2, 0)), np.array([0, 1]), 2,
            offset=np.zeros(2), slope_mean=np.zeros(2), slope_var=np.ones(2),
            intercept_mean=np.zeros(2), cells=np.array([0, 0]),
        )  # fmt: skip
