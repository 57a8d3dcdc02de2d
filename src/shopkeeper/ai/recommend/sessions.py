"""Anonymous browsing sessions, as session-based recommenders learn from and are asked."""

from __future__ import annotations

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

    Examples
    --------
    >>> SessionQuery(items=("A", "B"), k=20).last
    'B'
    """

    items: tuple[str, ...]
    k: int = 20
    exclude: frozenset[str] = field(default_factory=frozenset)
    at: float | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.k <= MAX_K:
            raise InvalidInputError(f"k must be between 1 and {MAX_K}", k=self.k)

    @property
    def last(self) -> str | None:
        return self.items[-1] if self.items else None
