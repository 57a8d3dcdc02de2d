"""Offline benchmark harness for session-based recommenders (issue 4).

:mod:`benchmarks.sbr.datasets` loads the public splits into :class:`SbrData`;
:mod:`benchmarks.sbr.metrics` scores any object with ``predict(SessionQuery) -> Ranking``.
"""

from benchmarks.sbr.datasets import SbrData, load, load_session_rec, load_srgnn, tune_split
from benchmarks.sbr.metrics import evaluate

__all__ = ["SbrData", "evaluate", "load", "load_session_rec", "load_srgnn", "tune_split"]
