"""Penalised Poisson regression with an intercept and a price slope per product, and shared terms.

The model, for row ``r`` of product ``i``::

    log E[y_r] = offset_r + a_i + b_i * x_r + z_r @ theta

with Gaussian priors ``a_i ~ N(a0_i, va)``, ``b_i ~ N(m_i, v_i)``, ``theta ~ N(0, vt)`` and a
quasi-Poisson likelihood scaled by ``1 / dispersion``, in which a censored row (the stock ran
out) counts as ``P(Y >= y)``. The maximum a posteriori fit is found by
Newton's method on the log posterior; its Hessian is the posterior precision of the Laplace
approximation, from which the marginal variance of every slope is read.

Why a solver of our own rather than scikit-learn's ``PoissonRegressor``: that one penalises
every coefficient toward zero with one strength and returns no covariance, while partial
pooling needs each slope pulled toward its own category mean and a posterior variance. The
Hessian has an "arrow" shape (a 2x2 block per product plus ``k`` shared columns), so each
Newton step solves it through the Schur complement of the product blocks: its cost grows with
rows x k and products x k², and 10,000 products fit about as fast as 100.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
from numpy.typing import NDArray
from scipy.stats import poisson  # type: ignore[import-untyped]

Array = NDArray[np.float64]

_MAX_ETA = 30.0  # exp(30) units: far beyond any shop, keeps a bad step from overflowing


@dataclass(frozen=True, slots=True)
class BlockPoissonFit:
    """The posterior mode and the Laplace variances of :func:`fit_block_poisson`."""

    intercept: Array
    slope: Array
    shared: Array
    intercept_var: Array
    slope_var: Array
    shared_cov: Array
    fitted: Array  # expected y per row at the mode
    iterations: int
    converged: bool


@dataclass(frozen=True, slots=True)
class _Curvature:
    """The Hessian's pieces at one point: 2x2 product blocks (inverted), B, and S⁻¹."""

    inv11: Array
    inv12: Array
    inv22: Array
    inv_b1: Array  # A⁻¹B, first row of each block: (n, k)
    inv_b2: Array
    b1: Array
    b2: Array
    schur_inv: Array


def _curvature(
    sums: Array, wz_sums: Array, c: Array, prior_a: Array, prior_b: Array, k: int
) -> _Curvature:
    a11 = sums[:, 0] + prior_a
    a12 = sums[:, 1]
    a22 = sums[:, 2] + prior_b
    det = a11 * a22 - a12 * a12
    inv11, inv12, inv22 = a22 / det, -a12 / det, a11 / det
    b1, b2 = wz_sums[:, :k], wz_sums[:, k:]
    inv_b1 = inv11[:, None] * b1 + inv12[:, None] * b2
    inv_b2 = inv12[:, None] * b1 + inv22[:, None] * b2
    # einsum, not ``@``: these are small, and OpenBLAS's threads cost more than they save.
    schur = c - np.einsum("ij,ik->jk", b1, inv_b1) - np.einsum("ij,ik->jk", b2, inv_b2)
    schur_inv = np.asarray(np.linalg.inv(schur), dtype=np.float64)
    return _Curvature(inv11, inv12, inv22, inv_b1, inv_b2, b1, b2, schur_inv)


def _score_weights(
    y: Array, mu: Array, censored: NDArray[np.bool_], phi: float
) -> tuple[Array, Array]:
    """Each row's curvature and score in its linear predictor.

    A seen count ``y`` gives ``mu`` and ``y - mu``. A censored one (demand was at least
    ``y``: the stock ran out) gives ``mu - Var[Y | Y >= y]`` and ``E[Y | Y >= y] - mu``, the
    derivatives of ``log P(Y >= y)``; with ``P_k = P(Y >= k)``, ``E[Y 1(Y >= y)] = mu P_(y-1)``
    and ``E[Y (Y - 1) 1(Y >= y)] = mu² P_(y-2)``.
    """
    w, r = mu.copy(), y - mu
    if censored.any():
        s, m = y[censored], mu[censored]
        tail = poisson.logsf(s - 1, m)  # log P(Y >= s)
        mean = m * np.exp(poisson.logsf(s - 2, m) - tail)
        second = m * m * np.exp(poisson.logsf(s - 3, m) - tail) + mean
        w[censored] = np.maximum(m - (second - mean * mean), 0.0)
        r[censored] = mean - m
    return w / phi, r / phi


def fit_block_poisson(
    y: Array,
    x: Array,
    z: Array,
    product: NDArray[np.intp],
    n_products: int,
    *,
    offset: Array,
    slope_mean: Array,
    slope_var: Array,
    intercept_mean: Array,
    intercept_var: float = 25.0,
    shared_var: float = 1.0,
    dispersion: float = 1.0,
    censored: NDArray[np.bool_] | None = None,
    max_iter: int = 60,
    tol: float = 1e-7,
) -> BlockPoissonFit:
    """Fit the model above; ``product`` holds each row's product index in ``[0, n_products)``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> product = np.repeat(np.arange(2), 400)
    >>> x = rng.uniform(-0.3, 0.3, 800)
    >>> true_slope = np.array([-1.0, -2.5])
    >>> y = rng.poisson(np.exp(1.5 + true_slope[product] * x)).astype(float)
    >>> fit = fit_block_poisson(
    ...     y, x, np.zeros((800, 0)), product, 2, offset=np.zeros(800),
    ...     slope_mean=np.full(2, -1.5), slope_var=np.full(2, 4.0),
    ...     intercept_mean=np.zeros(2))
    >>> np.round(fit.slope, 1).tolist(), bool(np.all(np.sqrt(fit.slope_var) < 0.2))
    ([-1.0, -2.6], True)
    """
    n, k = n_products, z.shape[1]
    rows = len(y)
    indicator = sp.csr_matrix((np.ones(rows), (product, np.arange(rows))), shape=(n, rows))
    # Shared terms are mostly zeros (a category's season is zero outside the category):
    # sparse products keep each step linear in the non-zeros and off BLAS threads.
    zs = sp.csr_matrix(z)
    zt = zs.T.tocsr()

    def moments(w: Array) -> tuple[Array, Array]:
        """Per product, the sums of ``w z`` and ``x w z`` side by side; and ``zᵀ W z``."""
        weighted = sp.diags(w) @ zs
        per_product = sp.vstack([indicator @ weighted, indicator @ (sp.diags(x) @ weighted)])
        dense = np.asarray(per_product.toarray())
        return np.hstack([dense[:n], dense[n:]]), np.asarray((zt @ weighted).toarray())

    prior_a = np.full(n, 1.0 / intercept_var)
    prior_b = 1.0 / slope_var
    prior_t = np.full(k, 1.0 / shared_var)
    a, b, theta = intercept_mean.astype(float).copy(), slope_mean.astype(float).copy(), np.zeros(k)
    phi = dispersion
    cut = np.zeros(rows, dtype=bool) if censored is None else np.asarray(censored, dtype=bool)
    seen = ~cut

    def log_posterior(a_: Array, b_: Array, t_: Array) -> tuple[float, Array]:
        eta = np.minimum(offset + a_[product] + b_[product] * x + zs @ t_, _MAX_ETA)
        mu = np.exp(eta)
        value = float(np.sum(y[seen] * eta[seen] - mu[seen]))
        if cut.any():
            value += float(np.sum(poisson.logsf(y[cut] - 1, mu[cut])))
        value /= phi
        value -= 0.5 * float(np.sum(prior_a * (a_ - intercept_mean) ** 2))
        value -= 0.5 * float(np.sum(prior_b * (b_ - slope_mean) ** 2))
        value -= 0.5 * float(np.sum(prior_t * t_**2))
        return value, mu

    current, mu = log_posterior(a, b, theta)
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        w, r = _score_weights(y, mu, cut, phi)
        sums = np.asarray(indicator @ np.column_stack([w, w * x, w * x * x, r, r * x]))
        wz_sums, cross = moments(w)
        curv = _curvature(sums[:, :3], wz_sums, cross + np.diag(prior_t), prior_a, prior_b, k)
        g_a = sums[:, 3] - prior_a * (a - intercept_mean)
        g_b = sums[:, 4] - prior_b * (b - slope_mean)
        g_t = zt @ r - prior_t * theta
        u1 = curv.inv11 * g_a + curv.inv12 * g_b
        u2 = curv.inv12 * g_a + curv.inv22 * g_b
        d_t = curv.schur_inv @ (g_t - curv.b1.T @ u1 - curv.b2.T @ u2)
        d_a = u1 - curv.inv_b1 @ d_t
        d_b = u2 - curv.inv_b2 @ d_t
        # Newton on a concave log posterior; halving only guards the first steps from
        # overshooting where a product sold nothing and its intercept runs downhill.
        step = 1.0
        while True:
            trial = log_posterior(a + step * d_a, b + step * d_b, theta + step * d_t)
            if trial[0] >= current - 1e-9 or step < 1e-4:
                break
            step /= 2
        a, b, theta = a + step * d_a, b + step * d_b, theta + step * d_t
        current, mu = trial
        largest = max(np.max(np.abs(d_a), initial=0), np.max(np.abs(d_b), initial=0))
        if step * max(largest, float(np.max(np.abs(d_t), initial=0))) < tol:
            converged = True
            break

    # Variances at the mode: the block-diagonal part of the inverse Hessian.
    w, _ = _score_weights(y, mu, cut, phi)
    sums = np.asarray(indicator @ np.column_stack([w, w * x, w * x * x]))
    wz_sums, cross = moments(w)
    curv = _curvature(sums, wz_sums, cross + np.diag(prior_t), prior_a, prior_b, k)
    var_a = curv.inv11 + np.einsum("ij,jk,ik->i", curv.inv_b1, curv.schur_inv, curv.inv_b1)
    var_b = curv.inv22 + np.einsum("ij,jk,ik->i", curv.inv_b2, curv.schur_inv, curv.inv_b2)
    return BlockPoissonFit(
        intercept=a,
        slope=b,
        shared=theta,
        intercept_var=var_a,
        slope_var=var_b,
        shared_cov=curv.schur_inv,
        fitted=mu,
        iterations=iterations,
        converged=converged,
    )


def pearson_dispersion(y: Array, fitted: Array, n_params: float, *, min_mean: float = 0.5) -> float:
    """The quasi-Poisson dispersion: Pearson's chi-square per degree of freedom, at least 1.

    Rows expecting fewer than ``min_mean`` units are left out: there one sale in a slot that
    expected 0.01 weighs 100 and a handful of them would set the scale of every interval.

    Examples
    --------
    >>> mu = np.full(1000, 4.0)
    >>> y = np.random.default_rng(1).negative_binomial(4, 0.5, 1000).astype(float)
    >>> round(pearson_dispersion(y, mu, 1), 1)
    2.1
    """
    kept = fitted >= min_mean
    dof = float(kept.sum()) - n_params
    if dof < 20:
        return 1.0
    chi2 = float(np.sum((y[kept] - fitted[kept]) ** 2 / fitted[kept]))
    return max(1.0, chi2 / dof)
