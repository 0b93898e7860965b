"""The Task state: Lambda functions (both resource forms), registered integrations, and mocks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ._errors import StatesError
from ._lambda import LAMBDA_INVOKE, call_handler, invoke_envelope
from ._mocks import MockedThrow
from ._runtime import Frame, runtime_error
from ._states import MAX_PAYLOAD_BYTES, State, check_size

_SERVICE_PREFIX = "arn:aws:states:::"


def _resource_parts(resource: str) -> tuple[str, str]:
    """``arn:aws:states:::lambda:invoke`` -> ("lambda", "invoke"), as history events name them."""
    tail = resource[len(_SERVICE_PREFIX) :] if resource.startswith(_SERVICE_PREFIX) else resource
    service, _, action = tail.partition(":")
    return service, action


def _with_timeout(call: Callable[[], Any], seconds: float | None) -> Any:
    """Run ``call``; past ``seconds`` give up on it (a thread cannot be killed: it is abandoned)."""
    if seconds is None:
        return call()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = call()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise StatesError("States.Timeout", "")
    if "error" in box:
        raise box["error"]
    return box["result"]


class TaskState(State):
    kind = "Task"

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        super().__init__(name, spec)
        self.resource: str = spec["Resource"]
        self.timeout_seconds = spec.get("TimeoutSeconds")
        self.timeout_path = spec.get("TimeoutSecondsPath")
        base = self.resource.split(".waitForTaskToken")[0].split(".sync")[0]
        if base == LAMBDA_INVOKE:
            self.mode = "invoke"
        elif self.resource.startswith("arn:aws:lambda:"):
            self.mode = "function"
        else:
            self.mode = "integration"
        self.resource_type, self.resource_name = _resource_parts(self.resource)

    def run(self, frame: Frame, data: Any) -> tuple[Any, str | None]:
        entered_id, entered = self.enter(frame, data)

        def attempt(scope: Any, retry_count: int) -> tuple[Any, str | None]:
            effective = self.effective_input(data, scope, entered_id)
            result = self.invoke(frame, effective, entered_id, data, scope)
            return self.finish(frame, data, result, scope, entered_id)

        return self.with_retries(frame, data, entered, entered_id, attempt)

    # -- invocation ------------------------------------------------------------------------
    def _timeout(self, data: Any, scope: Any, entered_id: int) -> float | None:
        if self.timeout_path is not None:
            from ._paths import compile_path

            value = self._select(compile_path(self.timeout_path), data, scope, entered_id)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise runtime_error(
                    self.name,
                    entered_id,
                    f"The TimeoutSecondsPath value must be a positive integer: {value!r}",
                )
            return float(value)
        return float(self.timeout_seconds) if self.timeout_seconds is not None else None

    def invoke(
        self, frame: Frame, params: Any, entered_id: int, raw: Any, scope: Any
    ) -> Any:
        run = frame.run
        engine = run.engine
        timeout = self._timeout(raw, scope, entered_id)
        if self.mode == "function":
            frame.event(
                "LambdaFunctionScheduled",
                {"resource": self.resource, "input": params}
                | ({"timeoutInSeconds": int(timeout)} if timeout else {}),
            )
            frame.event("LambdaFunctionStarted")
        else:
            scheduled: dict[str, Any] = {
                "resourceType": self.resource_type,
                "resource": self.resource_name,
                "region": engine.region,
                "parameters": params,
            }
            if timeout:
                scheduled["timeoutInSeconds"] = int(timeout)
            frame.event("TaskScheduled", scheduled)
            frame.event(
                "TaskStarted", {"resourceType": self.resource_type, "resource": self.resource_name}
            )
        try:
            result = _with_timeout(lambda: self._call(frame, params), timeout)
        except StatesError as exc:
            self._failed_event(frame, exc)
            raise
        if self.mode == "function":
            frame.event("LambdaFunctionSucceeded", {"output": result})
        else:
            frame.event(
                "TaskSucceeded",
                {
                    "resourceType": self.resource_type,
                    "resource": self.resource_name,
                    "output": result,
                },
            )
        return result

    def _failed_event(self, frame: Frame, exc: StatesError) -> None:
        timed_out = exc.error == "States.Timeout"
        if self.mode == "function":
            kind = "LambdaFunctionTimedOut" if timed_out else "LambdaFunctionFailed"
            frame.event(kind, {"error": exc.error, "cause": exc.cause})
        else:
            kind = "TaskTimedOut" if timed_out else "TaskFailed"
            frame.event(
                kind,
                {
                    "resourceType": self.resource_type,
                    "resource": self.resource_name,
                    "error": exc.error,
                    "cause": exc.cause,
                },
            )

    def _call(self, frame: Frame, params: Any) -> Any:
        run = frame.run
        engine = run.engine
        mock = run.mock_case
        if mock is not None and mock.test_case.has_mock(self.name):
            # Step Functions Local counts invocations per execution: retries and iterations too.
            response = mock.next_response(self.name)
            if isinstance(response, MockedThrow):
                raise StatesError(response.error, response.cause)
            check_size(response.value, self.name)
            return response.value
        if self.mode == "function":
            result, _, size = call_handler(
                engine.functions,
                self.resource,
                params,
                region=engine.region,
                account=engine.account_id,
                remaining_ms=run.remaining_ms,
            )
            self._check_size(size)
            return result
        if self.mode == "invoke":
            if not isinstance(params, dict) or "FunctionName" not in params:
                raise StatesError(
                    "States.Runtime",
                    f"The state '{self.name}' calls lambda:invoke without a FunctionName in "
                    "Parameters.",
                )
            event = params.get("Payload", {})
            payload, request_id, size = call_handler(
                engine.functions,
                str(params["FunctionName"]),
                event,
                region=engine.region,
                account=engine.account_id,
                remaining_ms=run.remaining_ms,
            )
            if params.get("InvocationType") == "Event":
                return invoke_envelope("", request_id, 0, status_code=202)
            self._check_size(size)
            return invoke_envelope(payload, request_id, size)
        integration = engine.integrations.get(self.resource)
        if integration is None:
            raise StatesError(
                "States.Runtime",
                f"The local engine has no integration for resource '{self.resource}' (state "
                f"'{self.name}'). Register one with LocalEngine(integrations={{'{self.resource}': "
                "callable}}), or mock it with a mock configuration.",
            )
        result = integration(params)
        check_size(result, self.name)
        return result

    def _check_size(self, size: int) -> None:
        if size > MAX_PAYLOAD_BYTES:
            raise StatesError(
                "States.DataLimitExceeded",
                f"The state/task '{self.name}' returned a result with a size exceeding the "
                "maximum number of bytes service limit.",
            )
