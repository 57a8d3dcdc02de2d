"""The floor every session recommender must clear: most sessions first, whatever was viewed."""

from __future__ import annotations

from collections import Counter
from typing import Self

from shopkeeper.ai.recommend.ranking import Ranking, ScoredSku
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery


class SessionPopularity:
    """Items ranked by how many training sessions touched them (ties by item id).

    Examples
    --------
    >>> log = SessionLog(sessions=(("a", "b"), ("b", "c"), ("b",)))
    >>> [s.sku for s in SessionPopularity().fit(log).predict(SessionQuery(items=("a",), k=2))]
    ['b', 'a']
    """

    def fit(self, data: SessionLog) -> Self:
        counts = Counter(item for session in data.sessions for item in set(session))
        self.ranking_ = tuple(
            ScoredSku(item, float(n))
            for item, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))
        )
        return self

    def predict(self, query: SessionQuery) -> Ranking:
        if not query.exclude:
            return self.ranking_[: query.k]
        found: list[ScoredSku] = []
        for scored in self.ranking_:
            if len(found) == query.k:
                break
            if scored.sku not in query.exclude:
                found.append(scored)
        return tuple(found)
