"""The model choice as a plain value, so the daily run can reuse the weekly one.

Choosing models per series (:mod:`.selection`) is the expensive part of forecasting;
refitting the chosen model with its structure fixed is cheap. :class:`Choice` is what a
selection decided, per series: the model, the structures its members keep
(:mod:`.structures`), its validation errors (for the explanation) and its interval scale;
per family of demand: the pooled interval bounds per step ahead (:mod:`.intervals`).
:meth:`Choice.to_plain` writes it as JSON-ready dicts, lists, strings and numbers, which
:class:`~.local.LocalForecaster` exposes as ``selection_`` and takes back as ``chosen``.

Numbers are kept to six significant digits (the value for 10,000 series is about 2 MB of
JSON) and the selecting fit uses the rounded values too, so reusing a choice on the same
data gives the same forecast to the last digit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shopkeeper.ai.forecast.candidates import INTERMITTENT_MODELS
from shopkeeper.core.errors import InvalidInputError

FORMAT = 1
FAMILIES = ("regular", "intermittent")


def rounded(value: float) -> float:
    """``value`` to six significant digits.

    Examples
    --------
    >>> rounded(3.14159265)
    3.14159
    """
    return float(f"{value:.6g}")


def family_of(model: str) -> str:
    """``"intermittent"`` for Croston, ADIDA and TSB, ``"regular"`` otherwise."""
    return "intermittent" if model in INTERMITTENT_MODELS else "regular"


@dataclass(frozen=True)
class SeriesChoice:
    """What a selection decided for one series.

    ``structures`` maps the chosen model's structured members (``AutoETS``, ``AutoTheta``)
    to the structure they keep; ``scale`` is the chosen model's validation MAE, the unit of
    its interval; ``scores`` every candidate's validation MAE (finite ones only).
    """

    model: str
    scale: float
    structures: dict[str, str] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def family(self) -> str:
        return family_of(self.model)


@dataclass(frozen=True)
class Choice:
    """A selection's decisions: per series, and interval bounds per family of demand.

    Examples
    --------
    >>> bounds = {"regular": {80: np.array([[-1.0, 1.0], [-1.5, 2.0]])}}
    >>> choice = Choice(bounds, {"SKU-1": SeriesChoice("SeasonalNaive", 2.5)})
    >>> plain = choice.to_plain(season_length=7, horizon=2, levels=(80,))
    >>> plain["series"]["SKU-1"]
    {'model': 'SeasonalNaive', 'scale': 2.5}
    >>> back = Choice.from_plain(plain, season_length=7, horizon=2, levels=(80,))
    >>> back.series == choice.series, back.bounds["regular"][80].tolist()
    (True, [[-1.0, 1.0], [-1.5, 2.0]])
    """

    bounds: dict[str, dict[int, np.ndarray]]
    series: dict[str, SeriesChoice]
    # Structures searched for regular series, with their age (:mod:`.structures`): what
    # the next weekly selection may reuse instead of searching again.
    searched: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_plain(
        self, *, season_length: int, horizon: int, levels: tuple[int, ...]
    ) -> dict[str, Any]:
        """JSON-ready form, with the settings it is only valid for."""
        series: dict[str, Any] = {}
        for uid, one in sorted(self.series.items()):
            entry: dict[str, Any] = {"model": one.model, "scale": one.scale}
            if one.structures:
                entry["structures"] = dict(one.structures)
            if one.scores:
                entry["scores"] = dict(one.scores)
            series[uid] = entry
        return {
            "format": FORMAT,
            "season_length": season_length,
            "horizon": horizon,
            "levels": list(levels),
            "bounds": {
                family: {str(level): bounds.tolist() for level, bounds in by_level.items()}
                for family, by_level in sorted(self.bounds.items())
            },
            "series": series,
            "searched": {uid: dict(entry) for uid, entry in sorted(self.searched.items())},
        }

    @classmethod
    def from_plain(
        cls,
        plain: Mapping[str, Any],
        *,
        season_length: int,
        horizon: int,
        levels: tuple[int, ...],
    ) -> Choice:
        """Read back :meth:`to_plain`; refused when made with other settings or malformed."""
        try:
            made = (plain["format"], plain["season_length"], plain["horizon"], plain["levels"])
        except (KeyError, TypeError) as exc:
            raise InvalidInputError(
                "chosen must be the selection_ of a fitted LocalForecaster"
            ) from exc
        if made != (FORMAT, season_length, horizon, list(levels)):
            raise InvalidInputError(
                "chosen was made with other settings (format, season_length, horizon, "
                f"levels = {made}); reselect, or use the same settings",
                made=list(made),
            )
        try:
            bounds = {
                family: {int(level): _bounds(values, horizon) for level, values in by_level.items()}
                for family, by_level in plain["bounds"].items()
            }
            series = {str(uid): _series(entry) for uid, entry in plain["series"].items()}
            searched = {str(uid): dict(entry) for uid, entry in plain.get("searched", {}).items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"chosen is malformed: {exc}") from exc
        return cls(bounds=bounds, series=series, searched=searched)


def _bounds(values: Any, horizon: int) -> np.ndarray:
    array = np.asarray(values, dtype="float64")
    if array.shape != (horizon, 2) or not np.isfinite(array).all():
        raise ValueError(f"interval bounds must be {horizon} finite (low, high) pairs")
    return array


def _series(entry: Mapping[str, Any]) -> SeriesChoice:
    scale = float(entry["scale"])
    if not math.isfinite(scale) or scale < 0:
        raise ValueError(f"scale must be a finite non-negative number, not {scale}")
    return SeriesChoice(
        model=str(entry["model"]),
        scale=scale,
        structures={str(k): str(v) for k, v in entry.get("structures", {}).items()},
        scores={str(k): float(v) for k, v in entry.get("scores", {}).items()},
    )
