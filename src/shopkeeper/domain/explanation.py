"""Reasons attached to every automatic decision."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason and how much it weighed (positive pushes towards the decision)."""

    name: str
    weight: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """A short human-readable summary plus the factors behind it.

    Examples
    --------
    >>> e = Explanation("Popular this week", (Factor("recent_sales", 0.8),))
    >>> e.summary
    'Popular this week'
    """

    summary: str
    factors: tuple[Factor, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "summary": self.summary,
            "factors": [
                {"name": f.name, "weight": f.weight, "detail": f.detail} for f in self.factors
            ],
        }
