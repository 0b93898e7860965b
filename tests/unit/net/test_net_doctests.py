"""Docstring examples run as written; each package's ``__all__`` lists exactly what it exports."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "thera_sdk.net._address",
    "thera_sdk.net._host",
    "thera_sdk.net._names",
    "thera_sdk.net._url",
    "thera_sdk.net._resolver",
    "thera_sdk.net._guard",
    "thera_sdk.net._transport",
    "thera_sdk.testweb._sites",
    "thera_sdk.testweb._settings",
    "tasks.domain_health._content",
    "tasks.domain_health._scoring",
    "tasks.domain_health._rows",
    "thera_sdk._schemas",
    "tasks.domain_health._settings",
    "tasks.domain_health.handler",
    "tasks.domain_health.logic",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.mark.parametrize("package", ["thera_sdk.net", "thera_sdk.testweb", "tasks.domain_health"])
def test_all_lists_what_is_exported(package: str) -> None:
    module = importlib.import_module(package)
    public = {n for n in vars(module) if not n.startswith("_")} - {"annotations"}
    public = {n for n in public if not isinstance(getattr(module, n), type(module))}
    assert set(module.__all__) == public
