"""An Apollo.io client for organization search (``POST /mixed_companies/search``).

Follows ``../shared/reference/apollo.md``: the key goes in the ``x-api-key`` header, filters and
``page``/``per_page`` (at most 100) in a JSON body, and one query shows at most 500 pages.
Every attempt (retries included) first takes a slot from the shared :class:`QuotaLimiter`;
429 (honouring ``Retry-After``, else the window named in the message) and 5xx are retried with
exponential backoff and full jitter. Timeouts and malformed bodies are raised at once: the page
is fetched again on the next run.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from thera_sdk._exceptions import ValidationError
from thera_sdk.scrape import RetryPolicy, backoff_delay, parse_retry_after
from thera_sdk.sources._exceptions import (
    ApolloAuthError,
    ApolloMalformedError,
    ApolloRejectedError,
    ApolloServerError,
    ApolloThrottledError,
    ApolloTimeoutError,
)
from thera_sdk.sources._quota import QuotaLimiter

__all__ = [
    "APOLLO_MAX_PAGES",
    "APOLLO_MAX_PER_PAGE",
    "APOLLO_RETRY_POLICY",
    "DEFAULT_APOLLO_URL",
    "ApolloClient",
    "SearchPage",
]

DEFAULT_APOLLO_URL = "https://api.apollo.io/api/v1"
APOLLO_MAX_PAGES = 500
APOLLO_MAX_PER_PAGE = 100
APOLLO_RETRY_POLICY = RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=30.0)
_SEARCH = "/mixed_companies/search"
_WINDOW_SECONDS = {"minute": 60, "hour": 3600, "hourly": 3600, "day": 86400, "daily": 86400}
_RATE_HEADERS = (
    "x-minute-requests-left", "x-hourly-requests-left", "x-daily-requests-left",
    "x-minute-usage", "x-hourly-usage", "x-daily-usage",
)


@dataclass(frozen=True)
class SearchPage:
    """One page of organization search: companies from ``organizations`` and ``accounts``
    (deduplicated by id), the pagination, the rate headers and the raw body."""

    page: int
    per_page: int
    total_entries: int
    total_pages: int
    organizations: list[dict[str, Any]]
    raw: dict[str, Any] = field(repr=False)
    rate: dict[str, int] = field(default_factory=dict)


def _window_wait(message: str, now: float) -> float | None:
    """Seconds until the window a 429 message names resets ("... 600 times per hour ...")."""
    match = re.search(r"per\s+(minute|hour|day)", message, re.IGNORECASE)
    if not match:
        return None
    size = _WINDOW_SECONDS[match.group(1).lower()]
    return size - (now % size)


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        for key in ("message", "error", "error_message"):
            if isinstance(body.get(key), str):
                return str(body[key])[:300]
    return ""


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


class ApolloClient:
    """Apollo organization search with quota, retry and typed errors.

    Parameters
    ----------
    api_key
        The Apollo key (read it from the secrets port; it is never logged).
    base_url
        The API root, ``https://api.apollo.io/api/v1``.
    limiter
        Shared quota; a slot is taken before every attempt (``None``: no local quota).
    timeout
        Seconds for one request.
    retry
        Backoff for 429 and 5xx.
    http
        An ``httpx.Client`` to reuse (closed by :meth:`close` only when created here).
    clock, sleep, rng
        Epoch seconds (deadlines, ``Retry-After`` dates), a sleeper and ``[0, 1)`` randomness.

    Examples
    --------
    >>> client = ApolloClient("key", base_url="http://127.0.0.1:9/api/v1")
    >>> client.close()
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_APOLLO_URL,
        limiter: QuotaLimiter | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy = APOLLO_RETRY_POLICY,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not api_key:
            raise ValidationError(
                "The Apollo API key is empty; store it in the secrets port under 'apollo' as "
                '{"api_key": "..."}, or import companies from a file instead.'
            )
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter
        self._timeout = timeout
        self._retry = retry
        self._owns_http = http is None
        self._http = http or httpx.Client()
        self._headers = {
            "x-api-key": api_key,
            "Content-Type": "application/json",
            "Cache-Control": "no-cache",
            "Accept": "application/json",
        }
        self._clock = clock
        self._sleep = sleep
        self._rng = rng

    def close(self) -> None:
        """Close the HTTP connections this client opened."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> ApolloClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search_organizations(
        self,
        filters: Mapping[str, Any],
        *,
        page: int = 1,
        per_page: int = APOLLO_MAX_PER_PAGE,
        deadline: float | None = None,
    ) -> SearchPage:
        """Fetch one page of organizations matching ``filters``.

        Raises :class:`QuotaExhaustedError` (before sending anything) when the shared quota is
        spent, and an :class:`ApolloError` subclass when Apollo fails.

        Examples
        --------
        >>> page = client.search_organizations(
        ...     {"organization_locations[]": ["Germany"]}, page=1)  # doctest: +SKIP
        >>> page.total_pages, len(page.organizations)  # doctest: +SKIP
        (37, 100)
        """
        if not 1 <= page <= APOLLO_MAX_PAGES:
            raise ValidationError(
                f"page must be 1-{APOLLO_MAX_PAGES} (Apollo shows 500 pages per query), got "
                f"{page}; narrow the filters to reach more companies."
            )
        if not 1 <= per_page <= APOLLO_MAX_PER_PAGE:
            raise ValidationError(f"per_page must be 1-{APOLLO_MAX_PER_PAGE}, got {per_page}.")
        body = {**filters, "page": page, "per_page": per_page}
        attempt = 0
        while True:
            if self.limiter is not None:
                self.limiter.acquire()
            try:
                return self._send(body, page, per_page, deadline)
            except (ApolloThrottledError, ApolloServerError) as exc:
                attempt += 1
                retry_after = exc.retry_after if isinstance(exc, ApolloThrottledError) else None
                if attempt >= self._retry.max_attempts:
                    raise
                if retry_after is not None and retry_after > self._retry.max_retry_after:
                    raise
                delay = backoff_delay(self._retry, attempt - 1, retry_after=retry_after,
                                      rng=self._rng)
                if deadline is not None and self._clock() + delay >= deadline:
                    raise
                self._sleep(delay)

    def _send(
        self, body: dict[str, Any], page: int, per_page: int, deadline: float | None
    ) -> SearchPage:
        timeout = self._timeout
        if deadline is not None:
            timeout = min(timeout, deadline - self._clock())
            if timeout <= 0:
                raise ApolloTimeoutError(
                    f"No time left before the run's deadline for page {page}; it is fetched "
                    "on the next run."
                )
        try:
            response = self._http.post(
                self.base_url + _SEARCH, json=body, headers=self._headers, timeout=timeout
            )
        except httpx.TimeoutException as exc:
            raise ApolloTimeoutError(
                f"Apollo did not answer page {page} within {timeout:.0f} s; the page is fetched "
                "again on the next run."
            ) from exc
        except httpx.TransportError as exc:
            raise ApolloServerError(
                f"Could not reach Apollo for page {page} ({type(exc).__name__}); check the "
                "network. The page is retried."
            ) from exc
        return self._parse(response, page, per_page)

    def _parse(self, response: httpx.Response, page: int, per_page: int) -> SearchPage:
        status = response.status_code
        if status == 429:
            message = _message(response)
            now = self._clock()
            retry_after = parse_retry_after(response.headers.get("retry-after"), now=now)
            if retry_after is None:
                retry_after = _window_wait(message, now)
            raise ApolloThrottledError(
                f"Apollo rate-limited page {page} ({message or 'HTTP 429'}).",
                retry_after=retry_after,
            )
        if status >= 500:
            raise ApolloServerError(f"Apollo failed page {page} with HTTP {status}.")
        if status in {401, 403}:
            raise ApolloAuthError(
                f"Apollo refused the key (HTTP {status}: {_message(response)}); check the key "
                "in the secrets port, that it is a master key or has the mixed_companies/search "
                "scope, and that the plan includes organization search."
            )
        if status >= 400:
            raise ApolloRejectedError(
                f"Apollo rejected the search (HTTP {status}: {_message(response)}); fix the "
                "filters in the universe configuration."
            )
        if status != 200:
            raise ApolloMalformedError(f"Apollo answered page {page} with HTTP {status}.")
        return self._page(response, page, per_page)

    def _page(self, response: httpx.Response, page: int, per_page: int) -> SearchPage:
        try:
            body = response.json()
        except ValueError as exc:
            raise ApolloMalformedError(
                f"Apollo's answer for page {page} is not JSON ({len(response.content)} bytes); "
                "the page is fetched again on the next run."
            ) from exc
        pagination = body.get("pagination") if isinstance(body, dict) else None
        lists = (
            [body.get(k) for k in ("organizations", "accounts")] if isinstance(body, dict) else []
        )
        if not isinstance(pagination, dict) or not any(isinstance(v, list) for v in lists):
            raise ApolloMalformedError(
                f"Apollo's answer for page {page} lacks 'pagination' or 'organizations'; the "
                "page is fetched again on the next run."
            )
        seen: dict[str, dict[str, Any]] = {}
        for items in lists:
            for org in items if isinstance(items, list) else []:
                if isinstance(org, dict) and org.get("id") is not None:
                    seen.setdefault(str(org["id"]), org)
        rate = {}
        for name in _RATE_HEADERS:
            value = response.headers.get(name, "")
            if value.strip().isdigit():
                rate[name] = int(value)
        total_entries = _int(pagination.get("total_entries"))
        total_pages = _int(pagination.get("total_pages"), -1)
        if total_pages < 0:
            total_pages = -(-total_entries // per_page)
        return SearchPage(
            page=_int(pagination.get("page"), page),
            per_page=per_page,
            total_entries=total_entries,
            total_pages=total_pages,
            organizations=list(seen.values()),
            raw=body,
            rate=rate,
        )

