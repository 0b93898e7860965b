"""The Firecrawl client against the fake Firecrawl on loopback: scrape, batch, every failure
path, the breaker and the credit budget."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from fake_firecrawl import API_KEY, FakeFirecrawl
from scrape_helpers import FakeClock

from thera_sdk.scrape import (
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    CreditBudget,
    CreditBudgetExceededError,
    FirecrawlClient,
    MalformedResponseError,
    PageStatusError,
    RetryPolicy,
    ScrapeAuthError,
    ScrapeOptions,
    ScrapeRejectedError,
    ScrapeRequestError,
    ScrapeThrottledError,
    ScrapeTimeoutError,
    parse_target,
)

T = TypeVar("T")
ACME = parse_target("https://acme.example/")


def run(
    firecrawl: FakeFirecrawl,
    clock: FakeClock,
    action: Callable[[FirecrawlClient], Awaitable[T]],
    **kwargs: object,
) -> T:
    """Build a client on the fake and the fake clock, run ``action`` with it, close it."""

    async def main() -> T:
        options: dict[str, object] = {
            "base_url": firecrawl.url, "clock": clock, "sleep": clock.sleep,
            "rng": lambda: 0.5, "retry": RetryPolicy(max_attempts=3, base_delay=1.0),
            "timeout": 5.0,
        }
        options.update(kwargs)
        async with FirecrawlClient(str(options.pop("api_key", API_KEY)), **options) as client:
            return await action(client)

    return asyncio.run(main())


def test_scrape_returns_markdown_title_and_richness(
    firecrawl: FakeFirecrawl, clock: FakeClock
) -> None:
    firecrawl.add_site(ACME.url)
    budget = CreditBudget(5)
    result = run(firecrawl, clock, lambda c: c.scrape(ACME), budget=budget)
    assert result.title == "Acme Fraud"  # a list in metadata.title
    assert result.description == "Payments fraud scoring"
    assert result.markdown.startswith("# Acme Fraud")
    assert result.richness.headings == 3 and result.richness.pricing and result.richness.team
    assert result.backend == "firecrawl" and result.credits_used == 1
    assert budget.spent == 1 and budget.remaining == 4
    assert firecrawl.requests == [("POST", "/v2/scrape")]


def test_target_site_404_is_a_page_error_and_still_costs_a_credit(
    firecrawl: FakeFirecrawl, clock: FakeClock
) -> None:
    budget = CreditBudget(5)
    with pytest.raises(PageStatusError) as caught:
        run(firecrawl, clock, lambda c: c.scrape(ACME), budget=budget)
    assert caught.value.reason == "http_404" and not caught.value.retryable
    assert budget.spent == 1


def test_429_honours_retry_after(firecrawl: FakeFirecrawl, clock: FakeClock) -> None:
    firecrawl.add_site(ACME.url)
    firecrawl.fail_next("429")
    run(firecrawl, clock, lambda c: c.scrape(ACME))
    assert clock.sleeps == [1.0]


def test_429_every_time_is_throttled(firecrawl: FakeFirecrawl, clock: FakeClock) -> None:
    firecrawl.fail_next("429-no-header", "429-no-header", "429-no-header")
    breaker = CircuitBreaker("Firecrawl", failure_threshold=2, clock=clock)
    with pytest.raises(ScrapeThrottledError, match="Concurrency limit"):
        run(firecrawl, clock, lambda c: c.scrape(ACME), breaker=breaker)
    # full jitter: 0.5 x 1 s, 0.5 x 2 s; and throttling does not open the breaker
    assert clock.sleeps == [0.5, 1.0]
    assert breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize("fault", ["500", "502", "503"])
def test_5xx_is_retried_then_raised(
    firecrawl: FakeFirecrawl, clock: FakeClock, fault: str
) -> None:
    firecrawl.fail_next(fault, fault, fault)
    with pytest.raises(ScrapeRequestError, match=f"HTTP {fault}"):
        run(firecrawl, clock, lambda c: c.scrape(ACME))
    assert len(firecrawl.requests) == 3


def test_5xx_then_success(firecrawl: FakeFirecrawl, clock: FakeClock) -> None:
    firecrawl.add_site(ACME.url)
    firecrawl.fail_next("502")
    assert run(firecrawl, clock, lambda c: c.scrape(ACME)).title == "Acme Fraud"


def test_timeouts_408_and_socket(firecrawl: FakeFirecrawl, clock: FakeClock) -> None:
    firecrawl.timeout_delay = 0.6
    firecrawl.fail_next("408", "timeout", "408")
    with pytest.raises(ScrapeTimeoutError):
        run(firecrawl, clock, lambda c: c.scrape(ACME), timeout=0.2)


def test_malformed_body_is_not_retried(firecrawl: FakeFirecrawl, clock: FakeClock) -> None:
    firecrawl.fail_next("malformed")
    with pytest.raises(MalformedResponseError, match="not a JSON object"):
        run(firecrawl, clock, lambda c: c.scrape(ACME))
    assert len(firecrawl.requests) == 1


def test_bad_key_and_no_credits(firecrawl: FakeFirecrawl, clock: FakeClock) -> None:
    with pytest.raises(ScrapeAuthError, match="secrets port"):
        run(firecrawl, clock, lambda c: c.scrape(ACME), api_key="fc-wrong")
    firecrawl.fail_next("402")
    with pytest.raises(ScrapeRejectedError) as caught:
        run(firecrawl, clock, lambda c: c.scrape(ACME))
    assert caught.value.reason == "payment_required"


def test_budget_refuses_before_sending(firecrawl: FakeFirecrawl, clock: FakeClock) -> None:
    firecrawl.add_site(ACME.url)
    budget = CreditBudget(1)

    async def twice(client: FirecrawlClient) -> None:
        await client.scrape(ACME)
        await client.scrape(ACME)

    with pytest.raises(CreditBudgetExceededError, match="next run"):
        run(firecrawl, clock, twice, budget=budget)
    assert len(firecrawl.requests) == 1


def test_breaker_opens_refuses_then_probes_and_closes(
    firecrawl: FakeFirecrawl, clock: FakeClock
) -> None:
    firecrawl.add_site(ACME.url)
    breaker = CircuitBreaker("Firecrawl", failure_threshold=3, reset_timeout=60, clock=clock)
    policy = RetryPolicy(max_attempts=1)

    async def story(client: FirecrawlClient) -> list[str]:
        seen = []
        firecrawl.fail_next("500", "500", "500")
        for _ in range(3):
            with pytest.raises(ScrapeRequestError):
                await client.scrape(ACME)
        seen.append(breaker.state.value)
        with pytest.raises(CircuitOpenError, match="probe is allowed in 60 s"):
            await client.scrape(ACME)  # refused without a request
        clock.now += 60
        seen.append(breaker.state.value)
        await client.scrape(ACME)  # the probe succeeds
        seen.append(breaker.state.value)
        return seen

    states = run(firecrawl, clock, story, breaker=breaker, retry=policy)
    assert states == ["open", "half_open", "closed"]
    assert len(firecrawl.requests) == 4


def test_batch_scrape_collects_pages_and_failures(
    firecrawl: FakeFirecrawl, clock: FakeClock
) -> None:
    # GIVEN five known sites, one unknown (fails in the job) and one invalid URL
    targets = [parse_target(f"https://site{n}.example/") for n in range(5)]
    for target in targets:
        firecrawl.add_site(target.url)
    missing, invalid = parse_target("missing.example"), parse_target("invalid.example")
    budget = CreditBudget(10)
    outcome = run(
        firecrawl, clock,
        lambda c: c.batch_scrape([*targets, missing, invalid], deadline=clock() + 600,
                                 options=ScrapeOptions(timeout_ms=20_000), poll_interval=2.0),
        budget=budget,
    )
    # THEN every page came back (through three polls and `next` pages of two)
    assert sorted(r.url for r in outcome.results) == sorted(t.url for t in targets)
    reasons = {f.domain: (f.reason, f.retryable) for f in outcome.failures}
    assert reasons == {"missing.example": ("batch_failed", True),
                       "invalid.example": ("invalid_url", False)}
    assert "timed out" in next(f.message for f in outcome.failures if f.reason == "batch_failed")
    assert outcome.status == "completed" and clock.sleeps == [2.0, 2.0]
    assert budget.spent == outcome.credits_used == 6


def test_batch_deadline_cancels_the_job(firecrawl: FakeFirecrawl, clock: FakeClock) -> None:
    firecrawl.stall = True
    targets = [parse_target(f"https://site{n}.example/") for n in range(3)]
    for target in targets:
        firecrawl.add_site(target.url)
    outcome = run(firecrawl, clock,
                  lambda c: c.batch_scrape(targets, deadline=clock() + 5, poll_interval=2.0))
    assert outcome.status == "scraping"
    assert {f.reason for f in outcome.failures} == {"timeout"}
    assert all(f.retryable for f in outcome.failures)
    assert ("DELETE", "/v2/batch/scrape/job-1") in firecrawl.requests


def test_batch_status_malformed(firecrawl: FakeFirecrawl, clock: FakeClock) -> None:
    firecrawl.add_site(ACME.url)
    firecrawl.fail_next("none", "malformed")  # the start goes through, the first poll breaks
    with pytest.raises(MalformedResponseError):
        run(firecrawl, clock, lambda c: c.batch_scrape([ACME], deadline=clock() + 60))
