"""Every transition of the circuit breaker, on an injected clock."""

from __future__ import annotations

import threading

import pytest

from thera_sdk import ValidationError
from thera_sdk.scrape import BreakerState, CircuitBreaker, CircuitOpenError


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker("svc", failure_threshold=3, reset_timeout=10.0, clock=clock)


def _fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.before_call()
        breaker.record_failure()


def test_closed_stays_closed_below_the_threshold(breaker: CircuitBreaker) -> None:
    _fail(breaker, 2)
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 2


def test_a_success_resets_the_count(breaker: CircuitBreaker) -> None:
    _fail(breaker, 2)
    breaker.before_call()
    breaker.record_success()
    _fail(breaker, 2)
    assert breaker.state is BreakerState.CLOSED


def test_closed_to_open_at_the_threshold(breaker: CircuitBreaker) -> None:
    _fail(breaker, 3)
    assert breaker.state is BreakerState.OPEN


def test_open_refuses_until_the_timeout(breaker: CircuitBreaker, clock: Clock) -> None:
    _fail(breaker, 3)
    clock.now = 9.9
    with pytest.raises(CircuitOpenError) as caught:
        breaker.before_call()
    assert caught.value.retry_in == pytest.approx(0.1)
    assert caught.value.reason == "circuit_open"


def test_open_to_half_open_after_the_timeout(breaker: CircuitBreaker, clock: Clock) -> None:
    _fail(breaker, 3)
    clock.now = 10.0
    assert breaker.state is BreakerState.HALF_OPEN


def test_half_open_lets_exactly_one_probe_through(breaker: CircuitBreaker, clock: Clock) -> None:
    _fail(breaker, 3)
    clock.now = 10.0
    breaker.before_call()  # the probe
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # a second caller while the probe is out


def test_half_open_to_closed_when_the_probe_succeeds(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    _fail(breaker, 3)
    clock.now = 10.0
    breaker.before_call()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.consecutive_failures == 0
    breaker.before_call()  # calls flow again


def test_half_open_to_open_when_the_probe_fails(breaker: CircuitBreaker, clock: Clock) -> None:
    _fail(breaker, 3)
    clock.now = 10.0
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now = 19.9  # the timer started again at the failed probe
    assert breaker.state is BreakerState.OPEN
    clock.now = 20.0
    assert breaker.state is BreakerState.HALF_OPEN


def test_a_released_probe_lets_the_next_one_through(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    _fail(breaker, 3)
    clock.now = 10.0
    breaker.before_call()
    breaker.release()  # e.g. the probe was throttled: neither success nor failure
    breaker.before_call()
    assert breaker.state is BreakerState.HALF_OPEN


def test_threads_share_one_breaker(clock: Clock) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=50, reset_timeout=1.0, clock=clock)

    def work() -> None:
        for _ in range(10):
            breaker.before_call()
            breaker.record_failure()

    threads = [threading.Thread(target=work) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert breaker.consecutive_failures == 50 and breaker.state is BreakerState.OPEN


def test_settings_are_checked() -> None:
    with pytest.raises(ValidationError, match="failure_threshold"):
        CircuitBreaker("svc", failure_threshold=0)
    with pytest.raises(ValidationError, match="reset_timeout"):
        CircuitBreaker("svc", reset_timeout=-1)
