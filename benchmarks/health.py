"""Domain health checks per second and peak memory, against the loopback test web.

Starts the test web in its own process with N healthy generated sites and an injected server
latency (50 ms by default), warms it up (certificates are issued on first use), then runs each
measurement in a fresh process so peak memory is that run's alone:

- a sequential baseline (concurrency 1, on a small sample: it is slow by design);
- full checks (DNS A/AAAA/MX + HTTP + HTTPS + TLS + content) at each concurrency;
- the same concurrency on a larger N, to show that memory stays flat as N grows.

Usage::

    python benchmarks/health.py                       # N=2000, latency 50 ms, 50/200/500
    python benchmarks/health.py --domains 4000 --concurrency 50,200,500 --latency 0.05

Numbers depend on the machine: the test web shares the same cores as the checker.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _worker(settings_path: str, concurrency: int, count: int, offset: int) -> None:
    """Run one measurement and print it as JSON (in its own process)."""
    sys.path.insert(0, str(ROOT))
    from tasks.domain_health import HealthChecker, build_config
    from thera_sdk.testweb import TestWebSettings, default_sites

    settings = TestWebSettings.read(settings_path)
    broken = {site.domain for site in default_sites()}
    domains = [d for d in settings.domains if d not in broken]
    chosen = [domains[(offset + i) % len(domains)] for i in range(count)]
    config = build_config(testweb=settings_path, concurrency=concurrency)

    # A check is complete when every step got an answer (a slow answer still counts).
    failed = {"dns_fail", "unreachable", "timeout", "tls_invalid", "http_only"}

    async def main() -> tuple[float, int]:
        complete = 0
        async with HealthChecker(config) as checker:
            start = time.perf_counter()
            async for _, record in checker.check_many(chosen):
                complete += record["status"] == "checked" and not failed & set(record["flags"])
            return time.perf_counter() - start, complete

    cpu = time.process_time()
    seconds, complete = asyncio.run(main())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "concurrency": concurrency,
                "checks": count,
                "seconds": seconds,
                "rate": count / seconds,
                "complete": complete,
                "cpu_ms_per_check": (time.process_time() - cpu) * 1000 / count,
                "peak_mb": peak,
            }
        )
    )


def _measure(settings_path: str, concurrency: int, count: int, offset: int = 0) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", settings_path, str(concurrency), str(count),
         str(offset)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _start_web(domains: int, latency: float, directory: str) -> tuple[subprocess.Popen, str]:
    settings_path = os.path.join(directory, "web.json")
    process = subprocess.Popen(
        [sys.executable, "-m", "thera_sdk.testweb", "--sites", str(domains), "--healthy-only",
         "--latency", str(latency), "--settings", settings_path],
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not os.path.exists(settings_path):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit("The test web did not start; run 'python -m thera_sdk.testweb'.")
        time.sleep(0.1)
    time.sleep(0.2)  # the file is written once every server listens
    return process, settings_path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--domains", type=int, default=2000, help="N sample sites (default 2000)")
    parser.add_argument("--latency", type=float, default=0.05, help="server latency, seconds")
    parser.add_argument("--concurrency", default="50,200,500", help="comma-separated levels")
    parser.add_argument("--sequential", type=int, default=40, help="checks in the baseline")
    args = parser.parse_args()
    levels = [int(x) for x in args.concurrency.split(",")]

    with tempfile.TemporaryDirectory(prefix="thera-bench-") as directory:
        web, settings_path = _start_web(args.domains * 2, args.latency, directory)
        try:
            print(f"warming up the test web ({args.domains * 2} sites, certificates)...",
                  flush=True)  # fmt: skip
            _measure(settings_path, 200, args.domains * 2)
            rows = [("sequential", _measure(settings_path, 1, args.sequential))]
            for level in levels:
                rows.append(("concurrent", _measure(settings_path, level, args.domains)))
            rows.append(("larger N", _measure(settings_path, levels[1 % len(levels)],
                                              args.domains * 2)))  # fmt: skip
        finally:
            web.terminate()
            web.wait(30)

    print(f"\nfull checks (DNS A/AAAA/MX + HTTP + HTTPS + TLS + content), "
          f"server latency {args.latency * 1000:.0f} ms, {os.cpu_count()} CPUs\n")  # fmt: skip
    header = f"{'run':<11} {'conc':>5} {'N':>6} {'checks/s':>9} {'CPU ms/check':>13} " \
             f"{'peak MB':>8} {'complete':>9}"  # fmt: skip
    print(header)
    print("-" * len(header))
    for name, row in rows:
        print(
            f"{name:<11} {row['concurrency']:>5} {row['checks']:>6} {row['rate']:>9.0f} "
            f"{row['cpu_ms_per_check']:>13.2f} {row['peak_mb']:>8.1f} "
            f"{row['complete'] / row['checks']:>9.0%}"
        )
    baseline = rows[0][1]["rate"]
    best = max(row["rate"] for _, row in rows[1:])
    print(f"\nbest concurrent rate is {best / baseline:.0f}x the sequential baseline")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
