"""Checks every registered model passes; ``tests/contract`` runs them all over the registry.

Each check takes a :class:`~shopkeeper.ai.registry.ModelSpec` and raises
:class:`ContractViolationError` (an ``AssertionError``) with a sentence saying what broke.

Examples
--------
>>> from shopkeeper.ai.registry import get_spec
>>> spec = get_spec("PopularityRecommender")
>>> for check in checks_for(spec):
...     check(spec)
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import math
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from shopkeeper.ai.base import Model, OnlineModel
from shopkeeper.ai.registry import ModelSpec
from shopkeeper.core.errors import NotFittedError
from shopkeeper.domain.explanation import Explanation, Factor

AnyModel = Model[Any, Any, Any]
RoundTrip = Callable[[AnyModel], AnyModel]
Check = Callable[[ModelSpec], None]


class ContractViolationError(AssertionError):
    """A model broke the contract of :mod:`shopkeeper.ai.base`."""


def same(left: Any, right: Any) -> bool:
    """Deep equality that understands arrays, frames and dataclasses (NaN equals NaN)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, np.ndarray):
        return left.shape == right.shape and bool(np.array_equal(left, right, equal_nan=True))
    if isinstance(left, pd.DataFrame | pd.Series):
        return bool(left.equals(right))
    if isinstance(left, Model):  # a model kept inside another compares by its state
        return same(vars(left), vars(right))
    if dataclasses.is_dataclass(left) and not isinstance(left, type):
        return all(
            same(getattr(left, f.name), getattr(right, f.name)) for f in dataclasses.fields(left)
        )
    if isinstance(left, list | tuple):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return bool(left == right)


def _require(condition: bool, spec: ModelSpec, message: str) -> None:
    if not condition:
        raise ContractViolationError(f"{spec.name}: {message}")


def _fitted(spec: ModelSpec, seed: int = 0) -> AnyModel:
    return spec.factory().fit(spec.sample(seed).data)


def _answers(model: AnyModel, spec: ModelSpec, seed: int = 0) -> list[Any]:
    return [model.predict(q) for q in spec.sample(seed).queries]


def check_init_only_stores_params(spec: ModelSpec) -> None:
    """Keyword-only hyperparameters with defaults, stored as given and JSON-serialisable."""
    signature = inspect.signature(spec.cls.__init__)
    for p in list(signature.parameters.values())[1:]:
        _require(
            p.kind is p.KEYWORD_ONLY, spec, f"__init__ argument {p.name!r} must be keyword-only"
        )
        _require(p.default is not p.empty, spec, f"hyperparameter {p.name!r} needs a default")
    model = spec.factory()
    _require(not model.is_fitted, spec, "a new model must not look fitted")
    params = model.params()
    _require(same(spec.cls(**params).params(), params), spec, "params() must round-trip __init__")
    try:
        json.dumps(params)
    except TypeError as exc:
        raise ContractViolationError(
            f"{spec.name}: params must be JSON (model runs store them)"
        ) from exc


def check_not_fitted_error(spec: ModelSpec) -> None:
    """Predict (and update, for online models) raise NotFittedError before fit."""
    model = spec.factory()
    calls: list[tuple[str, Callable[[Any], Any], Any]] = [
        ("predict", model.predict, q) for q in spec.sample(0).queries
    ]
    if isinstance(model, OnlineModel):
        calls += [("update", model.update, e) for e in spec.sample(0).events]
    for what, call, argument in calls:
        try:
            call(argument)
        except NotFittedError:
            continue
        except Exception as exc:
            raise ContractViolationError(
                f"{spec.name}: {what} before fit raised {type(exc).__name__}, not NotFittedError"
            ) from exc
        raise ContractViolationError(f"{spec.name}: {what} before fit must raise NotFittedError")


def check_fit_returns_self(spec: ModelSpec) -> None:
    model = spec.factory()
    _require(model.fit(spec.sample(0).data) is model, spec, "fit must return self")
    _require(model.is_fitted, spec, "is_fitted must be true after fit")


def check_fit_does_not_mutate_data(spec: ModelSpec) -> None:
    data = spec.sample(0).data
    before = copy.deepcopy(data)
    spec.factory().fit(data)
    _require(same(data, before), spec, "fit must not change its data")


def check_fit_twice_equals_once(spec: ModelSpec) -> None:
    """A second fit forgets the first: fit(a).fit(b) answers like fit(b)."""
    twice = spec.factory().fit(spec.sample(1).data).fit(spec.sample(0).data)
    _require(
        same(_answers(twice, spec), _answers(_fitted(spec), spec)),
        spec,
        "a second fit must forget the first",
    )


def check_predict_is_pure(spec: ModelSpec) -> None:
    """Same answer twice, the query untouched, the model's state untouched."""
    model = _fitted(spec)
    state = copy.deepcopy(vars(model))
    for query in spec.sample(0).queries:
        asked = copy.deepcopy(query)
        first, second = model.predict(query), model.predict(query)
        _require(same(first, second), spec, "predict must give the same answer twice")
        _require(same(query, asked), spec, "predict must not change its query")
    _require(same(vars(model), state), spec, "predict must not change the model")


def check_clone(spec: ModelSpec) -> None:
    """A clone is unfitted, has equal params, and fits to the same answers."""
    model = _fitted(spec)
    twin = model.clone()
    _require(type(twin) is type(model), spec, "clone must keep the class")
    _require(not twin.is_fitted, spec, "clone must be unfitted")
    _require(same(twin.params(), model.params()), spec, "clone must keep the params")
    twin.fit(spec.sample(0).data)
    _require(same(_answers(twin, spec), _answers(model, spec)), spec, "clone must fit the same")


def check_same_seed_same_output(spec: ModelSpec) -> None:
    """Two models built with the same params (and so the same seed) agree."""
    left, right = _fitted(spec), _fitted(spec)
    _require(same(_answers(left, spec), _answers(right, spec)), spec, "same seed, same output")


def check_save_load_round_trip(spec: ModelSpec, round_trip: RoundTrip | None = None) -> None:
    """A saved and reloaded model answers exactly like the original.

    ``round_trip`` defaults to pickle, the format of the model store; the contract test
    passes the real store.
    """
    model = _fitted(spec)
    restored = (round_trip or _pickle_round_trip)(model)
    _require(type(restored) is type(model), spec, "reloading must keep the class")
    _require(restored.is_fitted, spec, "a reloaded model must be fitted")
    _require(same(_answers(restored, spec), _answers(model, spec)), spec, "reloaded answers differ")


def _pickle_round_trip(model: AnyModel) -> AnyModel:
    loaded: AnyModel = pickle.loads(pickle.dumps(model))
    return loaded


def check_explain(spec: ModelSpec) -> None:
    """Every answer has a non-empty summary and well-formed factors."""
    model = _fitted(spec)
    for query in spec.sample(0).queries:
        explanation = model.explain(query, model.predict(query))
        _require(isinstance(explanation, Explanation), spec, "explain must return Explanation")
        _require(bool(explanation.summary.strip()), spec, "explanation summary is empty")
        for factor in explanation.factors:
            _require(isinstance(factor, Factor), spec, "factors must be Factor instances")
            _require(math.isfinite(factor.weight), spec, f"factor {factor.name!r} is not finite")


def check_online_update(spec: ModelSpec) -> None:
    """After updates the model is still fitted and answers every query."""
    model = _fitted(spec)
    assert isinstance(model, OnlineModel)
    events = spec.sample(0).events
    _require(bool(events), spec, "an online model's sample needs events")
    for event in events:
        model.update(event)
    _require(model.is_fitted, spec, "update must keep the model fitted")
    _answers(model, spec)


GENERIC_CHECKS: tuple[Check, ...] = (
    check_init_only_stores_params,
    check_not_fitted_error,
    check_fit_returns_self,
    check_fit_does_not_mutate_data,
    check_fit_twice_equals_once,
    check_predict_is_pure,
    check_clone,
    check_same_seed_same_output,
    check_save_load_round_trip,
    check_explain,
)


def checks_for(spec: ModelSpec) -> Iterator[Check]:
    """The checks that apply to ``spec``'s model."""
    yield from GENERIC_CHECKS
    if spec.is_online:
        yield check_online_update
