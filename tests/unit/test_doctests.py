"""Every docstring example in the package runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import shopkeeper

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(shopkeeper.__path__, "shopkeeper.")
    # Migration scripts run only inside Alembic; __main__ would start the CLI.
    if ".migrations" not in m.name and not m.name.endswith("__main__")
)


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name: str) -> None:
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {module_name}"
