"""Recent popularity: the baseline every other recommender has to beat.

Each interaction counts its weight times ``0.5 ** (age_days / half_life_days)``, so last
week's bestseller outranks last year's. It needs no history per visitor, which makes it the
answer for new visitors and the fallback when a personal model has nothing to say.

This module is the template later recommenders copy: hyperparameters stored in
``__init__``, learned state in ``*_`` attributes, pure ``predict``, ``explain`` from the
learned state, and a ``sample`` for the contract checks next to the class.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Self

import numpy as np
import pandas as pd

from shopkeeper.ai.base import OnlineModel
from shopkeeper.ai.recommend.interactions import Interaction, InteractionLog
from shopkeeper.ai.recommend.ranking import Ranking, RecommendQuery, ScoredSku
from shopkeeper.ai.registry import Sample, register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

_SECONDS_PER_DAY = 86_400.0


def _decay(age_days: float | np.ndarray, half_life_days: float) -> np.ndarray:
    # Interactions stamped after as_of (clock skew between systems) count as fresh, not more.
    return np.power(0.5, np.maximum(age_days, 0.0) / half_life_days)


def sample(seed: int) -> Sample:
    """A small random shop for the contract checks: 12 skus, 3 categories, 60 days."""
    rng = np.random.default_rng(seed)
    as_of = datetime(2026, 6, 1, tzinfo=UTC)
    skus = [f"SKU-{i:02d}" for i in range(12)]
    records = [
        Interaction(
            sku=skus[int(rng.integers(len(skus)))],
            occurred_at=as_of - timedelta(minutes=int(rng.integers(60 * 24 * 60))),
            weight=float(rng.integers(1, 4)),
            kind="sale" if rng.random() < 0.3 else "view",
        )
        for _ in range(150)
    ]
    log = InteractionLog.from_records(
        records, categories={s: f"cat-{i % 3}" for i, s in enumerate(skus)}, as_of=as_of
    )
    queries = (
        RecommendQuery(k=5),
        RecommendQuery(k=3, exclude=frozenset(skus[:4])),
        RecommendQuery(k=4, category="cat-1"),
    )
    events = tuple(
        Interaction(skus[i], as_of + timedelta(hours=i + 1), 1.0, "sale") for i in range(3)
    )
    return Sample(data=log, queries=queries, events=events)


@register(sample=sample)
class PopularityRecommender(OnlineModel[InteractionLog, RecommendQuery, Ranking, Interaction]):
    """Top skus by recency-weighted interactions, optionally within a category.

    Parameters
    ----------
    half_life_days
        Age at which an interaction counts half; smaller follows trends faster.
    window_days
        Ignore interactions older than this at fit time (``None`` keeps all).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> day = lambda d: datetime(2026, 5, d, tzinfo=UTC)
    >>> log = InteractionLog.from_records(
    ...     [Interaction("OLD", day(1), 5.0), Interaction("NEW", day(28), 3.0)], as_of=day(30)
    ... )
    >>> model = PopularityRecommender(half_life_days=7).fit(log)
    >>> [s.sku for s in model.predict(RecommendQuery(k=2))]
    ['NEW', 'OLD']
    >>> model.explain(RecommendQuery(k=2), model.predict(RecommendQuery(k=2))).factors[0].name
    'recent_sales'
    """

    capability = "recommend"

    def __init__(self, *, half_life_days: float = 14.0, window_days: float | None = None) -> None:
        self.half_life_days = half_life_days
        self.window_days = window_days

    def fit(self, data: InteractionLog) -> Self:
        if self.half_life_days <= 0:
            raise InvalidInputError(
                "half_life_days must be positive", half_life_days=self.half_life_days
            )
        self.forget()
        as_of = data.end
        frame = data.frame
        age = np.zeros(len(frame))
        if as_of is not None and len(frame):
            age = (pd.Timestamp(as_of) - frame["occurred_at"]).dt.total_seconds().to_numpy()
            age = age / _SECONDS_PER_DAY
        keep = np.ones(len(frame), dtype=bool)
        if self.window_days is not None:
            keep = age <= self.window_days
        weight = frame["weight"].to_numpy(dtype="float64")[keep]
        table = pd.DataFrame(
            {
                "sku": frame["sku"].to_numpy()[keep],
                "kind": frame["kind"].to_numpy()[keep],
                "raw": weight,
                "decayed": weight * _decay(age[keep], self.half_life_days),
            }
        )
        grouped = table.groupby(["sku", "kind"], sort=True)[["raw", "decayed"]].sum()
        # Per sku and kind: (raw weight, decayed weight). Plain dicts pickle small and fast.
        self.contributions_: dict[str, dict[str, tuple[float, float]]] = {}
        for (sku, kind), raw, decayed in zip(
            grouped.index, grouped["raw"], grouped["decayed"], strict=True
        ):
            self.contributions_.setdefault(str(sku), {})[str(kind)] = (float(raw), float(decayed))
        self.categories_: dict[str, str] = dict(data.categories)
        self.as_of_: datetime | None = as_of
        self._rank()
        return self

    def _rank(self) -> None:
        self.scores_: dict[str, float] = {
            sku: sum(d for _, d in kinds.values()) for sku, kinds in self.contributions_.items()
        }
        # Ties broken by sku so the same data always gives the same order.
        self.ranking_: tuple[str, ...] = tuple(
            sorted(self.scores_, key=lambda s: (-self.scores_[s], s))
        )

    def update(self, event: Interaction) -> None:
        """Count one new interaction as a refit on the log plus this event would."""
        self.check_fitted()
        moment = event.occurred_at
        if self.as_of_ is None or moment > self.as_of_:
            if self.as_of_ is not None:
                # Moving "now" forward ages every past interaction by the same factor.
                days = (moment - self.as_of_).total_seconds() / _SECONDS_PER_DAY
                factor = float(_decay(days, self.half_life_days))
                self.contributions_ = {
                    sku: {k: (raw, dec * factor) for k, (raw, dec) in kinds.items()}
                    for sku, kinds in self.contributions_.items()
                }
            self.as_of_ = moment
        age = (self.as_of_ - moment).total_seconds() / _SECONDS_PER_DAY
        kinds = self.contributions_.setdefault(event.sku, {})
        raw, decayed = kinds.get(event.kind, (0.0, 0.0))
        added = event.weight * float(_decay(age, self.half_life_days))
        kinds[event.kind] = (raw + event.weight, decayed + added)
        self._rank()

    def predict(self, query: RecommendQuery) -> Ranking:
        self.check_fitted()
        found: list[ScoredSku] = []
        for sku in self.ranking_:
            if len(found) == query.k:
                break
            if sku in query.exclude or self.scores_[sku] <= 0:
                continue
            if query.category is not None and self.categories_.get(sku) != query.category:
                continue
            found.append(ScoredSku(sku, self.scores_[sku]))
        return tuple(found)

    def recent_weight(self, sku: str, kind: str) -> float:
        """Recency-weighted count of ``kind`` interactions (``"sale"``, ``"view"``) with ``sku``."""
        return self.contributions_.get(sku, {}).get(kind, (0.0, 0.0))[1]

    def explain(self, query: RecommendQuery, prediction: Ranking) -> Explanation:
        self.check_fitted()
        where = f" in {query.category}" if query.category else ""
        if not prediction:
            return Explanation(f"Nothing{where} was bought or viewed recently enough to suggest.")
        raw_by_kind: dict[str, float] = {}
        decayed_by_kind: dict[str, float] = {}
        for item in prediction:
            for kind, (raw, decayed) in self.contributions_.get(item.sku, {}).items():
                raw_by_kind[kind] = raw_by_kind.get(kind, 0.0) + raw
                decayed_by_kind[kind] = decayed_by_kind.get(kind, 0.0) + decayed
        total = sum(decayed_by_kind.values()) or 1.0
        factors = [
            Factor(
                name=f"recent_{kind}s",
                weight=round(decayed_by_kind[kind] / total, 4),
                detail=f"{decayed_by_kind[kind]:.1f} recency-weighted of {raw_by_kind[kind]:g}",
            )
            for kind in sorted(decayed_by_kind, key=lambda k: -decayed_by_kind[k])
        ]
        raw_total = sum(raw_by_kind.values()) or 1.0
        factors.append(
            Factor(
                name="recency_decay",
                weight=round(sum(decayed_by_kind.values()) / raw_total, 4),
                detail=f"an interaction {self.half_life_days:g} days old counts half",
            )
        )
        if query.exclude:
            factors.append(Factor("excluded", 0.0, f"{len(query.exclude)} items left out as asked"))
        summary = (
            f"The {len(prediction)} most popular items{where} lately, "
            f"led by {prediction[0].sku}; recent activity counts more than old."
        )
        return Explanation(summary, tuple(factors))
