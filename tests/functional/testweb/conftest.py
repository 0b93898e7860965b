"""The loopback test web, started once per module and stopped after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from thera_sdk.testweb import TestWeb, TestWebSettings


@pytest.fixture(scope="module")
def web() -> Iterator[TestWeb]:
    """The default sites: a healthy one and one per broken case."""
    with TestWeb() as running:
        yield running


@pytest.fixture(scope="module")
def settings(web: TestWeb) -> TestWebSettings:
    return web.settings()
