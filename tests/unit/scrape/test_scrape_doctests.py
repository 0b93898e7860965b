"""The examples in the docstrings of the scrape and sources packages run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tasks.apollo_delta_pull.logic",
    "tasks.firecrawl_scrape.logic",
    "thera_sdk.scrape._fetch",
    "thera_sdk.scrape._network",
    "thera_sdk.scrape._backoff",
    "thera_sdk.scrape._breaker",
    "thera_sdk.scrape._budget",
    "thera_sdk.scrape._firecrawl_pages",
    "thera_sdk.scrape._html",
    "thera_sdk.scrape._models",
    "thera_sdk.scrape._richness",
    "thera_sdk.scrape._robots",
    "thera_sdk.scrape._targets",
    "thera_sdk.sources._apollo_records",
    "thera_sdk.sources._import",
    "thera_sdk.sources._models",
    "thera_sdk.sources._quota",
    "thera_sdk.sources._slices",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.mark.parametrize(
    "package",
    ["thera_sdk.scrape", "thera_sdk.sources", "tasks.apollo_delta_pull", "tasks.firecrawl_scrape"],
)
def test_all_lists_what_is_exported(package: str) -> None:
    module = importlib.import_module(package)
    public = {n for n in vars(module) if not n.startswith("_")} - {"annotations"}
    public = {n for n in public if not isinstance(getattr(module, n), type(module))}
    assert set(module.__all__) == public
