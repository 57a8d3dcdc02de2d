"""Penalised Poisson regression with an intercept and a price slope per product, and shared terms.

The model, for row ``r`` of product ``i``::

    log E[y_r] = offset_r + a_i + b_i * x_r + z_r @ theta

with Gaussian priors ``a_i ~ N(a0_i, va)``, ``b_i ~ N(m_i, v_i)``, ``theta ~ N(0, vt)`` and a
Poisson likelihood scaled by ``1 / dispersion``, in which a censored row (the stock ran out)
counts as ``P(Y >= y)``. Rows may come in cells (a product's price periods of one day) whose
seen rows share one gamma demand shock, integrated out (:class:`_Cells`). The maximum a
posteriori fit is found by Newton's method on the log posterior; its Hessian is the
posterior precision of the Laplace approximation, from which the marginal variance of every
slope is read.

Why a solver of our own rather than scikit-learn's ``PoissonRegressor``: that one penalises
every coefficient toward zero with one strength and returns no covariance, while partial
pooling needs each slope pulled toward its own category mean and a posterior variance. The
Hessian has an "arrow" shape (a 2x2 block per product plus ``k`` shared columns), so each
Newton step solves it through the Schur complement of the product blocks: its cost grows with
rows x k and products x k², and 10,000 products fit about as fast as 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar  # type: ignore[import-untyped]
from scipy.special import gammaln  # type: ignore[import-untyped]
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
    cells: NDArray[np.intp] | None = None,
    shock_shape: float | None = None,
    max_iter: int = 60,
    tol: float = 1e-7,
) -> BlockPoissonFit:
    """Fit the model above; ``product`` holds each row's product index in ``[0, n_products)``.

    ``cells`` groups rows that share their product and shared terms (a product's periods of
    one day; the product is checked, the terms are taken from the cell's first row): the
    shared terms' sums are taken per cell, and with ``shock_shape`` a cell's seen rows share
    one gamma demand shock of mean 1 and that shape (see :class:`_Cells`). Without
    ``cells`` every row is its own.

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
    cut = np.zeros(rows, dtype=bool) if censored is None else np.asarray(censored, dtype=bool)
    design = _Cells.of(y, x, z, product, n, ~cut, np.arange(rows) if cells is None else cells)
    prior_a = np.full(n, 1.0 / intercept_var)
    prior_b = 1.0 / slope_var
    prior_t = np.full(k, 1.0 / shared_var)
    a, b, theta = intercept_mean.astype(float).copy(), slope_mean.astype(float).copy(), np.zeros(k)
    phi = dispersion

    def log_posterior(a_: Array, b_: Array, t_: Array) -> tuple[float, Array]:
        shared = np.asarray(design.z @ t_)[design.cell]
        eta = np.minimum(offset + a_[product] + b_[product] * x + shared, _MAX_ETA)
        mu = np.exp(eta)
        value = design.log_likelihood(eta, mu, shock_shape)
        if cut.any():
            value += float(np.sum(poisson.logsf(y[cut] - 1, mu[cut])))
        value /= phi
        value -= 0.5 * float(np.sum(prior_a * (a_ - intercept_mean) ** 2))
        value -= 0.5 * float(np.sum(prior_b * (b_ - slope_mean) ** 2))
        value -= 0.5 * float(np.sum(prior_t * t_**2))
        return value, mu

    def curvature(mu: Array) -> tuple[_Curvature, _Sums]:
        w, r = _score_weights(y, mu, cut, phi)
        sums = design.sums(w, r, mu, shock_shape, phi)
        curv = _curvature(sums.per_product[:, :3], sums.wz, sums.cross + np.diag(prior_t),
                          prior_a, prior_b, k)  # fmt: skip
        return curv, sums

    current, mu = log_posterior(a, b, theta)
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        curv, sums = curvature(mu)
        g_a = sums.per_product[:, 3] - prior_a * (a - intercept_mean)
        g_b = sums.per_product[:, 4] - prior_b * (b - slope_mean)
        g_t = sums.shared_score - prior_t * theta
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
    curv, _ = curvature(mu)
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


@dataclass(frozen=True, slots=True)
class _Sums:
    """The Hessian's and score's pieces: per product ``w, wx, wx², r, rx``; per product
    ``wz`` and ``xwz`` side by side; ``zᵀWz``; ``zᵀr``."""

    per_product: Array
    wz: Array
    cross: Array
    shared_score: Array


@dataclass(frozen=True, slots=True)
class _Cells:
    """The rows grouped into cells that share a product and shared terms.

    The shared terms' sums are linear in the rows, so they are taken over each cell's summed
    weights: sparse products over cells rather than rows.

    With a gamma shock of shape ``k`` shared by a cell's seen rows, with expected units
    ``M = sum mu`` and sold units ``N``, the shock integrates out to
    ``sum y log mu - (N + k) log(M + k)`` (a negative binomial total split multinomially).
    Its derivatives in the linear predictors are a Poisson row's with ``mu`` scaled by
    ``c = (N + k) / (M + k)``, less a rank-one term per cell: one extra row of weight
    ``-c M² / (M + k)`` at the cell's ``mu``-weighted mean design. Prices a day's later
    periods set in answer to its earlier sales (stock running low) then leave the estimate
    alone: the likelihood factorises period by period, each given the day so far.
    """

    n_products: int
    cell: NDArray[np.intp]  # per row
    product: NDArray[np.intp]  # per row
    cell_product: NDArray[np.intp]  # per cell
    z: sp.csr_matrix  # cells x k
    zt: sp.csr_matrix
    nz_cell: NDArray[np.intp]  # z's non-zeros: their cell, value, and product x column slot
    nz_value: Array
    nz_slot: NDArray[np.intp]
    x: Array
    y: Array
    seen: NDArray[np.bool_]
    sold: Array  # per cell, over its seen rows

    @classmethod
    def of(
        cls,
        y: Array,
        x: Array,
        z: Array,
        product: NDArray[np.intp],
        n: int,
        seen: NDArray[np.bool_],
        cells: NDArray[np.intp],
    ) -> _Cells:
        _, first, cell = np.unique(np.asarray(cells), return_index=True, return_inverse=True)
        cell_product = product[first]
        if np.any(cell_product[cell] != product):
            raise ValueError("every cell must hold rows of one product")
        c = len(first)
        # Shared terms are mostly zeros (a category's season is zero outside the category):
        # sparse products keep each step linear in the non-zeros and off BLAS threads.
        zc = sp.csr_matrix(z[first])
        nz = zc.tocoo()
        return cls(
            n_products=n,
            cell=cell.astype(np.intp),
            product=product,
            cell_product=cell_product,
            z=zc,
            zt=zc.T.tocsr(),
            nz_cell=nz.row.astype(np.intp),
            nz_value=nz.data.astype(np.float64),
            nz_slot=(cell_product[nz.row] * z.shape[1] + nz.col).astype(np.intp),
            x=x,
            y=y,
            seen=seen,
            sold=np.bincount(cell[seen], y[seen], c).astype(np.float64),
        )

    def _per_cell(self, values: Array, rows: NDArray[np.bool_] | None = None) -> Array:
        cells = self.cell if rows is None else self.cell[rows]
        return np.bincount(cells, values, len(self.sold)).astype(np.float64)

    def log_likelihood(self, eta: Array, mu: Array, shape: float | None) -> float:
        """The seen rows' log likelihood, up to a constant."""
        seen = self.seen
        if shape is None:
            return float(np.sum(self.y[seen] * eta[seen] - mu[seen]))
        expected = self._per_cell(mu[seen], seen)
        return float(
            np.sum(self.y[seen] * eta[seen])
            - np.sum((self.sold + shape) * np.log(expected + shape))
        )

    def sums(self, w: Array, r: Array, mu: Array, shape: float | None, phi: float) -> _Sums:
        """The sums at the rows' curvature ``w`` and score ``r`` (:func:`_score_weights`),
        with a shared shock of ``shape`` taking over its seen rows'."""
        n, k = self.n_products, self.z.shape[1]
        x = self.x
        extra_w = extra_x = np.zeros(len(self.sold))  # each cell's rank-one row, if any
        if shape is not None:
            w, r, extra_w, extra_x = self._shock(w, r, mu, shape, phi)
        per_product = np.column_stack(
            [np.bincount(self.product, col, n) for col in (w, w * x, w * x * x, r, r * x)]
        ).astype(np.float64)
        for j, col in enumerate((extra_w, extra_w * extra_x, extra_w * extra_x**2)):
            per_product[:, j] += np.bincount(self.cell_product, col, n)
        cell_w = self._per_cell(w) + extra_w
        cell_wx = self._per_cell(w * x) + extra_w * extra_x
        # Per product sums of w z and x w z: each non-zero of z adds to its product's slot.
        wz, xwz = (
            np.bincount(self.nz_slot, v[self.nz_cell] * self.nz_value, n * k).reshape(n, k)
            for v in (cell_w, cell_wx)
        )
        return _Sums(
            per_product,
            np.hstack([wz, xwz]),
            np.asarray((self.zt @ (sp.diags(cell_w) @ self.z)).toarray()),
            np.asarray(self.zt @ self._per_cell(r)),
        )

    def _shock(
        self, w: Array, r: Array, mu: Array, shape: float, phi: float
    ) -> tuple[Array, Array, Array, Array]:
        """Rows' curvature and score under the shared shock, and each cell's extra row."""
        seen = self.seen
        m = mu[seen]
        expected = np.maximum(self._per_cell(m, seen), 1e-300)
        scale = (self.sold + shape) / (expected + shape)
        scaled = scale[self.cell[seen]] * m
        w, r = w.copy(), r.copy()
        w[seen] = scaled / phi
        r[seen] = (self.y[seen] - scaled) / phi
        extra_w = -scale * expected * expected / (expected + shape) / phi
        extra_x = self._per_cell(m * self.x[seen], seen) / expected
        return w, r, extra_w, extra_x


def pearson_dispersion(
    y: Array,
    fitted: Array,
    n_params: float,
    *,
    min_mean: float = 0.5,
    shock_shape: float | None = None,
) -> float:
    """Pearson's chi-square per degree of freedom, at least 1: the quasi-likelihood scale.

    The variance of a count is ``mu``, or ``mu + mu² / shock_shape`` under a gamma shock.
    Rows expecting fewer than ``min_mean`` units are left out: there one sale in a slot that
    expected 0.01 weighs 100 and a handful of them would set the scale of every interval.

    Examples
    --------
    >>> mu = np.full(1000, 4.0)
    >>> y = np.random.default_rng(1).negative_binomial(4, 0.5, 1000).astype(float)
    >>> round(pearson_dispersion(y, mu, 1), 1), round(pearson_dispersion(y, mu, 1, shock_shape=4), 1)
    (2.1, 1.1)
    """
    kept = fitted >= min_mean
    dof = float(kept.sum()) - n_params
    if dof < 20:
        return 1.0
    mu = fitted[kept]
    variance = mu if shock_shape is None else mu + mu * mu / shock_shape
    chi2 = float(np.sum((y[kept] - mu) ** 2 / variance))
    return max(1.0, chi2 / dof)


def fit_shock_shape(
    sold: Array, expected: Array, *, bounds: tuple[float, float] = (0.2, 1e4)
) -> float:
    """The gamma shape ``k`` of a demand shock, by maximum likelihood on totals.

    ``sold`` are counts whose Poisson means ``expected`` share one unseen gamma shock of mean 1
    each: the counts are negative binomial with variance ``mu + mu² / k``. Counts no more
    spread than Poisson give the upper bound.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> mu = rng.uniform(1, 20, 5000)
    >>> y = rng.poisson(mu * rng.gamma(8.0, 1 / 8.0, 5000)).astype(float)
    >>> round(fit_shock_shape(y, mu))
    8
    """

    def negative_loglik(log_k: float) -> float:
        k = math.exp(log_k)
        return -float(
            np.sum(
                gammaln(sold + k) - gammaln(k) + k * math.log(k) - (sold + k) * np.log(expected + k)
            )
        )

    low, high = (math.log(b) for b in bounds)
    best = minimize_scalar(negative_loglik, bounds=(low, high), method="bounded")
    return float(math.exp(best.x))
