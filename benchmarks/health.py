"""Domain health checks per second and peak memory, against the loopback test web.

Starts the test web in its own process with N healthy generated sites and an injected server
latency (50 ms by default), warms it up (certificates are issued on first use), then runs each
measurement in a fresh process so peak memory is that run's alone:

- a sequential baseline (concurrency 1, on a small sample: it is slow by design);
- one event loop (one process) at the middle concurrency;
- full checks (DNS A/AAAA/MX + HTTP + HTTPS + TLS + content) at each concurrency, over
  ``--processes`` checking processes (one per CPU by default), the concurrency shared out;
- the same concurrency on a larger N, to show that memory stays flat as N grows.

Each row is the run with the median rate of ``--repeat`` runs (3; every rate is printed, since
a shared machine varies by ±20%). It also shows the CPU the checker used per check (all its
processes, start-up included) and, on Linux, the CPU the test web used per check: on a small
machine they share the same cores.

Usage::

    python benchmarks/health.py                       # N=2000, latency 50 ms, 50/200/500
    python benchmarks/health.py --domains 4000 --concurrency 50,200,500 --latency 0.05

Numbers depend on the machine: the test web shares the same cores as the checker, and a
shared machine's speed drifts, so the time of a fixed Python loop is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _worker(settings_path: str, concurrency: int, count: int, processes: int) -> None:
    """Run one measurement and print it as JSON (in its own process)."""
    sys.path.insert(0, str(ROOT))
    from tasks.domain_health import HealthChecker, build_config
    from tasks.domain_health._processes import check_in_processes
    from thera_sdk._loop import run
    from thera_sdk.testweb import TestWebSettings, default_sites

    settings = TestWebSettings.read(settings_path)
    broken = {site.domain for site in default_sites()}
    domains = [d for d in settings.domains if d not in broken]
    chosen = [domains[i % len(domains)] for i in range(count)]
    config = build_config(testweb=settings_path, concurrency=concurrency)

    # A check is complete when every step got an answer (a slow answer still counts).
    failed = {"dns_fail", "unreachable", "timeout", "tls_invalid", "http_only"}

    def is_complete(record: dict) -> bool:
        return record["status"] == "checked" and not failed & set(record["flags"])

    async def one_loop() -> int:
        async with HealthChecker(config) as checker:
            return sum([is_complete(r) async for _, r in checker.check_many(chosen)])

    async def spread() -> int:
        found = check_in_processes(chosen, config, processes=processes)
        return sum([is_complete(r) async for _, r in found])

    cpu = time.process_time()
    start = time.perf_counter()
    # helper start-up (imports) is part of the time
    complete = run(spread() if processes > 1 else one_loop())
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = time.process_time() - cpu + workers.ru_utime + workers.ru_stime
    print(
        json.dumps(
            {
                "concurrency": concurrency,
                "processes": processes,
                "checks": count,
                "seconds": seconds,
                "rate": count / seconds,
                "complete": complete,
                "cpu_ms_per_check": cpu_s * 1000 / count,
                "peak_mb": max(own.ru_maxrss, workers.ru_maxrss) / 1024,  # KiB on Linux
            }
        )
    )


def _web_cpu_seconds(pid: int) -> float | None:
    """CPU time the test web has used so far (Linux), to show its share of the cores."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(
    web: subprocess.Popen,
    settings_path: str,
    concurrency: int,
    count: int,
    processes: int,
    repeat: int,
) -> dict:
    """The run with the median rate of ``repeat`` runs: a shared machine's noise is ±20%."""
    runs = sorted((_measure_once(web, settings_path, concurrency, count, processes)
                   for _ in range(max(1, repeat))), key=lambda row: row["rate"])  # fmt: skip
    row = runs[len(runs) // 2]
    row["rates"] = [round(r["rate"]) for r in runs]
    return row


def _measure_once(
    web: subprocess.Popen, settings_path: str, concurrency: int, count: int, processes: int
) -> dict:
    before = _web_cpu_seconds(web.pid)
    out = subprocess.run(
        [sys.executable, __file__, "--worker", settings_path, str(concurrency), str(count),
         str(processes)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    row = json.loads(out.stdout.strip().splitlines()[-1])
    after = _web_cpu_seconds(web.pid)
    row["web_ms_per_check"] = (
        None if before is None or after is None else (after - before) * 1000 / count
    )
    return row


def _calibrate() -> float:
    """Milliseconds of a fixed pure-Python loop (best of 3): how fast this machine is now.

    A shared machine's speed drifts by a quarter within an hour; compare rates from runs whose
    calibration is alike.
    """
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.process_time() - start)
    return best * 1000


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
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per row; the median is shown (default 3)")  # fmt: skip
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="checking processes (default: one per CPU)")  # fmt: skip
    args = parser.parse_args()
    levels = [int(x) for x in args.concurrency.split(",")]
    middle = levels[1 % len(levels)]

    calibration = [_calibrate()]
    with tempfile.TemporaryDirectory(prefix="thera-bench-") as directory:
        web, settings_path = _start_web(args.domains * 2, args.latency, directory)
        try:
            print(f"warming up the test web ({args.domains * 2} sites, certificates)...",
                  flush=True)  # fmt: skip
            _measure_once(web, settings_path, 200, args.domains * 2, args.processes)
            rows = [("sequential",
                     _measure(web, settings_path, 1, args.sequential, 1, args.repeat))]
            rows.append(("one loop",
                         _measure(web, settings_path, middle, args.domains, 1, args.repeat)))
            for level in levels:
                rows.append(("concurrent",
                             _measure(web, settings_path, level, args.domains, args.processes,
                                      args.repeat)))
            rows.append(("larger N", _measure(web, settings_path, middle, args.domains * 2,
                                              args.processes, args.repeat)))  # fmt: skip
        finally:
            web.terminate()
            web.wait(30)
    calibration.append(_calibrate())

    print(f"\nfull checks (DNS A/AAAA/MX + HTTP + HTTPS + TLS + content), "
          f"server latency {args.latency * 1000:.0f} ms, {os.cpu_count()} CPUs shared by the "
          f"checker and the test web\n")  # fmt: skip
    header = (
        f"{'run':<11} {'conc':>5} {'procs':>5} {'N':>6} {'checks/s':>9} "
        f"{'CPU ms/check':>13} {'web ms/check':>13} {'peak MB':>8} {'complete':>9}  all runs/s"
    )
    print(header)
    print("-" * len(header))
    for name, row in rows:
        web_ms = row["web_ms_per_check"]
        print(
            f"{name:<11} {row['concurrency']:>5} {row['processes']:>5} {row['checks']:>6} "
            f"{row['rate']:>9.0f} {row['cpu_ms_per_check']:>13.2f} "
            f"{'-' if web_ms is None else f'{web_ms:.2f}':>13} {row['peak_mb']:>8.1f} "
            f"{row['complete'] / row['checks']:>9.0%}  {row['rates']}"
        )
    baseline = rows[0][1]["rate"]
    best = max(row["rate"] for _, row in rows[1:])
    print(f"\nbest rate is {best / baseline:.0f}x the sequential baseline and "
          f"{best / rows[1][1]['rate']:.2f}x one event loop; CPU ms/check counts the checker's "
          f"processes, web ms/check the test web's")  # fmt: skip
    print(f"machine speed: a fixed Python loop took {calibration[0]:.0f} ms before the runs and "
          f"{calibration[1]:.0f} ms after (lower is faster)")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
