"""Fixtures of the scrape suites: a fake Firecrawl and the loopback test web."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_firecrawl import FakeFirecrawl, serve
from scrape_helpers import FakeClock

from thera_sdk.testweb import TestWeb, TestWebSettings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def firecrawl() -> Iterator[FakeFirecrawl]:
    yield from serve(FakeFirecrawl())


@pytest.fixture(scope="module")
def web() -> Iterator[TestWeb]:
    """The default test web (a healthy site and one site per broken case)."""
    with TestWeb() as running:
        yield running


@pytest.fixture(scope="module")
def web_settings(web: TestWeb) -> TestWebSettings:
    return web.settings()
