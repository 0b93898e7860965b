"""A circuit breaker: stop calling a service that keeps failing, probe it once in a while.

::

    CLOSED --N consecutive failures--> OPEN --reset_timeout elapsed--> HALF_OPEN
    HALF_OPEN --probe succeeds--> CLOSED
    HALF_OPEN --probe fails--> OPEN (the timer starts again)

In HALF_OPEN exactly one caller (the probe) is let through; the others are refused as if the
breaker were still open, so a recovering service is not flooded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum

from thera_sdk._exceptions import ValidationError
from thera_sdk.scrape._exceptions import CircuitOpenError

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(StrEnum):
    """Where a :class:`CircuitBreaker` stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts consecutive failures of one service and refuses calls while it is down.

    Thread-safe: workers of one process share one breaker per service.

    Parameters
    ----------
    name
        The service, for error messages.
    failure_threshold
        Consecutive failures that open the breaker.
    reset_timeout
        Seconds the breaker stays open before it lets one probe through.
    clock
        Monotonic seconds; inject a fake one in tests.

    Examples
    --------
    >>> now = [0.0]
    >>> breaker = CircuitBreaker("firecrawl", failure_threshold=2, reset_timeout=30,
    ...                          clock=lambda: now[0])
    >>> breaker.record_failure(); breaker.record_failure()
    >>> breaker.state
    <BreakerState.OPEN: 'open'>
    >>> now[0] = 31.0
    >>> breaker.before_call()          # the single half-open probe
    >>> breaker.record_success()
    >>> breaker.state
    <BreakerState.CLOSED: 'closed'>
    """

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValidationError(f"failure_threshold must be 1 or more, got {failure_threshold}.")
        if reset_timeout < 0:
            raise ValidationError(f"reset_timeout must be 0 or more, got {reset_timeout}.")
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The current state; an open breaker whose timeout has passed reads as HALF_OPEN."""
        with self._lock:
            self._refresh()
            return self._state

    @property
    def consecutive_failures(self) -> int:
        """Failures since the last success."""
        with self._lock:
            return self._failures

    def before_call(self) -> None:
        """Ask permission for one call; raise :class:`CircuitOpenError` when refused.

        Examples
        --------
        >>> CircuitBreaker("svc").before_call()
        """
        with self._lock:
            self._refresh()
            if self._state is BreakerState.CLOSED:
                return
            if self._state is BreakerState.HALF_OPEN and not self._probe_in_flight:
                self._probe_in_flight = True
                return
            retry_in = max(0.0, self._opened_at + self.reset_timeout - self._clock())
        raise CircuitOpenError(
            f"{self.name} failed {self.failure_threshold} times in a row, so calls are paused; "
            f"a probe is allowed in {retry_in:.0f} s. Failed items are retried on the next run.",
            retry_in=retry_in,
        )

    def record_success(self) -> None:
        """A call succeeded: close the breaker and reset the failure count."""
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._probe_in_flight = False

    def record_failure(self) -> None:
        """A call failed: count it, and open the breaker at the threshold or on a failed probe."""
        with self._lock:
            self._refresh()
            self._failures += 1
            probing = self._state is BreakerState.HALF_OPEN
            if probing or self._failures >= self.failure_threshold:
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()
            self._probe_in_flight = False

    def release(self) -> None:
        """A permitted call ended without telling success or failure (e.g. the caller gave up);
        let another probe through if this one was the probe."""
        with self._lock:
            self._probe_in_flight = False

    def _refresh(self) -> None:
        if (
            self._state is BreakerState.OPEN
            and self._clock() - self._opened_at >= self.reset_timeout
        ):
            self._state = BreakerState.HALF_OPEN
            self._probe_in_flight = False
