"""Why a series got its model: validation errors of the winner against the others.

Says when the winner is the combination (and of which models), and when seasonal naive was
kept although another candidate validated slightly better (within the margin).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from shopkeeper.ai.forecast.candidates import COMBINATION, NO_DEMAND_MODEL, SHORT_HISTORY_MODEL
from shopkeeper.ai.forecast.demand_class import DemandClass
from shopkeeper.ai.forecast.series import SeriesIssue
from shopkeeper.domain.explanation import Explanation, Factor


def explain_forecast(
    ids: tuple[str, ...],
    *,
    choices: dict[str, str],
    scores: dict[str, dict[str, float]],
    classes: dict[str, DemandClass],
    issues: dict[str, tuple[SeriesIssue, ...]],
    window: int,
    n_windows: int,
    members: tuple[str, ...] = (),
    default: str | None = None,
    margin: float = 0.0,
) -> Explanation:
    """One series: its model and each candidate's validation MAE; several: the model mix."""
    if not ids:
        return Explanation("No series asked, nothing forecast.")
    if len(ids) == 1:
        rule = _Rule(members, default, margin)
        return _one(ids[0], choices, scores, classes, issues, window, n_windows, rule)
    counts: dict[str, int] = {}
    for uid in ids:
        counts[choices[uid]] = counts.get(choices[uid], 0) + 1
    mix = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    summary = (
        f"{len(ids)} series, each with the model that best forecast its last {n_windows} "
        f"windows of {window} periods where its history allowed: "
        + ", ".join(f"{name} for {n}" for name, n in mix)
        + "."
    )
    factors = tuple(
        Factor(f"model:{name}", round(n / len(ids), 4), f"chosen for {n} series") for name, n in mix
    )
    return Explanation(summary, factors)


class _Rule(NamedTuple):
    members: tuple[str, ...]
    default: str | None
    margin: float


def _one(
    uid: str,
    choices: dict[str, str],
    scores: dict[str, dict[str, float]],
    classes: dict[str, DemandClass],
    issues: dict[str, tuple[SeriesIssue, ...]],
    window: int,
    n_windows: int,
    rule: _Rule,
) -> Explanation:
    chosen, demand = choices[uid], classes[uid]
    kind = f"{demand.kind} demand (ADI {demand.adi:.2f}, CV² {demand.cv2:.2f})"
    notes = tuple(Factor(f"data:{i.kind}", 0.0, i.detail) for i in issues.get(uid, ()))
    if chosen == NO_DEMAND_MODEL:
        return Explanation(f"{uid} never sold in its history: forecast is zero.", notes)
    if chosen == SHORT_HISTORY_MODEL:
        return Explanation(
            f"{uid} has too little history to compare models; {kind}; "
            "forecast is its average so far.",
            notes,
        )
    own = scores.get(uid, {})
    best = own[chosen]
    others = sorted(
        ((m, e) for m, e in own.items() if m != chosen and math.isfinite(e)), key=lambda x: x[1]
    )
    versus = f", next best {others[0][0]} at {others[0][1]:.3g}" if others else ""
    what = chosen
    if chosen == COMBINATION and rule.members:
        what = f"{COMBINATION} (the mean of {', '.join(rule.members)})"
    summary = (
        f"{uid}: {what} chosen for {kind}; its mean absolute error over the last "
        f"{n_windows} windows of {window} periods was {best:.3g}{versus}."
    )
    if chosen == rule.default and others and others[0][1] < best:
        summary += (
            f" {chosen} is kept unless another model's error is at least {rule.margin:.0%} lower."
        )
    factors = [Factor(f"validation_mae:{chosen}", round(best, 6), "chosen")]
    factors += [
        Factor(
            f"validation_mae:{m}",
            round(e, 6),
            f"{(e - best) / e:.0%} worse" if e > 0 else "equal",
        )
        for m, e in others
    ]
    return Explanation(summary, (*factors, *notes))
