"""Whether context earns its place: the re-ranker with and without context features.

A re-ranker that reads the weather can also learn noise from it. Before a shop's model is
stored, :func:`choose_features` fits it both ways on the earlier days of its own history
and scores both on the latest days (NDCG@10, the product the visitor opened next being
the one relevant item); the context features are kept only when they rank better there.
The benchmark (``benchmarks/recommend_context.py``) measures the same on held-out days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shopkeeper.ai.recommend.context_features import ALL_FEATURES, CONTEXT_FEATURES
from shopkeeper.ai.recommend.context_groups import BuiltGroups, select_features
from shopkeeper.ai.recommend.context_ranker import (
    ContextRankQuery,
    LambdaRankContextRanker,
    RankingGroups,
)

# The latest fifth of the days judges; the rest trains both candidates.
VALIDATION_SHARE = 0.2
PLAIN_FEATURES = tuple(n for n in ALL_FEATURES if n not in CONTEXT_FEATURES)


def ndcg_at_10(
    model: LambdaRankContextRanker | None, built: BuiltGroups, names: tuple[str, ...]
) -> npt.NDArray[np.float64]:
    """NDCG@10 of each group (``None``: the generators' own order)."""
    columns = [built.groups.feature_names.index(n) for n in names]
    out = np.zeros(len(built.skus))
    start = 0
    for g, (skus, context) in enumerate(zip(built.skus, built.contexts, strict=True)):
        stop = start + len(skus)
        truth = skus[int(np.argmax(built.groups.chosen[start:stop]))]
        if model is None:
            order = list(skus)
        else:
            query = ContextRankQuery(
                skus, built.groups.features[start:stop, columns], context, explain_top=0
            )
            order = [item.sku for item in model.predict(query)]
        rank = order.index(truth)
        out[g] = 1.0 / np.log2(rank + 2) if rank < 10 else 0.0
        start = stop
    return out


def subset(built: BuiltGroups, keep: npt.NDArray[np.bool_]) -> BuiltGroups:
    """The groups where ``keep`` is true, rows and all."""
    sizes = built.groups.group_sizes
    ends = np.cumsum(sizes)
    rows = np.concatenate(
        [np.arange(end - size, end) for end, size, k in zip(ends, sizes, keep, strict=True) if k]
        or [np.zeros(0, dtype=np.int64)]
    )
    groups = RankingGroups(
        built.groups.features[rows],
        sizes[keep],
        built.groups.chosen[rows],
        built.groups.feature_names,
        built.groups.stats,
    )
    picked = np.flatnonzero(keep).tolist()
    return BuiltGroups(
        groups,
        [built.skus[i] for i in picked],
        [built.contexts[i] for i in picked],
        built.sessions[keep],
        built.offered,
    )


def split_by_day(built: BuiltGroups, share: float) -> tuple[BuiltGroups, BuiltGroups]:
    """(earlier days, the latest ``share`` of the days)."""
    days = np.array([c.day.toordinal() for c in built.contexts], dtype=np.int64)
    if len(days) == 0:
        return built, built
    distinct = np.unique(days)
    cut = distinct[min(int(len(distinct) * (1 - share)), len(distinct) - 1)]
    late = days >= cut
    return subset(built, ~late), subset(built, late)


@dataclass(frozen=True, slots=True)
class FeatureChoice:
    """The feature set to ship and the validation NDCG@10 (%) that chose it.

    Examples
    --------
    >>> FeatureChoice(PLAIN_FEATURES, 27.1, 27.4).uses_context
    False
    """

    names: tuple[str, ...]
    ndcg_context: float | None
    ndcg_plain: float | None

    @property
    def uses_context(self) -> bool:
        return any(n in CONTEXT_FEATURES for n in self.names)


def choose_features(built: BuiltGroups, seed: int = 0) -> FeatureChoice:
    """All features if context ranks better on the latest days, else the plain ones.

    With too few groups on either side to judge, context is kept: the serving side then
    behaves as it did before this check existed.
    """
    train, valid = split_by_day(built, VALIDATION_SHARE)
    if not train.skus or not valid.skus or train.groups is valid.groups:
        return FeatureChoice(ALL_FEATURES, None, None)
    with_context = LambdaRankContextRanker(seed=seed).fit(train.groups)
    plain = LambdaRankContextRanker(seed=seed).fit(select_features(train.groups, PLAIN_FEATURES))
    scored_context = 100.0 * float(ndcg_at_10(with_context, valid, ALL_FEATURES).mean())
    scored_plain = 100.0 * float(ndcg_at_10(plain, valid, PLAIN_FEATURES).mean())
    names = ALL_FEATURES if scored_context > scored_plain else PLAIN_FEATURES
    return FeatureChoice(names, round(scored_context, 3), round(scored_plain, 3))
