"""Helpers of ``benchmarks/recommend_serving.py``: synthetic shop, load generator, statistics."""
