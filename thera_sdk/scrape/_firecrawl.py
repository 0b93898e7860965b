"""A Firecrawl v2 client: single scrape and batch scrape with polling, within a deadline.

Follows the documented contract (``../shared/reference/firecrawl.md``): ``Authorization: Bearer``,
``POST /scrape``, ``POST /batch/scrape`` then ``GET /batch/scrape/{id}`` until a terminal status,
following ``next`` for further result pages, ``GET /batch/scrape/{id}/errors`` for failed URLs.
A target site's 404 still comes back as ``success: true`` with ``metadata.statusCode``, and
costs a credit.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from thera_sdk._exceptions import ValidationError
from thera_sdk.scrape._backoff import DEFAULT_RETRY_POLICY, RetryPolicy
from thera_sdk.scrape._breaker import CircuitBreaker
from thera_sdk.scrape._budget import CreditBudget
from thera_sdk.scrape._exceptions import (
    MalformedResponseError,
    ScrapeError,
    ScrapeTimeoutError,
)
from thera_sdk.scrape._firecrawl_pages import failure_from, page_from_data, source_url
from thera_sdk.scrape._http import JsonCaller
from thera_sdk.scrape._models import ScrapeFailure, ScrapeResult
from thera_sdk.scrape._targets import Target

__all__ = ["DEFAULT_FIRECRAWL_URL", "BatchOutcome", "FirecrawlClient", "ScrapeOptions"]

DEFAULT_FIRECRAWL_URL = "https://api.firecrawl.dev/v2"
_TERMINAL = frozenset({"completed", "failed", "cancelled"})
_MAX_RESULT_PAGES = 1000  # a guard against a `next` link that never ends


@dataclass(frozen=True)
class ScrapeOptions:
    """The scrape options we send (Firecrawl's defaults apply to everything else).

    ``timeout_ms`` is Firecrawl's own page-load timeout (1,000-300,000 ms). ``only_main_content``
    is off by default: the navigation's links to pricing, team and customers pages are what the
    richness score looks for.
    """

    formats: tuple[str, ...] = ("markdown", "links")
    only_main_content: bool = False
    timeout_ms: int = 30_000

    def __post_init__(self) -> None:
        if not 1_000 <= self.timeout_ms <= 300_000:
            raise ValidationError(
                f"timeout_ms must be 1000-300000 (Firecrawl's range), got {self.timeout_ms}."
            )

    def as_body(self) -> dict[str, Any]:
        """The options as request fields."""
        return {
            "formats": list(self.formats),
            "onlyMainContent": self.only_main_content,
            "timeout": self.timeout_ms,
        }


@dataclass
class BatchOutcome:
    """What a batch scrape produced: pages, failed targets, the job id and credits used."""

    job_id: str
    status: str
    results: list[ScrapeResult] = field(default_factory=list)
    failures: list[ScrapeFailure] = field(default_factory=list)
    credits_used: int = 0


class FirecrawlClient:
    """Firecrawl's scrape and batch-scrape endpoints, with retry, breaker and credit budget.

    Parameters
    ----------
    api_key
        The ``fc-...`` key (read it from the secrets port; it is never logged).
    base_url
        The API root, ``.../v2``.
    timeout
        Seconds for one HTTP request (Firecrawl's page timeout plus headroom).
    retry
        Backoff for 408, 429 (honouring ``Retry-After``) and 5xx.
    breaker
        Shared by the run's workers; opens after consecutive failures.
    budget
        Credits this run may spend; each page reserves one before it is requested.
    http
        An ``httpx.AsyncClient`` to reuse (closed by :meth:`aclose` only if created here).
    clock, wall_clock, sleep, rng
        Injectable time and randomness (monotonic seconds, epoch seconds, a sleeper, ``[0, 1)``).

    Examples
    --------
    >>> async with FirecrawlClient("fc-...") as client:  # doctest: +SKIP
    ...     result = await client.scrape(parse_target("acme.io"))
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_FIRECRAWL_URL,
        timeout: float = 75.0,
        retry: RetryPolicy = DEFAULT_RETRY_POLICY,
        breaker: CircuitBreaker | None = None,
        budget: CreditBudget | None = None,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not api_key:
            raise ValidationError(
                "The Firecrawl API key is empty; store it in the secrets port under "
                "'firecrawl' as {\"api_key\": \"fc-...\"}, or scrape with --backend direct."
            )
        self.base_url = base_url.rstrip("/")
        self.breaker = breaker or CircuitBreaker("Firecrawl", clock=clock)
        self.budget = budget or CreditBudget(None)
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient()
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self._clock = clock
        self._sleep = sleep
        self._caller = JsonCaller(
            "Firecrawl", self._http, self.breaker, retry, timeout,
            clock=clock, wall_clock=wall_clock, sleep=sleep, rng=rng,
        )

    async def aclose(self) -> None:
        """Close the HTTP connections this client opened."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> FirecrawlClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _call(
        self,
        method: str,
        path_or_url: str,
        *,
        body: dict[str, Any] | None = None,
        deadline: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        return await self._caller.call(
            method, url, json=body, headers={**self._headers, **(headers or {})},
            deadline=deadline,
        )

    # -- single page -----------------------------------------------------------------------------
    async def scrape(
        self,
        target: Target,
        *,
        options: ScrapeOptions | None = None,
        deadline: float | None = None,
    ) -> ScrapeResult:
        """Scrape one page (``POST /scrape``); one credit is reserved first.

        Raises a :class:`ScrapeError` subclass: :class:`PageStatusError` when the site itself
        answered 4xx/5xx, :class:`CreditBudgetExceededError`, :class:`CircuitOpenError`,
        :class:`ScrapeThrottledError` after the retries, and so on.

        Examples
        --------
        >>> deadline = time.monotonic() + 60
        >>> target = parse_target("acme.io")  # doctest: +SKIP
        >>> result = await client.scrape(target, deadline=deadline)  # doctest: +SKIP
        >>> result.richness.score  # doctest: +SKIP
        """
        options = options or ScrapeOptions()
        self.budget.reserve(1)
        used = 0
        try:
            body = await self._call(
                "POST", "/scrape", body={"url": target.url, **options.as_body()},
                deadline=deadline,
            )
            if body.get("success") is not True or not isinstance(body.get("data"), dict):
                raise MalformedResponseError(
                    f"Firecrawl answered the scrape of {target.url} without success and data "
                    f"({str(body.get('error') or 'no error text')[:200]}); retried next run."
                )
            used = _credits(body["data"], default=1)
            return page_from_data(body["data"], target, raw=body)
        finally:
            self.budget.settle(1, used)

    # -- batch -----------------------------------------------------------------------------------
    async def batch_scrape(
        self,
        targets: Sequence[Target],
        *,
        deadline: float,
        options: ScrapeOptions | None = None,
        poll_interval: float = 2.0,
        idempotency_key: str | None = None,
    ) -> BatchOutcome:
        """Scrape many pages as one job, polling until it ends or the deadline comes.

        Credits for every target are reserved first. At the deadline the job is cancelled and
        the targets without a result are failed with reason ``timeout`` (retryable).

        Examples
        --------
        >>> deadline = time.monotonic() + 600
        >>> outcome = await client.batch_scrape(targets, deadline=deadline)  # doctest: +SKIP
        >>> len(outcome.results) + len(outcome.failures) == len(targets)  # doctest: +SKIP
        True
        """
        if not targets:
            return BatchOutcome(job_id="", status="completed")
        options = options or ScrapeOptions()
        self.budget.reserve(len(targets))
        used = 0
        try:
            outcome = await self._run_batch(
                targets, options, deadline, poll_interval, idempotency_key or str(uuid.uuid4())
            )
            used = outcome.credits_used
            return outcome
        finally:
            self.budget.settle(len(targets), used)

    async def _run_batch(
        self,
        targets: Sequence[Target],
        options: ScrapeOptions,
        deadline: float,
        poll_interval: float,
        idempotency_key: str,
    ) -> BatchOutcome:
        started = await self._call(
            "POST", "/batch/scrape",
            body={"urls": [t.url for t in targets], "ignoreInvalidURLs": True,
                  **options.as_body()},
            headers={"x-idempotency-key": idempotency_key},
            deadline=deadline,
        )
        job_id = started.get("id")
        if started.get("success") is not True or not isinstance(job_id, str) or not job_id:
            raise MalformedResponseError(
                "Firecrawl accepted the batch without a job id "
                f"({str(started.get('error') or 'no error text')[:200]}); retried next run."
            )
        invalid = {str(u) for u in started.get("invalidURLs") or [] if isinstance(u, str)}
        status, pages = await self._poll(job_id, deadline, poll_interval)
        outcome = BatchOutcome(job_id=job_id, status=status)
        by_url = {t.url: t for t in targets}
        for status_body in pages:
            outcome.credits_used = max(outcome.credits_used, _int(status_body.get("creditsUsed")))
            for data in status_body.get("data") or []:
                target = by_url.pop(source_url(data), None) if isinstance(data, dict) else None
                if target is None:
                    continue
                try:
                    outcome.results.append(page_from_data(data, target, raw=data))
                except ScrapeError as exc:
                    outcome.failures.append(failure_from(target, exc))
        if not outcome.credits_used:
            outcome.credits_used = len(outcome.results)
        errors = await self._errors(job_id, deadline) if by_url and status in _TERMINAL else {}
        for url, target in by_url.items():
            if url in invalid:
                reason, retry = "invalid_url", False
                message = "Firecrawl refused the URL as invalid."
            elif status not in _TERMINAL:
                reason, retry = "timeout", True
                message = "The batch did not finish before the run's deadline; retried next run."
            else:
                reason, retry = "batch_failed", True
                message = errors.get(url) or (
                    f"Firecrawl returned no page ({status}); retried next run."
                )
            outcome.failures.append(ScrapeFailure(target.domain, url, reason, message, retry))
        return outcome

    async def _poll(
        self, job_id: str, deadline: float, poll_interval: float
    ) -> tuple[str, list[dict[str, Any]]]:
        """Poll until a terminal status (or the deadline), then gather every result page."""
        while True:
            body = await self._status(f"/batch/scrape/{job_id}", deadline)
            status = str(body["status"])
            if status in _TERMINAL:
                break
            if self._clock() + poll_interval >= deadline:
                await self._cancel(job_id, deadline)
                break
            await self._sleep(poll_interval)
        pages = [body]
        next_url = body.get("next")
        seen: set[str] = set()
        while isinstance(next_url, str) and next_url and next_url not in seen:
            if len(pages) >= _MAX_RESULT_PAGES or self._clock() >= deadline:
                break
            seen.add(next_url)
            page = await self._status(next_url, deadline)
            pages.append(page)
            next_url = page.get("next")
        return status, pages

    async def _status(self, path_or_url: str, deadline: float) -> dict[str, Any]:
        body = await self._call("GET", path_or_url, deadline=deadline)
        if not isinstance(body.get("status"), str) or not isinstance(body.get("data", []), list):
            raise MalformedResponseError(
                "Firecrawl's batch status has no 'status' or a 'data' that is not a list; "
                "the batch is retried next run."
            )
        return body

    async def _cancel(self, job_id: str, deadline: float) -> None:
        # Best effort: stop paying for pages nobody will collect.
        with contextlib.suppress(ScrapeError):
            await self._call("DELETE", f"/batch/scrape/{job_id}", deadline=deadline + 5.0)

    async def _errors(self, job_id: str, deadline: float) -> dict[str, str]:
        try:
            body = await self._call("GET", f"/batch/scrape/{job_id}/errors", deadline=deadline)
        except (ScrapeError, ScrapeTimeoutError):
            return {}
        found: dict[str, str] = {}
        for entry in body.get("errors") or []:
            if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                found[entry["url"]] = f"Firecrawl: {str(entry.get('error') or 'failed')[:300]}"
        for url in body.get("robotsBlocked") or []:
            if isinstance(url, str):
                found[url] = "Firecrawl: blocked by the site's robots.txt"
        return found


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _credits(data: dict[str, Any], *, default: int) -> int:
    metadata = data.get("metadata")
    used = _int(metadata.get("creditsUsed")) if isinstance(metadata, dict) else 0
    return used or default
