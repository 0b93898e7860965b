"""One JSON API call with retries: the request loop shared by the Firecrawl client.

Each attempt asks the circuit breaker first. Timeouts, network errors, 408 and 5xx count as the
service failing (they move the breaker); 429 does not (the service is up, just busy) but is
retried after its ``Retry-After``. Other 4xx answers are final and raised at once. No wait ever
runs past the caller's deadline.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from thera_sdk.scrape._backoff import RetryPolicy, backoff_delay, parse_retry_after
from thera_sdk.scrape._breaker import CircuitBreaker
from thera_sdk.scrape._exceptions import (
    MalformedResponseError,
    ScrapeAuthError,
    ScrapeError,
    ScrapeRejectedError,
    ScrapeRequestError,
    ScrapeThrottledError,
    ScrapeTimeoutError,
)

__all__ = ["JsonCaller"]


def _error_text(response: httpx.Response) -> str:
    """The service's own error message, if the body has one (never the request)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        for key in ("error", "message"):
            if isinstance(body.get(key), str):
                return str(body[key])[:300]
    return ""


@dataclass
class JsonCaller:
    """Sends JSON requests to one service with retry, backoff and a circuit breaker.

    ``clock`` is monotonic seconds (deadlines use it), ``wall_clock`` epoch seconds (to read
    HTTP-date ``Retry-After`` values).
    """

    service: str
    http: httpx.AsyncClient
    breaker: CircuitBreaker
    retry: RetryPolicy
    timeout: float
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: Callable[[], float] = random.random

    async def call(
        self,
        method: str,
        url: str,
        *,
        json: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
    ) -> dict[str, Any]:
        """Send one request (retrying as the policy allows) and return the JSON object."""
        attempt = 0
        while True:
            error = await self._attempt(method, url, json, headers, deadline)
            if isinstance(error, dict):
                return error
            attempt += 1
            retry_after = error.retry_after if isinstance(error, ScrapeThrottledError) else None
            if attempt >= self.retry.max_attempts:
                raise error
            if retry_after is not None and retry_after > self.retry.max_retry_after:
                raise error
            delay = backoff_delay(self.retry, attempt - 1, retry_after=retry_after, rng=self.rng)
            if deadline is not None and self.clock() + delay >= deadline:
                raise error
            await self.sleep(delay)

    def _timeout(self, deadline: float | None) -> float:
        if deadline is None:
            return self.timeout
        left = deadline - self.clock()
        if left <= 0:
            raise ScrapeTimeoutError(
                f"No time left before the run's deadline to call {self.service}; the remaining "
                "items are retried on the next run."
            )
        return min(self.timeout, left)

    async def _attempt(
        self,
        method: str,
        url: str,
        payload: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        deadline: float | None,
    ) -> dict[str, Any] | ScrapeError:
        timeout = self._timeout(deadline)
        self.breaker.before_call()
        try:
            response = await self.http.request(
                method, url, json=payload, headers=headers, timeout=timeout
            )
        except httpx.TimeoutException:
            self.breaker.record_failure()
            return ScrapeTimeoutError(
                f"{self.service} did not answer {method} {_path(url)} within {timeout:.0f} s."
            )
        except httpx.TransportError as exc:
            self.breaker.record_failure()
            return ScrapeRequestError(
                f"Could not reach {self.service} for {method} {_path(url)}: "
                f"{type(exc).__name__}. Check the network or the service status."
            )
        except BaseException:
            self.breaker.release()
            raise
        return self._classify(method, url, response)

    def _classify(
        self, method: str, url: str, response: httpx.Response
    ) -> dict[str, Any] | ScrapeError:
        status = response.status_code
        where = f"{method} {_path(url)}"
        if 200 <= status < 300:
            try:
                body = response.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self.breaker.record_failure()
                raise MalformedResponseError(
                    f"{self.service} answered {where} with a body that is not a JSON object "
                    f"({response.headers.get('content-type', 'no content type')}); the items "
                    "are retried on the next run."
                )
            self.breaker.record_success()
            return body
        text = _error_text(response)
        if status == 429:
            self.breaker.release()
            retry_after = parse_retry_after(
                response.headers.get("retry-after"), now=self.wall_clock()
            )
            return ScrapeThrottledError(
                f"{self.service} rate-limited {where} ({text or 'HTTP 429'}).",
                retry_after=retry_after,
            )
        if status == 408 or status >= 500:
            self.breaker.record_failure()
            kind = ScrapeTimeoutError if status == 408 else ScrapeRequestError
            return kind(f"{self.service} failed {where} with HTTP {status} ({text}).")
        # Any other answer proves the service is up: it is the request that is wrong.
        self.breaker.record_success()
        if status in {401, 403}:
            raise ScrapeAuthError(
                f"{self.service} refused the API key for {where} (HTTP {status}: {text}); "
                "check the key stored in the secrets port and its permissions."
            )
        raise ScrapeRejectedError(
            f"{self.service} rejected {where} with HTTP {status} ({text}).",
            status_code=status,
            reason="payment_required" if status == 402 else None,
        )


def _path(url: str) -> str:
    try:
        return httpx.URL(url).path
    except httpx.InvalidURL:
        return url
