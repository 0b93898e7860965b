"""What one execution carries while it runs: its identity, history, clock, deadline, and frames.

A *frame* is one thread of control: the top level of an execution, a Parallel branch or a Map
iteration. It owns the chain of variable scopes, the cancel token that stops it when a sibling
fails, and the id of its last history event (``previousEventId``).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ._clock import Clock
from ._errors import StatesError
from ._history import History
from ._paths import PathNotFound


class Stopped(BaseException):
    """A frame was stopped: the run was aborted or timed out, or a sibling branch failed."""


class Aborted(Stopped):
    pass


class TimedOut(Stopped):
    pass


class Cancelled(Stopped):
    pass


class CancelToken:
    """Set when a group of branches must stop; a child token sees its parents' state too."""

    __slots__ = ("_set", "parent")

    def __init__(self, parent: CancelToken | None = None) -> None:
        self.parent = parent
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        token: CancelToken | None = self
        while token is not None:
            if token._set:
                return True
            token = token.parent
        return False


def iso_millis(stamp: datetime) -> str:
    """Timestamps in the context object: ``2026-01-01T00:00:00.000Z``."""
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


@dataclass
class RunInfo:
    """The identity and shared services of one execution."""

    name: str
    arn: str
    state_machine_name: str
    state_machine_arn: str
    role_arn: str
    input: Any
    start: datetime
    clock: Clock
    history: History
    engine: Any  # the LocalEngine: functions, integrations, objects, mocks
    mock_case: Any = None
    deadline: datetime | None = None
    abort: threading.Event = field(default_factory=threading.Event)
    redrive_count: int = 0
    map_runs: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: tuple[str | None, str | None] = (None, None)
    transitions: itertools.count = field(default_factory=itertools.count)
    _context: dict[str, Any] | None = None

    def context_base(self) -> dict[str, Any]:
        if self._context is None:
            self._context = {
                "Execution": {
                    "Id": self.arn,
                    "Input": self.input,
                    "Name": self.name,
                    "RoleArn": self.role_arn,
                    "StartTime": iso_millis(self.start),
                    "RedriveCount": self.redrive_count,
                },
                "StateMachine": {"Id": self.state_machine_arn, "Name": self.state_machine_name},
            }
        return self._context

    def remaining_ms(self) -> int:
        if self.deadline is None:
            return 900_000
        return int((self.deadline - self.clock.now()).total_seconds() * 1000)

    def sleep(self, seconds: float) -> None:
        """Wait on the run's clock, ending the run if its deadline falls inside the wait."""
        if self.deadline is not None:
            remaining = (self.deadline - self.clock.now()).total_seconds()
            if seconds >= remaining:
                self.clock.sleep(max(0.0, remaining), self.abort)
                raise TimedOut()
        self.clock.sleep(seconds, self.abort)
        if self.abort.is_set():
            raise Aborted()


class Frame:
    """One thread of control inside a run."""

    __slots__ = ("cancel", "last_event", "map_item", "parent", "position", "run", "vars")

    def __init__(
        self,
        run: RunInfo,
        last_event: int,
        parent: Frame | None = None,
        cancel: CancelToken | None = None,
    ) -> None:
        self.run = run
        self.last_event = last_event
        self.parent = parent
        self.vars: dict[str, Any] = {}
        self.cancel = cancel if cancel is not None else CancelToken()
        self.map_item: dict[str, Any] | None = None
        self.position: tuple[str, Any] | None = None  # (state, its input): where a redrive resumes

    def child(self, cancel: CancelToken) -> Frame:
        return Frame(self.run, self.last_event, parent=self, cancel=cancel)

    def event(self, event_type: str, details: dict[str, Any] | None = None) -> int:
        self.last_event = self.run.history.add(event_type, self.last_event, details)
        return self.last_event

    def check(self) -> None:
        """Called at every transition: stop here if the run or this branch group must end."""
        run = self.run
        if run.abort.is_set():
            raise Aborted()
        if run.deadline is not None and run.clock.now() >= run.deadline:
            raise TimedOut()
        if self.cancel.is_set():
            raise Cancelled()

    def variable(self, name: str) -> Any:
        frame: Frame | None = self
        while frame is not None:
            if name in frame.vars:
                return frame.vars[name]
            frame = frame.parent
        raise PathNotFound(f"${name}", f"Invalid path '${name}': the variable is not defined")

    def context(self, state: str, entered: datetime, retry_count: int) -> dict[str, Any]:
        ctx = dict(self.run.context_base())
        ctx["State"] = {
            "EnteredTime": iso_millis(entered),
            "Name": state,
            "RetryCount": retry_count,
        }
        if self.map_item is not None:
            ctx["Map"] = {"Item": self.map_item}
        return ctx


def run_concurrently(
    jobs: Sequence[Callable[[CancelToken], Any]], width: int, parent: CancelToken
) -> list[Any]:
    """Run ``jobs`` on up to ``width`` threads; results in job order.

    Workers are added while jobs are waiting and none has finished in the last millisecond, so
    iterations that block (I/O, sleeps) get up to ``width`` threads at once, while quick ones
    run without paying for thread switches. The first job to fail (by time) sets the group's
    token so its siblings stop at their next transition, and its exception is raised once all
    threads are done.
    """
    group = CancelToken(parent)
    count = len(jobs)
    results: list[Any] = [None] * count
    if width <= 1 or count <= 1:
        for i, job in enumerate(jobs):
            try:
                results[i] = job(group)
            except BaseException:
                group.set()
                raise
        return results

    failures: list[BaseException] = []
    lock = threading.Lock()
    indexes = itertools.count()
    live = [0]
    progress = threading.Event()
    all_done = threading.Event()

    def worker() -> None:
        try:
            while not group.is_set():
                i = next(indexes)
                if i >= count:
                    return
                try:
                    results[i] = jobs[i](group)
                except BaseException as exc:
                    failures.append(exc)
                    group.set()
                    return
                progress.set()
        finally:
            with lock:
                live[0] -= 1
                if live[0] == 0:
                    all_done.set()

    def spawn() -> None:
        with lock:
            live[0] += 1
        threading.Thread(target=worker, daemon=True).start()

    limit = min(width, count)
    spawn()
    spawned = 1
    while not all_done.is_set():
        if spawned < limit:
            progress.clear()
            if not progress.wait(0.001) and not all_done.is_set():
                spawn()
                spawned += 1
        else:
            all_done.wait()
    if failures:
        # A sibling stopped because of the first failure is not the failure itself.
        real = [f for f in failures if not isinstance(f, Cancelled)]
        raise (real or failures)[0]
    if parent.is_set():
        raise Cancelled()
    return results


def runtime_error(state: str, entered_id: int, detail: str) -> StatesError:
    return StatesError(
        "States.Runtime",
        f"An error occurred while executing the state '{state}' "
        f"(entered at the event id #{entered_id}). {detail}",
    )


def seconds_until(clock: Clock, moment: datetime) -> float:
    return max(0.0, (moment - clock.now()) / timedelta(seconds=1))
