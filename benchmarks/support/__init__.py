"""Offline benchmark helpers for the customer-service assistant (issue 5).

:mod:`benchmarks.support.noise` makes the seeded typo, emoji and accent-stripped variants of
a test set that the robustness figures are measured on.
"""
