"""Local runs seen across processes: the run store in the data home is shared.

A child Python process starts runs with ``Client.local`` and this process reads, stops and tries
to redrive them, as ``thera runs list`` would from another shell.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from thera_sdk import Client, RunNotRedrivableError

HERE = Path(__file__).parent

STARTS_AND_EXITS = textwrap.dedent(
    """
    import json, sys
    from client_workflows import local_workflows
    from thera_sdk import Client, RunFailedError

    client = Client.local(sys.argv[1], workflows=local_workflows(), poll_interval=0.02)
    done = client.start_run("double", {"n": 3}, name="child-double")
    client.wait_for_run(done.run_id, timeout=20)
    failed = client.start_run("fails", {"n": 1}, name="child-fails")
    try:
        client.wait_for_run(failed.run_id, timeout=20)
    except RunFailedError:
        pass
    slow = client.start_run("slow", name="child-slow")
    print(json.dumps([done.run_id, failed.run_id, slow.run_id]))
    """
)

STARTS_AND_WAITS = textwrap.dedent(
    """
    import sys
    from client_workflows import local_workflows
    from thera_sdk import Client, RunFailedError

    client = Client.local(sys.argv[1], workflows=local_workflows(), poll_interval=0.02)
    slow = client.start_run("slow", name="child-waits")
    print(slow.run_id, flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    try:
        client.wait_for_run(slow.run_id, timeout=10)
    except RunFailedError as failure:
        print(failure.status, failure.error, flush=True)
    """
)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THERA_")}
    env["THERA_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
    return env


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in os.environ if n.startswith("THERA_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("THERA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_runs_of_an_exited_process_are_listed_with_their_history(home: Path) -> None:
    # GIVEN a process that finished two runs and exited while a third was running
    child = subprocess.run(
        [sys.executable, "-c", STARTS_AND_EXITS, str(home)],
        env=_env(home), capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    done, failed, slow = json.loads(child.stdout.strip().splitlines()[-1])
    # WHEN a new process (with no workflows registered) reads the data home
    with Client.local(home) as client:
        listed = {run.run_id: run for run in client.list_runs()}
        history = client.run_history(done)
        orphan = client.get_run(slow)
        # THEN every run is there, with its history and outcome
        assert {done, failed, slow} <= set(listed)
        assert {listed[done].workflow, listed[failed].workflow} == {"double", "fails"}
        assert client.get_run(done).output == {"n": 6}
        assert history[0].type == "ExecutionStarted"
        assert history[-1].type == "ExecutionSucceeded"
        assert client.get_run(failed).error == "Thera.BadInput"
        # AND the run its exited process left behind is ABORTED, saying why
        assert (orphan.status, orphan.error) == ("ABORTED", "Thera.ProcessExited")
        assert "keep the process alive" in (orphan.cause or "")
        assert [run.run_id for run in client.list_runs("slow", status="ABORTED")] == [slow]
        # AND only the process that ran a run may redrive it
        with pytest.raises(RunNotRedrivableError, match="another process"):
            client.redrive_run(failed)


def test_a_run_of_a_live_process_is_stopped_from_another(home: Path) -> None:
    # GIVEN a process running a long run
    child = subprocess.Popen(
        [sys.executable, "-c", STARTS_AND_WAITS, str(home)],
        env=_env(home), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdin is not None
        run_id = child.stdout.readline().strip()
        with Client.local(home) as client:
            assert client.get_run(run_id).status == "RUNNING"
            # WHEN this process stops it
            stopped = client.stop_run(run_id, error="Thera.Cancelled", cause="from the shell")
        # THEN the owning process aborts it, and its own wait sees that
        assert (stopped.status, stopped.error) == ("ABORTED", "Thera.Cancelled")
        out, _ = child.communicate("", timeout=60)
        assert out.strip() == "ABORTED Thera.Cancelled"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
