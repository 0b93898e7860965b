"""The sliding-window quota limiter over the local tables adapter, on an injected clock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from thera_sdk import ValidationError
from thera_sdk.sources import Quota, QuotaExhaustedError, QuotaLimiter
from thera_sdk.storage import LocalTableStore, TableSpec


class Clock:
    def __init__(self) -> None:
        self.now = 86_400.0 * 20_000

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def tables(tmp_path: Path) -> Iterator[LocalTableStore]:
    store = LocalTableStore(tmp_path / "tables.sqlite3")
    store.create_table(TableSpec("state", "pk"))
    yield store
    store.close()


def _take(limiter: QuotaLimiter, times: int) -> int:
    taken = 0
    for _ in range(times):
        try:
            limiter.acquire()
        except QuotaExhaustedError:
            break
        taken += 1
    return taken


def test_minute_window_slides(tables: LocalTableStore) -> None:
    clock = Clock()
    limiter = QuotaLimiter(tables, "state", quota=Quota(3, 100, 100), clock=clock)
    assert _take(limiter, 5) == 3
    clock.now += 30
    with pytest.raises(QuotaExhaustedError) as caught:
        limiter.acquire()
    # the slots were taken in one one-second bucket; they count until it leaves the window
    assert caught.value.window == "minute"
    assert caught.value.resets_at == pytest.approx(clock.now - 30 + 61)
    clock.now = caught.value.resets_at
    assert _take(limiter, 5) == 3


def test_no_sliding_minute_holds_more_than_the_limit(tables: LocalTableStore) -> None:
    # Requests spread over time: any 60 s span never holds more than 4 grants.
    clock = Clock()
    limiter = QuotaLimiter(tables, "state", quota=Quota(4, 1000, 1000), clock=clock)
    grants: list[float] = []
    for _ in range(300):
        clock.now += 7
        if _take(limiter, 1):
            grants.append(clock.now)
    assert all(sum(1 for g in grants if start <= g < start + 60) <= 4 for start in grants)


def test_hour_and_day_windows(tables: LocalTableStore) -> None:
    clock = Clock()
    limiter = QuotaLimiter(tables, "state", quota=Quota(10, 15, 20), clock=clock)
    assert _take(limiter, 20) == 10
    clock.now += 61
    assert _take(limiter, 20) == 5  # the hour is full at 15
    with pytest.raises(QuotaExhaustedError) as caught:
        limiter.acquire()
    assert caught.value.window == "hour"
    clock.now += 3600
    assert _take(limiter, 20) == 5  # the day is full at 20
    clock.now += 3660  # a whole minute bucket past the hour (buckets err on the safe side)
    with pytest.raises(QuotaExhaustedError, match="day quota") as day:
        limiter.acquire()
    assert day.value.window == "day"
    assert limiter.usage() == {"minute": 0, "hour": 0, "day": 20}


def test_limiters_share_state_through_the_table(tables: LocalTableStore) -> None:
    clock = Clock()
    one = QuotaLimiter(tables, "state", quota=Quota(5, 100, 100), clock=clock)
    two = QuotaLimiter(tables, "state", quota=Quota(5, 100, 100), clock=clock)
    other = QuotaLimiter(tables, "state", name="other", quota=Quota(5, 100, 100), clock=clock)
    assert _take(one, 3) + _take(two, 10) == 5
    assert _take(other, 10) == 5


def test_concurrent_workers_never_take_more_than_the_limit(tables: LocalTableStore) -> None:
    clock = Clock()
    limiter = QuotaLimiter(tables, "state", quota=Quota(25, 100, 100), clock=clock)
    taken: list[int] = []

    def work() -> None:
        taken.append(_take(limiter, 100))

    threads = [threading.Thread(target=work) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(taken) == 25 and limiter.usage()["minute"] == 25


def test_a_lagging_clock_never_reopens_a_window(tables: LocalTableStore) -> None:
    ahead, behind = Clock(), Clock()
    behind.now -= 120  # another machine, two minutes late
    QuotaLimiter(tables, "state", quota=Quota(2, 100, 100), clock=ahead).acquire()
    QuotaLimiter(tables, "state", quota=Quota(2, 100, 100), clock=ahead).acquire()
    with pytest.raises(QuotaExhaustedError):
        QuotaLimiter(tables, "state", quota=Quota(2, 100, 100), clock=behind).acquire()


def test_quota_checks() -> None:
    with pytest.raises(ValidationError, match="per-minute"):
        Quota(per_minute=-1)
