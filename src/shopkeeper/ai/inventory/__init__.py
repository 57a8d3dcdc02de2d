"""Inventory: stock simulation, reorder policies and early warnings of demand spikes.

- :mod:`.policy`: :func:`~.policy.plan_reorders`, today's order per SKU from forecast
  quantiles, lead time, service level, MOQ, pack size, budget and storage capacity (the
  production entry point);
- :mod:`.explaining`: the reasons shown with each reorder decision;
- :mod:`.simulator`: replays daily demand against a policy (lost sales, holding and
  purchase-order costs, fixed parameters so results compare);
- :mod:`.metrics`: stockout rate, lost sales, overstock, storage cost, capital tied up;
- :mod:`.policies`: the reference policies, a small shop's habit and a textbook (s, S);
- :mod:`.forecast_policy`: ours, ``plan_reorders`` on forecasts, one review cycle per supplier;
- :mod:`.forecast_feed`: forecasts refitted on a schedule for a simulation;
- :mod:`.spikes`: early warning of demand spikes from searches or views.
"""
