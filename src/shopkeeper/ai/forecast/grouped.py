"""Many series, one statsforecast call per model: forecasts and rolling-origin forecasts.

A *plan* says which models (members) forecast each series, with the structure each one
keeps fixed (:func:`.candidates.member_model`). Series sharing a member and structure form
one group and one statsforecast call, spread over ``n_jobs`` processes when the model is
slow enough for that to pay (AutoETS and AutoTheta; the others take microseconds a series
and would only pay for the copying). A member that fails on a series gives NaN there rather
than stopping the other 9,999.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import NaNModel

from shopkeeper.ai.forecast.candidates import STRUCTURED, for_data, member_model

Plan = Mapping[str, Mapping[str, str]]  # series -> member -> structure ("" when none)
# Below this many series a process pool costs more than it saves, even for AutoETS.
MIN_PARALLEL = 20


@dataclass(frozen=True)
class Group:
    """Series forecast by the same member with the same structure."""

    member: str
    structure: str
    ids: tuple[str, ...]


def groups_of(plan: Plan, positive: Mapping[str, bool]) -> list[Group]:
    """The plan's groups, structures adjusted to each series' data (:func:`.for_data`).

    Examples
    --------
    >>> plan = {"a": {"AutoETS": "MNMN"}, "b": {"AutoETS": "MNMN"}, "c": {"Naive": ""}}
    >>> [(g.member, g.structure, g.ids) for g in groups_of(plan, {"a": True, "b": False})]
    [('AutoETS', 'ANAN', ('b',)), ('AutoETS', 'MNMN', ('a',)), ('Naive', '', ('c',))]
    """
    found: dict[tuple[str, str], list[str]] = {}
    for uid, members in plan.items():
        for member, structure in members.items():
            fitted = for_data(member, structure, positive.get(uid, False))
            found.setdefault((member, fitted), []).append(uid)
    return [Group(m, s, tuple(sorted(ids))) for (m, s), ids in sorted(found.items())]


def run_plan(
    history: pd.DataFrame,
    plan: Plan,
    *,
    freq: str,
    season_length: int,
    horizon: int,
    n_windows: int = 0,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Every member's forecasts of the plan's series, one column per member.

    ``n_windows`` 0 forecasts ``horizon`` periods after the history (columns ``unique_id,
    ds`` and the members); more runs rolling-origin validation over the last ``n_windows``
    windows of ``horizon`` periods (``unique_id, ds, cutoff, y`` and the members). A member
    a series does not use is NaN in that series' rows.
    """
    keys = ["unique_id", "ds", "cutoff"] if n_windows else ["unique_id", "ds"]
    lowest = history.groupby("unique_id", sort=False)["y"].min()
    positive = {str(uid): bool(low > 0) for uid, low in lowest.items()}
    rows = _Rows(history)
    columns: dict[str, list[pd.Series]] = {}
    actuals: list[pd.Series] = []
    for group in groups_of(plan, positive):
        model = member_model(group.member, group.structure, season_length)
        parallel = group.member in STRUCTURED and len(group.ids) >= MIN_PARALLEL
        engine = StatsForecast(
            models=[model],
            freq=freq,
            n_jobs=n_jobs if parallel else 1,
            fallback_model=NaNModel(),
        )
        part = rows.of(group.ids)
        if n_windows:
            out = engine.cross_validation(
                df=part, h=horizon, n_windows=n_windows, step_size=horizon
            )
        else:
            out = engine.forecast(df=part, h=horizon)
        out["unique_id"] = out["unique_id"].astype(str)
        out = out.set_index(keys)
        value = next(c for c in out.columns if c != "y")
        columns.setdefault(group.member, []).append(out[value].astype("float64"))
        if n_windows:
            actuals.append(out["y"])
    wide = pd.concat(
        {member: pd.concat(parts) for member, parts in columns.items()}, axis=1, sort=True
    )
    if n_windows:
        y = pd.concat(actuals)
        wide.insert(0, "y", y[~y.index.duplicated()])
    flat: pd.DataFrame = wide.reset_index()
    return flat


class _Rows:
    """The rows of given series, found by integer codes rather than string comparisons."""

    def __init__(self, history: pd.DataFrame) -> None:
        self.history = history[["unique_id", "ds", "y"]]
        codes, uniques = pd.factorize(self.history["unique_id"])
        self.codes = codes
        self.position = {str(uid): i for i, uid in enumerate(uniques)}

    def of(self, ids: tuple[str, ...]) -> pd.DataFrame:
        wanted = np.fromiter((self.position[uid] for uid in ids), dtype=self.codes.dtype)
        part: pd.DataFrame = self.history[np.isin(self.codes, wanted)]
        return part
