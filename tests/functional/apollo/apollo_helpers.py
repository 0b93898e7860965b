"""Helpers of the Apollo suites: a fake clock and a factory of pullers wired to the fakes."""

from __future__ import annotations

from fake_apollo import API_KEY, FakeApollo

from thera_sdk import Ports
from thera_sdk.sources import (
    ApolloClient,
    DeltaPuller,
    PullLayout,
    Quota,
    QuotaLimiter,
    Universe,
)

UNLIMITED = Quota(10**6, 10**6, 10**6)


class FakeClock:
    """Epoch seconds that move only when told to (shared by limiter, fake server, leases)."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class PullerFactory:
    """Builds a :class:`DeltaPuller` wired to the fake Apollo, the local ports and the clock."""

    def __init__(self, apollo: FakeApollo, ports: Ports, clock: FakeClock) -> None:
        self.apollo, self.ports, self.clock = apollo, ports, clock
        self.runs = 0
        self.clients: list[ApolloClient] = []

    def __call__(
        self,
        universe: Universe,
        *,
        quota: Quota = UNLIMITED,
        workers: int = 1,
        day: str = "2026-01-01",
    ) -> DeltaPuller:
        settings = self.ports.settings
        self.runs += 1
        limiter = QuotaLimiter(self.ports.tables, settings.table_name("apollo_state"),
                               quota=quota, clock=self.clock)
        client = ApolloClient(API_KEY, base_url=self.apollo.url, limiter=limiter,
                              clock=self.clock, sleep=lambda _: None)
        self.clients.append(client)
        return DeltaPuller(
            client,
            objects=self.ports.objects,
            tables=self.ports.tables,
            parameters=self.ports.parameters,
            universe=universe,
            layout=PullLayout(settings.data_bucket, settings.data_bucket),
            state_table=settings.table_name("apollo_state"),
            snapshot_table=settings.table_name("apollo_companies"),
            cursor_prefix=settings.parameter_name("apollo/cursors"),
            run_id=f"run-{self.runs}",
            day=day,
            workers=workers,
            clock=self.clock,
        )
