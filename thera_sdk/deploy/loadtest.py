"""A bounded load test of the matcher: in process over the local data home, or one deployed
function, and nothing else.

``scripts/load_test.sh`` runs it. Every run is bounded three ways (requests, concurrency,
seconds) with hard ceilings, and the AWS target is a single function of one stack
(``<stack>-matcher``) in one Region: it never scans for targets and never leaves that function.

Examples
--------
>>> report = run_load(lambda text: None, ["a", "b"], requests=4, concurrency=2, seconds=5)
>>> report.ok, report.errors
(4, 0)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_CONCURRENCY", "MAX_REQUESTS", "MAX_SECONDS", "LoadReport", "main", "run_load"]

MAX_REQUESTS = 10_000
MAX_CONCURRENCY = 50
MAX_SECONDS = 300.0
CHALLENGES = (
    "Our regional bank loses money to card-not-present fraud at checkout.",
    "We need to cut the energy our cold-storage warehouses use at night.",
    "Hospital staff spend hours a day re-entering patient notes by hand.",
    "Our trucks run half empty on the way back from deliveries.",
)


@dataclass
class LoadReport:
    """Latencies of the successful calls (seconds) and the errors, by message."""

    latencies: list[float] = field(default_factory=list)
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def ok(self) -> int:
        """Calls that returned."""
        return len(self.latencies)

    @property
    def errors(self) -> int:
        """Calls that raised."""
        return sum(self.errors_by_kind.values())

    def percentile(self, percent: float) -> float | None:
        """Nearest-rank percentile of the latencies, in seconds."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        rank = max(1, -(-len(ordered) * percent // 100))
        return ordered[int(rank) - 1]

    def summary(self) -> dict[str, Any]:
        """The report as plain JSON-able numbers (milliseconds)."""

        def ms(value: float | None) -> float | None:
            return None if value is None else round(value * 1000, 2)

        return {
            "ok": self.ok,
            "errors": self.errors,
            "errors_by_kind": dict(self.errors_by_kind),
            "seconds": round(self.elapsed, 3),
            "per_second": round(self.ok / self.elapsed, 1) if self.elapsed else None,
            "p50_ms": ms(self.percentile(50)),
            "p90_ms": ms(self.percentile(90)),
            "p99_ms": ms(self.percentile(99)),
            "mean_ms": ms(statistics.fmean(self.latencies)) if self.latencies else None,
        }


def _bounded(name: str, value: float, ceiling: float) -> None:
    if not 0 < value <= ceiling:
        raise ValueError(f"{name} must be between 1 and {ceiling:g}, got {value:g}.")


def run_load(
    call: Callable[[str], Any],
    texts: Sequence[str],
    *,
    requests: int,
    concurrency: int,
    seconds: float,
    clock: Callable[[], float] = time.perf_counter,
) -> LoadReport:
    """Call ``call(text)`` ``requests`` times from ``concurrency`` threads, stopping at ``seconds``.

    Raises
    ------
    ValueError
        When a bound is missing or above its ceiling (:data:`MAX_REQUESTS`,
        :data:`MAX_CONCURRENCY`, :data:`MAX_SECONDS`).
    """
    _bounded("requests", requests, MAX_REQUESTS)
    _bounded("concurrency", concurrency, MAX_CONCURRENCY)
    _bounded("seconds", seconds, MAX_SECONDS)
    report = LoadReport()
    lock = threading.Lock()
    start = clock()
    deadline = start + seconds

    def one(number: int) -> None:
        if clock() > deadline:
            return
        began = clock()
        try:
            call(texts[number % len(texts)])
        except Exception as exc:  # a load test counts failures instead of stopping on them
            with lock:
                kind = type(exc).__name__
                report.errors_by_kind[kind] = report.errors_by_kind.get(kind, 0) + 1
            return
        with lock:
            report.latencies.append(clock() - began)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(requests)))
    report.elapsed = clock() - start
    return report


def _local_call() -> Callable[[str], Any]:
    from tasks.matcher.handler import handler

    return lambda text: handler({"text": text, "limit": 20})


def _aws_call(stack: str, region: str) -> Callable[[str], Any]:
    import boto3

    client = boto3.client(
        "lambda", region_name=region, endpoint_url=os.environ.get("THERA_ENDPOINT_URL") or None
    )
    function = f"{stack}-matcher"  # the one function this test may call

    def call(text: str) -> Any:
        answer = client.invoke(
            FunctionName=function, Payload=json.dumps({"text": text, "limit": 20}).encode()
        )
        if answer.get("FunctionError"):
            raise RuntimeError(answer["Payload"].read().decode()[:200])
        return answer

    return call


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of ``scripts/load_test.sh`` (``--help`` lists the options)."""
    parser = argparse.ArgumentParser(prog="load_test.sh", description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=("local", "aws"), default="local")
    parser.add_argument("--stack", default=None, help="aws: the stack (default thera-<env>)")
    parser.add_argument("--env", default="dev")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    if args.target == "aws":
        if not args.region:
            parser.error("--target aws needs --region (or AWS_REGION)")
        call = _aws_call(args.stack or f"thera-{args.env}", args.region)
    else:
        call = _local_call()
    try:
        report = run_load(
            call, CHALLENGES, requests=args.requests, concurrency=args.concurrency,
            seconds=args.seconds,
        )  # fmt: skip
    except ValueError as exc:
        parser.error(str(exc))
    print(json.dumps(report.summary(), indent=2))
    return 0 if report.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
