"""The direct scraper over the SSRF-safe client, against the loopback test web."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from thera_sdk.scrape import (
    DirectScraper,
    ScrapeFailure,
    ScrapeResult,
    parse_target,
    safe_fetcher,
    scrape_all,
)
from thera_sdk.testweb import Page, Site, TestWeb, default_sites

ROBOTS_NO = Page(body="User-agent: *\nDisallow: /\n", content_type="text/plain")
ROBOTS_BOT_ONLY = Page(body="User-agent: TheraBot\nDisallow: /secret\n", content_type="text/plain")
EXTRA_SITES = [
    Site("no-robots.test", pages={"/": Page(body="<h1>Hidden</h1>"), "/robots.txt": ROBOTS_NO}),
    Site("bot-rules.test", pages={"/": Page(body="<h1>Open</h1>"), "/secret": Page(body="s"),
                                  "/robots.txt": ROBOTS_BOT_ONLY}),
    Site("robots-broken.test", pages={"/": Page(body="<h1>x</h1>"),
                                      "/robots.txt": Page(body="oops", status=503)}),
    Site("pdf.test", pages={"/": Page(body=b"%PDF-1.7", content_type="application/pdf")}),
    Site("plain.test", pages={"/": Page(body="Just words here.", content_type="text/plain")}),
    Site("big.test", pages={"/": Page(body="<p>" + "word " * 400_000 + "</p>")}),
]


@pytest.fixture(scope="module")
def custom_web() -> Iterator[TestWeb]:
    with TestWeb([*default_sites(), *EXTRA_SITES]) as running:
        yield running


def scrape(web: TestWeb, lines: list[str], *, allow_private: bool = False,
           timeout: float = 5.0) -> list[ScrapeResult | ScrapeFailure]:
    settings = web.settings()

    async def main() -> list[ScrapeResult | ScrapeFailure]:
        fetcher = safe_fetcher(
            nameservers=[settings.nameserver],
            policy=settings.policy(allow_private_networks=allow_private),
            ssl_context=settings.ssl_context(),
            max_bytes=100_000,
        )
        try:
            scraper = DirectScraper(fetcher, timeout=timeout)
            targets = [parse_target(line) for line in lines]
            return await scrape_all(scraper, targets, deadline=time.monotonic() + 60)
        finally:
            await fetcher.aclose()

    return asyncio.run(main())


def test_a_healthy_site_becomes_markdown_with_richness(custom_web: TestWeb) -> None:
    [result] = scrape(custom_web, ["healthy.test"])
    assert isinstance(result, ScrapeResult)
    assert result.title == "Healthy Robotics"
    assert result.description.startswith("Healthy Robotics builds")
    assert "# Healthy Robotics" in result.markdown
    assert "<" not in result.markdown.replace("<!", "")
    parts = result.richness
    assert (parts.product, parts.pricing, parts.team, parts.customers) == (True,) * 4
    assert parts.headings == 3 and parts.internal_links == 5 and result.credits_used == 0
    assert result.final_url == "https://healthy.test/"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("redirect-private.test", "blocked_private_address"),
        ("redirect-metadata.test", "blocked_private_address"),
        ("redirect-private-name.test", "blocked_private_address"),
        ("private-name.test", "blocked_private_address"),
        ("mapped-name.test", "blocked_private_address"),
        ("mixed-name.test", "blocked_private_address"),
        ("http://2130706433/", "blocked_private_address"),
        ("http://[::ffff:169.254.169.254]/", "blocked_private_address"),
        ("nxdomain.test", "dns_nxdomain"),
        ("server-error.test", "http_500"),
        ("not-found.test", "http_404"),
        ("redirect-loop.test", "redirect_loop"),
        ("expired-cert.test", "tls_error"),
        ("no-robots.test", "robots_disallowed"),
        ("https://bot-rules.test/secret", "robots_disallowed"),
        ("robots-broken.test", "robots_disallowed"),
        ("pdf.test", "unsupported_content"),
    ],
)
def test_failures_carry_a_reason(custom_web: TestWeb, line: str, reason: str) -> None:
    [outcome] = scrape(custom_web, [line])
    assert isinstance(outcome, ScrapeFailure), outcome
    assert outcome.reason == reason, outcome.message


def test_nothing_reaches_the_canary(custom_web: TestWeb) -> None:
    before = custom_web.canary_connections
    scrape(custom_web, ["redirect-private.test", "http://redirect-private.test/"])
    assert custom_web.canary_connections == before


def test_robots_rules_match_our_agent_and_a_503_robots_is_retryable(custom_web: TestWeb) -> None:
    open_page, secret, broken = scrape(
        custom_web, ["bot-rules.test", "https://bot-rules.test/secret", "robots-broken.test"])
    assert isinstance(open_page, ScrapeResult)
    assert isinstance(secret, ScrapeFailure) and not secret.retryable
    assert isinstance(broken, ScrapeFailure) and broken.retryable


def test_text_plain_and_truncated_pages(custom_web: TestWeb) -> None:
    plain, big = scrape(custom_web, ["plain.test", "big.test"])
    assert isinstance(plain, ScrapeResult) and plain.markdown == "Just words here."
    assert isinstance(big, ScrapeResult) and big.raw["truncated"] is True
    assert big.richness.text_length < 100_000


def test_allow_private_networks_lifts_the_rules() -> None:
    # GIVEN a name resolving to loopback (where nothing listens on port 80)
    site = Site("lan.test", addresses=("127.0.0.1",))
    with TestWeb([site]) as web:
        [refused] = scrape(web, ["http://lan.test/"])
        [tried] = scrape(web, ["http://lan.test/"], allow_private=True, timeout=2.0)
    # THEN it is refused by default, and only tried (and fails to connect) when allowed
    assert isinstance(refused, ScrapeFailure) and refused.reason == "blocked_private_address"
    assert isinstance(tried, ScrapeFailure) and tried.reason == "connect_error"


def test_results_keep_input_order(custom_web: TestWeb) -> None:
    lines = ["nxdomain.test", "healthy.test", "plain.test", "pdf.test"]
    outcomes = scrape(custom_web, lines)
    assert [o.domain for o in outcomes] == ["nxdomain.test", "healthy.test", "plain.test",
                                            "pdf.test"]
