"""Partial pooling of product elasticities toward their category: empirical Bayes, three levels.

Each product's own data give an estimate ``e_i`` with variance ``s_i²`` (a product with no
price variation gives no information: an infinite ``s_i²``). The levels are::

    e_i ~ N(b_i, s_i²)        what the product's sales say
    b_i ~ N(m_c, tau²)        products scatter around their category's mean
    m_c ~ N(m_0, omega²)      categories scatter around the shop's mean

``m_0``, ``tau`` and ``omega`` maximise the marginal likelihood of the ``e_i`` (each category's
estimates are jointly normal with covariance ``diag(s_i² + tau²) + omega² 11ᵀ``). A product
then gets the prior ``N(m̂_c, tau² + var(m̂_c))``: a sparse product sits near its category, a
well-measured one keeps its own estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize  # type: ignore[import-untyped]

Array = NDArray[np.float64]

_NO_INFORMATION = 1e8  # a variance standing for "the product's data say nothing"


@dataclass(frozen=True, slots=True)
class PooledPrior:
    """The fitted hyperparameters and each category's posterior mean and variance.

    Examples
    --------
    >>> prior = pool_estimates(
    ...     np.array([-1.0, -1.2, -3.0, -3.2, -2.0]), np.array([0.01, 0.01, 0.01, 0.01, 1e8]),
    ...     np.array([0, 0, 1, 1, 1]), 2, min_tau=0.05)
    >>> np.round(prior.category_mean, 1).tolist()
    [-1.1, -3.1]
    >>> prior.tau < 0.3, round(float(prior.product_prior_var(np.array([1]))[0]), 2) < 0.1
    (True, True)
    """

    global_mean: float
    tau: float
    omega: float
    category_mean: Array
    category_var: Array

    def product_prior_mean(self, category: NDArray[np.intp]) -> Array:
        """The prior mean of each product (its category's posterior mean)."""
        return self.category_mean[category]

    def product_prior_var(self, category: NDArray[np.intp]) -> Array:
        """The prior variance of each product: the spread within a category plus the
        uncertainty of the category's mean."""
        return self.tau**2 + self.category_var[category]


def _negative_marginal_loglik(
    params: Array, est: Array, var: Array, category: NDArray[np.intp], n_cat: int
) -> float:
    m0, log_tau, log_omega = params
    tau2, omega2 = np.exp(2 * log_tau), np.exp(2 * log_omega)
    d = var + tau2
    resid = est - m0
    inv_sum = np.bincount(category, 1.0 / d, n_cat)
    r_sum = np.bincount(category, resid / d, n_cat)
    quad_sum = np.bincount(category, resid * resid / d, n_cat)
    log_d_sum = np.bincount(category, np.log(d), n_cat)
    # Matrix determinant lemma and Sherman-Morrison for diag(d) + omega² 11ᵀ, per category.
    factor = 1.0 + omega2 * inv_sum
    loglik = -0.5 * (log_d_sum + np.log(factor) + quad_sum - omega2 * r_sum**2 / factor)
    return float(-np.sum(loglik))


def pool_estimates(
    estimate: Array,
    variance: Array,
    category: NDArray[np.intp],
    n_categories: int,
    *,
    min_tau: float = 0.1,
    fallback_mean: float = -1.5,
    fallback_tau: float = 0.7,
) -> PooledPrior:
    """Fit the three-level model above to per-product estimates and their variances.

    ``min_tau`` keeps the within-category spread from collapsing to zero when few products
    carry information: a zero spread would make every product its category's clone with a
    falsely narrow interval. With fewer than three informed products there is nothing to
    pool and ``fallback_mean`` / ``fallback_tau`` (the caller's weak prior) are returned.
    """
    var = np.where(np.isfinite(variance), np.minimum(variance, _NO_INFORMATION), _NO_INFORMATION)
    est = np.where(np.isfinite(estimate), estimate, fallback_mean)
    informed = var < 100.0
    if informed.sum() < 3:
        return PooledPrior(
            fallback_mean,
            fallback_tau,
            fallback_tau,
            np.full(n_categories, fallback_mean),
            np.full(n_categories, 0.0),
        )
    weights = 1.0 / (var[informed] + 0.25)
    start_mean = float(np.sum(weights * est[informed]) / np.sum(weights))
    lower = np.log(min_tau)
    result = minimize(
        _negative_marginal_loglik,
        x0=np.array([start_mean, np.log(max(0.3, min_tau)), np.log(0.3)]),
        args=(est, var, category, n_categories),
        # Powell: derivative-free and, for three parameters, many times faster here than
        # L-BFGS-B with numerical gradients.
        method="Powell",
        bounds=[(-10.0, 5.0), (lower, np.log(5.0)), (np.log(0.01), np.log(5.0))],
    )
    m0, log_tau, log_omega = (float(v) for v in result.x)
    tau2, omega2 = np.exp(2 * log_tau), np.exp(2 * log_omega)
    d = var + tau2
    precision = 1.0 / omega2 + np.bincount(category, 1.0 / d, n_categories)
    weighted = m0 / omega2 + np.bincount(category, est / d, n_categories)
    return PooledPrior(
        global_mean=m0,
        tau=float(np.sqrt(tau2)),
        omega=float(np.sqrt(omega2)),
        category_mean=weighted / precision,
        category_var=1.0 / precision,
    )


def likelihood_only(
    post_mean: Array, post_var: Array, prior_mean: Array, prior_var: Array
) -> tuple[Array, Array]:
    """Remove a Gaussian prior from a Gaussian posterior: what the data alone said.

    Where the prior explains the whole posterior (no information in the data) the variance
    is infinite.

    Examples
    --------
    >>> m, v = likelihood_only(np.array([-1.8]), np.array([0.08]), np.array([-1.0]),
    ...                        np.array([0.4]))
    >>> round(float(m[0]), 2), round(float(v[0]), 2)
    (-2.0, 0.1)
    """
    precision = 1.0 / post_var - 1.0 / prior_var
    informative = precision > 1e-6
    safe = np.where(informative, precision, 1.0)
    mean = (post_mean / post_var - prior_mean / prior_var) / safe
    return np.where(informative, mean, prior_mean), np.where(informative, 1.0 / safe, np.inf)
