"""Retry timing shared by the API clients: exponential backoff with full jitter, Retry-After.

Full jitter (a delay drawn uniformly from ``[0, min(cap, base * 2**attempt)]``) spreads the
retries of many workers that failed together, so they do not hit the service again in step.
A server's ``Retry-After`` is a floor: waiting less would only earn another 429.
"""

from __future__ import annotations

import email.utils
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from thera_sdk._exceptions import ValidationError

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "RETRYABLE_STATUS",
    "RetryPolicy",
    "backoff_delay",
    "parse_retry_after",
]

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a request the service asked us to repeat.

    Parameters
    ----------
    max_attempts
        Attempts in all, the first one included (``1``: never retry).
    base_delay
        Seconds; the jitter ceiling of the first retry.
    max_delay
        Seconds; the jitter ceiling never grows beyond this.
    max_retry_after
        Seconds; a ``Retry-After`` longer than this is not waited for (the caller gives up and
        tries again on a later run).

    Examples
    --------
    >>> RetryPolicy(max_attempts=3).max_attempts
    3
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValidationError(f"max_attempts must be at least 1, got {self.max_attempts}.")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValidationError("Retry delays must be zero or positive seconds.")


DEFAULT_RETRY_POLICY = RetryPolicy()


def backoff_delay(
    policy: RetryPolicy,
    attempt: int,
    *,
    retry_after: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry number ``attempt`` (``0`` for the first retry).

    Parameters
    ----------
    policy
        The retry policy.
    attempt
        How many retries have already been made.
    retry_after
        The server's ``Retry-After`` in seconds, if it sent one: the delay is at least this.
    rng
        Returns a float in ``[0, 1)``; inject a fixed one in tests.

    Examples
    --------
    >>> policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    >>> backoff_delay(policy, 0, rng=lambda: 0.5)
    0.5
    >>> backoff_delay(policy, 10, rng=lambda: 0.5)
    4.0
    >>> backoff_delay(policy, 0, retry_after=3.0, rng=lambda: 0.5)
    3.0
    """
    if attempt < 0:
        raise ValidationError(f"attempt must be 0 or more, got {attempt}.")
    # 2**attempt overflows a float long before it matters; cap the exponent.
    ceiling = min(policy.max_delay, policy.base_delay * math.pow(2.0, min(attempt, 60)))
    jittered = ceiling * rng()
    if retry_after is not None:
        return max(float(retry_after), jittered)
    return jittered


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """A ``Retry-After`` header as seconds to wait, or ``None`` when absent or unreadable.

    The header holds either seconds or an HTTP date; ``now`` (epoch seconds) turns a date into a
    delay. A date in the past means "retry now".

    Examples
    --------
    >>> parse_retry_after("7", now=0.0)
    7.0
    >>> parse_retry_after("Thu, 01 Jan 1970 00:00:30 GMT", now=10.0)
    20.0
    >>> parse_retry_after("soon", now=0.0) is None
    True
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # HTTP dates are GMT; a naive parse means the zone was missing
            return None
        return max(0.0, when.timestamp() - now)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds
