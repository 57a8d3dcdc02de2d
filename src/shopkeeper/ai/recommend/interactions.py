"""What recommenders learn from: weighted, timestamped interactions with products."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from shopkeeper.core.errors import InvalidInputError

COLUMNS = ("sku", "occurred_at", "weight", "kind")


@dataclass(frozen=True, slots=True)
class Interaction:
    """One weighted interaction: a sale (weight = quantity), a view (a small weight), ...

    It is also the event online recommenders learn from in ``update``.
    """

    sku: str
    occurred_at: datetime
    weight: float = 1.0
    kind: str = "sale"


@dataclass(frozen=True, eq=False)
class InteractionLog:
    """Interactions as a DataFrame, plus the catalogue facts recommenders filter on.

    ``frame`` has the columns ``sku`` (str), ``occurred_at`` (timezone-aware UTC),
    ``weight`` (float) and ``kind`` (str, e.g. ``"sale"`` or ``"view"``).
    ``categories`` maps sku to category. ``as_of`` is the moment the log describes (recency
    is measured from it); by default the latest interaction. Models never read a clock, so
    the same log always fits the same model.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> log = InteractionLog.from_records(
    ...     [Interaction("A1", datetime(2026, 3, 1, tzinfo=UTC), 2.0)], categories={"A1": "tea"}
    ... )
    >>> len(log), log.end.isoformat()
    (1, '2026-03-01T00:00:00+00:00')
    """

    frame: pd.DataFrame
    categories: Mapping[str, str] = field(default_factory=dict)
    as_of: datetime | None = None

    def __post_init__(self) -> None:
        missing = [c for c in COLUMNS if c not in self.frame.columns]
        if missing:
            raise InvalidInputError(f"interaction frame lacks columns {missing}", missing=missing)
        occurred = self.frame["occurred_at"]
        if not isinstance(occurred.dtype, pd.DatetimeTZDtype):
            raise InvalidInputError("occurred_at must be timezone-aware (UTC) timestamps")
        if self.as_of is not None and self.as_of.tzinfo is None:
            raise InvalidInputError("as_of must be timezone-aware")

    @classmethod
    def from_records(
        cls,
        records: Iterable[Interaction],
        *,
        categories: Mapping[str, str] | None = None,
        as_of: datetime | None = None,
    ) -> InteractionLog:
        rows = [(r.sku, r.occurred_at, float(r.weight), r.kind) for r in records]
        if any(row[1].tzinfo is None for row in rows):
            # pandas would silently read a naive time as UTC; its zone is really unknown.
            raise InvalidInputError("interaction timestamps must be timezone-aware")
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
        frame["weight"] = frame["weight"].astype("float64")
        return cls(frame=frame, categories=dict(categories or {}), as_of=as_of)

    @property
    def end(self) -> datetime | None:
        """The moment recency is measured from: ``as_of``, else the latest interaction."""
        if self.as_of is not None:
            return self.as_of
        if self.frame.empty:
            return None
        latest: datetime = self.frame["occurred_at"].max().to_pydatetime()
        return latest

    def __len__(self) -> int:
        return len(self.frame)
