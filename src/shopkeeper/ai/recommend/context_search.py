"""Category search interest as context: the last days' searches against the weeks before.

People search before they buy, so a category whose searches (the ``search_trend.*``
signals: a search index or count per day, per category) rose over the last few days is
about to be in demand, before its orders show it. Unlike the per-product sales trend,
this reads the signal up to the day before the request, so it moves while the re-ranker
and the popularity model stay as they were fitted. Only whole days count: today's
searches are not all in yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

SEARCH_PREFIX = "search_trend."
RECENT_DAYS = 3
BASE_DAYS = 28


@dataclass(frozen=True)
class SearchCounts:
    """Daily search interest per (local day, category).

    Examples
    --------
    >>> days = [date(2026, 5, 1) + timedelta(d) for d in range(31)]
    >>> counts = {(d, "umbrellas"): 10.0 for d in days} | {(days[-1], "umbrellas"): 40.0}
    >>> trend = SearchCounts(counts).trend(("umbrellas", "books"), date(2026, 6, 1))
    >>> round(float(trend[0]), 2), float(trend[1])
    (0.65, 0.0)
    """

    values: dict[tuple[date, str], float]

    @classmethod
    def from_signals(cls, frame: pd.DataFrame) -> SearchCounts:
        """Read the shop-wide ``search_trend.*`` rows of ``name, ts, value`` (``sku``, ``meta``).

        The category is ``meta.category`` when given, else the name after the prefix;
        rows naming a sku are per product, not per category, and are left out.
        """
        values: dict[tuple[date, str], float] = {}
        if frame.empty:
            return cls(values)
        rows = frame[frame["name"].astype(str).str.startswith(SEARCH_PREFIX)]
        skus = rows["sku"] if "sku" in rows else pd.Series([None] * len(rows), index=rows.index)
        metas = rows["meta"] if "meta" in rows else pd.Series([None] * len(rows), index=rows.index)
        for name, ts, value, sku, meta in zip(
            rows["name"], rows["ts"], rows["value"], skus, metas, strict=True
        ):
            if isinstance(sku, str) and sku:
                continue
            category = (meta or {}).get("category") if isinstance(meta, dict) else None
            key = (pd.Timestamp(ts).date(), str(category or str(name)[len(SEARCH_PREFIX) :]))
            values[key] = values.get(key, 0.0) + float(value)
        return cls(values)

    def trend(self, categories: Sequence[str], day: date) -> FloatArray:
        """Per category, log of the mean of the ``RECENT_DAYS`` before ``day`` over the
        ``BASE_DAYS`` before those (plus one each); zero for a category without data."""
        out = np.zeros(len(categories))
        recent_days = [day - timedelta(d) for d in range(1, RECENT_DAYS + 1)]
        base_days = [
            day - timedelta(d) for d in range(RECENT_DAYS + 1, RECENT_DAYS + BASE_DAYS + 1)
        ]
        for i, category in enumerate(categories):
            base = [self.values[(d, category)] for d in base_days if (d, category) in self.values]
            recent = [
                self.values[(d, category)] for d in recent_days if (d, category) in self.values
            ]
            if base and recent:
                out[i] = np.log((np.mean(recent) + 1.0) / (np.mean(base) + 1.0))
        return out

    def around(self, day: date) -> SearchCounts:
        """Only the days :meth:`trend` reads for a request on ``day``."""
        first = day - timedelta(RECENT_DAYS + BASE_DAYS)
        return SearchCounts({k: v for k, v in self.values.items() if first <= k[0] < day})
