"""The package surface: ``__all__`` and the docstring examples."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import workflows


def test_all_lists_exactly_the_public_names() -> None:
    # GIVEN the names the package exposes without a leading underscore
    public = {
        name
        for name, value in vars(workflows).items()
        if not name.startswith("_") and not isinstance(value, type(workflows))
    }
    # THEN __all__ lists exactly those, each one importable
    assert sorted(workflows.__all__) == sorted(public)
    for name in workflows.__all__:
        assert getattr(workflows, name) is not None


def test_all_has_no_duplicates() -> None:
    assert len(set(workflows.__all__)) == len(workflows.__all__)


MODULES = sorted(
    ["workflows"] + [f"workflows.{info.name}" for info in pkgutil.iter_modules(workflows.__path__)]
)


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name: str) -> None:
    # GIVEN a workflows module WHEN its docstring examples run THEN they all pass
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
