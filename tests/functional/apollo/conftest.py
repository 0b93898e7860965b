"""Fixtures of the Apollo suites: a fake Apollo on loopback, local ports and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apollo_helpers import FakeClock, PullerFactory
from fake_apollo import FakeApollo, make_org, serve

from thera_sdk import Ports, Settings, build_ports
from thera_sdk.sources import QUOTA_TABLE_SPEC, SNAPSHOT_TABLE_SPEC
from thera_sdk.storage import TableSpec


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def apollo(clock: FakeClock) -> Iterator[FakeApollo]:
    """A fake Apollo over 90 generated companies."""
    yield from serve(FakeApollo(orgs=[make_org(n) for n in range(90)], clock=clock))


@pytest.fixture
def ports(tmp_path: Path) -> Iterator[Ports]:
    """Local ports in a temporary data home, with the Apollo tables created."""
    settings = Settings(home=tmp_path / "home")
    with build_ports(settings) as built:
        for spec in (QUOTA_TABLE_SPEC, SNAPSHOT_TABLE_SPEC):
            built.tables.create_table(
                TableSpec(settings.table_name(spec.name), spec.partition_key)
            )
        yield built


@pytest.fixture
def make_puller(apollo: FakeApollo, ports: Ports, clock: FakeClock) -> Iterator[PullerFactory]:
    factory = PullerFactory(apollo, ports, clock)
    yield factory
    for client in factory.clients:
        client.close()
