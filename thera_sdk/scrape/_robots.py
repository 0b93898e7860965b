"""robots.txt, read the way RFC 9309 says, one fetch per site per scraper.

* 2xx: the rules apply (parsed with protego; the first 500 KiB are enough, as the RFC allows).
* 4xx (404 included): there are no rules, everything is allowed.
* 5xx: assume everything is disallowed, and try again on a later run.
* More redirects than the fetcher follows: treat as "no file" (the RFC allows it).
* The site cannot be reached at all (DNS, TLS, connection, blocked address): that error is the
  site's failure, raised as is.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from thera_sdk.scrape._exceptions import RobotsDisallowedError, ScrapeError
from thera_sdk.scrape._fetch import Fetcher

__all__ = ["ROBOTS_MAX_CHARS", "RobotsCache", "robots_url"]

ROBOTS_MAX_CHARS = 500 * 1024


def robots_url(url: str) -> str:
    """The robots.txt URL of the site serving ``url``.

    Examples
    --------
    >>> robots_url("https://acme.io:8443/pricing?x=1")
    'https://acme.io:8443/robots.txt'
    """
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


@dataclass(frozen=True)
class _Rules:
    parser: Protego | None  # None: allow everything
    unavailable: str = ""  # set: the site could not tell us, so nothing is allowed


class RobotsCache:
    """Fetches each site's robots.txt once and answers "may we fetch this URL?".

    Examples
    --------
    >>> cache = RobotsCache(fetcher, "TheraBot")  # doctest: +SKIP
    >>> await cache.check("https://acme.io/pricing", timeout=10)  # doctest: +SKIP
    """

    def __init__(self, fetcher: Fetcher, user_agent: str) -> None:
        self._fetcher = fetcher
        self._agent = user_agent
        self._rules: dict[str, _Rules] = {}
        # One load per site, shared by concurrent pages of that site.
        self._loading: dict[str, asyncio.Future[_Rules]] = {}

    async def check(self, url: str, *, timeout: float) -> None:
        """Return if ``url`` may be fetched; raise :class:`RobotsDisallowedError` if not.

        A site whose robots.txt answers 5xx is treated as disallowed, with a retryable error;
        a site that cannot be reached raises the fetcher's error (:class:`BlockedAddressError`,
        :class:`ScrapeTimeoutError`, ...).
        """
        key = robots_url(url)
        rules = self._rules.get(key)
        if rules is None:
            loading = self._loading.get(key)
            if loading is None:
                loading = asyncio.ensure_future(self._load(key, timeout))
                self._loading[key] = loading
            try:
                rules = await asyncio.shield(loading)
            finally:
                if loading.done():
                    self._loading.pop(key, None)
            self._rules[key] = rules
        if rules.unavailable:
            error = RobotsDisallowedError(
                f"{key} could not be read ({rules.unavailable}); robots rules say to assume "
                "the whole site is disallowed. Retried on the next run."
            )
            error.retryable = True
            raise error
        if rules.parser is not None and not rules.parser.can_fetch(url, self._agent):
            raise RobotsDisallowedError(
                f"{key} does not allow {self._agent} to fetch {url}; the page is skipped."
            )

    async def _load(self, key: str, timeout: float) -> _Rules:
        try:
            page = await self._fetcher.fetch(key, timeout=timeout)
        except ScrapeError as exc:
            if exc.reason == "redirect_loop":  # RFC 9309: too many redirects = no file
                return _Rules(None)
            raise  # the site itself is unreachable (or refused): that is the failure to record
        if page.status_code >= 500:
            return _Rules(None, unavailable=f"HTTP {page.status_code}")
        if page.status_code >= 300:  # 4xx, or a redirect without a target: there are no rules
            return _Rules(None)
        return _Rules(Protego.parse(page.text[:ROBOTS_MAX_CHARS]))
