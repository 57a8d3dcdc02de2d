"""Training and evaluation groups for the context re-ranker, from plain browsing frames.

A group is one past moment of a session: the products it had touched so far, the
candidates the generators (session model, then popularity) would have proposed then,
and the product the visitor actually touched next. Groups where the generators missed
that product are left out: the re-ranker can only reorder, and adding the missed
product by hand would make it recognisable by its generator features (a rank nobody
else has) and teach the model that artefact.

The generators must be fitted on sessions *before* the groups' period: fitted on the
same sessions, the session model recalls them and the ranker learns to over-trust it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from shopkeeper.ai.recommend.context_features import (
    ALL_FEATURES,
    ContextStats,
    RequestContext,
    WeatherTable,
    candidate_features,
    popularity_baseline,
    request_context,
)
from shopkeeper.ai.recommend.context_ranker import RankingGroups
from shopkeeper.ai.recommend.context_search import SearchCounts
from shopkeeper.ai.recommend.interactions import InteractionLog
from shopkeeper.ai.recommend.popularity import PopularityRecommender
from shopkeeper.ai.recommend.ranking import RecommendQuery, ScoredSku
from shopkeeper.ai.recommend.session_knn import SessionKNNRecommender
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.recommend.stan import STANRecommender

SESSION_EVENT_TYPES = ("view", "click", "add_to_cart")
CANDIDATES = 50
# The last few products tell where a visit is heading; the service uses as many.
SESSION_ITEMS = 20
WINDOW_DAYS = 90
# A view says much less about demand than a unit sold (as in the default popularity model).
VIEW_WEIGHT = 0.1


@dataclass(frozen=True)
class Generators:
    """The candidate generators of the service: session model first, popularity after."""

    popularity: PopularityRecommender
    session: SessionKNNRecommender | None = None
    n_candidates: int = CANDIDATES

    def propose(
        self, prefix: tuple[str, ...], at: float | None
    ) -> tuple[list[ScoredSku], dict[str, float]]:
        """Candidates for a session that touched ``prefix``, and their session scores."""
        exclude = frozenset(prefix)
        ranked: list[ScoredSku] = []
        session_scores: dict[str, float] = {}
        if self.session is not None and prefix:
            query = SessionQuery(
                items=prefix[-SESSION_ITEMS:], k=self.n_candidates, exclude=exclude, at=at
            )
            ranked = list(self.session.predict(query))
            session_scores = {s.sku: s.score for s in ranked}
        popular = self.popularity.predict(RecommendQuery(k=self.n_candidates, exclude=exclude))
        seen = set(session_scores)
        ranked += [s for s in popular if s.sku not in seen]
        return ranked[: self.n_candidates], session_scores


@dataclass(frozen=True)
class BuiltGroups:
    """Groups ready to fit or score, with the session each came from."""

    groups: RankingGroups
    skus: list[tuple[str, ...]]
    contexts: list[RequestContext]
    sessions: npt.NDArray[np.str_]
    offered: int  # moments seen, including those the generators missed


def session_paths(events: pd.DataFrame) -> pd.DataFrame:
    """Per session, its product steps in time order with repeats in a row collapsed.

    ``events`` has columns ``session_id, type, sku, at, region``.
    """
    steps = events[events["type"].isin(SESSION_EVENT_TYPES) & events["sku"].notna()]
    steps = steps.sort_values(["session_id", "at"], kind="stable")
    repeat = (steps["session_id"] == steps["session_id"].shift()) & (
        steps["sku"] == steps["sku"].shift()
    )
    return steps.loc[~repeat, ["session_id", "sku", "at", "region"]].reset_index(drop=True)


def build_groups(
    paths: pd.DataFrame,
    stats: ContextStats,
    weather: WeatherTable,
    generators: Generators,
    in_stock: Mapping[str, bool] | None = None,
    *,
    max_groups: int | None = None,
    searches: SearchCounts | None = None,
) -> BuiltGroups:
    """One group per session step whose product the generators proposed.

    ``paths`` comes from :func:`session_paths`; steps are taken in order, so a
    ``max_groups`` cap keeps whole early sessions.
    """
    popular_scores = dict(generators.popularity.scores_)
    # Lifts read against the weeks this popularity model counted, as the service reads them.
    baseline = popularity_baseline(stats, generators.popularity, WINDOW_DAYS)
    rows: list[npt.NDArray[np.float64]] = []
    chosen: list[npt.NDArray[np.float64]] = []
    sizes: list[int] = []
    skus: list[tuple[str, ...]] = []
    contexts: list[RequestContext] = []
    sessions: list[str] = []
    offered = 0
    for session_id, path in paths.groupby("session_id", sort=True):
        items = path["sku"].astype(str).tolist()
        times = pd.to_datetime(path["at"], utc=True).tolist()
        region = path["region"].iloc[0]
        for i, target in enumerate(items):
            if target in items[:i]:
                continue  # a product seen earlier is excluded from recommendations
            offered += 1
            prefix = tuple(dict.fromkeys(items[:i]))
            at = times[i].to_pydatetime()
            candidates, session_scores = generators.propose(prefix, at.timestamp())
            names = [c.sku for c in candidates]
            if target not in names:
                continue
            context = request_context(
                at, None if pd.isna(region) else str(region), weather, stats.time_zone
            )
            rows.append(
                candidate_features(
                    stats,
                    context,
                    candidates,
                    session_scores,
                    popular_scores,
                    in_stock,
                    baseline,
                    searches,
                )
            )
            chosen.append(np.array([float(n == target) for n in names]))
            sizes.append(len(names))
            skus.append(tuple(names))
            contexts.append(context)
            sessions.append(str(session_id))
            if max_groups is not None and len(sizes) >= max_groups:
                break
        if max_groups is not None and len(sizes) >= max_groups:
            break
    width = len(ALL_FEATURES)
    groups = RankingGroups(
        np.vstack(rows) if rows else np.zeros((0, width)),
        np.array(sizes, dtype=np.int64),
        np.concatenate(chosen) if chosen else np.zeros(0),
        stats=stats,
    )
    return BuiltGroups(groups, skus, contexts, np.array(sessions, dtype=str), offered)


def select_features(groups: RankingGroups, names: tuple[str, ...]) -> RankingGroups:
    """The same groups with only the ``names`` columns (an ablation drops the rest)."""
    columns = [groups.feature_names.index(n) for n in names]
    return RankingGroups(
        groups.features[:, columns], groups.group_sizes, groups.chosen, names, groups.stats
    )


def fit_generators(
    sales: pd.DataFrame,
    paths: pd.DataFrame,
    categories: Mapping[str, str],
    end: datetime,
    *,
    window_days: int = WINDOW_DAYS,
) -> Generators:
    """Popularity and STAN fitted like the service's defaults on what happened before ``end``.

    ``sales`` has ``sku, at, quantity``; ``paths`` comes from :func:`session_paths`.
    """
    start = pd.Timestamp(end - timedelta(days=window_days))
    stop = pd.Timestamp(end)
    sold = sales[(sales["at"] >= start) & (sales["at"] < stop)]
    seen = paths[(paths["at"] >= start) & (paths["at"] < stop)]
    frame = pd.DataFrame(
        {
            "sku": pd.concat([sold["sku"], seen["sku"]], ignore_index=True).astype(str),
            "occurred_at": pd.to_datetime(
                pd.concat([sold["at"], seen["at"]], ignore_index=True), utc=True
            ),
            "weight": np.concatenate(
                [sold["quantity"].to_numpy(dtype=np.float64), np.full(len(seen), VIEW_WEIGHT)]
            ),
            "kind": ["sale"] * len(sold) + ["view"] * len(seen),
        }
    )
    log = InteractionLog(frame=frame, categories=dict(categories), as_of=end)
    popularity = PopularityRecommender(half_life_days=14.0, window_days=window_days).fit(log)
    sessions: list[tuple[str, ...]] = []
    times: list[float] = []
    for _, path in seen.groupby("session_id", sort=True):
        if len(path) >= 2:
            sessions.append(tuple(path["sku"].astype(str)))
            times.append(pd.Timestamp(path["at"].iloc[-1]).timestamp())
    session = STANRecommender().fit(SessionLog(tuple(sessions), tuple(times))) if sessions else None
    return Generators(popularity, session)
