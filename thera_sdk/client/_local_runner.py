"""Local runs: workflows on the in-process engine, recorded in ``$THERA_HOME/runs.sqlite3``
(see :mod:`thera_sdk._runs_local` for the store).

A run started through the local backend executes on a background thread of the process that
started it; a watcher thread copies its status and history into the run store as it goes (about
once a second) and when it ends. Any process that opens the same data home sees every run, with
its history: ``thera runs list`` in a new shell lists the runs an application started.

What a local run can and cannot do, compared with AWS:

* It lives as long as its process. A run whose process has exited is reported ``ABORTED``
  (error ``Thera.ProcessExited``) the next time anyone reads it.
* Another process can stop it: the request is written to the store and the owning process acts
  on it within a fraction of a second.
* Only the process that ran it can redrive it (``LocalEngine.redrive`` resumes from the failed
  state and needs the execution held in memory); elsewhere redrive raises
  :class:`~thera_sdk.RunNotRedrivableError`. A redriven run cannot be stopped.

:class:`LocalRunner` answers with the shapes of the Step Functions API (``DescribeExecution``,
``ListExecutions``...), so the local transport only dispatches to it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import sqlite3
import sys
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from thera_sdk._exceptions import (
    RunAlreadyExistsError,
    RunNotFoundError,
    RunNotRedrivableError,
    ValidationError,
    WorkflowNotFoundError,
)
from thera_sdk._runs_local import RunStore
from thera_sdk.client._parse import check_run_name

__all__ = ["LOCAL_ACCOUNT", "LOCAL_REGION", "LocalRunner", "LocalWorkflow"]

LOCAL_REGION: Final = "us-east-1"
LOCAL_ACCOUNT: Final = "123456789012"
_TICK: Final = 0.1  # how often a watcher looks at its run (status, stop requests)
_FLUSH_EVERY: Final = 1.0  # how often a running run's history is copied to the store
_KEEP_FAILED: Final = 256  # failed executions kept in memory for redrive, newest first
_ENDED = ("FAILED", "TIMED_OUT", "ABORTED")

Handler = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class LocalWorkflow:
    """A workflow the local backend can run, registered with ``Client.local(workflows=...)``.

    Parameters
    ----------
    definition
        The ASL (a dict or JSON text), or a ``workflows`` builder graph (anything with
        ``compile()``).
    functions
        The Lambda handlers its Task states call, by function name.
    substitutions
        ``${Name}`` placeholders in the definition and their values.

    Examples
    --------
    >>> double = LocalWorkflow(
    ...     {"StartAt": "Double", "States": {"Double": {"Type": "Task", "End": True,
    ...      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double"}}},
    ...     functions={"double": lambda event, context: {"n": event["n"] * 2}})
    >>> client = Client.local(home, workflows={"double": double})  # doctest: +SKIP
    """

    definition: Any
    functions: Mapping[str, Handler] = field(default_factory=dict)
    substitutions: Mapping[str, Any] = field(default_factory=dict)

    def asl(self) -> Mapping[str, Any] | str:
        """The definition as ASL."""
        compile_ = getattr(self.definition, "compile", None)
        return compile_() if callable(compile_) else self.definition  # type: ignore[no-any-return]


def _catalog() -> dict[str, Callable[[], LocalWorkflow]]:
    """The deployed workflows, each built the first time it runs."""
    from workflows.catalog import WORKFLOWS
    from workflows.functions import local_functions, local_substitutions

    def factory(module: Any) -> Callable[[], LocalWorkflow]:
        return lambda: LocalWorkflow(module.build(), local_functions(), local_substitutions())

    return {name: factory(module) for name, module in WORKFLOWS.items()}


@dataclass
class _Live:
    """A run executing in this process."""

    execution: Any
    engine: Any
    handle: Any = None  # the ExecutionHandle of a started run; None while redriven
    done: threading.Event = field(default_factory=threading.Event)


# Process-wide, so every client of this process can stop or redrive what another started.
_LIVE: dict[tuple[str, str], _Live] = {}
_FAILED: OrderedDict[tuple[str, str], _Live] = OrderedDict()
_LOCK = threading.Lock()


class LocalRunner:
    """Starts, watches, stops and redrives local runs; answers like the Step Functions API.

    Parameters
    ----------
    home
        The data home; runs are kept in ``runs.sqlite3`` there.
    workflows
        Workflows by name, on top of the deployed ones (``daily``, ``weekly-training``).
    prefix
        State machines are named ``<prefix>-<workflow>``.

    Examples
    --------
    >>> runner = LocalRunner(Path(tmp))  # doctest: +SKIP
    >>> runner.state_machines()["daily"]  # doctest: +SKIP
    'arn:aws:states:us-east-1:123456789012:stateMachine:thera-daily'
    """

    def __init__(
        self,
        home: Path,
        workflows: Mapping[str, LocalWorkflow] | None = None,
        *,
        prefix: str = "thera",
    ) -> None:
        self.home = Path(home)
        self.prefix = prefix
        self.store = RunStore(self.home / "runs.sqlite3")
        self._factories: dict[str, Callable[[], LocalWorkflow]] = {}
        with contextlib.suppress(ImportError):  # without workflows/, registered ones still run
            self._factories.update(_catalog())
        for name, workflow in (workflows or {}).items():
            self._factories[name] = lambda workflow=workflow: workflow  # type: ignore[misc]
        self._built: dict[str, LocalWorkflow] = {}
        self._objects: Any = None

    # -- names ---------------------------------------------------------------------------------
    def machine_arn(self, workflow: str) -> str:
        """The state machine ARN of a workflow."""
        machine = f"{self.prefix}-{workflow}"
        return f"arn:aws:states:{LOCAL_REGION}:{LOCAL_ACCOUNT}:stateMachine:{machine}"

    def state_machines(self) -> dict[str, str]:
        """Every workflow this runner knows, or has runs of in the store: name -> ARN."""
        names = set(self._factories)
        for machine in self.store.machines():
            if machine.startswith(f"{self.prefix}-"):
                names.add(machine[len(self.prefix) + 1 :])
        return {name: self.machine_arn(name) for name in sorted(names)}

    def _workflow(self, machine_arn: str) -> tuple[str, LocalWorkflow]:
        machine = machine_arn.rsplit(":", 1)[-1]
        name = machine[len(self.prefix) + 1 :] if machine.startswith(f"{self.prefix}-") else ""
        if name not in self._factories:
            raise WorkflowNotFoundError(
                f"State machine {machine!r} is not a local workflow; the workflows are "
                f"{sorted(self._factories)} (register more with Client.local(workflows=...))."
            )
        if name not in self._built:
            self._built[name] = self._factories[name]()
        return name, self._built[name]

    def _engine(self, workflow: LocalWorkflow) -> Any:
        from thera_sdk.local import LocalEngine
        from thera_sdk.storage import LocalObjectStore

        if self._objects is None:
            self._objects = LocalObjectStore(self.home / "objects")
        return LocalEngine(
            functions=workflow.functions,
            objects=self._objects,
            region=LOCAL_REGION,
            account_id=LOCAL_ACCOUNT,
        )

    def _key(self, arn: str) -> tuple[str, str]:
        return (str(self.store.path), arn)

    # -- StartExecution ------------------------------------------------------------------------
    def start(self, machine_arn: str, name: str, input_text: str) -> dict[str, Any]:
        """Start a run on a background thread (``StartExecution``)."""
        from thera_sdk.local import InvalidDefinitionError

        workflow_name, workflow = self._workflow(machine_arn)
        name = name or str(uuid.uuid4())
        check_run_name(name)
        try:
            json.loads(input_text)
        except ValueError:
            raise ValidationError(
                f"The input of run {name!r} is not JSON text; pass a dict (or JSON text)."
            ) from None
        machine = machine_arn.rsplit(":", 1)[-1]
        arn = f"arn:aws:states:{LOCAL_REGION}:{LOCAL_ACCOUNT}:execution:{machine}:{name}"
        engine = self._engine(workflow)
        definition = workflow.asl()
        try:
            engine.compile(definition, workflow.substitutions)  # checked before it is recorded
        except InvalidDefinitionError as exc:
            raise ValidationError(f"Workflow {workflow_name!r} is not valid ASL: {exc}") from exc
        started = time.time()
        # Recorded and registered as live at once: a reader in between would take a RUNNING
        # run of this process that is not live for one left by a dead process.
        with _LOCK:
            existing = self.store.insert(arn, name, machine, machine_arn, input_text, started)
            if existing is not None:
                if existing["status"] == "RUNNING" and existing["input"] == input_text:
                    return {"executionArn": arn, "startDate": _date(existing["start_date"])}
                raise RunAlreadyExistsError(f"Run {name!r} of {workflow_name!r} already exists.")
            try:
                handle = engine.start(
                    definition,
                    input_text,
                    name,
                    state_machine_name=machine,
                    substitutions=workflow.substitutions,
                )
            except (ValueError, TypeError) as exc:  # e.g. an input over 256 KiB
                self.store.delete(arn)
                raise ValidationError(
                    f"Run {name!r} of {workflow_name!r} cannot start: {exc}"
                ) from exc
            live = _Live(handle.execution, engine, handle)
            _LIVE[self._key(arn)] = live
        threading.Thread(
            target=self._watch_started, args=(arn, live), name=f"thera-run-{name}", daemon=True
        ).start()
        return {"executionArn": arn, "startDate": _date(started)}

    def _watch_started(self, arn: str, live: _Live) -> None:
        execution, handle = live.execution, live.handle
        flushed, last_flush = 0, time.monotonic()
        try:
            while True:
                began = time.monotonic()
                handle.wait(_TICK)
                if execution.status != "RUNNING":
                    break
                if time.monotonic() - began < _TICK / 2:
                    # join() came back early yet the run is not over: the engine thread died
                    execution.status, execution.error = "FAILED", "Thera.EngineError"
                    execution.cause = "The local engine stopped unexpectedly; see the logs."
                    break
                stop = self.store.stop_request(arn)
                if stop is not None:
                    handle.stop(*stop)
                    break
                flushed, last_flush = self._flush(arn, execution, flushed, last_flush)
            handle.wait()
        finally:
            self._finish(arn, live)

    def _flush(self, arn: str, execution: Any, flushed: int, last: float) -> tuple[int, float]:
        if time.monotonic() - last < _FLUSH_EVERY:
            return flushed, last
        events = execution.history
        if len(events) != flushed:
            self.store.save_history(arn, events)
        return len(events), time.monotonic()

    def _finish(self, arn: str, live: _Live) -> None:
        execution = live.execution
        try:
            self.store.finish(arn, execution)
        finally:
            key = self._key(arn)
            with _LOCK:
                _LIVE.pop(key, None)
                if execution.status in _ENDED:
                    _FAILED[key] = live
                    while len(_FAILED) > _KEEP_FAILED:
                        _FAILED.popitem(last=False)
            live.done.set()

    # -- DescribeExecution, ListExecutions, GetExecutionHistory --------------------------------
    def describe(self, arn: str) -> dict[str, Any]:
        """The run as ``DescribeExecution`` reports it."""
        row = self._row(arn)
        answer: dict[str, Any] = {
            "executionArn": row["arn"],
            "stateMachineArn": row["machine_arn"],
            "name": row["name"],
            "status": row["status"],
            "startDate": _date(row["start_date"]),
            "input": row["input"],
            "inputDetails": {"included": True},
            "redriveCount": row["redrive_count"],
        }
        if row["stop_date"] is not None:
            answer["stopDate"] = _date(row["stop_date"])
        if row["status"] == "SUCCEEDED":
            answer["output"] = row["output"]
            answer["outputDetails"] = {"included": True}
        for key in ("error", "cause"):
            if row[key]:
                answer[key] = row[key]
        if row["redrive_date"] is not None:
            answer["redriveDate"] = _date(row["redrive_date"])
        return answer

    def _row(self, arn: str) -> sqlite3.Row:
        row = self.store.row(arn)
        if row is None:
            raise RunNotFoundError(f"No local run has the id {arn!r}.")
        if row["status"] == "RUNNING" and self._orphaned(row):
            self.store.abandon(arn, row["pid"])
            row = self.store.row(arn)
            assert row is not None
        return row

    def _orphaned(self, row: sqlite3.Row) -> bool:
        if row["host"] != socket.gethostname():
            return False  # a shared home: the other machine's process cannot be checked
        if row["pid"] == os.getpid():
            with _LOCK:
                return self._key(row["arn"]) not in _LIVE
        return not _alive(row["pid"])

    def list(
        self,
        machine_arn: str | None,
        status: str | None,
        max_results: int = 100,
        token: str | None = None,
    ) -> dict[str, Any]:
        """Runs, newest first, as ``ListExecutions`` reports them."""
        if not 1 <= max_results <= 1000:
            raise ValidationError(f"maxResults is {max_results}; use 1 to 1000.")
        after = _decode_token(token) if token else None
        machine = machine_arn.rsplit(":", 1)[-1] if machine_arn else None
        for row in self.store.running():  # so a status filter sees runs left by dead processes
            if self._orphaned(row):
                self.store.abandon(row["arn"], row["pid"])
        runs, more = self.store.page(machine, status, max_results, after)
        answer: dict[str, Any] = {
            "executions": [
                {
                    "executionArn": row["arn"],
                    "stateMachineArn": row["machine_arn"],
                    "name": row["name"],
                    "status": row["status"],
                    "startDate": _date(row["start_date"]),
                    **({"stopDate": _date(row["stop_date"])} if row["stop_date"] else {}),
                    "redriveCount": row["redrive_count"],
                }
                for row in runs
            ]
        }
        if more and runs:
            answer["nextToken"] = _encode_token(runs[-1]["start_date"], runs[-1]["arn"])
        return answer

    def history(
        self, arn: str, max_results: int = 100, token: str | None = None, reverse: bool = False
    ) -> dict[str, Any]:
        """Events, oldest first, as ``GetExecutionHistory`` reports them."""
        self._row(arn)
        with _LOCK:
            live = _LIVE.get(self._key(arn))
        events = live.execution.history if live is not None else self.store.history(arn)
        if reverse:
            events = list(reversed(events))
        start = int(token) if token and token.isdigit() else 0
        page = events[start : start + max_results]
        answer: dict[str, Any] = {"events": [_event_out(event) for event in page]}
        if start + max_results < len(events):
            answer["nextToken"] = str(start + max_results)
        return answer

    # -- StopExecution, RedriveExecution -------------------------------------------------------
    def stop(self, arn: str, error: str | None, cause: str | None) -> dict[str, Any]:
        """Abort a running run (``StopExecution``); a run that has ended is left alone."""
        row = self._row(arn)
        if row["status"] == "RUNNING":
            if not row["stoppable"]:
                raise ValidationError(
                    f"Local run {row['name']!r} is being redriven and cannot be stopped; wait "
                    "for it to end."
                )
            with _LOCK:
                live = _LIVE.get(self._key(arn))
            if live is not None:
                live.handle.stop(error, cause)
                live.done.wait(30)
            else:  # another process runs it: ask, and give it a moment to act
                self.store.request_stop(arn, error, cause)
                deadline = time.monotonic() + 10
                while self._row(arn)["status"] == "RUNNING" and time.monotonic() < deadline:
                    time.sleep(_TICK)
            row = self._row(arn)
        return {"stopDate": _date(row["stop_date"] or time.time())}

    def redrive(self, arn: str) -> dict[str, Any]:
        """Resume a failed run from the state where it stopped (``RedriveExecution``)."""
        row = self._row(arn)
        if row["status"] not in _ENDED:
            raise RunNotRedrivableError(f"it is {row['status']}")
        key = self._key(arn)
        with _LOCK:
            live = _FAILED.pop(key, None)
        if live is None:
            raise RunNotRedrivableError(
                f"it ran in another process (pid {row['pid']}), and a local run can be "
                "redriven only by the process that ran it"
            )
        redriven = time.time()
        live = _Live(live.execution, live.engine)
        with _LOCK:  # as in start(): recorded RUNNING and live at once
            self.store.mark_redriven(arn, row["redrive_count"] + 1, redriven)
            _LIVE[key] = live
        threading.Thread(
            target=self._watch_redriven,
            args=(arn, live, dict(row)),
            daemon=True,
            name=f"thera-redrive-{row['name']}",
        ).start()
        return {"redriveDate": _date(redriven)}

    def _watch_redriven(self, arn: str, live: _Live, before: dict[str, Any]) -> None:
        outcome: list[BaseException] = []

        def work() -> None:
            try:
                live.engine.redrive(live.execution)
            except ValueError as exc:  # it stopped before its first state: nothing to resume
                outcome.append(exc)

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        flushed, last_flush = 0, time.monotonic()
        try:
            while worker.is_alive():
                worker.join(_TICK)
                flushed, last_flush = self._flush(arn, live.execution, flushed, last_flush)
        finally:
            if outcome:
                self.store.restore(arn, before)
                with _LOCK:
                    _LIVE.pop(self._key(arn), None)
                live.done.set()
            else:
                self._finish(arn, live)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _date(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _event_out(event: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(event)
    stamp = out.get("timestamp")
    if isinstance(stamp, str):
        out["timestamp"] = datetime.fromisoformat(stamp)
    return out


def _encode_token(start: float, arn: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([start, arn]).encode()).decode()


def _decode_token(token: str) -> tuple[float, str]:
    try:
        start, arn = json.loads(base64.urlsafe_b64decode(token.encode()))
        return float(start), str(arn)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            f"nextToken {token!r} is not one this backend gave; start the listing again."
        ) from exc
