"""A weighted blend of session recommenders, weights learned on held-out sessions.

Neighbourhood models (STAN, V-SKNN), item transitions and the neural model make different
mistakes: kNN is precise where similar sessions exist, the network generalises across items
that were never seen together. Each member ranks its top ``candidates`` items, the scores are
normalised per member (:func:`~shopkeeper.ai.recommend.hybrid_weights.normalise`) and added
with one weight per member. The weights are searched on the last ``validation_share`` of the
training sessions (members fitted on the rest), then the members are refitted on everything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from shopkeeper.ai.base import Model
from shopkeeper.ai.recommend.hybrid_weights import Candidates, best_weights, normalise
from shopkeeper.ai.recommend.neighbourhood import session_sample
from shopkeeper.ai.recommend.ranking import Ranking, ScoredSku
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.registry import get_spec, register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

SessionModel = Model[SessionLog, SessionQuery, Ranking]


@dataclass(frozen=True)
class FittedMember:
    """A fitted member kept as its class and learned state.

    Plain data rather than the model object, so two fitted hybrids compare equal field by
    field (the contract checks compare a model's state before and after ``predict``).
    """

    cls: type[SessionModel]
    state: dict[str, Any]

    @classmethod
    def of(cls, model: SessionModel) -> FittedMember:
        return cls(type(model), dict(vars(model)))

    def model(self) -> SessionModel:
        # Shares the state: members only read it when they answer.
        model = self.cls.__new__(self.cls)
        model.__dict__.update(self.state)
        return model


DEFAULT_MEMBERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("STANRecommender", {}),
    ("VSKNNRecommender", {}),
    ("ItemTransitionRecommender", {}),
)


def held_out(
    log: SessionLog, share: float, limit: int
) -> tuple[SessionLog, list[SessionQuery], list[str]]:
    """The log without its last ``share`` of sessions; those as at most ``limit`` samples.

    Each held-out session ``s`` asks ``s[:i]`` for ``s[i]``; clicks on items the kept sessions
    never saw are dropped. Samples are taken evenly spaced when there are more than ``limit``.
    """
    cut = len(log) - max(1, round(len(log) * share))
    kept = SessionLog(
        sessions=log.sessions[:cut], times=log.times[:cut] if log.times is not None else None
    )
    known = {item for session in kept.sessions for item in session}
    queries: list[SessionQuery] = []
    targets: list[str] = []
    for index in range(cut, len(log)):
        session = tuple(item for item in log.sessions[index] if item in known)
        at = log.times[index] if log.times is not None else None
        for end in range(1, len(session)):
            queries.append(SessionQuery(items=session[:end], k=20, at=at))
            targets.append(session[end])
    if len(queries) > limit:
        chosen = np.linspace(0, len(queries) - 1, limit).round().astype(int).tolist()
        queries = [queries[i] for i in chosen]
        targets = [targets[i] for i in chosen]
    return kept, queries, targets


class HybridRecommender(Model[SessionLog, SessionQuery, Ranking]):
    """Next items for a session from several recommenders, blended with learned weights.

    Parameters
    ----------
    members
        ``[registered class name, hyperparameters]`` pairs; ``None`` means STAN, V-SKNN and
        item transitions with their defaults.
    weights
        One weight per member (normalised to sum 1); ``None`` learns them in :meth:`fit`.
    normalisation
        How each member's scores are made comparable: ``"minmax"`` or ``"rank"``.
    candidates
        How many answers each member contributes to the candidate union.
    validation_share, validation_samples
        The share of (the latest) training sessions held out to learn the weights, and at
        most how many of their prefixes are asked.
    step
        Grid step of the weight search; every grid point sums to 1 and the corners (one
        member alone) are always tried.

    Examples
    --------
    >>> log = SessionLog(sessions=(("tent", "pegs", "lamp"),) * 20 + (("mug", "tea"),) * 20)
    >>> model = HybridRecommender(step=0.5).fit(log)
    >>> query = SessionQuery(items=("tent", "pegs"), k=2)
    >>> [s.sku for s in model.predict(query)]
    ['lamp', 'pegs']
    >>> len(model.weights_)
    3
    """

    capability = "recommend"

    def __init__(
        self,
        *,
        members: list[list[Any]] | None = None,
        weights: list[float] | None = None,
        normalisation: str = "minmax",
        candidates: int = 100,
        validation_share: float = 0.1,
        validation_samples: int = 5000,
        step: float = 0.1,
    ) -> None:
        self.members = members
        self.weights = weights
        self.normalisation = normalisation
        self.candidates = candidates
        self.validation_share = validation_share
        self.validation_samples = validation_samples
        self.step = step

    def _specs(self) -> list[tuple[str, dict[str, Any]]]:
        given = self.members if self.members is not None else DEFAULT_MEMBERS
        return [(str(name), dict(params)) for name, params in given]

    def _build(self) -> list[SessionModel]:
        models: list[SessionModel] = []
        for name, params in self._specs():
            try:
                cls = get_spec(name).cls
            except KeyError as exc:
                raise InvalidInputError(f"no registered model called {name!r}") from exc
            models.append(cls(**params))
        return models

    def _check(self) -> None:
        count = len(self._specs())
        if count == 0:
            raise InvalidInputError("a hybrid needs at least one member")
        if self.weights is not None and (
            len(self.weights) != count or min(self.weights) < 0 or sum(self.weights) <= 0
        ):
            raise InvalidInputError("weights: one non-negative weight per member, not all 0")
        if self.candidates < 1 or not 0 < self.validation_share < 1:
            raise InvalidInputError("candidates >= 1 and validation_share in (0, 1)")
        normalise((), self.normalisation, 1)  # refuses an unknown normalisation early

    def fit(self, data: SessionLog) -> Self:
        self._check()
        self.forget()
        if self.weights is not None:
            weights = tuple(float(w) for w in self.weights)
            figures: tuple[float, float] | None = None
        else:
            weights, figures = self.learn(data)
        members = [model.fit(data) for model in self._build()]
        return self._assemble(members, weights, figures)

    def learn(self, data: SessionLog) -> tuple[tuple[float, ...], tuple[float, float]]:
        """Search the weights on held-out sessions of ``data``; the weights and P@20, MRR@20."""
        kept, queries, targets = held_out(data, self.validation_share, self.validation_samples)
        if not queries:
            return (1.0,) + (0.0,) * (len(self._specs()) - 1), (0.0, 0.0)
        members = [model.fit(kept) for model in self._build()]
        return best_weights(self.candidate_scores(members, queries, targets), self.step)

    def candidate_scores(
        self, members: Sequence[SessionModel], queries: Sequence[SessionQuery], targets: list[str]
    ) -> Candidates:
        """Fitted ``members``' normalised answers to ``queries``, cached for weight search."""
        rankings = [[self._normalised(model, query) for query in queries] for model in members]
        return Candidates.build(rankings, targets)

    def _normalised(self, model: SessionModel, query: SessionQuery) -> dict[str, float]:
        asked = dataclasses.replace(query, k=self.candidates)
        return normalise(model.predict(asked), self.normalisation, self.candidates)

    def _assemble(
        self,
        members: list[SessionModel],
        weights: tuple[float, ...],
        figures: tuple[float, float] | None,
    ) -> Self:
        total = sum(weights)
        self.members_: tuple[FittedMember, ...] = tuple(FittedMember.of(m) for m in members)
        self.weights_: tuple[float, ...] = tuple(w / total for w in weights)
        self.validation_: tuple[float, float] | None = figures
        return self

    def assemble(self, members: list[SessionModel]) -> Self:
        """Use already fitted ``members`` with the given :attr:`weights`, without fitting.

        For callers that fitted the same members on the same data anyway (the benchmark
        scores each member alone first), so the neural member is not trained twice.
        """
        self._check()
        if self.weights is None or len(members) != len(self._specs()):
            raise InvalidInputError("assemble needs weights and one fitted model per member")
        self.forget()
        return self._assemble(list(members), tuple(float(w) for w in self.weights), None)

    def _blend(self, query: SessionQuery) -> tuple[dict[str, float], list[dict[str, float]]]:
        parts = [
            self._normalised(member.model(), query) if weight > 0 else {}
            for member, weight in zip(self.members_, self.weights_, strict=True)
        ]
        blended: dict[str, float] = {}
        for weight, scores in zip(self.weights_, parts, strict=True):
            for sku, value in scores.items():
                blended[sku] = blended.get(sku, 0.0) + weight * value
        return blended, parts

    def predict(self, query: SessionQuery) -> Ranking:
        self.check_fitted()
        blended, _ = self._blend(query)
        ranked = sorted(
            (item for item in blended.items() if item[0] not in query.exclude),
            key=lambda item: (-item[1], item[0]),
        )
        return tuple(ScoredSku(sku, score) for sku, score in ranked[: query.k])

    def explain(self, query: SessionQuery, prediction: Ranking) -> Explanation:
        self.check_fitted()
        if not prediction:
            return Explanation("Nothing to suggest: no member recommender knows these items.")
        _, parts = self._blend(query)
        shown = [s.sku for s in prediction]
        share = [
            weight * sum(scores.get(sku, 0.0) for sku in shown)
            for weight, scores in zip(self.weights_, parts, strict=True)
        ]
        total = sum(share) or 1.0
        lead = max(range(len(share)), key=lambda i: (share[i], -i))
        names = [name for name, _ in self._specs()]
        inner = self.members_[lead].model().explain(query, prediction)
        factors = (
            *(
                Factor(f"member:{name}", round(value / total, 4), "share of the blended score")
                for name, value in zip(names, share, strict=True)
                if value > 0
            ),
            *inner.factors,
        )
        return Explanation(f"Mostly {names[lead]}: {inner.summary}", factors)


def _small() -> HybridRecommender:
    return HybridRecommender(
        members=[["STANRecommender", {}], ["ItemTransitionRecommender", {}]], step=0.25
    )


register(sample=session_sample, factory=_small)(HybridRecommender)
