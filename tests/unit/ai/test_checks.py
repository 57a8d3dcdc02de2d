"""The checks catch the contract breaches they are written for."""

from __future__ import annotations

from typing import Any, Self

import pytest

from shopkeeper.ai.base import Model
from shopkeeper.ai.checks import (
    ContractViolationError,
    check_fit_twice_equals_once,
    check_init_only_stores_params,
    check_not_fitted_error,
    check_predict_is_pure,
    same,
)
from shopkeeper.ai.registry import ModelSpec, Sample
from shopkeeper.domain.explanation import Explanation


def sample(seed: int) -> Sample:
    return Sample(data=[float(seed), float(seed + 2)], queries=([1.0],))


class Leaky(Model[list[float], list[float], float]):
    """Breaks the contract on purpose: keeps old fits and mutates its query."""

    capability = "test"

    def __init__(self, *, scale: float = 1.0) -> None:
        self.scale = scale

    def fit(self, data: list[float]) -> Self:
        self.seen_: list[float] = [*getattr(self, "seen_", []), *data]
        return self

    def predict(self, query: list[float]) -> float:
        query.append(0.0)
        return sum(self.seen_) * self.scale

    def explain(self, query: list[float], prediction: float) -> Explanation:
        return Explanation("sum")


class Positional(Leaky):
    def __init__(self, scale: float = 1.0) -> None:  # type: ignore[misc]
        self.scale = scale


SPEC = ModelSpec(cls=Leaky, sample=sample, factory=Leaky)


@pytest.mark.parametrize(
    "check", [check_fit_twice_equals_once, check_predict_is_pure, check_not_fitted_error]
)
def test_breaches_are_caught(check: Any) -> None:
    with pytest.raises(ContractViolationError):
        check(SPEC)


def test_positional_hyperparameters_are_refused() -> None:
    with pytest.raises(ContractViolationError):
        check_init_only_stores_params(ModelSpec(cls=Positional, sample=sample, factory=Positional))


def test_same_understands_arrays_frames_and_nan() -> None:
    import numpy as np
    import pandas as pd

    assert same({"a": np.array([1.0, np.nan])}, {"a": np.array([1.0, np.nan])})
    assert not same(np.array([1, 2]), np.array([1, 3]))
    assert same(pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [1]}))
    assert not same((1, 2), [1, 2])
    assert same(float("nan"), float("nan"))
