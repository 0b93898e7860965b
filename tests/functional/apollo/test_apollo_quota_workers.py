"""Twenty concurrent workers share one quota against the fake Apollo, run after run.

Every window (minute, hour, day) stays within its limit at the server, nothing is fetched twice,
nothing is lost, and each run resumes where the previous one stopped.
"""

from __future__ import annotations

from collections import Counter

import pytest
from apollo_helpers import FakeClock, PullerFactory
from fake_apollo import TAGS, FakeApollo, make_org

from thera_sdk import Ports
from thera_sdk.sources import Quota, Universe
from thera_sdk.storage import read_dataset

UNIVERSE = Universe(
    locations=("Germany", "France", "Spain"),
    employee_ranges=("1,100", "101,200", "201,300", "301,400"),
    keyword_tags=TAGS,
    per_page=2,
)


def _expected_pages(apollo: FakeApollo, universe: Universe) -> Counter[tuple[str, int]]:
    import json

    expected: Counter[tuple[str, int]] = Counter()
    for piece in universe.slices():
        query = json.dumps(dict(piece.filters), sort_keys=True)
        found = len(apollo.select(dict(piece.filters)))
        for page in range(1, max(1, -(-found // universe.per_page)) + 1):
            expected[(query, page)] += 1
    return expected


def _pull_until_done(
    make_puller: PullerFactory, clock: FakeClock, quota: Quota, *, workers: int, max_runs: int
) -> list[str]:
    statuses = []
    for _ in range(max_runs):
        report = make_puller(UNIVERSE, quota=quota, workers=workers).run()
        statuses.append(report.status)
        if report.status == "complete":
            return statuses
        assert report.status == "quota_exhausted", report
        clock.now = max(clock.now, report.quota["resets_at"]) + 0.5
    raise AssertionError(f"not done after {max_runs} runs: {Counter(statuses)}")


def _check(apollo: FakeApollo, ports: Ports, quota: Quota) -> None:
    # No window of any kind went over its limit at the server, and no 429 was ever needed.
    peaks = apollo.max_per_window()
    assert peaks["minute"] <= quota.per_minute
    assert peaks["hour"] <= quota.per_hour
    assert peaks["day"] <= quota.per_day
    assert all(status == 200 for _, _, status in apollo.requests)
    # Every page of every slice was fetched exactly once across all runs.
    assert apollo.successes() == _expected_pages(apollo, UNIVERSE)
    # Every company came out exactly once, as new.
    table = read_dataset(ports.objects, ports.settings.data_bucket, "bronze/apollo_companies")
    ids = table.column("id").to_pylist()
    assert len(ids) == len(set(ids)) == len(apollo.orgs)


@pytest.fixture
def big_apollo(apollo: FakeApollo) -> FakeApollo:
    apollo.orgs[:] = [make_org(n) for n in range(240)]
    return apollo


def test_twenty_workers_never_exceed_any_window(
    make_puller: PullerFactory, big_apollo: FakeApollo, ports: Ports, clock: FakeClock
) -> None:
    # GIVEN 240 companies in 36 slices (about 140 pages) and a quota scaled down 5x
    quota = Quota(per_minute=10, per_hour=40, per_day=120)
    big_apollo.limits.update(minute=quota.per_minute, hour=quota.per_hour, day=quota.per_day)
    # WHEN 20 workers pull, run after run, each run starting when the quota frees up
    statuses = _pull_until_done(make_puller, clock, quota, workers=20, max_runs=60)
    # THEN the day limit forced a wait of a day, and the invariants hold
    assert statuses.count("quota_exhausted") >= 14
    _check(big_apollo, ports, quota)


@pytest.mark.slow
def test_twenty_workers_with_the_free_plan_limits(
    make_puller: PullerFactory, apollo: FakeApollo, ports: Ports, clock: FakeClock
) -> None:
    # GIVEN Apollo's free-plan limits (50/min, 200/h, 600/day) and about 700 pages
    apollo.orgs[:] = [make_org(n) for n in range(1300)]
    quota = Quota()
    apollo.limits.update(minute=50, hour=200, day=600)
    statuses = _pull_until_done(make_puller, clock, quota, workers=20, max_runs=80)
    assert "quota_exhausted" in statuses
    _check(apollo, ports, quota)
