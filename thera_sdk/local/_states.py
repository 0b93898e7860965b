"""The states of a compiled machine and the JSONPath input/output pipeline they share.

Order of processing, as AWS documents it: ``InputPath`` -> ``Parameters`` -> the work ->
``ResultSelector`` -> ``ResultPath`` (merged into the raw state input) -> ``OutputPath``;
``Assign`` sees the raw result, before ``ResultSelector``. Errors raised by the work go through
``Retry`` (first matching retrier decides) and then ``Catch``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ._choice import compile_rule, parse_timestamp
from ._errors import NOT_MATCHED_BY_ALL, UNCATCHABLE, StatesError
from ._paths import PathNotFound, compile_path, compile_reference_path
from ._runtime import Frame, runtime_error, seconds_until
from ._templates import Scope, compile_dynamic, compile_template

MAX_PAYLOAD_BYTES = 262_144
_DISCARD = object()  # ResultPath: null


def payload_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def check_size(value: Any, what: str) -> None:
    if payload_size(value) > MAX_PAYLOAD_BYTES:
        raise StatesError(
            "States.DataLimitExceeded",
            f"The state/task '{what}' returned a result with a size exceeding the maximum "
            f"number of bytes service limit.",
        )


def error_matches(names: list[str], error: str) -> bool:
    if error in names:
        return True
    if error in NOT_MATCHED_BY_ALL:
        return False
    if "States.ALL" in names:
        return True
    return "States.TaskFailed" in names and error != "States.Timeout"


class Retrier:
    __slots__ = ("backoff", "errors", "interval", "jitter", "max_attempts", "max_delay")

    def __init__(self, spec: dict[str, Any]) -> None:
        self.errors = list(spec["ErrorEquals"])
        self.interval = spec.get("IntervalSeconds", 1)
        self.max_attempts = spec.get("MaxAttempts", 3)
        self.backoff = spec.get("BackoffRate", 2.0)
        self.max_delay = spec.get("MaxDelaySeconds")
        self.jitter = spec.get("JitterStrategy", "NONE") == "FULL"

    def delay(self, retry_index: int) -> float:
        delay = self.interval * self.backoff**retry_index
        if self.max_delay is not None:
            delay = min(delay, self.max_delay)
        return random.uniform(0, delay) if self.jitter else float(delay)


class Catcher:
    __slots__ = ("assign", "errors", "next", "result_path")

    def __init__(self, spec: dict[str, Any]) -> None:
        self.errors = list(spec["ErrorEquals"])
        self.next = spec["Next"]
        self.result_path = _result_path(spec)
        self.assign = compile_template(spec["Assign"]) if "Assign" in spec else None


def _result_path(spec: dict[str, Any]) -> Any:
    if "ResultPath" not in spec:
        return None  # "$": the result replaces the input
    if spec["ResultPath"] is None:
        return _DISCARD
    path = compile_reference_path(spec["ResultPath"])
    return None if not path.steps else path


class State:
    """Fields every state may have, and the I/O pipeline steps."""

    kind = "State"

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        self.name = name
        self.spec = spec
        self.next: str | None = spec.get("Next")
        self.input_path = self._path_field(spec, "InputPath")
        self.output_path = self._path_field(spec, "OutputPath")
        self.parameters = compile_template(spec["Parameters"]) if "Parameters" in spec else None
        self.result_selector = (
            compile_template(spec["ResultSelector"]) if "ResultSelector" in spec else None
        )
        self.result_path = _result_path(spec)
        self.assign = compile_template(spec["Assign"]) if "Assign" in spec else None
        self.retriers = [Retrier(r) for r in spec.get("Retry", ())]
        self.catchers = [Catcher(c) for c in spec.get("Catch", ())]
        self.entered = f"{self.kind}StateEntered"
        self.exited = f"{self.kind}StateExited"

    @staticmethod
    def _path_field(spec: dict[str, Any], key: str) -> Any:
        if key not in spec:
            return None
        if spec[key] is None:
            return _DISCARD
        return None if spec[key] == "$" else compile_path(spec[key])

    # -- the pipeline ------------------------------------------------------------------
    def scope(self, frame: Frame, entered: datetime, retry_count: int = 0) -> Scope:
        return Scope(lambda: frame.context(self.name, entered, retry_count), frame.variable)

    def _select(self, path: Any, data: Any, scope: Scope, entered_id: int) -> Any:
        if path is None:
            return data
        if path is _DISCARD:
            return {}
        try:
            return path.get(data, scope.context, scope.variables)
        except PathNotFound as exc:
            raise runtime_error(
                self.name, entered_id, f"Invalid path '{exc.path}' : {exc.detail}"
            ) from None

    def effective_input(self, data: Any, scope: Scope, entered_id: int) -> Any:
        data = self._select(self.input_path, data, scope, entered_id)
        if self.parameters is not None:
            data = self.render(self.parameters, data, scope, entered_id)
        return data

    def render(self, template: Any, data: Any, scope: Scope, entered_id: int) -> Any:
        try:
            return template(data, scope)
        except StatesError as exc:
            if exc.error in ("States.Runtime", "States.IntrinsicFailure"):
                raise StatesError(
                    exc.error,
                    f"An error occurred while executing the state '{self.name}' "
                    f"(entered at the event id #{entered_id}). {exc.cause}",
                ) from None
            raise

    def place_result(self, raw: Any, result: Any, result_path: Any, entered_id: int) -> Any:
        if result_path is None:
            return result
        if result_path is _DISCARD:
            return raw
        try:
            return result_path.put(raw, result)
        except PathNotFound as exc:
            raise runtime_error(self.name, entered_id, exc.detail) from None

    def finish(
        self, frame: Frame, raw: Any, result: Any, scope: Scope, entered_id: int
    ) -> tuple[Any, str | None]:
        """Assign -> ResultSelector -> ResultPath -> OutputPath, then the exit event.

        ``Assign`` sees the raw result, before ``ResultSelector`` (as recorded on AWS).
        """
        assigned = self.do_assign(frame, self.assign, result, scope, entered_id)
        if self.result_selector is not None:
            result = self.render(self.result_selector, result, scope, entered_id)
        output = self.place_result(raw, result, self.result_path, entered_id)
        output = self._select(self.output_path, output, scope, entered_id)
        return self.exit(frame, output, assigned)

    def do_assign(
        self, frame: Frame, assign: Any, data: Any, scope: Scope, entered_id: int
    ) -> dict[str, Any] | None:
        if assign is None:
            return None
        values = self.render(assign, data, scope, entered_id)  # all read the old values first
        frame.vars.update(values)
        return values

    def exit(
        self, frame: Frame, output: Any, assigned: dict[str, Any] | None = None, data: Any = None
    ) -> tuple[Any, str | None]:
        if output is not data:  # an unchanged input was already within the limit
            check_size(output, self.name)
        details: dict[str, Any] = {"name": self.name, "output": output}
        if assigned:
            details["assignedVariables"] = assigned
        frame.event(self.exited, details)
        return output, self.next

    def enter(self, frame: Frame, data: Any) -> tuple[int, datetime]:
        frame.check()
        next(frame.run.transitions)
        entered_id = frame.event(self.entered, {"name": self.name, "input": data})
        return entered_id, frame.run.clock.now()

    def run(self, frame: Frame, data: Any) -> tuple[Any, str | None]:
        raise NotImplementedError

    # -- errors --------------------------------------------------------------------------
    def handle_error(
        self, frame: Frame, raw: Any, exc: StatesError, scope: Scope, entered_id: int
    ) -> tuple[Any, str | None]:
        """Apply the first matching catcher, or re-raise."""
        if exc.error in UNCATCHABLE:
            raise exc
        for catcher in self.catchers:
            if error_matches(catcher.errors, exc.error):
                error_output = {"Error": exc.error, "Cause": exc.cause}
                assigned = self.do_assign(frame, catcher.assign, error_output, scope, entered_id)
                output = self.place_result(raw, error_output, catcher.result_path, entered_id)
                check_size(output, self.name)
                details: dict[str, Any] = {"name": self.name, "output": output}
                if assigned:
                    details["assignedVariables"] = assigned
                frame.event(self.exited, details)
                return output, catcher.next
        raise exc

    def with_retries(
        self,
        frame: Frame,
        raw: Any,
        entered: datetime,
        entered_id: int,
        attempt: Callable[[Scope, int], tuple[Any, str | None]],
    ) -> tuple[Any, str | None]:
        """Run ``attempt`` with this state's Retry and Catch rules around it."""
        used = [0] * len(self.retriers)
        retry_count = 0
        while True:
            scope = self.scope(frame, entered, retry_count)
            try:
                return attempt(scope, retry_count)
            except StatesError as exc:
                if exc.error in UNCATCHABLE:
                    raise
                retrier_index = next(
                    (i for i, r in enumerate(self.retriers) if error_matches(r.errors, exc.error)),
                    None,
                )
                if retrier_index is not None:
                    retrier = self.retriers[retrier_index]
                    if used[retrier_index] < retrier.max_attempts:
                        frame.run.sleep(retrier.delay(used[retrier_index]))
                        used[retrier_index] += 1
                        retry_count += 1
                        frame.check()
                        continue
                return self.handle_error(frame, raw, exc, scope, entered_id)


class PassState(State):
    kind = "Pass"

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        super().__init__(name, spec)
        self.has_result = "Result" in spec
        self.result = spec.get("Result")

    def run(self, frame: Frame, data: Any) -> tuple[Any, str | None]:
        entered_id, entered = self.enter(frame, data)
        scope = self.scope(frame, entered)
        effective = self.effective_input(data, scope, entered_id)
        result = self.result if self.has_result else effective
        assigned = self.do_assign(frame, self.assign, result, scope, entered_id)
        output = self.place_result(data, result, self.result_path, entered_id)
        output = self._select(self.output_path, output, scope, entered_id)
        return self.exit(frame, output, assigned, data)


class SucceedState(State):
    kind = "Succeed"

    def run(self, frame: Frame, data: Any) -> tuple[Any, str | None]:
        entered_id, entered = self.enter(frame, data)
        scope = self.scope(frame, entered)
        effective = self._select(self.input_path, data, scope, entered_id)
        output = self._select(self.output_path, effective, scope, entered_id)
        output, _ = self.exit(frame, output, None, data)
        return output, None


class FailState(State):
    kind = "Fail"

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        super().__init__(name, spec)
        self.error = spec.get("Error")
        self.cause = spec.get("Cause")
        self.error_path = (
            compile_dynamic("ErrorPath", spec["ErrorPath"]) if "ErrorPath" in spec else None
        )
        self.cause_path = (
            compile_dynamic("CausePath", spec["CausePath"]) if "CausePath" in spec else None
        )

    def run(self, frame: Frame, data: Any) -> tuple[Any, str | None]:
        entered_id, entered = self.enter(frame, data)
        scope = self.scope(frame, entered)
        error = self.error
        cause = self.cause
        if self.error_path is not None:
            error = self.render(self.error_path, data, scope, entered_id)
        if self.cause_path is not None:
            cause = self.render(self.cause_path, data, scope, entered_id)
        for field, value in (("ErrorPath", error), ("CausePath", cause)):
            if value is not None and not isinstance(value, str):
                raise runtime_error(
                    self.name, entered_id, f"The {field} value must be a string: {value!r}"
                )
        raise StatesError(error or "", cause or "")


class ChoiceState(State):
    kind = "Choice"

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        super().__init__(name, spec)
        self.rules = [
            (
                compile_rule(rule),
                rule["Next"],
                compile_template(rule["Assign"]) if "Assign" in rule else None,
            )
            for rule in spec["Choices"]
        ]
        self.default = spec.get("Default")

    def run(self, frame: Frame, data: Any) -> tuple[Any, str | None]:
        entered_id, entered = self.enter(frame, data)
        scope = self.scope(frame, entered)
        effective = self._select(self.input_path, data, scope, entered_id)
        target, assign = self.default, self.assign
        for predicate, next_name, rule_assign in self.rules:
            try:
                matched = predicate(effective, scope)
            except StatesError as exc:
                raise runtime_error(self.name, entered_id, exc.cause) from None
            if matched:
                target, assign = next_name, rule_assign
                break
        else:
            if target is None:
                # States.NoChoiceMatched is reserved: AWS reports this as States.Runtime.
                raise runtime_error(
                    self.name,
                    entered_id,
                    "No Choice rule matched the input and the state has no Default.",
                )
        assigned = self.do_assign(frame, assign, effective, scope, entered_id)
        output = self._select(self.output_path, effective, scope, entered_id)
        output, _ = self.exit(frame, output, assigned, data)
        return output, target


class WaitState(State):
    kind = "Wait"

    def run(self, frame: Frame, data: Any) -> tuple[Any, str | None]:
        entered_id, entered = self.enter(frame, data)
        scope = self.scope(frame, entered)
        effective = self._select(self.input_path, data, scope, entered_id)
        frame.run.sleep(self._seconds(effective, scope, entered_id, frame))
        frame.check()
        assigned = self.do_assign(frame, self.assign, effective, scope, entered_id)
        output = self._select(self.output_path, effective, scope, entered_id)
        return self.exit(frame, output, assigned, data)

    def _seconds(self, data: Any, scope: Scope, entered_id: int, frame: Frame) -> float:
        spec = self.spec
        if "Seconds" in spec:
            return float(spec["Seconds"])
        if "Timestamp" in spec:
            moment = parse_timestamp(spec["Timestamp"])
            return seconds_until(frame.run.clock, moment) if moment else 0.0
        if "SecondsPath" in spec:
            value = self._select(compile_path(spec["SecondsPath"]), data, scope, entered_id)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise runtime_error(
                    self.name,
                    entered_id,
                    f"The SecondsPath parameter does not reference a valid integer: {value!r}",
                )
            return float(value)
        value = self._select(compile_path(spec["TimestampPath"]), data, scope, entered_id)
        moment = parse_timestamp(value) if isinstance(value, str) else None
        if moment is None:
            raise runtime_error(
                self.name,
                entered_id,
                f"The TimestampPath parameter does not reference a valid ISO-8601 timestamp: "
                f"{value!r}",
            )
        return seconds_until(frame.run.clock, moment)
