"""Helpers of the scrape suites."""

from __future__ import annotations


class FakeClock:
    """Monotonic seconds that move only when told to (or when a fake sleep runs)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
