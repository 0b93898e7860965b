"""The direct scraper: fetch a page ourselves and convert it, for local runs and users without a
Firecrawl key. It costs no credits, respects robots.txt, and fetches only through the fetcher it
is given (the SSRF-safe client in production)."""

from __future__ import annotations

import time
from collections.abc import Callable

from thera_sdk.scrape._exceptions import (
    PageStatusError,
    ScrapeTimeoutError,
    UnsupportedContentError,
)
from thera_sdk.scrape._fetch import DEFAULT_USER_AGENT, Fetcher
from thera_sdk.scrape._html import html_to_content
from thera_sdk.scrape._models import ScrapeResult, page_result
from thera_sdk.scrape._robots import RobotsCache
from thera_sdk.scrape._targets import Target

__all__ = ["DirectScraper"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


class DirectScraper:
    """Scrape pages with a :class:`Fetcher` and markdownify.

    Parameters
    ----------
    fetcher
        Gets pages (give it the SSRF-safe client).
    user_agent
        The robots.txt product token is its first word (``TheraBot``).
    timeout
        Seconds for one fetch (shortened to the deadline when one is given).
    respect_robots
        Check robots.txt before each page (on by default; off only for your own sites).
    clock
        Monotonic seconds, for deadlines.

    Examples
    --------
    >>> scraper = DirectScraper(safe_fetcher())  # doctest: +SKIP
    >>> (await scraper.scrape(parse_target("acme.io"))).title  # doctest: +SKIP
    'Acme'
    """

    backend = "direct"

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 15.0,
        respect_robots: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetcher = fetcher
        self._timeout = timeout
        self._clock = clock
        token = user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"
        self._robots = RobotsCache(fetcher, token) if respect_robots else None

    def _time_left(self, url: str, deadline: float | None) -> float:
        if deadline is None:
            return self._timeout
        left = deadline - self._clock()
        if left <= 0:
            raise ScrapeTimeoutError(
                f"No time left before the run's deadline to fetch {url}; retried next run."
            )
        return min(self._timeout, left)

    async def scrape(self, target: Target, *, deadline: float | None = None) -> ScrapeResult:
        """Fetch ``target.url`` (after robots.txt allows it) and return the page as markdown.

        Raises a :class:`ScrapeError` subclass: :class:`RobotsDisallowedError`,
        :class:`BlockedAddressError`, :class:`PageStatusError` (4xx/5xx),
        :class:`UnsupportedContentError` (not HTML or text), :class:`ScrapeTimeoutError`...

        Examples
        --------
        >>> deadline = time.monotonic() + 30
        >>> target = parse_target("acme.io")  # doctest: +SKIP
        >>> result = await scraper.scrape(target, deadline=deadline)  # doctest: +SKIP
        """
        if self._robots is not None:
            await self._robots.check(target.url, timeout=self._time_left(target.url, deadline))
        page = await self._fetcher.fetch(target.url, timeout=self._time_left(target.url, deadline))
        if page.status_code >= 400:
            raise PageStatusError(
                f"{target.url} answered HTTP {page.status_code}.", status_code=page.status_code
            )
        media = page.content_type.split(";", 1)[0].strip().lower()
        if media in _HTML_TYPES or (not media and page.text.lstrip()[:1] == "<"):
            content = html_to_content(page.text, page.url)
            markdown, title, description, links = (
                content.markdown, content.title, content.description, content.links,
            )
        elif media == "text/plain":
            markdown, title, description, links = page.text.strip(), "", "", ()
        else:
            raise UnsupportedContentError(
                f"{target.url} is {media or 'of unknown type'}, not an HTML page; nothing to "
                "convert."
            )
        return page_result(
            domain=target.domain,
            url=target.url,
            final_url=page.url,
            status_code=page.status_code,
            markdown=markdown,
            title=title,
            description=description,
            links=links,
            backend=self.backend,
            raw={
                "url": target.url,
                "final_url": page.url,
                "status_code": page.status_code,
                "content_type": page.content_type,
                "truncated": page.truncated,
                "html": page.text,
            },
        )
