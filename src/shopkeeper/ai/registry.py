"""The list of models the contract checks run over.

A model joins by decorating its class::

    @register(sample=small_interaction_sample)
    class PopularityRecommender(Model[...]): ...

``sample(seed)`` returns a small fit dataset and a few queries; different seeds must give
different data, which the "fit twice equals fit once" check relies on.
:func:`registered_models` imports every module under ``shopkeeper.ai`` first, so a new model
is covered by ``tests/contract/test_model_contract.py`` without touching any test.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from shopkeeper.ai.base import Model, OnlineModel

M = TypeVar("M", bound=type[Model[Any, Any, Any]])

# Modules that define the contract rather than models: never scanned for registrations.
_NOT_MODELS = frozenset({"shopkeeper.ai.base", "shopkeeper.ai.checks", "shopkeeper.ai.registry"})


@dataclass(frozen=True)
class Sample:
    """Small data a model fits in well under a second, with queries to ask afterwards.

    ``events`` feed :meth:`OnlineModel.update`; offline models leave it empty.
    """

    data: Any
    queries: tuple[Any, ...]
    events: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ModelSpec:
    """How the checks build a model and feed it.

    Examples
    --------
    >>> spec = next(s for s in registered_models() if s.name == "PopularityRecommender")
    >>> spec.factory().is_fitted
    False
    """

    cls: type[Model[Any, Any, Any]]
    sample: Callable[[int], Sample]
    factory: Callable[[], Model[Any, Any, Any]]

    @property
    def name(self) -> str:
        return self.cls.name()

    @property
    def is_online(self) -> bool:
        return issubclass(self.cls, OnlineModel)


_REGISTRY: dict[str, ModelSpec] = {}


def register(
    *,
    sample: Callable[[int], Sample],
    factory: Callable[[], Model[Any, Any, Any]] | None = None,
) -> Callable[[M], M]:
    """Class decorator adding a model to the registry.

    ``factory`` builds the instance the checks use; by default the class with its default
    hyperparameters.
    """

    def add(cls: M) -> M:
        if not cls.capability:
            raise TypeError(f"{cls.__name__} must set the class attribute `capability`")
        existing = _REGISTRY.get(cls.name())
        if existing is not None and existing.cls.class_path() != cls.class_path():
            raise TypeError(f"two models are named {cls.name()!r}; model names must be unique")
        _REGISTRY[cls.name()] = ModelSpec(cls=cls, sample=sample, factory=factory or cls)
        return cls

    return add


def _import_all_models() -> None:
    package = importlib.import_module("shopkeeper.ai")
    for info in pkgutil.walk_packages(package.__path__, prefix="shopkeeper.ai."):
        if info.name in _NOT_MODELS:
            continue
        try:
            importlib.import_module(info.name)
        except ModuleNotFoundError as exc:
            # A model needing an optional extra (torch, pyspark) is skipped where it is not
            # installed; a missing module of our own is a real bug and must surface.
            if exc.name is None or exc.name.startswith("shopkeeper"):
                raise


def registered_models() -> list[ModelSpec]:
    """Every registered model, sorted by name, after importing all of ``shopkeeper.ai``."""
    _import_all_models()
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get_spec(name: str) -> ModelSpec:
    """The registered model called ``name`` (``KeyError`` if there is none)."""
    _import_all_models()
    return _REGISTRY[name]
