"""Scraping a list of targets with either backend, a few at a time, results in input order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from thera_sdk._exceptions import ValidationError
from thera_sdk.scrape._exceptions import ScrapeError
from thera_sdk.scrape._firecrawl import FirecrawlClient
from thera_sdk.scrape._firecrawl_pages import failure_from
from thera_sdk.scrape._models import ScrapeFailure, ScrapeResult
from thera_sdk.scrape._targets import Target

__all__ = ["FirecrawlScraper", "Outcome", "Scraper", "scrape_all"]

Outcome = ScrapeResult | ScrapeFailure


class Scraper(Protocol):
    """Scrapes one target; both backends have this shape."""

    backend: str

    async def scrape(self, target: Target, *, deadline: float | None = None) -> ScrapeResult:
        """Scrape ``target`` or raise a :class:`ScrapeError`."""
        ...


class FirecrawlScraper:
    """The :class:`Scraper` shape over a :class:`FirecrawlClient` (one ``/scrape`` per target).

    Examples
    --------
    >>> scraper = FirecrawlScraper(FirecrawlClient("fc-..."))  # doctest: +SKIP
    """

    backend = "firecrawl"

    def __init__(self, client: FirecrawlClient) -> None:
        self.client = client

    async def scrape(self, target: Target, *, deadline: float | None = None) -> ScrapeResult:
        """Scrape one page through Firecrawl."""
        return await self.client.scrape(target, deadline=deadline)


async def scrape_all(
    scraper: Scraper,
    targets: Sequence[Target],
    *,
    deadline: float | None = None,
    concurrency: int = 8,
) -> list[Outcome]:
    """Scrape every target, ``concurrency`` at a time; one outcome per target, in order.

    A target that fails becomes a :class:`ScrapeFailure` (one reached after ``deadline`` fails
    with reason ``timeout``, retryable); other errors (bugs) propagate.

    Examples
    --------
    >>> outcomes = await scrape_all(scraper, [parse_target("acme.io")])  # doctest: +SKIP
    >>> type(outcomes[0]).__name__  # doctest: +SKIP
    'ScrapeResult'
    """
    if concurrency < 1:
        raise ValidationError(f"concurrency must be 1 or more, got {concurrency}.")
    gate = asyncio.Semaphore(concurrency)

    async def one(target: Target) -> Outcome:
        async with gate:
            try:
                return await scraper.scrape(target, deadline=deadline)
            except ScrapeError as exc:
                return failure_from(target, exc)

    return list(await asyncio.gather(*(one(t) for t in targets)))
