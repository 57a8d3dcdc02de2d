"""Implicit-feedback matrix factorisation (ALS, Hu, Koren & Volinsky 2008) via ``implicit``.

Each customer (or browsing session) is a row of a users x items matrix whose entries count
how often the user bought or viewed the item; ``implicit``'s alternating least squares
learns one factor vector per item from it. ALS rather than BPR: its fit is deterministic
for a seed whatever the thread count (every row is an independent least-squares solve,
where BPR's lock-free SGD is not), and a user it never saw is "folded in" exactly with one
small linear solve, which is how a live session or a customer's newest purchases are
answered without a refit.

The fold-in is the solve ``implicit`` performs for ``recalculate_user=True`` (confidence
``alpha * count``), done here with numpy on the stored item factors: the learned state is
then plain arrays, which pickle small and compare equal after a reload, and no ``implicit``
object (with its BLAS thread checks) is built per request.
"""

from __future__ import annotations

from typing import Self

import numpy as np
from implicit.cpu.als import AlternatingLeastSquares  # type: ignore[import-untyped]
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from shopkeeper.ai.base import Model
from shopkeeper.ai.recommend.histories import PurchaseHistories
from shopkeeper.ai.recommend.ranking import Ranking, ScoredSku
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.registry import Sample, register
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.domain.explanation import Explanation, Factor

# How many of the user's own items explain() names.
EXPLAIN_ITEMS = 3


def sample(seed: int) -> Sample:
    """Random customers over 15 skus for the contract checks, with a few queries."""
    rng = np.random.default_rng(seed)
    skus = [f"SKU-{i:02d}" for i in range(15)]
    histories = tuple(
        tuple(skus[int(j)] for j in rng.integers(len(skus), size=int(rng.integers(1, 6))))
        for _ in range(40)
    )
    data = PurchaseHistories(customers=tuple(f"C{i}" for i in range(40)), skus=histories)
    queries = (
        SessionQuery(items=(skus[0], skus[3]), k=5),
        SessionQuery(items=(skus[5],), k=3, exclude=frozenset(skus[:6])),
        SessionQuery(items=("NEVER-SEEN",), k=4),
        SessionQuery(items=(skus[7], "NEVER-SEEN", skus[7], skus[2]), k=10),
    )
    return Sample(data=data, queries=queries)


@register(sample=sample)
class ImplicitALSRecommender(Model[SessionLog | PurchaseHistories, SessionQuery, Ranking]):
    """Items a user is likely to take next, from the factors of what they already took.

    Fits on a :class:`SessionLog` (sessions as users) or on :class:`PurchaseHistories`
    (customers as users). A query is the user's items: a session so far, or a customer's
    purchases (:meth:`customer_query`). Items already in the query stay candidates unless
    excluded, as repeat views and re-orders are common.

    Parameters
    ----------
    factors
        Length of the learned item vectors.
    regularization
        L2 penalty of every least-squares solve.
    alpha
        Confidence per interaction: an item taken ``n`` times weighs ``alpha * n``.
    iterations
        ALS sweeps over users and items.
    lambda_position
        In items: the ``j``-th item before the end of a query counts ``exp(-j / λ)``, so the
        latest clicks of a session say the most. ``None`` counts every item alike.
    seed
        Seed of the random initial factors.
    threads
        Threads ``implicit`` fits with; the result does not depend on it.

    The defaults are what ``benchmarks/recommend_sbr.py --tune`` chose on the Diginetica
    validation split: short anonymous sessions want a very high confidence per click and
    the last click leading. Customer histories (longer, slower) are fitted by the shop's
    default job with its own settings.

    Examples
    --------
    >>> log = PurchaseHistories(
    ...     customers=("C1", "C2", "C3", "C4"),
    ...     skus=(("TEA", "CUP"), ("TEA", "CUP"), ("TEA", "CUP", "POT"), ("SOCK", "SHOE")),
    ... )
    >>> model = ImplicitALSRecommender(factors=2, regularization=0.1, alpha=20.0).fit(log)
    >>> query = model.customer_query("C1", k=2, exclude_bought=True)
    >>> [s.sku for s in model.predict(query)][0]
    'POT'
    >>> model.explain(query, model.predict(query)).factors[0].name.startswith("bought:")
    True
    """

    capability = "recommend"

    def __init__(
        self,
        *,
        factors: int = 64,
        regularization: float = 10.0,
        alpha: float = 3000.0,
        iterations: int = 15,
        lambda_position: float | None = 1.0,
        seed: int = 0,
        threads: int = 1,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.lambda_position = lambda_position
        self.seed = seed
        self.threads = threads

    def _check_params(self) -> None:
        if self.factors < 1 or self.iterations < 1 or self.threads < 1:
            raise InvalidInputError(
                "factors, iterations and threads must be at least 1",
                factors=self.factors,
                iterations=self.iterations,
                threads=self.threads,
            )
        if self.regularization < 0 or self.alpha <= 0:
            raise InvalidInputError(
                "regularization must be >= 0 and alpha > 0",
                regularization=self.regularization,
                alpha=self.alpha,
            )
        if self.lambda_position is not None and self.lambda_position <= 0:
            raise InvalidInputError("lambda_position must be positive")

    def fit(self, data: SessionLog | PurchaseHistories) -> Self:
        self._check_params()
        self.forget()
        if isinstance(data, PurchaseHistories):
            log = data.as_session_log()
            self.histories_: dict[str, tuple[str, ...]] = dict(
                zip(data.customers, data.skus, strict=True)
            )
            self.kind_ = "bought"
        else:
            log = data
            self.histories_ = {}
            self.kind_ = "viewed"
        self.items_: tuple[str, ...] = tuple(log.items())
        self.index_: dict[str, int] = {sku: i for i, sku in enumerate(self.items_)}
        rows = [u for u, session in enumerate(log.sessions) for _ in session]
        cols = [self.index_[sku] for session in log.sessions for sku in session]
        # The constructor sums duplicates: an item taken twice by one user counts 2.
        matrix = csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(log.sessions), len(self.items_)),
        )
        if matrix.nnz == 0:
            self.item_factors_ = np.zeros((0, self.factors), dtype=np.float32)
        else:
            # implicit warns (and slows down) when BLAS runs its own thread pool underneath.
            with threadpool_limits(1, "blas"):
                als = AlternatingLeastSquares(
                    factors=self.factors,
                    regularization=self.regularization,
                    alpha=self.alpha,
                    iterations=self.iterations,
                    num_threads=self.threads,
                    random_state=self.seed,
                )
                als.fit(matrix, show_progress=False)
            # float32 as implicit learns them: scoring reads every item's vector per request,
            # and half the bytes is about half the time.
            self.item_factors_ = np.asarray(als.item_factors, dtype=np.float32)
        wide = self.item_factors_.astype(np.float64)
        self.gram_ = wide.T @ wide
        return self

    def customer_query(
        self, customer: str, *, k: int = 10, exclude_bought: bool = False
    ) -> SessionQuery:
        """The query "which ``k`` items for ``customer``", from the history seen at fit."""
        self.check_fitted()
        bought = self.histories_.get(customer, ())
        return SessionQuery(items=bought, k=k, exclude=frozenset(bought if exclude_bought else ()))

    def _confidences(self, items: tuple[str, ...]) -> dict[int, float]:
        """Known items of a query and their confidence, as the fit would have weighed them."""
        weights: dict[int, float] = {}
        for position, sku in enumerate(items):
            index = self.index_.get(sku)
            if index is None:
                continue
            weight = 1.0
            if self.lambda_position is not None:
                weight = float(np.exp((position + 1 - len(items)) / self.lambda_position))
            weights[index] = weights.get(index, 0.0) + weight
        return {index: self.alpha * weight for index, weight in weights.items()}

    def _system(self, confidences: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
        """The user's normal equations ``A x = b``, as implicit's exact solver builds them."""
        factors = self.item_factors_
        ids = np.fromiter(confidences, dtype=np.int64, count=len(confidences))
        conf = np.fromiter(confidences.values(), dtype=np.float64, count=len(confidences))
        chosen = factors[ids].astype(np.float64)
        a = self.gram_ + self.regularization * np.eye(self.factors)
        a = a + (chosen.T * (conf - 1.0)) @ chosen
        b = conf @ chosen
        return a, b

    def predict(self, query: SessionQuery) -> Ranking:
        self.check_fitted()
        confidences = self._confidences(query.items)
        if not confidences:
            return ()
        a, b = self._system(confidences)
        user = np.linalg.solve(a, b).astype(np.float32)
        # einsum rather than BLAS: one matrix-vector product is too small for OpenBLAS's
        # threads, which only wait on each other (8 ms instead of 0.5 ms on a busy host).
        scores = np.einsum("ij,j->i", self.item_factors_, user).astype(np.float64)
        blocked = [self.index_[s] for s in query.exclude if s in self.index_]
        scores[blocked] = -np.inf
        take = min(query.k, len(scores) - len(blocked))
        if take <= 0:
            return ()
        top = np.argpartition(-scores, take - 1)[:take]
        # Ties broken by sku so the same fit always gives the same order.
        order = sorted(top, key=lambda i: (-scores[i], self.items_[i]))
        return tuple(ScoredSku(self.items_[i], float(scores[i])) for i in order)

    def explain(self, query: SessionQuery, prediction: Ranking) -> Explanation:
        """Which of the user's own items pull the recommended ones up most.

        The score of item ``i`` splits exactly into one share per item ``j`` of the user:
        ``c_j * y_iᵀ A⁻¹ y_j`` (section 5 of Hu et al.), so each factor names a past item
        (``bought:<sku>`` or ``viewed:<sku>``) with its share of the scores.
        """
        self.check_fitted()
        confidences = self._confidences(query.items)
        if not prediction or not confidences:
            return Explanation(
                "Nothing this customer or session took is known to the model yet, "
                "so it has no personal suggestion."
            )
        a, _ = self._system(confidences)
        shown = [self.index_[s.sku] for s in prediction if s.sku in self.index_]
        # A⁻¹ y_i, one column per recommended item.
        weighted = np.linalg.solve(a, self.item_factors_[shown].T.astype(np.float64))
        shares: dict[int, float] = {}
        for index, conf in confidences.items():
            mine = self.item_factors_[index].astype(np.float64)
            shares[index] = float(conf * (mine @ weighted).sum())
        total = sum(abs(v) for v in shares.values()) or 1.0
        ranked = sorted(shares, key=lambda i: (-shares[i], self.items_[i]))[:EXPLAIN_ITEMS]
        factors = tuple(
            Factor(
                f"{self.kind_}:{self.items_[i]}",
                round(shares[i] / total, 4),
                f"{self.kind_} before; customers who took it also took these",
            )
            for i in ranked
        )
        lead = self.items_[ranked[0]]
        summary = (
            f"{len(prediction)} items people who {self.kind_} {lead} also took, "
            f"led by {prediction[0].sku}."
        )
        return Explanation(summary, factors)
