"""Errors of the company sources (Apollo and import files).

::

    TheraError
    └── SourceError
        ├── ApolloError                     anything Apollo answered or failed to answer
        │   ├── ApolloAuthError             401/403: wrong key or scope (+AccessDeniedError)
        │   ├── ApolloRejectedError         400/422: the filters are wrong (+ValidationError)
        │   ├── ApolloRequestError          worth retrying on a later run (+RequestError)
        │   │   ├── ApolloThrottledError    429 after the retries (+ThrottledError), .retry_after
        │   │   ├── ApolloServerError       5xx after the retries
        │   │   ├── ApolloTimeoutError      no answer in time (+RequestTimeoutError)
        │   │   └── ApolloMalformedError    the body is not the documented JSON
        ├── QuotaExhaustedError             our own limiter: a window is spent (+ThrottledError)
        └── ImportFormatError               an import file cannot be read at all (+ValidationError)
"""

from __future__ import annotations

from thera_sdk._exceptions import (
    AccessDeniedError,
    RequestError,
    RequestTimeoutError,
    TheraError,
    ThrottledError,
    ValidationError,
)

__all__ = [
    "ApolloAuthError",
    "ApolloError",
    "ApolloMalformedError",
    "ApolloRejectedError",
    "ApolloRequestError",
    "ApolloServerError",
    "ApolloThrottledError",
    "ApolloTimeoutError",
    "ImportFormatError",
    "QuotaExhaustedError",
    "SourceError",
]


class SourceError(TheraError):
    """A company source failed; ``reason`` is a short code recorded with the run."""

    reason = "source_error"


class ApolloError(SourceError):
    """Apollo answered with an error, or did not answer usefully."""

    reason = "apollo_error"


class ApolloAuthError(ApolloError, AccessDeniedError):
    """401/403: the key is wrong, or lacks the scope (``mixed_companies/search`` is paid-only)."""

    reason = "auth"


class ApolloRejectedError(ApolloError, ValidationError):
    """400/422: Apollo rejected the search filters; fix the universe configuration."""

    reason = "rejected"


class ApolloRequestError(ApolloError, RequestError):
    """A failure that a later run may not meet; the page is fetched again next run."""

    reason = "request_failed"


class ApolloThrottledError(ApolloRequestError, ThrottledError):
    """429: Apollo's own limit is spent; ``retry_after`` is in seconds when known."""

    reason = "throttled"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ApolloServerError(ApolloRequestError):
    """5xx from Apollo (after the retries)."""

    reason = "server_error"


class ApolloTimeoutError(ApolloRequestError, RequestTimeoutError):
    """Apollo did not answer before the timeout."""

    reason = "timeout"


class ApolloMalformedError(ApolloRequestError):
    """Apollo's answer is not the documented JSON (truncated, HTML, wrong shape)."""

    reason = "malformed_response"


class QuotaExhaustedError(SourceError, ThrottledError):
    """The shared quota limiter has no slot left in ``window`` until ``resets_at`` (epoch s).

    No request was sent: the run stops cleanly and the next run resumes at the same page.
    """

    reason = "quota_exhausted"

    def __init__(self, message: str, *, window: str, resets_at: float) -> None:
        super().__init__(message)
        self.window = window
        self.resets_at = resets_at


class ImportFormatError(SourceError, ValidationError):
    """An import file cannot be read at all (unknown format, no header, not UTF-8)."""

    reason = "import_format"
