"""``LocalEngine``: runs Amazon States Language definitions in process, calling Python handlers.

The same ASL JSON that CloudFormation deploys to AWS Step Functions runs here, with AWS's
semantics: JSONPath input/output processing, Retry/Catch, Map and Parallel on real threads, the
context object, intrinsic functions, variables, the Lambda envelope and error shapes, and an
execution history shaped like ``GetExecutionHistory``.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ._clock import Clock, SystemClock
from ._errors import InvalidDefinitionError, StatesError
from ._history import History
from ._machine import Machine
from ._mocks import MockConfig
from ._runtime import Aborted, CancelToken, Frame, RunInfo, Stopped, TimedOut
from ._states import MAX_PAYLOAD_BYTES, payload_size

Handler = Callable[[Any, Any], Any]


@dataclass
class Execution:
    """The outcome of one run, with the fields ``DescribeExecution`` reports."""

    execution_arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    input: Any
    start_date: datetime
    status: str = "RUNNING"
    output: Any = None
    error: str | None = None
    cause: str | None = None
    stop_date: datetime | None = None
    redrive_count: int = 0
    map_runs: list[dict[str, Any]] = field(default_factory=list)
    transitions: int = 0
    _history: History | None = field(default=None, repr=False)
    _machine: Machine | None = field(default=None, repr=False)
    _resume: tuple[str, Any] | None = field(default=None, repr=False)

    @property
    def history(self) -> list[dict[str, Any]]:
        """Events shaped like ``GetExecutionHistory``'s, oldest first."""
        return self._history.render() if self._history is not None else []

    def summary(self) -> dict[str, Any]:
        """Name, status, output, error and cause: what a command prints with ``--json``."""
        return {
            "name": self.name,
            "status": self.status,
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
        }

    def record(self) -> dict[str, Any]:
        """This execution as a Distributed Map ResultWriter lists a child."""
        return {
            "ExecutionArn": self.execution_arn,
            "Input": json.dumps(self.input),
            "InputDetails": {"Included": True},
            "Name": self.name,
            "Output": json.dumps(self.output) if self.status == "SUCCEEDED" else None,
            "OutputDetails": {"Included": self.status == "SUCCEEDED"},
            "RedriveCount": self.redrive_count,
            "RedriveStatus": "NOT_REDRIVABLE",
            "StartDate": self.start_date.isoformat(),
            "StateMachineArn": self.state_machine_arn,
            "Status": self.status,
            "StopDate": self.stop_date.isoformat() if self.stop_date else None,
        } | ({"Error": self.error, "Cause": self.cause} if self.status == "FAILED" else {})


class ExecutionHandle:
    """A run started with ``LocalEngine.start``: wait for it, or stop it."""

    def __init__(self, execution: Execution, info: RunInfo, thread: threading.Thread) -> None:
        self.execution = execution
        self._info = info
        self._thread = thread
        self._stop_reason: tuple[str | None, str | None] = (None, None)

    def wait(self, timeout: float | None = None) -> Execution:
        self._thread.join(timeout)
        return self.execution

    def stop(self, error: str | None = None, cause: str | None = None) -> Execution:
        """Abort the run (``StopExecution``): it ends ABORTED at its next transition or wait."""
        self._stop_reason = (error, cause)
        self._info.stop_reason = self._stop_reason
        self._info.abort.set()
        return self.wait()


def _load(definition: Mapping[str, Any] | str, substitutions: Mapping[str, Any] | None) -> Any:
    text = definition if isinstance(definition, str) else json.dumps(definition)
    for key, value in (substitutions or {}).items():
        text = text.replace("${" + key + "}", str(value))
    return json.loads(text), text


def _parse_input(value: Any) -> Any:
    if value is None:
        return {}
    if isinstance(value, bytes | bytearray):
        value = value.decode("utf-8")
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return json.loads(json.dumps(value))


class LocalEngine:
    """Run state machines in this process.

    Parameters
    ----------
    functions
        Lambda handlers by function name, each ``handler(event, context)``.
    clock
        ``SystemClock()`` by default; ``VirtualClock()`` makes waits and retries instant.
    integrations
        Other Task resources by exact ARN, each ``callable(parameters) -> result``.
    objects
        The objects port a Distributed Map's ItemReader and ResultWriter use (an
        ``ObjectStore``: local folders or S3). Defaults to the local store under
        ``$THERA_HOME/objects``, one folder per bucket.
    mock_config
        A Step Functions Local ``MockConfigFile.json`` (path, JSON text or dict); choose a test
        case with ``run(..., test_case=...)``.
    on_event
        Called with ``(event_type, details)`` for every history event of a top-level run, as
        it happens (progress display), and with ``ChildExecutionFinished`` as each child of a
        Distributed Map ends; it must be quick and must not raise.

    Examples
    --------
    >>> engine = LocalEngine(functions={"double": lambda event, context: event["n"] * 2})
    >>> ex = engine.run({"StartAt": "D", "States": {"D": {"Type": "Task",
    ...     "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double", "End": True}}},
    ...     {"n": 21})
    >>> ex.status, ex.output
    ('SUCCEEDED', 42)
    """

    def __init__(
        self,
        functions: Mapping[str, Handler] | None = None,
        *,
        clock: Clock | None = None,
        integrations: Mapping[str, Callable[[Any], Any]] | None = None,
        objects: Any = None,
        mock_config: Any = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        max_children: int = 32,
        validate: bool = True,
        on_event: Callable[[str, dict[str, Any] | None], None] | None = None,
    ) -> None:
        # Kept as given: a lazy mapping imports a handler only when a run calls it.
        self.functions: Mapping[str, Handler] = functions if functions is not None else {}
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.integrations = dict(integrations or {})
        self._objects = objects
        self.mocks = MockConfig.load(mock_config) if mock_config is not None else None
        self.region = region
        self.account_id = account_id
        self.max_children = max_children
        self.validate = validate
        self.on_event = on_event
        self._machines: OrderedDict[str, Machine] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def objects(self) -> Any:
        """The objects port, opened on first use (most runs never read an object)."""
        if self._objects is None:
            from thera_sdk.storage import LocalObjectStore

            home = Path(os.environ.get("THERA_HOME", ".thera"))
            self._objects = LocalObjectStore(home / "objects")
        return self._objects

    # -- compiling -----------------------------------------------------------------------------
    def compile(
        self, definition: Mapping[str, Any] | str, substitutions: Mapping[str, Any] | None = None
    ) -> Machine:
        """Check and compile a definition once; later runs of the same text reuse it."""
        spec, text = _load(definition, substitutions)
        with self._lock:
            machine = self._machines.get(text)
            if machine is not None:
                self._machines.move_to_end(text)
                return machine
        if self.validate:
            from workflows import validate_definition

            problems = validate_definition(spec)
            if problems:
                raise InvalidDefinitionError(problems)
        try:
            machine = Machine(spec)
        except InvalidDefinitionError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidDefinitionError([f"{type(exc).__name__}: {exc}"]) from exc
        with self._lock:
            self._machines[text] = machine
            if len(self._machines) > 128:
                self._machines.popitem(last=False)
        return machine

    # -- running -------------------------------------------------------------------------------
    def run(
        self,
        definition: Mapping[str, Any] | str,
        input: Any = None,
        name: str | None = None,
        *,
        state_machine_name: str = "LocalStateMachine",
        test_case: str | None = None,
        timeout: float | None = None,
        substitutions: Mapping[str, Any] | None = None,
    ) -> Execution:
        """Run a definition to the end and return its ``Execution``.

        ``timeout`` (seconds, on the engine's clock) ends the run TIMED_OUT, as the
        definition's own ``TimeoutSeconds`` does. ``test_case`` names a test case of the mock
        configuration for ``state_machine_name``.
        """
        execution, info = self._prepare(
            definition, input, name, state_machine_name, test_case, timeout, substitutions
        )
        self._execute(execution, info)
        return execution

    def start(
        self,
        definition: Mapping[str, Any] | str,
        input: Any = None,
        name: str | None = None,
        **options: Any,
    ) -> ExecutionHandle:
        """Start a run on a background thread and return a handle to wait for or stop it."""
        execution, info = self._prepare(
            definition,
            input,
            name,
            options.get("state_machine_name", "LocalStateMachine"),
            options.get("test_case"),
            options.get("timeout"),
            options.get("substitutions"),
        )
        thread = threading.Thread(target=self._execute, args=(execution, info), daemon=True)
        handle = ExecutionHandle(execution, info, thread)
        thread.start()
        return handle

    def redrive(self, execution: Execution) -> Execution:
        """Resume a FAILED, TIMED_OUT or ABORTED run from the state where it stopped.

        Like ``RedriveExecution``: same name and ARN, the history continues, ``RedriveCount``
        grows. A Map or Parallel state that failed runs again as a whole.
        """
        if execution.status in ("RUNNING", "SUCCEEDED") or execution._resume is None:
            raise ValueError(
                f"Execution '{execution.name}' is {execution.status}: only a FAILED, TIMED_OUT "
                "or ABORTED execution that stopped in a state can be redriven."
            )
        assert execution._history is not None and execution._machine is not None
        execution.redrive_count += 1
        info = self._info(execution, execution._history, None, None)
        info.redrive_count = execution.redrive_count
        execution.status, execution.error, execution.cause = "RUNNING", None, None
        execution._history.add(
            "ExecutionRedriven",
            len(execution._history),
            {"redriveCount": execution.redrive_count},
        )
        self._execute(execution, info, resume=execution._resume)
        return execution

    # -- internals -----------------------------------------------------------------------------
    def _prepare(
        self,
        definition: Any,
        input: Any,
        name: str | None,
        sm_name: str,
        test_case: str | None,
        timeout: float | None,
        substitutions: Any,
    ) -> tuple[Execution, RunInfo]:
        machine = self.compile(definition, substitutions)
        data = _parse_input(input)
        if payload_size(data) > MAX_PAYLOAD_BYTES:
            raise ValueError(
                f"The execution input is {payload_size(data)} bytes; Step Functions accepts at "
                f"most {MAX_PAYLOAD_BYTES}. Pass an object key instead of the data itself."
            )
        name = name or str(uuid.uuid4())
        sm_arn = f"arn:aws:states:{self.region}:{self.account_id}:stateMachine:{sm_name}"
        execution = Execution(
            execution_arn=f"arn:aws:states:{self.region}:{self.account_id}:execution:{sm_name}:{name}",
            name=name,
            state_machine_arn=sm_arn,
            state_machine_name=sm_name,
            input=data,
            start_date=self.clock.now(),
            _machine=machine,
        )
        mock_case = None
        if test_case is not None:
            if self.mocks is None:
                raise ValueError("test_case needs LocalEngine(mock_config=...).")
            mock_case = self.mocks.test_case(sm_name, test_case).start_run()
        history = History(self.clock.now, self.on_event)
        execution._history = history
        info = self._info(execution, history, mock_case, timeout)
        return execution, info

    def _info(
        self, execution: Execution, history: History, mock_case: Any, timeout: float | None
    ) -> RunInfo:
        machine = execution._machine
        assert machine is not None
        now = self.clock.now()
        limits = [t for t in (timeout, machine.timeout_seconds) if t is not None]
        deadline = now + timedelta(seconds=min(limits)) if limits else None
        return RunInfo(
            name=execution.name,
            arn=execution.execution_arn,
            state_machine_name=execution.state_machine_name,
            state_machine_arn=execution.state_machine_arn,
            role_arn=f"arn:aws:iam::{self.account_id}:role/{execution.state_machine_name}-role",
            input=execution.input,
            start=execution.start_date,
            clock=self.clock,
            history=history,
            engine=self,
            mock_case=mock_case,
            deadline=deadline,
            map_runs=execution.map_runs,
        )

    def _execute(
        self, execution: Execution, info: RunInfo, resume: tuple[str, Any] | None = None
    ) -> None:
        machine = execution._machine
        assert machine is not None
        history = info.history
        if resume is None:
            first = history.add(
                "ExecutionStarted",
                0,
                {"input": execution.input, "roleArn": info.role_arn},
            )
        else:
            first = len(history)
        frame = Frame(info, first)
        start, data = resume if resume is not None else (machine.start_at, execution.input)
        try:
            output = machine.run(frame, data, start)
        except StatesError as exc:
            # DescribeExecution leaves out an error or cause that is empty.
            execution.status, execution.error, execution.cause = (
                "FAILED",
                exc.error or None,
                exc.cause or None,
            )
            execution._resume = frame.position
            frame.event("ExecutionFailed", {"error": exc.error, "cause": exc.cause})
        except TimedOut:
            execution.status, execution.error, execution.cause = "TIMED_OUT", "States.Timeout", None
            execution._resume = frame.position
            frame.event("ExecutionTimedOut", {"error": "States.Timeout", "cause": ""})
        except Stopped:
            error, cause = getattr(info, "stop_reason", (None, None))
            execution.status, execution.error, execution.cause = "ABORTED", error, cause
            execution._resume = frame.position
            frame.event("ExecutionAborted", {"error": error, "cause": cause} if error else None)
        else:
            execution.status, execution.output = "SUCCEEDED", output
            execution._resume = None
            frame.event("ExecutionSucceeded", {"output": output})
        execution.stop_date = self.clock.now()
        execution.transitions = next(info.transitions)


def run_child(
    parent: RunInfo, machine: Machine, data: Any, label: str, cancel: CancelToken
) -> Execution:
    """One child execution of a Distributed Map, with its own history; never raises."""
    engine = parent.engine
    name = str(uuid.uuid4())
    sm = f"{parent.state_machine_name}/{label.split(':')[0]}"
    execution = Execution(
        execution_arn=f"arn:aws:states:{engine.region}:{engine.account_id}:execution:{sm}:{name}",
        name=name,
        state_machine_arn=parent.state_machine_arn,
        state_machine_name=sm,
        input=data,
        start_date=engine.clock.now(),
        _machine=machine,
    )
    history = History(engine.clock.now)
    info = RunInfo(
        name=name,
        arn=execution.execution_arn,
        state_machine_name=sm,
        state_machine_arn=parent.state_machine_arn,
        role_arn=parent.role_arn,
        input=data,
        start=execution.start_date,
        clock=engine.clock,
        history=history,
        engine=engine,
        mock_case=parent.mock_case,
        deadline=parent.deadline,
        abort=parent.abort,
        map_runs=execution.map_runs,
    )
    execution._history = history
    first = history.add("ExecutionStarted", 0, {"input": data, "roleArn": info.role_arn})
    frame = Frame(info, first, cancel=cancel)
    try:
        execution.output = machine.run(frame, data)
        execution.status = "SUCCEEDED"
        frame.event("ExecutionSucceeded", {"output": execution.output})
    except StatesError as exc:
        execution.status, execution.error, execution.cause = "FAILED", exc.error, exc.cause
        frame.event("ExecutionFailed", {"error": exc.error, "cause": exc.cause})
    except (Aborted, Stopped):
        execution.status = "ABORTED"
        frame.event("ExecutionAborted")
    execution.stop_date = engine.clock.now()
    execution.transitions = next(info.transitions)
    return execution
