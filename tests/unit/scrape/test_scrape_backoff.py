"""Backoff with full jitter, Retry-After parsing, and the credit budget."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thera_sdk import ValidationError
from thera_sdk.scrape import (
    CreditBudget,
    CreditBudgetExceededError,
    RetryPolicy,
    backoff_delay,
    parse_retry_after,
)


@given(attempt=st.integers(0, 200), draw=st.floats(0, 0.999999))
def test_delay_stays_within_the_jitter_ceiling(attempt: int, draw: float) -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=30.0)
    delay = backoff_delay(policy, attempt, rng=lambda: draw)
    assert 0 <= delay <= min(30.0, 0.5 * 2**min(attempt, 60))


@given(retry_after=st.floats(0, 1000), draw=st.floats(0, 0.999999))
def test_retry_after_is_a_floor(retry_after: float, draw: float) -> None:
    delay = backoff_delay(RetryPolicy(), 3, retry_after=retry_after, rng=lambda: draw)
    assert delay >= retry_after


def test_ceiling_doubles_then_caps() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    assert [backoff_delay(policy, n, rng=lambda: 1.0) for n in range(5)] == [1, 2, 4, 5, 5]


def test_policy_checks() -> None:
    with pytest.raises(ValidationError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValidationError, match="attempt"):
        backoff_delay(RetryPolicy(), -1)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("Thu, 01 Jan 1970 00:01:40 GMT", 40.0),
        ("Thu, 01 Jan 1970 00:00:10 GMT", 0.0),  # in the past: retry now
        ("-3", None),
        ("nan", None),
        ("", None),
        (None, None),
        ("tomorrow", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=60.0) == expected


def test_budget_reserves_and_settles() -> None:
    budget = CreditBudget(3)
    budget.reserve(3)
    with pytest.raises(CreditBudgetExceededError, match="retried on the next run"):
        budget.reserve(1)
    budget.settle(3, 1)  # two were never used
    assert (budget.spent, budget.remaining) == (1, 2)
    assert CreditBudget(None).remaining is None


def test_budget_is_never_overspent_by_threads() -> None:
    budget = CreditBudget(100)
    granted: list[int] = []

    def work() -> None:
        for _ in range(50):
            try:
                budget.reserve(1)
            except CreditBudgetExceededError:
                continue
            granted.append(1)
            budget.settle(1, 1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == budget.spent == 100
