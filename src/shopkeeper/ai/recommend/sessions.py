"""Anonymous browsing sessions, as session-based recommenders learn from and are asked."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from shopkeeper.ai.recommend.ranking import MAX_K
from shopkeeper.core.errors import InvalidInputError


@dataclass(frozen=True, slots=True)
class SessionLog:
    """Past sessions, each the items (skus) a visitor touched, oldest first.

    ``times`` holds each session's last timestamp (epoch seconds) when known: recency-aware
    methods weigh recent sessions more; without it they treat all sessions alike.

    Examples
    --------
    >>> log = SessionLog(sessions=(("A", "B"), ("B", "C", "B")), times=(10.0, 20.0))
    >>> len(log), log.items()
    (2, ['A', 'B', 'C'])
    """

    sessions: tuple[tuple[str, ...], ...]
    times: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.times is not None and len(self.times) != len(self.sessions):
            raise InvalidInputError(
                f"{len(self.times)} session times for {len(self.sessions)} sessions"
            )

    def __len__(self) -> int:
        return len(self.sessions)

    def items(self) -> list[str]:
        """Every distinct item, sorted."""
        return sorted({item for session in self.sessions for item in session})


@dataclass(frozen=True, slots=True)
class SessionQuery:
    """The current session so far (oldest first): which ``k`` items should come next?

    ``weights``, when given, holds one non-negative interest weight per entry of ``items``
    (see :mod:`shopkeeper.ai.recommend.session_signals`): session recommenders multiply
    each item's say by it, so an item looked at for a while counts more than a bounce.
    An item listed twice counts with the weight of its last entry. ``None`` weighs every
    item alike (1.0), exactly as without signals.

    Examples
    --------
    >>> SessionQuery(items=("A", "B"), k=20).last
    'B'
    >>> SessionQuery(items=("A", "B"), weights=(2.0, 0.5)).weights
    (2.0, 0.5)
    >>> SessionQuery(items=("A",), weights=(1.0, 1.0))
    Traceback (most recent call last):
    ...
    shopkeeper.core.errors.InvalidInputError: 2 weights for 1 items
    """

    items: tuple[str, ...]
    k: int = 20
    exclude: frozenset[str] = field(default_factory=frozenset)
    at: float | None = None
    weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.k <= MAX_K:
            raise InvalidInputError(f"k must be between 1 and {MAX_K}", k=self.k)
        if self.weights is None:
            return
        if len(self.weights) != len(self.items):
            raise InvalidInputError(f"{len(self.weights)} weights for {len(self.items)} items")
        if not all(math.isfinite(w) and w >= 0 for w in self.weights):
            raise InvalidInputError(
                "weights must be finite and non-negative", weights=list(self.weights)
            )

    @property
    def last(self) -> str | None:
        return self.items[-1] if self.items else None
