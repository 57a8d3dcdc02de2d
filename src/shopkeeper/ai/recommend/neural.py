"""A neural session recommender: attention over the session, cosine scores over all items.

Training (with torch, the optional ``[neural]`` extra) lives in
:mod:`shopkeeper.ai.recommend.neural_net`. Answering is plain numpy over the learned
weights, so a fitted model needs no torch to answer, pickle or reload, and one request
costs one pass over the item table (about a millisecond for 40,000 items).
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from typing import Self

import numpy as np

from shopkeeper.ai.base import Model
from shopkeeper.ai.recommend.neighbourhood import session_sample
from shopkeeper.ai.recommend.ranking import Ranking, ScoredSku
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.registry import Sample, register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

Weights = dict[str, np.ndarray]


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    result: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return result


def _sigmoid(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-values))
    return result


class NeuralSessionRecommender(Model[SessionLog, SessionQuery, Ranking]):
    """Next items for a session from a small attention network trained on every prefix.

    Each training session ``s`` teaches ``s[:i] -> s[i]`` for every ``i``, with a softmax
    over the whole catalogue. Items already in the session stay candidates.

    Parameters
    ----------
    dim
        Size of the item and session embeddings.
    epochs
        Passes over the training prefixes.
    batch_size
        Prefixes per gradient step.
    learning_rate, lr_decay
        Adam's step size, multiplied by ``lr_decay`` after every epoch.
    temperature
        Scale of the cosine scores before the softmax: higher is a sharper distribution.
    dropout
        Share of embedding units dropped while training.
    max_length
        Only the last this many clicks of a session are read.
    negatives
        ``0`` trains with a softmax over every item; a positive number scores only the
        batch's targets plus this many items drawn by popularity (sampled softmax, with the
        usual log-probability correction): many times faster on a large catalogue. A
        catalogue smaller than this always gets the full softmax.
    seed
        Seeds the initial weights and the order of the training batches.

    Examples
    --------
    >>> log = SessionLog(sessions=(("tent", "pegs", "lamp"),) * 30 + (("mug", "tea"),) * 30)
    >>> model = NeuralSessionRecommender(dim=8, epochs=10, learning_rate=0.05).fit(log)
    >>> [s.sku for s in model.predict(SessionQuery(items=("tent", "pegs"), k=1))]
    ['lamp']
    >>> query = SessionQuery(items=("mug",), k=1)
    >>> model.explain(query, model.predict(query)).summary
    'Because you viewed mug: the network learned what visitors open after it.'
    """

    capability = "recommend"

    def __init__(
        self,
        *,
        dim: int = 64,
        epochs: int = 3,
        batch_size: int = 1024,
        learning_rate: float = 0.003,
        lr_decay: float = 0.5,
        temperature: float = 12.0,
        dropout: float = 0.1,
        max_length: int = 20,
        negatives: int = 2048,
        seed: int = 0,
    ) -> None:
        self.dim = dim
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.lr_decay = lr_decay
        self.temperature = temperature
        self.dropout = dropout
        self.max_length = max_length
        self.negatives = negatives
        self.seed = seed

    def fit(self, data: SessionLog) -> Self:
        if min(self.dim, self.epochs, self.batch_size, self.max_length) < 1:
            raise InvalidInputError("dim, epochs, batch_size and max_length must be positive")
        if self.temperature <= 0 or not 0 <= self.dropout < 1 or self.learning_rate <= 0:
            raise InvalidInputError("temperature and learning_rate positive, dropout in [0, 1)")
        # Imported here: torch is an optional extra that only training needs.
        from shopkeeper.ai.recommend.neural_net import TrainSettings, train

        self.forget()
        skus = sorted({item for session in data.sessions for item in session})
        ids = {sku: index + 1 for index, sku in enumerate(skus)}
        sessions = [[ids[item] for item in session] for session in data.sessions]
        settings = TrainSettings(
            self.dim,
            self.epochs,
            self.batch_size,
            self.learning_rate,
            self.lr_decay,
            self.temperature,
            self.dropout,
            self.max_length,
            self.seed,
            self.negatives,
        )
        weights = train(sessions, len(skus), settings) if skus else {}
        self.skus_: tuple[str, ...] = tuple(skus)
        self.item_ids_: dict[str, int] = {sku: index for index, sku in enumerate(skus)}
        self.weights_: Weights = {
            key: value.astype(np.float32) for key, value in weights.items() if key != "items.weight"
        }
        embeddings = weights.get("items.weight", np.zeros((1, self.dim), dtype=np.float32))
        # Items and sessions are compared by cosine: keep the unit-length table only.
        self.table_: np.ndarray = _unit(embeddings[1:].astype(np.float32))
        counts = Counter(item for session in data.sessions for item in set(session))
        self.popular_: np.ndarray = np.array(
            [counts[sku] for sku in skus], dtype=np.float32
        ).reshape(-1)
        return self

    def _known(self, items: tuple[str, ...]) -> np.ndarray:
        known = [self.item_ids_[sku] for sku in items if sku in self.item_ids_]
        return np.asarray(known[-self.max_length :], dtype=np.int64)

    def _parts(self, known: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per click: its attention weight and item vector; and the ``combine`` matrix."""
        w = self.weights_
        items = self.table_[known]
        distance = np.arange(len(known) - 1, -1, -1)
        mixed = np.concatenate([items, w["positions.weight"][distance]], axis=1)
        hidden = np.tanh(mixed @ w["mix.weight"].T + w["mix.bias"])
        last, mean = items[-1], items.mean(axis=0)
        gate = _sigmoid(
            hidden @ w["from_item.weight"].T
            + mean @ w["from_mean.weight"].T
            + last @ w["from_last.weight"].T
            + w["from_last.bias"]
        )
        attention = (gate @ w["attend.weight"].T).reshape(-1)
        return attention, items, w["combine.weight"]

    def _scores(self, known: np.ndarray) -> np.ndarray:
        if len(known) == 0:
            return self.popular_.astype(np.float64)
        attention, items, combine = self._parts(known)
        pooled = attention @ items
        session = _unit(combine @ np.concatenate([pooled, items[-1]]))
        scores: np.ndarray = self.temperature * (self.table_ @ session)
        return scores.astype(np.float64)

    def predict(self, query: SessionQuery) -> Ranking:
        self.check_fitted()
        scores = self._scores(self._known(query.items))
        for sku in query.exclude:
            index = self.item_ids_.get(sku)
            if index is not None:
                scores[index] = -np.inf
        wanted = min(query.k, int(np.isfinite(scores).sum()))
        if wanted == 0:
            return ()
        top = np.argpartition(-scores, wanted - 1)[:wanted] if wanted < len(scores) else None
        chosen = np.arange(len(scores)) if top is None else top
        order = chosen[np.lexsort((chosen, -scores[chosen]))][:wanted]
        return tuple(ScoredSku(self.skus_[i], float(scores[i])) for i in order.tolist())

    def explain(self, query: SessionQuery, prediction: Ranking) -> Explanation:
        self.check_fitted()
        known = self._known(query.items)
        if len(known) == 0 or not prediction:
            return Explanation("Popular items: nothing in this session is known to the network.")
        attention, items, combine = self._parts(known)
        answered = self.table_[[self.item_ids_[s.sku] for s in prediction]].sum(axis=0)
        dim = items.shape[1]
        # The session vector is linear in the clicks before normalising, so each click's
        # part of the answered items' scores splits exactly: attention through the pooled
        # half of ``combine``, plus the last click's own half.
        part = attention * (items @ combine[:, :dim].T @ answered)
        part[-1] += items[-1] @ combine[:, dim:].T @ answered
        credit: dict[str, float] = {}
        for index, value in zip(known.tolist(), part.tolist(), strict=True):
            credit[self.skus_[index]] = credit.get(self.skus_[index], 0.0) + value
        positive = {sku: value for sku, value in credit.items() if value > 0}
        total = sum(positive.values()) or 1.0
        ranked = sorted(positive, key=lambda sku: (-positive[sku], sku))
        factors = tuple(
            Factor(f"viewed:{sku}", round(positive[sku] / total, 4), "share of the score")
            for sku in ranked[:3]
        )
        top = ranked[0] if ranked else self.skus_[int(known[-1])]
        return Explanation(
            f"Because you viewed {top}: the network learned what visitors open after it.",
            factors,
        )


def neural_sample(seed: int) -> Sample:
    """The session-kNN sample: small enough for a few quick epochs."""
    return session_sample(seed)


def _small() -> NeuralSessionRecommender:
    return NeuralSessionRecommender(dim=16, epochs=3, batch_size=64)


# Registered only where torch is installed: the contract checks fit the model.
if importlib.util.find_spec("torch") is not None:
    register(sample=neural_sample, factory=_small)(NeuralSessionRecommender)
