"""The Apollo client against the fake Apollo on loopback: pagination, every failure path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from apollo_helpers import FakeClock
from fake_apollo import API_KEY, FakeApollo

from thera_sdk import Ports, ValidationError
from thera_sdk.scrape import RetryPolicy
from thera_sdk.sources import (
    ApolloAuthError,
    ApolloClient,
    ApolloMalformedError,
    ApolloRejectedError,
    ApolloServerError,
    ApolloThrottledError,
    ApolloTimeoutError,
    Quota,
    QuotaExhaustedError,
    QuotaLimiter,
)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(apollo: FakeApollo, clock: FakeClock, sleeps: list[float]) -> Iterator[ApolloClient]:
    with ApolloClient(
        API_KEY, base_url=apollo.url, clock=clock, sleep=sleeps.append, rng=lambda: 0.5,
        retry=RetryPolicy(max_attempts=3, base_delay=1.0, max_delay=8.0, max_retry_after=60),
        timeout=5.0,
    ) as made:
        yield made


def test_pages_through_all_results(client: ApolloClient, apollo: FakeApollo) -> None:
    # GIVEN 90 companies and 25 per page
    # WHEN every page is fetched
    pages = [client.search_organizations({}, page=n, per_page=25) for n in range(1, 5)]
    # THEN the pagination adds up and every company comes once
    assert [p.total_pages for p in pages] == [4, 4, 4, 4]
    assert pages[0].total_entries == 90
    ids = [o["id"] for p in pages for o in p.organizations]
    assert len(ids) == len(set(ids)) == 90
    assert pages[0].rate["x-minute-requests-left"] == 7


def test_filters_travel_in_the_body(client: ApolloClient) -> None:
    page = client.search_organizations({"organization_locations": ["France"]}, per_page=100)
    assert page.total_entries == 30
    assert {o["country"] for o in page.organizations} == {"France"}


def test_wrong_key_is_an_auth_error_without_retry(apollo: FakeApollo) -> None:
    with ApolloClient("wrong", base_url=apollo.url) as bad, pytest.raises(
        ApolloAuthError, match="secrets port"
    ):
        bad.search_organizations({})
    assert [status for _, _, status in apollo.requests] == [401]


def test_429_waits_retry_after_then_succeeds(
    client: ApolloClient, apollo: FakeApollo, sleeps: list[float]
) -> None:
    apollo.fail_next("429")
    page = client.search_organizations({}, per_page=10)
    assert len(page.organizations) == 10
    # Retry-After is 1 s; jitter (0.5 * 1 s) is below it, so Retry-After wins
    assert sleeps == [1.0]
    assert [status for _, _, status in apollo.requests] == [429, 200]


def test_429_without_retry_after_waits_for_the_named_window(
    apollo: FakeApollo, clock: FakeClock, sleeps: list[float]
) -> None:
    apollo.limits["minute"] = 1
    clock.now = 1_767_225_600.0 + 45  # 15 s before the minute ends
    with ApolloClient(API_KEY, base_url=apollo.url, clock=clock, sleep=sleeps.append,
                      rng=lambda: 0.0) as made:
        made.search_organizations({})
        apollo.limits["minute"] = 1  # the second call is over the limit
        with pytest.raises(ApolloThrottledError):
            made.search_organizations({})
    assert sleeps and all(s >= 15 for s in sleeps)


def test_429_every_time_gives_up_after_max_attempts(
    client: ApolloClient, apollo: FakeApollo, sleeps: list[float]
) -> None:
    apollo.fail_next("429", "429", "429")
    with pytest.raises(ApolloThrottledError) as caught:
        client.search_organizations({})
    assert caught.value.retry_after == 1.0
    assert len(apollo.requests) == 3 and len(sleeps) == 2


def test_retry_after_longer_than_allowed_is_not_waited(
    apollo: FakeApollo, clock: FakeClock, sleeps: list[float]
) -> None:
    apollo.limits["hour"] = 0
    made = ApolloClient(API_KEY, base_url=apollo.url, clock=clock, sleep=sleeps.append,
                        retry=RetryPolicy(max_retry_after=30))
    with made, pytest.raises(ApolloThrottledError, match="per hour"):
        made.search_organizations({})
    assert sleeps == [] and len(apollo.requests) == 1


def test_5xx_is_retried_with_exponential_jittered_backoff(
    client: ApolloClient, apollo: FakeApollo, sleeps: list[float]
) -> None:
    apollo.fail_next("503", "500")
    page = client.search_organizations({}, per_page=5)
    assert len(page.organizations) == 5
    # full jitter with rng 0.5: half of 1 s, then half of 2 s
    assert sleeps == [0.5, 1.0]


def test_5xx_every_time_is_a_server_error(client: ApolloClient, apollo: FakeApollo) -> None:
    apollo.fail_next("502", "502", "502")
    with pytest.raises(ApolloServerError, match="HTTP 502"):
        client.search_organizations({})


def test_no_retry_past_the_deadline(
    client: ApolloClient, apollo: FakeApollo, clock: FakeClock, sleeps: list[float]
) -> None:
    apollo.fail_next("500")
    with pytest.raises(ApolloServerError):
        client.search_organizations({}, deadline=clock() + 0.25)
    assert sleeps == []


def test_timeout_is_a_clear_error_and_not_retried(apollo: FakeApollo) -> None:
    apollo.timeout_delay = 1.0
    apollo.fail_next("timeout")
    made = ApolloClient(API_KEY, base_url=apollo.url, timeout=0.2)
    with made, pytest.raises(ApolloTimeoutError, match="fetched again on the next run"):
        made.search_organizations({})
    assert len(apollo.requests) <= 1  # the fake logs it only once it has answered


@pytest.mark.parametrize("fault", ["malformed", "html", "shape"])
def test_malformed_bodies_are_clear_errors(
    client: ApolloClient, apollo: FakeApollo, fault: str
) -> None:
    apollo.fail_next(fault)
    with pytest.raises(ApolloMalformedError, match="next run"):
        client.search_organizations({})
    assert len(apollo.requests) == 1


def test_rejected_filters(client: ApolloClient, apollo: FakeApollo) -> None:
    apollo.fail_next("422")
    with pytest.raises(ApolloRejectedError, match="universe configuration"):
        client.search_organizations({"organization_locations": ["Nowhere"]})


def test_page_limits_are_checked_before_sending(client: ApolloClient, apollo: FakeApollo) -> None:
    with pytest.raises(ValidationError, match="narrow the filters"):
        client.search_organizations({}, page=501)
    with pytest.raises(ValidationError, match="per_page"):
        client.search_organizations({}, per_page=101)
    assert apollo.requests == []


def test_quota_slot_is_taken_before_each_attempt(
    apollo: FakeApollo, clock: FakeClock, ports: Ports, sleeps: list[float]
) -> None:
    table = ports.settings.table_name("apollo_state")
    limiter = QuotaLimiter(ports.tables, table, quota=Quota(2, 10, 10), clock=clock)
    with ApolloClient(API_KEY, base_url=apollo.url, limiter=limiter, clock=clock,
                      sleep=sleeps.append) as made:
        apollo.fail_next("500")
        made.search_organizations({})  # two attempts: two slots
        with pytest.raises(QuotaExhaustedError) as caught:
            made.search_organizations({})
    assert caught.value.window == "minute"
    assert len(apollo.requests) == 2  # nothing was sent once the quota was spent
    assert limiter.usage()["minute"] == 2
