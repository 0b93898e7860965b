"""A loopback test web with every broken case, and a checker configuration that reaches it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tasks.domain_health import CheckConfig, Timeouts, build_config
from thera_sdk.testweb import Page, Site, TestWeb, default_sites, healthy_page, redirect

# A response is "slow" after 1 s: a loaded CI machine takes half a second for some handshakes.
FAST = Timeouts(dns=0.5, connect=1.0, read=2.0, chain=3.0, domain=4.0)


def extra_sites() -> list[Site]:
    """Cases beyond the default web: a redirect to a refused port, a long chain, a slowish site."""
    chain = {f"/{i}": redirect(f"/{i + 1}") for i in range(15)}
    chain["/"] = redirect("/0")
    return [
        Site("redirect-port.test", pages={"/": redirect("http://healthy.test:2222/")}),
        Site("redirect-many.test", pages=chain),
        Site("slowish.test", pages={"/": healthy_page("Slowish")}, latency=1.3),
        Site("big.test", pages={"/": Page("<title>Big</title><p>" + "word " * 200_000 + "</p>")}),
    ]


@pytest.fixture(scope="module")
def web() -> Iterator[TestWeb]:
    with TestWeb(default_sites() + extra_sites()) as running:
        yield running


@pytest.fixture(scope="module")
def settings_file(web: TestWeb, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return web.settings().write(tmp_path_factory.mktemp("web") / "web.json")


@pytest.fixture(scope="module")
def config(settings_file: Path) -> CheckConfig:
    """Short timeouts so the slow cases take a few seconds at most."""
    return replace(build_config(testweb=str(settings_file)), timeouts=FAST, slow_seconds=1.0)
