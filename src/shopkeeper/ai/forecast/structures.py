"""The structure AutoETS and AutoTheta choose per series, searched once per selection.

AutoETS fits every admissible combination of error, trend and season (about fifteen models)
and keeps the one with the lowest AICc; AutoTheta tries four Theta variants. On two years of
daily sales that search costs about 0.4 s a series against 0.05 s to fit one fixed structure,
so it is done once, on the history *before* the validation windows: the windows then
validate that structure honestly (it never saw them), and the final fit and every daily run
until the next selection refit only its smoothing parameters. The search looks at most
:data:`SEARCH_SEASONS` seasons back from there (a year of daily sales): the structure is
about how a product sells lately, and a year costs 40 % less to search than two (AutoTheta:
70 % less).

Even once a week, the search is most of a selection's time (at 10,000 SKUs, 87 % of the
weekly run went to it and to validating its structures), and a product's structure seldom
changes from one week to the next. So a selection can take the structures an earlier one
searched (:func:`reusable`) and search again only those older than :data:`MAX_AGE`
selections. The first search staggers the ages by a hash of the series id, so about a
quarter of the catalogue is searched each week instead of all of it every fourth week. A
reused structure stays honest: it was searched on history that ended before this
selection's windows.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import AutoETS, AutoTheta, NaNModel

SEARCH_SEASONS = 52
# Selections a searched structure serves, the one that searched it included.
MAX_AGE = 4
# Fitted models are held in memory until their structures are read: a few thousand at a time.
CHUNK = 1000


def search_structures(
    history: pd.DataFrame,
    *,
    freq: str,
    season_length: int,
    held_out: int,
    n_jobs: int = 1,
) -> dict[str, dict[str, str]]:
    """Per series, the AutoETS components and AutoTheta variant found before the last
    ``held_out`` periods (``{"AutoETS": "MNMN", "AutoTheta": "DOTM"}``), on at most
    :data:`SEARCH_SEASONS` seasons.

    A series whose search fails gets ``""``: that model then searches at every fit (and
    forecasts NaN, so never wins, if it fails there too).
    """
    back = history.groupby("unique_id", sort=False).cumcount(ascending=False)
    searched = (back >= held_out) & (back < held_out + SEARCH_SEASONS * season_length)
    earlier = history.loc[searched, ["unique_id", "ds", "y"]]
    ids = sorted(earlier["unique_id"].unique())
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = earlier[earlier["unique_id"].isin(ids[start : start + CHUNK])]
        engine = StatsForecast(
            models=[AutoETS(season_length=season_length), AutoTheta(season_length=season_length)],
            freq=freq,
            n_jobs=n_jobs,
            fallback_model=NaNModel(),
        ).fit(df=chunk)
        for uid, (ets, theta) in zip(engine.uids, engine.fitted_, strict=True):
            found[str(uid)] = {"AutoETS": _components(ets), "AutoTheta": _variant(theta)}
    missing = sorted(set(history["unique_id"]) - set(found))
    found.update({uid: {"AutoETS": "", "AutoTheta": ""} for uid in missing})
    return found


def _components(model: Any) -> str:
    fitted = getattr(model, "model_", None)
    return str(fitted["components"]) if fitted is not None else ""


def _variant(model: Any) -> str:
    fitted = getattr(model, "model_", None)
    return str(fitted["modeltype"]) if fitted is not None else ""


def first_age(uid: str) -> int:
    """The age a series' first structure search starts at: staggered by a stable hash.

    Examples
    --------
    >>> sorted({first_age(f"SKU-{n}") for n in range(100)})
    [0, 1, 2, 3]
    """
    return zlib.crc32(uid.encode()) % MAX_AGE


def reusable(
    searched: Mapping[str, Mapping[str, Any]], ids: Iterable[str]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Split ``ids`` into structures an earlier selection searched that may serve once more
    (returned with their age advanced) and the series to search now.

    ``searched`` is an earlier ``Choice.searched``: per series, the structures and
    ``age``, the selections they have served.

    Examples
    --------
    >>> earlier = {"A": {"AutoETS": "ANA", "AutoTheta": "OTM", "age": 1},
    ...            "B": {"AutoETS": "ANN", "AutoTheta": "STM", "age": 3}}
    >>> reusable(earlier, ["A", "B", "C"])
    ({'A': {'AutoETS': 'ANA', 'AutoTheta': 'OTM', 'age': 2}}, ['B', 'C'])
    """
    kept: dict[str, dict[str, Any]] = {}
    stale: list[str] = []
    for uid in ids:
        entry = searched.get(uid) or {}
        age = entry.get("age")
        if isinstance(age, int) and age + 1 < MAX_AGE:
            kept[uid] = {**entry, "age": age + 1}
        else:
            stale.append(uid)
    return kept, stale


def searched_now(
    found: Mapping[str, Mapping[str, str]], searched: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Structures found by this selection's search, with their starting age: 0 for a series
    searched before (its old structure expired), staggered for a series seen the first time.

    Examples
    --------
    >>> searched_now({"B": {"AutoETS": "ANN", "AutoTheta": "STM"}}, {"B": {"age": 3}})
    {'B': {'AutoETS': 'ANN', 'AutoTheta': 'STM', 'age': 0}}
    """
    return {
        uid: {**structures, "age": 0 if uid in searched else first_age(uid)}
        for uid, structures in found.items()
    }
