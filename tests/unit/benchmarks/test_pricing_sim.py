"""The pricing simulator: its own guardrail check catches bad prices; policies obey the rules."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from benchmarks.pricing_sim.market import SimSettings, build_market
from benchmarks.pricing_sim.policies import MatchPolicy, OraclePolicy, OursPolicy, StaticPolicy
from benchmarks.pricing_sim.simulate import broken_rules, run_policy

from shopkeeper.ai.pricing.experiments import ExperimentBudget

SMALL = replace(SimSettings(), products=12, days=4)


def test_the_independent_check_names_each_broken_rule() -> None:
    market = build_market(1, SMALL)
    listed = market.list_price
    ok = broken_rules(market, listed, listed, listed)
    assert not any(bad.any() for bad in ok.values())
    jump = broken_rules(market, listed + 700, listed, listed)  # +7 EUR, still .99
    assert jump["price_ending"].sum() == 0
    assert jump["max_change_per_update"].any()
    cheap = (market.cost // 100) * 100 + 99  # about the cost: no margin left
    assert broken_rules(market, cheap, cheap, cheap)["min_margin"].all()
    assert broken_rules(market, listed + 1, listed, listed)["price_ending"].all()


def test_every_policy_stays_inside_the_guardrails_and_the_market_is_shared() -> None:
    market = build_market(2, SMALL)
    results = {
        p.name: run_policy(market, p)
        for p in (
            StaticPolicy(),
            MatchPolicy(),
            OursPolicy(ExperimentBudget(), seed=2),
            OraclePolicy(),
        )
    }
    for result in results.values():
        assert result.violations == 0
        assert result.prices_checked == 12 * 4 * 4
        assert result.units > 0
    assert results["static"].price_changes == 0
    # The same seed draws the same market and luck: the static run repeats exactly.
    again = run_policy(build_market(2, SMALL), StaticPolicy())
    assert again.profit == results["static"].profit
    assert np.array_equal(again.units_by_product, results["static"].units_by_product)
