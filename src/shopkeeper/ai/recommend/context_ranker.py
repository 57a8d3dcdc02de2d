"""Context re-ranking with LightGBM lambdarank, explained by its own feature contributions.

Candidate generators (session model, popularity) propose products; this model reorders
them with what they ignore: the moment, the weather and local events of the visitor's
region, trends, price and stock (see :mod:`~shopkeeper.ai.recommend.context_features`).
It learns from past requests, each a group of candidates of which the visitor chose one,
by optimising NDCG directly (lambdarank).

It is fitted in two stages, in one booster. The first trees see every feature except the
context ones (their columns are blanked), so they are exactly the re-ranker a shop without
context would get. The trees after them may split on context features only: they can
only add what the moment, the weather or a trend says beyond the generators, and where
context says nothing they add next to nothing, so a context effect is measured against
the same first trees rather than against a second model with its own noise. Every
answer carries the per-feature
contributions LightGBM computes for it (``pred_contrib``): the reason shown is read from
those, so it changes when the model's reasons change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Self

import lightgbm as lgb
import numpy as np
import numpy.typing as npt

from shopkeeper.ai.base import Model
from shopkeeper.ai.recommend.context_features import (
    ALL_FEATURES,
    CONTEXT_FEATURES,
    ContextStats,
    RequestContext,
)
from shopkeeper.ai.recommend.context_reasons import reason_for
from shopkeeper.ai.recommend.tree_cells import CellMemo
from shopkeeper.ai.registry import Sample, register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

FloatArray = npt.NDArray[np.float64]
TOP_CONTRIBUTIONS = 3


@dataclass(frozen=True)
class RankingGroups:
    """Past requests: stacked candidate features, group sizes, 1 for the chosen candidate.

    ``stats`` are the history statistics the features were computed from; the model keeps
    them (``stats_``) so serving computes a new request's features the same way.
    """

    features: FloatArray
    group_sizes: npt.NDArray[np.int64]
    chosen: FloatArray
    feature_names: tuple[str, ...] = ALL_FEATURES
    stats: ContextStats | None = None


@dataclass(frozen=True)
class ContextRankQuery:
    """One request: its candidates (in the generator's order) and their feature rows.

    Contributions (and so reasons) are computed for the first ``explain_top`` items of the
    new order only: they cost far more than the scores, and nobody reads the rest.
    """

    skus: tuple[str, ...]
    features: FloatArray
    context: RequestContext
    explain_top: int = 10


@dataclass(frozen=True, slots=True)
class ContextRankedItem:
    """A candidate's new score, its strongest contributions and the reason they give."""

    sku: str
    score: float
    contributions: tuple[tuple[str, float], ...]
    reason_key: str
    reason: str


class _Trees:
    """A booster that compares, copies and pickles by its model text.

    ``memo`` answers its predictions; it is rebuilt empty with the booster on unpickling.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.booster = lgb.Booster(model_str=text)
        self.memo = CellMemo(self.booster)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Trees) and other.text == self.text

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> str:
        return self.text

    def __setstate__(self, text: str) -> None:
        self.__init__(text)  # type: ignore[misc]


def sample(seed: int) -> Sample:
    """Groups of 6 candidates where rain favours the ones with a high rain lift."""
    rng = np.random.default_rng(seed)
    n_groups, size = 60, 6
    features = rng.normal(size=(n_groups * size, len(ALL_FEATURES)))
    rain = ALL_FEATURES.index("lift_rain")
    scores = 2.0 * features[:, rain] + rng.normal(scale=0.5, size=n_groups * size)
    chosen = np.zeros(n_groups * size)
    for g in range(n_groups):
        chosen[g * size + int(np.argmax(scores[g * size : (g + 1) * size]))] = 1.0
    data = RankingGroups(features, np.full(n_groups, size, dtype=np.int64), chosen)
    ctx = RequestContext(day=date(2026, 5, 3), hour=19, weekday=6, month=5, precip_mm=8.0)
    queries = tuple(
        ContextRankQuery(
            tuple(f"SKU-{i}" for i in range(size)), features[g * size : (g + 1) * size], ctx
        )
        for g in range(3)
    )
    return Sample(data=data, queries=queries)


@register(sample=sample)
class LambdaRankContextRanker(
    Model[RankingGroups, ContextRankQuery, tuple[ContextRankedItem, ...]]
):
    """Reorder candidates with gradient-boosted trees trained for NDCG.

    Parameters
    ----------
    n_estimators, learning_rate, num_leaves, min_child_samples
        Usual LightGBM tree settings; small trees suit a few dozen features.
        ``n_estimators`` trees learn from the features other than context ones.
    context_estimators
        Trees added after them that split on :data:`CONTEXT_FEATURES` only (none when
        the data has no context column).
    seed
        Seeds LightGBM; training uses one thread, so the same data gives the same trees.

    Examples
    --------
    >>> data = sample(0).data
    >>> model = LambdaRankContextRanker(n_estimators=30).fit(data)
    >>> ranked = model.predict(sample(0).queries[0])
    >>> len(ranked), ranked[0].score >= ranked[-1].score
    (6, True)
    >>> ranked[0].contributions[0][0]
    'lift_rain'
    """

    capability = "recommend"

    def __init__(
        self,
        *,
        n_estimators: int = 100,
        context_estimators: int = 100,
        learning_rate: float = 0.05,
        num_leaves: int = 7,
        min_child_samples: int = 50,
        seed: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.context_estimators = context_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.seed = seed

    def _params(self) -> dict[str, Any]:
        return {
            "objective": "lambdarank",
            "metric": "ndcg",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 1,
            "verbose": -1,
        }

    def fit(self, data: RankingGroups) -> Self:
        self.forget()
        sizes = np.asarray(data.group_sizes, dtype=np.int64)
        if data.features.shape != (int(sizes.sum()), len(data.feature_names)):
            raise InvalidInputError(
                "features must have one row per candidate and one column per feature name",
                shape=list(data.features.shape),
            )
        if not len(sizes) or data.chosen.sum() == 0:
            raise InvalidInputError("context ranking needs at least one group with a choice")
        names = list(data.feature_names)
        context = [i for i, n in enumerate(names) if n in CONTEXT_FEATURES]
        # A constant column is never split on: the first trees ignore the context.
        blanked = data.features.copy()
        blanked[:, context] = 0.0
        first = lgb.Dataset(blanked, label=data.chosen, group=sizes, feature_name=names)
        booster = lgb.train(self._params(), first, num_boost_round=self.n_estimators)
        if context and self.context_estimators > 0:
            # feature_contri scales each feature's split gain: zero keeps the rest out.
            only_context = {
                **self._params(),
                "feature_contri": [float(i in context) for i in range(len(names))],
            }
            full = lgb.Dataset(data.features, label=data.chosen, group=sizes, feature_name=names)
            booster = lgb.train(
                only_context, full, num_boost_round=self.context_estimators, init_model=booster
            )
        self.trees_ = _Trees(booster.model_to_string())
        self.feature_names_: tuple[str, ...] = tuple(data.feature_names)
        self.groups_ = len(sizes)
        self.stats_: ContextStats | None = data.stats
        return self

    def predict(self, query: ContextRankQuery) -> tuple[ContextRankedItem, ...]:
        self.check_fitted()
        if not query.skus:
            return ()
        rows = np.asarray(query.features, dtype=np.float64)
        if rows.shape != (len(query.skus), len(self.feature_names_)):
            raise InvalidInputError(
                "one feature row per candidate expected", shape=list(rows.shape)
            )
        # The memo answers exactly what the booster would, from a few hundred cells.
        memo = self.trees_.memo
        scores = memo.scores(rows).tolist()
        skus, names = query.skus, self.feature_names_
        order = sorted(range(len(skus)), key=lambda i: (-scores[i], i))
        shown = order[: max(query.explain_top, 0)]
        items = []
        if shown:
            # TreeSHAP values: one column per feature plus the bias; a row sums to the score.
            contrib = memo.contributions(rows[shown])[:, :-1].tolist()
            shown_rows = rows[shown].tolist()
            for position, i in enumerate(shown):
                pairs = sorted(zip(names, contrib[position], strict=True), key=lambda p: -abs(p[1]))
                values = dict(zip(names, shown_rows[position], strict=True))
                key, reason = reason_for(pairs, query.context, values)
                top = tuple((n, round(v, 6)) for n, v in pairs[:TOP_CONTRIBUTIONS])
                items.append(ContextRankedItem(skus[i], scores[i], top, key, reason))
        # The rest carry no contributions and no reason: nobody reads them.
        items.extend(ContextRankedItem(skus[i], scores[i], (), "", "") for i in order[len(shown) :])
        return tuple(items)

    def explain(
        self, query: ContextRankQuery, prediction: tuple[ContextRankedItem, ...]
    ) -> Explanation:
        self.check_fitted()
        if not prediction:
            return Explanation("No candidates to reorder.")
        totals: dict[str, float] = {}
        for item in prediction:
            for name, value in item.contributions:
                totals[name] = totals.get(name, 0.0) + value / len(prediction)
        factors = tuple(
            Factor(name, round(value, 4), "mean contribution to the score of the items shown")
            for name, value in sorted(totals.items(), key=lambda p: -abs(p[1]))
        )
        top = prediction[0]
        why = top.reason.lower() if top.reason else "its features score highest"
        return Explanation(f"{top.sku} leads: {why}.", factors)
