"""Errors of the scrapers. Each carries a short ``reason`` code, stored with a failed domain.

::

    TheraError
    └── ScrapeError                     .reason, .retryable
        ├── InvalidTargetError          not a domain or http(s) URL       reason invalid_url
        ├── BlockedAddressError         resolves to a non-public address  blocked_private_address
        ├── RobotsDisallowedError       robots.txt forbids the page       robots_disallowed
        ├── PageStatusError             the site answered 4xx/5xx         http_<status>
        ├── UnsupportedContentError     not HTML/text, or too large       unsupported_content
        ├── CreditBudgetExceededError   the run's credits are spent       budget_exhausted
        ├── ScrapeAuthError             bad key / no permission (+AccessDeniedError)
        ├── ScrapeRejectedError         400/402/422: the request itself is refused
        ├── ScrapeRequestError          network or 5xx, worth retrying (+RequestError)
        │   ├── CircuitOpenError        the breaker refuses calls          circuit_open
        │   ├── ScrapeThrottledError    429 (+ThrottledError), .retry_after
        │   ├── ScrapeTimeoutError      no answer in time (+RequestTimeoutError)
        │   └── MalformedResponseError  the body is not the documented JSON
"""

from __future__ import annotations

from thera_sdk._exceptions import (
    AccessDeniedError,
    RequestError,
    RequestTimeoutError,
    TheraError,
    ThrottledError,
)

__all__ = [
    "BlockedAddressError",
    "CircuitOpenError",
    "CreditBudgetExceededError",
    "InvalidTargetError",
    "MalformedResponseError",
    "PageStatusError",
    "RobotsDisallowedError",
    "ScrapeAuthError",
    "ScrapeError",
    "ScrapeRejectedError",
    "ScrapeRequestError",
    "ScrapeThrottledError",
    "ScrapeTimeoutError",
    "UnsupportedContentError",
]


class ScrapeError(TheraError):
    """A page could not be scraped; ``reason`` is a short code, ``retryable`` says whether a
    later run may succeed."""

    reason = "scrape_failed"
    retryable = True

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class InvalidTargetError(ScrapeError):
    """The input is not a domain name or an http(s) URL."""

    reason = "invalid_url"
    retryable = False


class BlockedAddressError(ScrapeError):
    """The host resolves to (or redirects to) a private, loopback or metadata address."""

    reason = "blocked_private_address"
    retryable = False


class RobotsDisallowedError(ScrapeError):
    """The site's robots.txt does not allow our user agent to fetch the page."""

    reason = "robots_disallowed"
    retryable = False


class PageStatusError(ScrapeError):
    """The site answered with an error status; ``status_code`` holds it."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message, reason=f"http_{status_code}")
        self.status_code = status_code
        self.retryable = status_code >= 500 or status_code in {408, 429}


class UnsupportedContentError(ScrapeError):
    """The page is not HTML or text, or is larger than the scraper reads."""

    reason = "unsupported_content"
    retryable = False


class CreditBudgetExceededError(ScrapeError):
    """The run's credit budget does not cover this request; the domain waits for the next run."""

    reason = "budget_exhausted"


class ScrapeAuthError(ScrapeError, AccessDeniedError):
    """The API key is missing, wrong, or lacks permission (401/403)."""

    reason = "auth"
    retryable = False


class ScrapeRejectedError(ScrapeError):
    """The service refused the request itself (400, 402, 404, 422); ``status_code`` holds it."""

    def __init__(self, message: str, *, status_code: int, reason: str | None = None) -> None:
        super().__init__(message, reason=reason or f"rejected_{status_code}")
        self.status_code = status_code
        self.retryable = status_code == 402  # credits may be topped up before the next run


class ScrapeRequestError(ScrapeError, RequestError):
    """A network error or a 5xx answer; worth retrying later."""

    reason = "request_failed"


class CircuitOpenError(ScrapeRequestError):
    """The service failed too often in a row; calls are paused until a probe succeeds."""

    reason = "circuit_open"

    def __init__(self, message: str, *, retry_in: float = 0.0) -> None:
        super().__init__(message)
        self.retry_in = retry_in


class ScrapeThrottledError(ScrapeRequestError, ThrottledError):
    """429: the service asked us to slow down; ``retry_after`` is in seconds when it said."""

    reason = "throttled"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ScrapeTimeoutError(ScrapeRequestError, RequestTimeoutError):
    """No answer before the timeout or the run's deadline."""

    reason = "timeout"


class MalformedResponseError(ScrapeRequestError):
    """The answer is not the JSON the API documents (truncated, HTML error page, wrong shape)."""

    reason = "malformed_response"
