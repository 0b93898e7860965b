"""Cost arithmetic and the budget guard."""

from __future__ import annotations

import threading

import pytest

from thera_sdk import ValidationError
from thera_sdk.embed import DEFAULT_PRICE_PER_1K, CostGuard, cost_usd


def test_cost_is_tokens_times_price_per_thousand() -> None:
    assert DEFAULT_PRICE_PER_1K == 0.00002
    assert cost_usd(50_000) == pytest.approx(0.001)
    assert cost_usd(0) == 0.0
    with pytest.raises(ValidationError):
        cost_usd(-1)


def test_guard_refuses_what_the_remaining_budget_cannot_cover() -> None:
    # GIVEN $0.01 left of a $0.03 budget at $0.01 per 1K tokens
    guard = CostGuard(budget_usd=0.03, spent_usd=0.02, price_per_1k=0.01)
    # WHEN 600 then 500 estimated tokens are asked for
    assert guard.reserve(600)
    assert not guard.reserve(500)  # 0.006 reserved + 0.005 > 0.01 left
    # THEN settling at the billed 400 frees the difference for the next one
    guard.settle(600, 400)
    assert guard.reserve(500)
    assert guard.tokens == 400 and guard.refused == 1
    assert guard.remaining_usd() == pytest.approx(0.03 - 0.02 - 0.004 - 0.005)


def test_no_budget_means_no_limit_and_a_negative_budget_is_refused() -> None:
    assert CostGuard(None).reserve(10**9)
    with pytest.raises(ValidationError, match="DAILY_BUDGET"):
        CostGuard(-1.0)


def test_concurrent_reservations_never_overcommit() -> None:
    guard = CostGuard(budget_usd=1.0, price_per_1k=1.0)  # room for exactly 1,000 tokens
    granted: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            ok = guard.reserve(7)
            with lock:
                granted.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(granted) == 1000 // 7
