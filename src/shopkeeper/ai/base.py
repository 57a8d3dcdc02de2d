"""The model contract every algorithm in ``shopkeeper.ai`` follows.

A model is used the same way whatever it does::

    model = PopularityRecommender(half_life_days=14)   # only stores hyperparameters
    model.fit(data)                                     # learns; returns the model
    prediction = model.predict(query)                   # pure; NotFittedError before fit
    model.explain(query, prediction)                    # the reasons a person reads

Rules (checked for every registered model by :mod:`shopkeeper.ai.checks`):

- ``__init__`` takes keyword-only hyperparameters with defaults and stores each one,
  unchanged, under its own name. Nothing is validated or computed there, so
  :meth:`Model.params` and :meth:`Model.clone` work on every model.
- ``fit`` forgets any earlier fit. What it learns lives in attributes ending in ``_``.
- ``predict`` neither changes the model nor its argument.
- Randomness only through a ``seed`` hyperparameter; time only through the data (models
  never read a clock, so the same data always gives the same model).
- Online learners subclass :class:`OnlineModel` and add ``update(event)``.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, Self, TypeVar

from shopkeeper.core.errors import NotFittedError
from shopkeeper.domain.explanation import Explanation

D = TypeVar("D")  # what fit learns from
Q = TypeVar("Q")  # what predict is asked
P = TypeVar("P")  # what predict answers
E = TypeVar("E")  # what update learns from, one at a time


class Model(ABC, Generic[D, Q, P]):
    """Base of every model: fit on ``D``, answer a ``Q`` with a ``P``, explain the answer.

    Subclasses set :attr:`capability` (the folder they live in, e.g. ``"recommend"``).

    Examples
    --------
    >>> from shopkeeper.domain.explanation import Explanation
    >>> class MeanForecaster(Model[list[float], int, list[float]]):
    ...     capability = "forecast"
    ...     def __init__(self, *, shrink: float = 0.0) -> None:
    ...         self.shrink = shrink
    ...     def fit(self, data: list[float]) -> "MeanForecaster":
    ...         self.mean_ = sum(data) / len(data) * (1 - self.shrink)
    ...         return self
    ...     def predict(self, query: int) -> list[float]:
    ...         self.check_fitted()
    ...         return [self.mean_] * query
    ...     def explain(self, query: int, prediction: list[float]) -> Explanation:
    ...         return Explanation(f"the mean of the history, {self.mean_:.1f}")
    >>> model = MeanForecaster(shrink=0.5)
    >>> model.is_fitted, model.params()
    (False, {'shrink': 0.5})
    >>> model.fit([2.0, 4.0]).predict(2)
    [1.5, 1.5]
    >>> model.clone().is_fitted
    False
    """

    capability: ClassVar[str] = ""

    @abstractmethod
    def fit(self, data: D) -> Self:
        """Learn from ``data``, forgetting any earlier fit, and return ``self``."""

    @abstractmethod
    def predict(self, query: Q) -> P:
        """Answer ``query``; pure. Raises :class:`NotFittedError` before :meth:`fit`."""

    @abstractmethod
    def explain(self, query: Q, prediction: P) -> Explanation:
        """The reasons behind ``prediction``, for a person to read."""

    @classmethod
    def name(cls) -> str:
        """The class name, used in model runs and the dashboard."""
        return cls.__name__

    @classmethod
    def class_path(cls) -> str:
        """Importable ``module.Class`` path, written into saved artifacts."""
        return f"{cls.__module__}.{cls.__qualname__}"

    @classmethod
    def param_names(cls) -> tuple[str, ...]:
        """Names of the hyperparameters, read from the signature of ``__init__``."""
        signature = inspect.signature(cls.__init__)
        return tuple(p.name for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY)

    def params(self) -> dict[str, Any]:
        """The hyperparameters as given to ``__init__``."""
        return {name: getattr(self, name) for name in self.param_names()}

    def clone(self) -> Self:
        """An unfitted model with the same hyperparameters."""
        return type(self)(**self.params())

    @property
    def is_fitted(self) -> bool:
        """True once :meth:`fit` has set at least one learned (``_``-suffixed) attribute."""
        return any(key.endswith("_") and not key.startswith("_") for key in vars(self))

    def check_fitted(self) -> None:
        """Raise :class:`NotFittedError` unless the model has been fitted."""
        if not self.is_fitted:
            raise NotFittedError(
                f"{self.name()} is not fitted yet; call fit() first", model=self.name()
            )

    def forget(self) -> None:
        """Drop everything learned, so a new fit starts from nothing."""
        for key in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, key)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{self.name()}({shown})"


class OnlineModel(Model[D, Q, P], Generic[D, Q, P, E]):
    """A model that also learns from one event at a time, between batch fits.

    ``update`` raises :class:`NotFittedError` before the first :meth:`fit`: online learning
    refines a batch fit, it does not replace it.
    """

    @abstractmethod
    def update(self, event: E) -> None:
        """Learn from one new event."""
