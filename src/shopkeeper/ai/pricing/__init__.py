"""Pricing: elasticities learnt from sales, the best allowed price, and the guardrails.

- :mod:`.elasticity`: :class:`~.elasticity.HierarchicalElasticityModel`, each product's
  own-price elasticity with its uncertainty, pooled toward its category;
- :mod:`.optimiser`: :func:`~.optimiser.optimise_price`, the allowed price that serves the
  shop's objective best, with its expected effect and reason;
- :mod:`.experiments`: :class:`~.experiments.ThompsonPriceExperiments`, quotes for a whole
  round with a few price tests within a budget, to keep learning;
- :mod:`.matching`: competitors' titles matched to ours;
- :mod:`.guardrails`: :func:`~.guardrails.apply_guardrails`, the allowed price closest to a
  wanted one and the rules that moved it, or :class:`~shopkeeper.domain.price_guard.PriceRefusedError`
  naming the rule that blocked it; the order of the rules is documented there;
- :mod:`.families`: :func:`~.families.guard_family` moves the variants of a family by one
  relative change, :func:`~.families.check_tier_order` keeps brand tiers of a range in order.

The inputs (rules, overrides, locks, a product's context) are in
:mod:`shopkeeper.domain.pricing`; the results in :mod:`shopkeeper.domain.price_guard`.
"""

from shopkeeper.ai.pricing.families import check_tier_order, guard_family
from shopkeeper.ai.pricing.guardrails import PriceBounds, apply_guardrails, price_bounds

__all__ = [
    "PriceBounds",
    "apply_guardrails",
    "check_tier_order",
    "guard_family",
    "price_bounds",
]
