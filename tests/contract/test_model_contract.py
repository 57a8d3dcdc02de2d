"""Every registered model passes every check of ``shopkeeper.ai.checks``.

A new model is covered as soon as it is decorated with ``@register``: the parameter list is
built from the registry, not written here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shopkeeper.ai.base import Model
from shopkeeper.ai.checks import Check, check_save_load_round_trip, checks_for
from shopkeeper.ai.registry import ModelSpec, registered_models
from shopkeeper.data.model_store import ModelStore

CASES = [
    pytest.param(spec, check, id=f"{spec.name}-{check.__name__.removeprefix('check_')}")
    for spec in registered_models()
    for check in checks_for(spec)
]


def test_the_registry_holds_the_default_models() -> None:
    assert "PopularityRecommender" in {spec.name for spec in registered_models()}


@pytest.mark.parametrize(("spec", "check"), CASES)
def test_model_contract(spec: ModelSpec, check: Check) -> None:
    check(spec)


@pytest.mark.parametrize("spec", registered_models(), ids=lambda s: s.name)
def test_round_trip_through_the_model_store(spec: ModelSpec, tmp_path: Path) -> None:
    store = ModelStore(tmp_path)

    def through_store(model: Model[Any, Any, Any]) -> Model[Any, Any, Any]:
        path = store.save(model, shop_id=1, capability=model.capability, run_id=1, params={})
        loaded: Model[Any, Any, Any] = ModelStore(tmp_path).load(path)
        return loaded

    check_save_load_round_trip(spec, through_store)
