"""The matcher load test is bounded and counts failures instead of stopping on them."""

from __future__ import annotations

import pytest

from thera_sdk.deploy.loadtest import MAX_CONCURRENCY, main, run_load


def test_every_request_is_made_and_timed() -> None:
    calls: list[str] = []
    report = run_load(calls.append, ["a", "b"], requests=5, concurrency=2, seconds=10)
    assert sorted(calls) == ["a", "a", "a", "b", "b"]
    assert report.ok == 5 and report.errors == 0
    assert report.summary()["p99_ms"] is not None


def test_failures_are_counted_by_kind() -> None:
    def flaky(text: str) -> None:
        if text == "bad":
            raise TimeoutError(text)

    report = run_load(flaky, ["ok", "bad"], requests=4, concurrency=1, seconds=10)
    assert (report.ok, report.errors_by_kind) == (2, {"TimeoutError": 2})


def test_the_deadline_stops_new_requests() -> None:
    ticks = iter(range(1000))
    report = run_load(lambda _: None, ["a"], requests=100, concurrency=1, seconds=3,
                      clock=lambda: float(next(ticks)))  # fmt: skip
    assert report.ok < 100


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("requests", {"requests": 0}), ("concurrency", {"concurrency": MAX_CONCURRENCY + 1}),
     ("seconds", {"seconds": 10_000})],
)  # fmt: skip
def test_bounds_are_enforced(name: str, kwargs: dict[str, float]) -> None:
    bounds = {"requests": 1, "concurrency": 1, "seconds": 1.0, **kwargs}
    with pytest.raises(ValueError, match=f"{name} must be between"):
        run_load(lambda _: None, ["a"], **bounds)  # type: ignore[arg-type]


def test_aws_target_needs_a_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    with pytest.raises(SystemExit):
        main(["--target", "aws"])
