"""Checks over several processes: same records as one loop, input order, nothing lost."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tasks.domain_health import CheckConfig, Timeouts, build_config, check_domains
from tasks.domain_health._processes import check_in_processes
from thera_sdk._loop import run
from thera_sdk.cli import main
from thera_sdk.testweb import TestWeb, default_sites

# Every broken case of the web but slow.test, which only waits for its timeout.
LINES = [
    *(site.domain for site in default_sites() if site.domain != "slow.test"),
    "bad line",
    "http://0x7f.1/",
    "nxdomain.test",
]


def _spread(lines: Iterable[str], config: CheckConfig, **options: Any) -> list[tuple[int, dict]]:
    async def collect() -> list[tuple[int, dict]]:
        return [item async for item in check_in_processes(lines, config, **options)]

    return run(collect())


def _essence(record: dict) -> tuple:
    return record["input"], record["status"], record["score"], tuple(record["flags"])


def test_two_processes_give_the_records_of_one_loop_in_input_order(
    web: TestWeb, config: CheckConfig
) -> None:
    # GIVEN every broken case of the test web, an invalid line and a refused one
    one_loop = run(check_domains(LINES, config))
    # WHEN the same lines are checked over two processes
    indexed = _spread(LINES, config, processes=2)
    # THEN every line comes back once, in input order, with the same verdict
    assert [index for index, _ in indexed] == list(range(len(LINES)))
    assert [_essence(r) for _, r in indexed] == [_essence(r) for r in one_loop]
    assert web.canary_connections == 0


def test_the_production_rules_reach_the_workers() -> None:
    # GIVEN the default policy (no test web); these lines need no network to be judged
    config = build_config(nameservers=["127.0.0.1:9"])
    lines = ["http://127.0.0.1/", "bad line", "http://169.254.169.254/latest/meta-data/"]
    # WHEN they are checked over two processes
    records = [record for _, record in _spread(lines, config, processes=2)]
    # THEN the workers refuse the private targets just as one loop would
    assert [r["flags"] for r in records] == [["blocked_private_address"], [],
                                             ["blocked_private_address"]]  # fmt: skip
    assert records[1]["status"] == "invalid"


def test_more_processes_than_lines(config: CheckConfig) -> None:
    indexed = _spread(["nxdomain.test"], config, processes=3)
    assert [(i, r["flags"]) for i, r in indexed] == [(0, ["dns_fail"])]
    assert _spread([], config, processes=2) == []


def _kill_a_worker() -> threading.Thread:
    """Once both workers run, SIGKILL one of them (long before any check can finish)."""

    def kill() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            workers = [p for p in multiprocessing.active_children()
                       if p.name == "thera-health-check" and p.pid]  # fmt: skip
            if len(workers) == 2:
                time.sleep(0.5)
                os.kill(workers[0].pid, signal.SIGKILL)  # type: ignore[arg-type]
                return
            time.sleep(0.02)

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


def test_a_helper_that_dies_loses_no_line(settings_file: Path) -> None:
    # GIVEN a web so slow (3 s a response) that no check finishes before a helper is killed,
    # and three processes checking one line at a time each (each helper is dealt 2 lines)
    with TestWeb(latency=3.0) as slow_web:
        path = slow_web.settings().write(settings_file.parent / "slow.json")
        config = replace(
            build_config(testweb=str(path), concurrency=3),
            timeouts=Timeouts(dns=1.0, connect=2.0, read=6.0, chain=8.0, domain=9.0),
        )
        killer = _kill_a_worker()
        indexed = _spread(["healthy.test"] * 6, config, processes=3)
        killer.join()
    # THEN every line has a record, in order: the killed helper's two lines say why they
    # were not checked, and every other line is checked by this process or the other helper
    assert [index for index, _ in indexed] == list(range(6))
    lost = {i for i, r in indexed if r["status"] == "error"}
    assert lost in ({0, 1}, {2, 3})
    survived = [r for i, r in indexed if i not in lost]
    assert all(r["status"] == "checked" and r["flags"] == ["slow_response"] for r in survived)
    assert all("stopped unexpectedly (exit code -9)" in indexed[i][1]["error"] for i in lost)


def test_an_input_error_is_raised_after_the_lines_read_before_it(config: CheckConfig) -> None:
    def lines() -> Iterator[str]:
        yield from ("nxdomain.test", "bad line", "servfail.test")
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    got: list[int] = []

    async def collect() -> None:
        async for index, _ in check_in_processes(lines(), config, processes=2):
            got.append(index)

    with pytest.raises(UnicodeDecodeError):
        run(collect())
    assert got == [0, 1, 2]


def test_the_deadline_reaches_the_workers(config: CheckConfig) -> None:
    # The domain budget is 4 s: with one second left, no check may start.
    deadline = time.monotonic() + 1.0
    indexed = _spread(["healthy.test"] * 4, config, processes=2, deadline=deadline)
    assert [r["status"] for _, r in indexed] == ["skipped"] * 4


def test_processes_must_be_positive(config: CheckConfig) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        _spread(["a.test"], config, processes=0)


def test_cli_processes_option_keeps_lines_and_order(tmp_path: Path, settings_file: Path) -> None:
    path = tmp_path / "domains.txt"
    path.write_text("\n".join(["# header", *LINES]) + "\n", encoding="utf-8")
    outputs = []
    for processes in ("1", "2"):
        result = CliRunner().invoke(
            main,
            [
                *("health-check", str(path), "--testweb", str(settings_file), "--json"),
                *("--timeout", "4", "--processes", processes),
            ],
            catch_exceptions=False,
        )
        assert result.exit_code == 0
        outputs.append([json.loads(line) for line in result.stdout.splitlines()])
    one, two = outputs
    assert [r["line"] for r in two] == list(range(2, len(LINES) + 2))
    assert [_essence(r) for r in two] == [_essence(r) for r in one]


def test_the_command_in_a_process_of_its_own_keeps_lines_and_order(
    tmp_path: Path, settings_file: Path
) -> None:
    # GIVEN the command in a process of its own (no test web thread): on Linux its helper
    # is forked (the test below checks that), not spawned as under pytest
    path = tmp_path / "domains.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    args = ["health-check", str(path), "--testweb", str(settings_file), "--json", "--timeout", "4"]
    command = [sys.executable, "-c", "from thera_sdk.cli import main; main()", *args]
    # WHEN it checks the lines in one process and in two
    outputs = []
    for processes in ("1", "2"):
        done = subprocess.run(
            [*command, "--processes", processes], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        outputs.append([json.loads(line) for line in done.stdout.splitlines()])
    # THEN both give every line once, in order, with the same verdicts
    one, two = outputs
    assert [r["line"] for r in two] == list(range(1, len(LINES) + 1))
    assert [_essence(r) for r in two] == [_essence(r) for r in one]


def test_a_line_too_long_for_the_pipe_is_checked_here_in_its_place(config: CheckConfig) -> None:
    long_line = "http://" + "a" * 40_000 + ".test/"
    lines = ["nxdomain.test", long_line, "bad line", "nxdomain.test"]
    indexed = _spread(lines, config, processes=2)
    assert [i for i, _ in indexed] == [0, 1, 2, 3]
    assert [r["input"] for _, r in indexed] == lines
    assert indexed[1][1]["status"] == "invalid"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_forked_helper_whose_parent_dies_exits(tmp_path: Path) -> None:
    # GIVEN the command checking slow sites over two processes, in a process of its own
    with TestWeb(latency=2.0) as slow_web:
        settings = slow_web.settings().write(tmp_path / "slow.json")
        path = tmp_path / "domains.txt"
        path.write_text("healthy.test\n" * 400, encoding="utf-8")
        command = [sys.executable, "-c", "from thera_sdk.cli import main; main()",
                   "health-check", str(path), "--testweb", str(settings), "--json",
                   "--timeout", "4", "--processes", "2"]  # fmt: skip
        parent = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            helpers: list[str] = []
            deadline = time.monotonic() + 30
            while not helpers and time.monotonic() < deadline:
                time.sleep(0.1)
                found = subprocess.run(["pgrep", "-P", str(parent.pid)],
                                       capture_output=True, text=True)  # fmt: skip
                helpers = found.stdout.split()
            assert helpers, "no helper process started"
            # forked, not spawned: the command starts no thread before it deals lines
            cmdline = Path(f"/proc/{helpers[0]}/cmdline").read_bytes().split(b"\0")
            assert b"spawn_main" not in b" ".join(cmdline)
            # WHEN the parent is killed outright (no clean-up of its own)
            parent.kill()
            parent.wait(10)
            # THEN its helper sees the end of its input and exits once its checks end
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and Path(f"/proc/{helpers[0]}").exists():
                time.sleep(0.2)
            assert not Path(f"/proc/{helpers[0]}").exists(), "the helper outlived its parent"
        finally:
            parent.kill()
