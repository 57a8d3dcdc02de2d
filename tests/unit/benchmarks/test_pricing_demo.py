"""The demo-history elasticity benchmark runs end to end on a tiny demo shop."""

from __future__ import annotations

import argparse
import math

import pytest
from benchmarks.pricing_demo import recovery


@pytest.mark.slow  # builds a demo shop with its models: about 45 s
def test_a_tiny_demo_is_scored_against_its_planted_elasticities() -> None:
    figures = recovery(argparse.Namespace(seed=3, products=50, customers=400, months=4))
    assert 0 < figures["products_with_30_sales"] <= figures["products"] <= 50
    assert 0 <= figures["coverage_pct"] <= 100
    assert 0 <= figures["positive_estimates_pct"] <= 100
    assert 0 <= figures["median_pooled_share"] <= 1
    # The planted elasticities differ between products, so a correlation exists.
    assert figures["planted_sd"] > 0
    assert math.isfinite(figures["correlation"])
    assert -1 <= figures["correlation"] <= 1
