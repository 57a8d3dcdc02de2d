"""How each product's demand answers its price: a pooled log-log Poisson model.

For each row (a product's sales over a day or part of one, at one price)::

    log E[units] = log(exposure) + a_i + b_i * log(price / ref_i)
                   + day of week + yearly season (Fourier) + promotion
                   + c * log(competitor price / ref_i)

``b_i`` is the product's own-price elasticity with competitors held where they are (the
competitor gap enters as competitors' price against our reference, so moving our own price
does not move that term). Day-of-week, season, promotion and competitor terms are shared by
all products: few products have enough sales to learn them alone.

Elasticities are pooled (:mod:`.pooling`): a first fit under a weak prior measures what each
product's own data say; empirical Bayes then fits how products scatter around their category
and categories around the shop; a second fit uses those priors, so a product with three sales
sits near its category and one with three thousand keeps its own estimate. Each estimate is a
normal posterior (Laplace approximation, widened by any dispersion the model leaves
unexplained) with a central interval.

A day's demand has a shock of its own (weather, a mention somewhere): the rows of one
product and day (its price periods) share one gamma-distributed shock of mean 1, whose shape
is estimated from the daily totals and integrated out (:mod:`.block_poisson`). This matters
when prices move within the day: a busy morning drains the shelf and the afternoon's price
goes up, so a row per day at the day's mean price pairs dear days with big sales and reads
demand as inelastic (``test_elasticity.py``: -0.64 for a true -2). Rows per period that
share the shock read -2.06, since the likelihood then takes each period given the day so
far, and the price a period was set at by then is no evidence of its demand. With one row
per day there is nothing to share: the shock only spreads the counts, and the
quasi-Poisson dispersion widens the intervals for it.

Rows whose stock ran out (``censored``) say that demand was at least what sold: they enter
as ``P(units >= sold)`` rather than as the count. Leaving them out would keep only the
periods whose demand happened to stay under the stock, and those are more often missing
where demand runs high (a low price, dear competitors): the estimates would lean inelastic
and the competitor effect shrink. Counting them as sales understates demand in the same
places, if less (see ``test_elasticity.py``: -0.93 dropped, -1.24 as sales, -2.00 as
floors, for a true -2 with 43 % of days sold out).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.stats import norm  # type: ignore[import-untyped]

from shopkeeper.ai.base import Model
from shopkeeper.ai.pricing.block_poisson import (
    BlockPoissonFit,
    fit_block_poisson,
    fit_shock_shape,
    pearson_dispersion,
)
from shopkeeper.ai.pricing.elasticity_terms import (
    Array,
    Terms,
    build_terms,
    context_terms,
    read_sales,
)
from shopkeeper.ai.pricing.pooling import PooledPrior, likelihood_only, pool_estimates
from shopkeeper.ai.pricing.samples import sample
from shopkeeper.ai.registry import register
from shopkeeper.domain.explanation import Explanation, Factor


@dataclass(frozen=True, slots=True)
class ElasticityQuery:
    """Products to describe, and the context their base demand is wanted in.

    ``day`` sets the day-of-week and season (``None``: an average day); ``competitor_prices``
    the competitors' mean price per sku (missing: at our reference price); ``promoted`` the
    skus on promotion; ``categories`` places skus the fit has not seen (new products get
    their category's prior, or the shop's without a category).
    """

    skus: tuple[str, ...]
    day: date | None = None
    competitor_prices: Mapping[str, float] = field(default_factory=dict)
    promoted: frozenset[str] = frozenset()
    categories: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Elasticity:
    """The posterior of one product's own-price elasticity, and its base demand.

    ``low``/``high`` bound the central interval at the model's ``level``; ``base_units`` is
    the expected units per day at ``reference_price`` in the query's context (0 and ``None``
    for a product without sales history); ``pooled_share`` is how much of the estimate comes
    from the category rather than the product's own sales (0 to 1).
    """

    sku: str
    category: str
    mean: float
    sd: float
    low: float
    high: float
    reference_price: float | None
    base_units: float
    observations: int
    units: float
    pooled_share: float

    def units_at(self, price: float) -> float:
        """Expected units per day at ``price`` under the posterior (log-normal mean)."""
        if self.reference_price is None:
            return 0.0
        x = math.log(price / self.reference_price)
        return self.base_units * math.exp(self.mean * x + 0.5 * (self.sd * x) ** 2)


@register(sample=sample)
class HierarchicalElasticityModel(Model[pd.DataFrame, ElasticityQuery, tuple[Elasticity, ...]]):
    """Own-price elasticities per product, partially pooled toward their category.

    ``fit`` takes one row per product and period with columns ``sku``, ``day``, ``units``,
    ``price`` and optionally ``category``, ``ref_price`` (default: the product's mean price),
    ``competitor_price``, ``promotion``, ``exposure`` (share of a day the row covers, default
    1) and ``censored`` (stock ran out: ``units`` is a floor of the demand). Rows of one
    product and day are its price periods: they share the day's demand shock.

    Parameters
    ----------
    prior_mean, prior_sd
        The weak prior of the first fit, before pooling (and of a shop too small to pool).
    min_between_sd
        Smallest spread of elasticities within a category the pooling may settle on.
    level
        Central probability of the reported interval.
    yearly_terms
        Fourier pairs of the yearly season (0: none).
    category_seasons
        How many categories (those selling most) get their own weekly and yearly season on
        top of the shop's; the others follow the shop's.
    pooled
        ``False`` keeps the weak prior: no borrowing from the category (for comparison).

    Examples
    --------
    >>> from shopkeeper.ai.pricing.samples import synthetic_sales
    >>> sales = synthetic_sales(3, products_per_category=4, days=120)
    >>> model = HierarchicalElasticityModel().fit(sales.frame)
    >>> e = model.predict(ElasticityQuery(skus=("CAT-0-P0",)))[0]
    >>> round(sales.elasticity["CAT-0-P0"], 2), round(e.mean, 2), e.low < e.mean < e.high
    (-1.75, -1.56, True)
    >>> model.explain(ElasticityQuery(skus=("CAT-0-P0",)), (e,)).summary  # doctest: +ELLIPSIS
    'CAT-0-P0: elasticity -1.56 ±0.28 (80%: -1.9... to -1.1...), 1134 units in 120 rows, ...'
    """

    capability = "pricing"

    def __init__(
        self,
        *,
        prior_mean: float = -1.5,
        prior_sd: float = 2.0,
        min_between_sd: float = 0.1,
        level: float = 0.8,
        yearly_terms: int = 2,
        category_seasons: int = 12,
        pooled: bool = True,
    ) -> None:
        self.prior_mean = prior_mean
        self.prior_sd = prior_sd
        self.min_between_sd = min_between_sd
        self.level = level
        self.yearly_terms = yearly_terms
        self.category_seasons = category_seasons
        self.pooled = pooled

    def fit(self, data: pd.DataFrame) -> Self:
        """Fit on sales rows (see the class docstring); forgets any earlier fit."""
        self.forget()
        sales = read_sales(data)
        terms = build_terms(sales, self.yearly_terms, self.category_seasons)
        n = len(terms.skus)
        weak_mean = np.full(n, self.prior_mean)
        weak_var = np.full(n, self.prior_sd**2)
        seen = ~terms.censored
        shape: float | None = None
        if np.bincount(terms.cell[seen]).max(initial=0) > 1:
            # A day's price periods share its shock: the shape is read off a plain Poisson
            # fit's daily totals, and the fits after that integrate the shock out.
            shape = self._shock_shape(terms, _fit(terms, weak_mean, weak_var).fitted)
            first = _fit(terms, weak_mean, weak_var, shape=shape)
            sold, expected = _day_totals(terms, first.fitted)
        else:
            # One row a day: the shock only spreads the counts, which the dispersion covers.
            first = _fit(terms, weak_mean, weak_var)
            sold, expected = terms.units[seen], first.fitted[seen]
        dispersion = pearson_dispersion(sold, expected, 2 * n + terms.z.shape[1], shock_shape=shape)
        own_mean, own_var = likelihood_only(first.slope, first.slope_var, weak_mean, weak_var)
        # The first fit ran at dispersion 1; overdispersed counts carry less information.
        own_var = own_var * dispersion
        n_cat = len(terms.categories)
        if self.pooled:
            prior = pool_estimates(
                own_mean, own_var, terms.category, n_cat,
                min_tau=self.min_between_sd, fallback_mean=self.prior_mean,
                fallback_tau=self.prior_sd,
            )  # fmt: skip
        else:
            prior = PooledPrior(
                self.prior_mean,
                self.prior_sd,
                0.0,
                np.full(n_cat, self.prior_mean),
                np.zeros(n_cat),
            )
        prior_mean = prior.product_prior_mean(terms.category)
        prior_var = prior.product_prior_var(terms.category)
        second = _fit(terms, prior_mean, prior_var, shape=shape, dispersion=dispersion)
        self.skus_ = terms.skus
        self.categories_ = terms.categories
        self.product_category_ = terms.category
        self.reference_price_ = terms.reference_price
        self.slope_ = second.slope
        self.slope_sd_ = np.sqrt(second.slope_var)
        # The fit centred each product's log price; base demand is read at the reference.
        self.intercept_ = second.intercept - second.slope * terms.x_centre
        self.shared_ = dict(zip(terms.shared_names, second.shared.tolist(), strict=True))
        self.pooled_share_ = second.slope_var / prior_var
        self.observations_ = terms.observations
        self.units_ = terms.units_per_product
        self.dispersion_ = dispersion
        self.shock_shape_ = shape
        self.prior_ = prior
        self.converged_ = bool(first.converged and second.converged)
        return self

    @staticmethod
    def _shock_shape(terms: Terms, fitted: Array) -> float:
        sold, expected = _day_totals(terms, fitted)
        kept = expected > 0
        return fit_shock_shape(sold[kept], expected[kept])

    def _z(self) -> float:
        return float(norm.ppf(0.5 + self.level / 2))

    def predict(self, query: ElasticityQuery) -> tuple[Elasticity, ...]:
        """The posterior of each queried sku, in the query's order."""
        self.check_fitted()
        index = {sku: i for i, sku in enumerate(self.skus_)}
        z = self._z()
        found = [index[s] for s in query.skus if s in index]
        base = self._base_units(query, np.array(found, dtype=np.intp))
        out: list[Elasticity] = []
        for sku in query.skus:
            i = index.get(sku)
            if i is None:
                out.append(self._new_product(sku, query.categories.get(sku), z))
                continue
            mean, sd = float(self.slope_[i]), float(self.slope_sd_[i])
            out.append(
                Elasticity(
                    sku=sku,
                    category=self.categories_[self.product_category_[i]],
                    mean=mean,
                    sd=sd,
                    low=mean - z * sd,
                    high=mean + z * sd,
                    reference_price=float(self.reference_price_[i]),
                    base_units=float(base[found.index(i)]),
                    observations=int(self.observations_[i]),
                    units=float(self.units_[i]),
                    pooled_share=float(self.pooled_share_[i]),
                )
            )
        return tuple(out)

    def _base_units(
        self, query: ElasticityQuery, rows: np.ndarray[Any, Any]
    ) -> np.ndarray[Any, Any]:
        skus = [self.skus_[i] for i in rows]
        refs = self.reference_price_[rows]
        competitor = np.array(
            [math.log(query.competitor_prices[s] / r) if s in query.competitor_prices else 0.0
             for s, r in zip(skus, refs, strict=True)]
        )  # fmt: skip
        promoted = np.array([s in query.promoted for s in skus], dtype=float)
        categories = [self.categories_[self.product_category_[i]] for i in rows]
        log_rate = context_terms(
            self.shared_, query.day, categories, competitor, promoted, self.yearly_terms
        )
        return np.asarray(np.exp(self.intercept_[rows] + log_rate))

    def _new_product(self, sku: str, category: str | None, z: float) -> Elasticity:
        prior = self.prior_
        if category in self.categories_:
            c = self.categories_.index(category)
            mean = float(prior.category_mean[c])
            sd = math.sqrt(prior.tau**2 + float(prior.category_var[c]))
        else:
            mean, sd = prior.global_mean, math.sqrt(prior.tau**2 + prior.omega**2)
        return Elasticity(
            sku, category or "", mean, sd, mean - z * sd, mean + z * sd, None, 0.0, 0, 0.0, 1.0
        )

    def explain(self, query: ElasticityQuery, prediction: tuple[Elasticity, ...]) -> Explanation:
        """One sentence per product: the estimate, its interval and where it comes from."""
        pct = f"{self.level:.0%}"
        lines, factors = [], []
        for e in prediction:
            head = (
                f"{e.sku}: elasticity {e.mean:.2f} ±{e.sd:.2f} ({pct}: {e.low:.2f} to {e.high:.2f})"
            )
            if e.observations == 0:
                source = f"no sales history, the prior of category {e.category or '(none)'}"
            else:
                source = (
                    f"{e.units:.0f} units in {e.observations} rows, "
                    f"{e.pooled_share:.0%} from category {e.category}"
                )
            lines.append(f"{head}, {source}")
            factors.append(Factor(f"elasticity:{e.sku}", e.mean, source))
        return Explanation("; ".join(lines) or "no products asked", tuple(factors))


def _fit(
    terms: Terms,
    slope_mean: Array,
    slope_var: Array,
    *,
    shape: float | None = None,
    dispersion: float = 1.0,
) -> BlockPoissonFit:
    return fit_block_poisson(
        terms.units, terms.x, terms.z, terms.product, len(terms.skus),
        offset=terms.offset, slope_mean=slope_mean, slope_var=slope_var,
        intercept_mean=terms.start_intercept, dispersion=dispersion,
        censored=terms.censored, cells=terms.cell, shock_shape=shape,
    )  # fmt: skip


def _day_totals(terms: Terms, fitted: Array) -> tuple[Array, Array]:
    """Units sold and expected per cell (a product's day), over the rows with stock."""
    seen = ~terms.censored
    cells = terms.cell[seen]
    size = int(terms.cell.max(initial=-1)) + 1
    return (
        np.bincount(cells, terms.units[seen], size).astype(np.float64),
        np.bincount(cells, fitted[seen], size).astype(np.float64),
    )


__all__ = ["Elasticity", "ElasticityQuery", "HierarchicalElasticityModel"]
