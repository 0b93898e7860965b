"""Package shape of ``thera_sdk.embed`` and ``tasks.embeddings_batch``: public names and
docstring examples."""

from __future__ import annotations

import doctest
import importlib
import inspect
from types import ModuleType

import pytest

import tasks.embeddings_batch
import thera_sdk.embed


@pytest.mark.parametrize("module", [thera_sdk.embed, tasks.embeddings_batch])
def test_all_lists_exactly_the_public_names(module: ModuleType) -> None:
    exported = set(module.__all__)
    assert len(module.__all__) == len(exported)
    assert all(getattr(module, name) is not None for name in exported)
    ours = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and getattr(value, "__module__", "").startswith(module.__name__)
    }
    assert ours <= exported


@pytest.mark.parametrize(
    "name",
    [
        "_text",
        "_features",
        "_projection",
        "_models",
        "_documents",
        "_batch",
        "_cost",
        "_local",
        "_bedrock",
        "_index",
        "_factory",
    ],
)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"thera_sdk.embed.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_task_logic_examples_run() -> None:
    module = importlib.import_module("tasks.embeddings_batch.logic")
    assert doctest.testmod(module).failed == 0
