"""Item-to-item transitions: what visitors opened after the items this visitor just opened.

A first-order sequential-rules model. While fitting, every pair of clicks ``a`` then ``b``
at most ``window`` steps apart in one session adds ``1 / distance`` to the rule ``a -> b``
(and ``backward_weight / distance`` to ``b -> a``: items looked at together, whatever the
order). A session is answered from its last ``history`` distinct items, the most recent
counting 1, the one before ``history_decay``, and so on. When the rules give fewer than
``k`` items, the most popular items (by number of sessions) fill the rest, so a visitor with
an unknown or empty session still sees something.

It needs no neighbour search and answers in well under a millisecond, which makes it the
cheap sequential baseline the neighbourhood and neural models are measured against.
"""

from __future__ import annotations

import heapq
from collections import Counter
from typing import Self

import numpy as np

from shopkeeper.ai.base import Model
from shopkeeper.ai.recommend.ranking import Ranking, ScoredSku
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.registry import Sample, register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor


def sample(seed: int) -> Sample:
    """Sessions walking a ring of 15 items with random jumps; queries with exclusions."""
    rng = np.random.default_rng(seed)
    items = [f"SKU-{i:02d}" for i in range(15)]
    sessions = []
    for _ in range(80):
        at = int(rng.integers(len(items)))
        session = [items[at]]
        for _ in range(int(rng.integers(1, 6))):
            at = (at + 1) % len(items) if rng.random() < 0.7 else int(rng.integers(len(items)))
            session.append(items[at])
        sessions.append(tuple(session))
    queries = (
        SessionQuery(items=(items[3],), k=5),
        SessionQuery(items=(items[1], items[2], items[7]), k=4, exclude=frozenset(items[8:10])),
        SessionQuery(items=("UNKNOWN",), k=3),
        SessionQuery(items=(), k=6),
    )
    return Sample(data=SessionLog(sessions=tuple(sessions)), queries=queries)


@register(sample=sample)
class ItemTransitionRecommender(Model[SessionLog, SessionQuery, Ranking]):
    """Next items by what followed the session's recent items, popularity to fill.

    The defaults are the best of the validation grid of ``benchmarks/recommend_sbr.py``
    on YooChoose and close to it on Diginetica.

    Parameters
    ----------
    window
        How many steps ahead a later click still counts as following (weighted 1/distance).
    history
        How many of the session's most recent distinct items vote.
    history_decay
        Weight of each older voting item relative to the next newer one.
    backward_weight
        Weight of the reverse direction (``b`` before ``a``) relative to the forward one.
    max_rules
        Rules kept per item, strongest first; bounds model size and answer time.

    Examples
    --------
    >>> log = SessionLog(sessions=(("tent", "pegs"), ("tent", "pegs", "lamp"), ("mug",)))
    >>> model = ItemTransitionRecommender().fit(log)
    >>> query = SessionQuery(items=("tent",), k=3)
    >>> [s.sku for s in model.predict(query)]
    ['pegs', 'lamp', 'tent']
    >>> model.explain(query, model.predict(query)).summary
    'Because you viewed tent: items other visitors opened next.'
    """

    capability = "recommend"

    def __init__(
        self,
        *,
        window: int = 5,
        history: int = 3,
        history_decay: float = 0.3,
        backward_weight: float = 0.3,
        max_rules: int = 200,
    ) -> None:
        self.window = window
        self.history = history
        self.history_decay = history_decay
        self.backward_weight = backward_weight
        self.max_rules = max_rules

    def _validate(self) -> None:
        if self.window < 1 or self.history < 1 or self.max_rules < 1:
            raise InvalidInputError(
                "window, history and max_rules must be at least 1",
                window=self.window,
                history=self.history,
                max_rules=self.max_rules,
            )
        if not 0 < self.history_decay <= 1 or self.backward_weight < 0:
            raise InvalidInputError(
                "history_decay must be in (0, 1] and backward_weight not negative",
                history_decay=self.history_decay,
                backward_weight=self.backward_weight,
            )

    def fit(self, data: SessionLog) -> Self:
        self._validate()
        self.forget()
        rules: dict[str, dict[str, float]] = {}
        backward = self.backward_weight
        for session in data.sessions:
            length = len(session)
            for i in range(length - 1):
                source = session[i]
                follows = rules.setdefault(source, {})
                for j in range(i + 1, min(i + 1 + self.window, length)):
                    target = session[j]
                    weight = 1.0 / (j - i)
                    follows[target] = follows.get(target, 0.0) + weight
                    if backward:
                        back = rules.setdefault(target, {})
                        back[source] = back.get(source, 0.0) + backward * weight
        # Per item, its strongest successors (ties by id, so equal data gives equal rules).
        self.rules_: dict[str, dict[str, float]] = {
            source: dict(
                heapq.nsmallest(self.max_rules, follows.items(), key=lambda r: (-r[1], r[0]))
            )
            for source, follows in rules.items()
        }
        counts = Counter(item for session in data.sessions for item in set(session))
        self.popular_: tuple[tuple[str, int], ...] = tuple(
            sorted(counts.items(), key=lambda c: (-c[1], c[0]))
        )
        self.sessions_seen_: int = len(data.sessions)
        return self

    def _voters(self, items: tuple[str, ...]) -> list[tuple[str, float]]:
        """The last ``history`` distinct items of the session with their vote weights."""
        voters: list[tuple[str, float]] = []
        seen: set[str] = set()
        weight = 1.0
        for item in reversed(items):
            if item in seen:
                continue
            seen.add(item)
            voters.append((item, weight))
            weight *= self.history_decay
            if len(voters) == self.history:
                break
        return voters

    def _scores(self, query: SessionQuery) -> dict[str, float]:
        scores: dict[str, float] = {}
        for item, weight in self._voters(query.items):
            for target, strength in self.rules_.get(item, {}).items():
                scores[target] = scores.get(target, 0.0) + weight * strength
        return scores

    def predict(self, query: SessionQuery) -> Ranking:
        self.check_fitted()
        scores = self._scores(query)
        for item in query.exclude:
            scores.pop(item, None)
        best = heapq.nsmallest(query.k, scores.items(), key=lambda s: (-s[1], s[0]))
        found = [ScoredSku(item, score) for item, score in best]
        if len(found) < query.k:
            # Fallback scores stay below every rule score and keep the popularity order.
            floor = min((s.score for s in found), default=1.0)
            total = max(self.sessions_seen_, 1)
            for item, count in self.popular_:
                if len(found) == query.k:
                    break
                if item in scores or item in query.exclude:
                    continue
                found.append(ScoredSku(item, floor * 0.5 * count / total))
        return tuple(found)

    def explain(self, query: SessionQuery, prediction: Ranking) -> Explanation:
        self.check_fitted()
        if not prediction:
            return Explanation("Nothing to suggest: no items are known yet.")
        shown = {s.sku for s in prediction}
        share: dict[str, float] = {}
        for item, weight in self._voters(query.items):
            follows = self.rules_.get(item, {})
            share[item] = sum(weight * follows.get(sku, 0.0) for sku in shown)
        total = sum(share.values())
        fallback = sum(1 for s in prediction if s.sku not in self._scores(query))
        factors = [
            Factor(f"viewed:{item}", round(value / total, 4), "opened before by other visitors")
            for item, value in sorted(share.items(), key=lambda v: (-v[1], v[0]))
            if value > 0
        ]
        if fallback:
            factors.append(
                Factor("popular", round(fallback / len(prediction), 4), f"{fallback} popular items")
            )
        if query.exclude:
            factors.append(Factor("excluded", 0.0, f"{len(query.exclude)} items left out as asked"))
        if total <= 0:
            return Explanation(
                "Popular items: nothing in this session has been followed by other views yet.",
                tuple(factors),
            )
        top = max(share, key=lambda item: (share[item], item))
        return Explanation(
            f"Because you viewed {top}: items other visitors opened next.", tuple(factors)
        )
