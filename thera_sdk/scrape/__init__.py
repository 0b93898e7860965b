"""Scraping company sites: Firecrawl (with breaker, backoff and credit budget) or direct.

Both backends turn a :class:`Target` (from :func:`parse_target`) into a :class:`ScrapeResult`
with markdown, title, description, links and a :class:`Richness` score, or raise a
:class:`ScrapeError` whose ``reason`` is recorded with the failed domain.
"""

from thera_sdk.scrape._backoff import (
    DEFAULT_RETRY_POLICY,
    RETRYABLE_STATUS,
    RetryPolicy,
    backoff_delay,
    parse_retry_after,
)
from thera_sdk.scrape._breaker import BreakerState, CircuitBreaker
from thera_sdk.scrape._budget import CreditBudget
from thera_sdk.scrape._direct import DirectScraper
from thera_sdk.scrape._exceptions import (
    BlockedAddressError,
    CircuitOpenError,
    CreditBudgetExceededError,
    InvalidTargetError,
    MalformedResponseError,
    PageStatusError,
    RobotsDisallowedError,
    ScrapeAuthError,
    ScrapeError,
    ScrapeRejectedError,
    ScrapeRequestError,
    ScrapeThrottledError,
    ScrapeTimeoutError,
    UnsupportedContentError,
)
from thera_sdk.scrape._fetch import (
    DEFAULT_MAX_BYTES,
    DEFAULT_USER_AGENT,
    FetchedPage,
    Fetcher,
    HttpxFetcher,
    safe_fetcher,
)
from thera_sdk.scrape._firecrawl import (
    DEFAULT_FIRECRAWL_URL,
    BatchOutcome,
    FirecrawlClient,
    ScrapeOptions,
)
from thera_sdk.scrape._firecrawl_pages import failure_from
from thera_sdk.scrape._html import PageContent, html_to_content
from thera_sdk.scrape._models import ScrapeFailure, ScrapeResult, page_result
from thera_sdk.scrape._network import NetworkSettings
from thera_sdk.scrape._richness import Richness, richness
from thera_sdk.scrape._robots import RobotsCache, robots_url
from thera_sdk.scrape._run import FirecrawlScraper, Outcome, Scraper, scrape_all
from thera_sdk.scrape._targets import Target, parse_target

__all__ = [
    "DEFAULT_FIRECRAWL_URL",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_USER_AGENT",
    "RETRYABLE_STATUS",
    "BatchOutcome",
    "BlockedAddressError",
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpenError",
    "CreditBudget",
    "CreditBudgetExceededError",
    "DirectScraper",
    "FetchedPage",
    "Fetcher",
    "FirecrawlClient",
    "FirecrawlScraper",
    "HttpxFetcher",
    "InvalidTargetError",
    "MalformedResponseError",
    "NetworkSettings",
    "Outcome",
    "PageContent",
    "PageStatusError",
    "RetryPolicy",
    "Richness",
    "RobotsCache",
    "RobotsDisallowedError",
    "ScrapeAuthError",
    "ScrapeError",
    "ScrapeFailure",
    "ScrapeOptions",
    "ScrapeRejectedError",
    "ScrapeRequestError",
    "ScrapeResult",
    "ScrapeThrottledError",
    "ScrapeTimeoutError",
    "Scraper",
    "Target",
    "UnsupportedContentError",
    "backoff_delay",
    "failure_from",
    "html_to_content",
    "page_result",
    "parse_retry_after",
    "parse_target",
    "richness",
    "robots_url",
    "safe_fetcher",
    "scrape_all",
]
