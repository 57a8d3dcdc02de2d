"""The four pricing policies the simulator compares.

- ``static``: the list price, never changed;
- ``match``: a rule-based repricer: aim at the cheapest competitor, through the guardrails;
- ``ours``: :class:`HierarchicalElasticityModel` refitted every day on the sales it has seen,
  :class:`ThompsonPriceExperiments` over :func:`optimise_price` (profit) at every update,
  counting the competitors' response (:func:`fit_competitor_response` on the prices seen);
- ``oracle``: the same optimiser fed the true curves (elasticity, base demand, season,
  competitor and promotion effects, and how far each product's competitors follow; not the
  day's random shock), under the same guardrails. Like ours it prices for competitors
  following a held move, and plans no further ahead than that.

Every price but the static one comes out of :func:`apply_guardrails`; the simulator checks
them again with its own arithmetic.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Protocol

import numpy as np
import pandas as pd
from benchmarks.pricing_sim.market import IntArray, Market, cents, money

from shopkeeper.ai.pricing.competitor_response import (
    CompetitorResponse,
    fit_competitor_response,
)
from shopkeeper.ai.pricing.elasticity import ElasticityQuery, HierarchicalElasticityModel
from shopkeeper.ai.pricing.experiments import ExperimentBudget, ThompsonPriceExperiments
from shopkeeper.ai.pricing.guardrails import apply_guardrails
from shopkeeper.ai.pricing.optimiser import PriceQuestion, optimise_price
from shopkeeper.domain.pricing import PricingContext


class View:
    """What a policy sees at one price update (all money in cents)."""

    def __init__(
        self,
        day: int,
        update: int,
        price: IntArray,
        day_open: IntArray,
        competitors: IntArray,
        stock: IntArray,
        days_to_restock: float,
    ) -> None:
        self.day = day
        self.update = update
        self.price = price
        self.day_open = day_open
        self.competitors = competitors
        self.stock = stock
        self.days_to_restock = days_to_restock


class Policy(Protocol):
    name: str

    def decide(self, market: Market, view: View) -> IntArray: ...

    def end_of_day(self, market: Market, day: int, rows: pd.DataFrame) -> None: ...


def moment(market: Market, view: View) -> datetime:
    hour = 24 * view.update // market.settings.updates_per_day
    return datetime.combine(market.day(view.day), time(hour), tzinfo=UTC)


def context(market: Market, view: View, i: int) -> PricingContext:
    return PricingContext(
        f"P{i:05d}",
        cost=money(int(market.cost[i])),
        current_price=money(int(view.price[i])),
        day_start_price=money(int(view.day_open[i])),
    )


def holding_cost(market: Market, i: int) -> Decimal:
    per_day = market.settings.holding_rate_per_year / 365
    return Decimal(str(round(market.cost[i] / 100 * per_day, 6)))


class StaticPolicy:
    name = "static"

    def decide(self, market: Market, view: View) -> IntArray:
        return market.list_price.copy()

    def end_of_day(self, market: Market, day: int, rows: pd.DataFrame) -> None:
        return None


class MatchPolicy:
    name = "match"

    def decide(self, market: Market, view: View) -> IntArray:
        now = moment(market, view)
        cheapest = view.competitors.min(axis=0)
        out = np.empty(market.n, dtype=np.int64)
        for i in range(market.n):
            guarded = apply_guardrails(
                money(int(cheapest[i])), context(market, view, i), market.rules[i], (), now
            )
            out[i] = cents(guarded.price)
        return out

    def end_of_day(self, market: Market, day: int, rows: pd.DataFrame) -> None:
        return None


def _question(
    market: Market,
    view: View,
    i: int,
    elasticity: float,
    sd: float,
    base: float,
    ref: Decimal,
    response: float = 0.0,
) -> PriceQuestion:
    return PriceQuestion(
        context(market, view, i),
        market.rules[i],
        elasticity=elasticity,
        elasticity_sd=sd,
        base_units=base,
        reference_price=ref,
        stock=float(view.stock[i]),
        stock_days=view.days_to_restock,
        holding_cost=holding_cost(market, i),
        competitor_prices=tuple(money(int(c)) for c in view.competitors[:, i]),
        competitor_response=response,
    )


class OraclePolicy:
    name = "oracle"

    def decide(self, market: Market, view: View) -> IntArray:
        now = moment(market, view)
        base = market.expected_daily_units(view.day, market.list_price, view.competitors)
        # The true share each product's competitors follow, times demand's true answer to
        # their price: what a held move gets back once they have followed.
        response = market.settings.competitor_effect * market.follow.mean(axis=0)
        out = np.empty(market.n, dtype=np.int64)
        for i in range(market.n):
            q = _question(
                market, view, i, float(market.elasticity[i]), 0.0, float(base[i]),
                money(int(market.list_price[i])), float(response[i]),
            )  # fmt: skip
            out[i] = cents(optimise_price(q, now=now).price)
        return out

    def end_of_day(self, market: Market, day: int, rows: pd.DataFrame) -> None:
        return None


class OursPolicy:
    """Estimator + optimiser + Thompson experiments, learning only from its own sales."""

    name = "ours"

    def __init__(self, budget: ExperimentBudget, seed: int, refit_every_days: int = 1) -> None:
        self.experiments = ThompsonPriceExperiments(budget=budget, seed=seed)
        self.refit_every_days = refit_every_days
        self.history: list[pd.DataFrame] = []
        self.prices: list[pd.DataFrame] = []
        self.model: HierarchicalElasticityModel | None = None
        self.response = CompetitorResponse.none()
        self.explored = 0
        self.rounds = 0
        self.fit_seconds = 0.0

    def decide(self, market: Market, view: View) -> IntArray:
        if self.model is None:  # nothing sold yet: nothing to learn from
            return view.price.copy()
        skus = tuple(f"P{i:05d}" for i in range(market.n))
        mean_comp = view.competitors.mean(axis=0) / 100
        query = ElasticityQuery(
            skus=skus,
            day=market.day(view.day),
            competitor_prices=dict(zip(skus, mean_comp.tolist(), strict=True)),
            promoted=frozenset(
                s for s, p in zip(skus, market.promotion[view.day], strict=True) if p
            ),
        )
        estimates = self.model.predict(query)
        response = self.response.elasticity(self.model.shared_["competitor"])
        questions = [
            _question(
                market, view, i, e.mean, e.sd, e.base_units,
                Decimal(str(round(e.reference_price or market.list_price[i] / 100, 2))),
                response,
            )
            for i, e in enumerate(estimates)
        ]  # fmt: skip
        # One experiment period per day: the model learns from one row per product and day.
        plan = self.experiments.plan(questions, now=moment(market, view), period=view.day)
        self.explored += len(plan.explored)
        self.rounds += 1
        return np.array([cents(q.price) for q in plan.quotes], dtype=np.int64)

    def end_of_day(self, market: Market, day: int, rows: pd.DataFrame) -> None:
        # One row per product and day, at the day's mean log price over the periods with
        # stock. Rows per period, which the model reads as sharing the day's shock, remove
        # the estimates' lean but earned less on the tuning seeds (docs/pricing.md).
        kept = rows[~rows["censored"]].assign(log_price=lambda r: np.log(r["price"]))
        daily = (
            kept.groupby("sku", as_index=False)
            .agg(units=("units", "sum"), exposure=("units", "size"),
                 log_price=("log_price", "mean"),
                 competitor_price=("competitor_price", "mean"), promotion=("promotion", "max"),
                 category=("category", "first"), ref_price=("ref_price", "first"))
        )  # fmt: skip
        daily["price"] = np.exp(daily.pop("log_price"))
        daily["exposure"] = daily["exposure"] / market.settings.updates_per_day
        # The period the stock ran out in: its sales are a floor of its demand.
        ran_out = rows[rows["censored"] & (rows["units"] > 0)].assign(
            exposure=1 / market.settings.updates_per_day
        )
        daily = pd.concat([daily.assign(censored=False), ran_out], ignore_index=True)
        daily["day"] = pd.Timestamp(market.day(day))
        self.history.append(daily)
        # Every period's price, stocked or not: what competitors saw of ours that day.
        self.prices.append(
            rows.groupby("sku", as_index=False)[["price", "competitor_price"]]
            .mean()
            .assign(day=pd.Timestamp(market.day(day)))
        )
        if (day + 1) % self.refit_every_days == 0:
            start = datetime.now()
            self.model = HierarchicalElasticityModel().fit(
                pd.concat(self.history, ignore_index=True)
            )
            self.response = fit_competitor_response(pd.concat(self.prices, ignore_index=True))
            self.fit_seconds += (datetime.now() - start).total_seconds()
