"""Task, LambdaInvoke, Pass, Wait, Succeed, Fail and Parallel state builders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

from workflows._base import (
    UNSET,
    Catch,
    Chain,
    RenderContext,
    Retry,
    State,
    _render_fields,
    _render_next_end,
    _render_paths,
    _render_retry_catch,
    _Unset,
)
from workflows._iam import (
    LAMBDA_INVOKE_RESOURCE,
    IamStatement,
    lambda_statement,
    statements_for_state,
)
from workflows._paths import JsonPath, render_template

LAMBDA_SERVICE_RETRY = Retry(
    (
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
    ),
    interval_seconds=1,
    max_attempts=3,
    backoff_rate=2,
    jitter_strategy="FULL",
)
"""AWS's recommended retrier for transient Lambda service errors and throttling."""


def _with_targets(catch: Sequence[Catch]) -> tuple[State | Chain, ...]:
    return tuple(catcher.handler for catcher in catch)


@dataclass(frozen=True)
class Task(State):
    """A Task state calling any ``Resource`` (an activity, a service integration, a Lambda ARN).

    ``iam`` adds statements the role needs that cannot be derived from ``resource``
    (Lambda ARNs and ``lambda:invoke`` are derived).

    Examples
    --------
    >>> from workflows import StateMachine, Task
    >>> crawl = Task("Crawl", resource="arn:aws:states:::states:startExecution.sync:2",
    ...              parameters={"StateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:c"})
    >>> StateMachine(crawl).compile()["States"]["Crawl"]["Resource"]
    'arn:aws:states:::states:startExecution.sync:2'
    """

    name: str
    _: KW_ONLY
    resource: str
    parameters: Mapping[str, Any] | None = None
    comment: str | None = None
    input_path: str | None = "$"
    result_selector: Mapping[str, Any] | None = None
    result_path: str | None = "$"
    output_path: str | None = "$"
    assign: Mapping[str, Any] | None = None
    timeout_seconds: int | None = None
    timeout_seconds_path: str | None = None
    heartbeat_seconds: int | None = None
    heartbeat_seconds_path: str | None = None
    retry: Sequence[Retry] = ()
    catch: Sequence[Catch] = ()
    iam: Sequence[IamStatement] = ()

    def __post_init__(self) -> None:
        for field in ("retry", "catch", "iam"):
            object.__setattr__(self, field, tuple(getattr(self, field)))

    def targets(self) -> tuple[State | Chain, ...]:
        return _with_targets(self.catch)

    def iam_statements(self) -> list[IamStatement]:
        derived = statements_for_state(
            {"Type": "Task", "Resource": self.resource, "Parameters": self._parameters()}
        )
        return [*derived, *self.iam]

    def _parameters(self) -> Mapping[str, Any] | None:
        return self.parameters

    def _retry(self) -> Sequence[Retry]:
        return self.retry

    def _output_path(self) -> str | None:
        return self.output_path

    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        rendered: dict[str, Any] = {"Type": "Task"}
        rendered.update(_render_fields(Comment=self.comment, Resource=self.resource))
        rendered.update(
            _render_paths(
                input_path=self.input_path,
                parameters=self._parameters(),
                result_selector=self.result_selector,
                result_path=self.result_path,
                output_path=self._output_path(),
                assign=self.assign,
            )
        )
        rendered.update(
            _render_fields(
                TimeoutSeconds=self.timeout_seconds,
                TimeoutSecondsPath=self.timeout_seconds_path,
                HeartbeatSeconds=self.heartbeat_seconds,
                HeartbeatSecondsPath=self.heartbeat_seconds_path,
            )
        )
        rendered.update(_render_retry_catch(self._retry(), self.catch))
        rendered.update(_render_next_end(next_name))
        return rendered


@dataclass(frozen=True, kw_only=True)
class LambdaInvoke(Task):
    """Invoke a Lambda function through ``arn:aws:states:::lambda:invoke``.

    Defaults, chosen so the common case needs no extra fields:

    * ``payload`` defaults to the whole effective input (``"Payload.$": "$"``); a dict is a
      payload template (use ``jp()`` for dynamic values), a ``jp()`` selects a path.
    * ``output_path`` defaults to ``"$.Payload"`` (the function's return value) while
      ``result_path`` is ``"$"``. With another ``result_path`` the whole invoke envelope
      (``Payload``, ``StatusCode``...) is stored there and the default becomes ``"$"``;
      use ``result_selector={"value": jp("$.Payload")}`` to keep only the return value.
    * ``retry_on_service_exceptions`` puts :data:`LAMBDA_SERVICE_RETRY` before ``retry``;
      turn it off to use your own retriers only.
    * ``resource`` may be ``arn:aws:states:::lambda:invoke.waitForTaskToken`` for a
      callback; pass the token in the payload with ``jp("$$.Task.Token")``.

    Examples
    --------
    >>> from workflows import LambdaInvoke, StateMachine, jp
    >>> check = LambdaInvoke("Check", function_name="thera-check",
    ...                      payload={"domain": jp("$.domain")})
    >>> state = StateMachine(check).compile()["States"]["Check"]
    >>> state["Parameters"], state["OutputPath"], state["Retry"][0]["MaxAttempts"]
    ({'FunctionName': 'thera-check', 'Payload': {'domain.$': '$.domain'}}, '$.Payload', 3)
    """

    resource: str = LAMBDA_INVOKE_RESOURCE
    function_name: str | JsonPath
    payload: Mapping[str, Any] | JsonPath | None = None
    output_path: str | _Unset | None = UNSET  # type: ignore[assignment]
    retry_on_service_exceptions: bool = True

    def iam_statements(self) -> list[IamStatement]:
        function = self.function_name if isinstance(self.function_name, str) else None
        return [lambda_statement(function), *self.iam]

    def _parameters(self) -> Mapping[str, Any] | None:
        template: dict[str, Any] = {"FunctionName": self.function_name}
        if self.payload is None:
            template["Payload"] = JsonPath("$")
        else:
            template["Payload"] = self.payload
        extra = dict(self.parameters or {})
        return {**template, **extra}

    def _retry(self) -> Sequence[Retry]:
        if self.retry_on_service_exceptions:
            return (LAMBDA_SERVICE_RETRY, *self.retry)
        return self.retry

    def _output_path(self) -> str | None:
        if isinstance(self.output_path, _Unset):
            return "$.Payload" if self.result_path == "$" else "$"
        return self.output_path


_NOT_GIVEN: Any = UNSET


@dataclass(frozen=True)
class Pass(State):
    """A Pass state: passes its input on, optionally injecting ``result`` or reshaping it.

    ``result`` may be any JSON value, ``None`` (JSON ``null``) included.
    ``result_path`` cannot be ``None`` here: discarding a Pass result is a no-op.

    Examples
    --------
    >>> from workflows import Pass, StateMachine
    >>> seed = Pass("Seed", result={"page": 1}, result_path="$.cursor")
    >>> StateMachine(seed).compile()["States"]["Seed"]
    {'Type': 'Pass', 'Result': {'page': 1}, 'ResultPath': '$.cursor', 'End': True}
    """

    name: str
    _: KW_ONLY
    result: Any = _NOT_GIVEN
    parameters: Mapping[str, Any] | None = None
    comment: str | None = None
    input_path: str | None = "$"
    result_path: str = "$"
    output_path: str | None = "$"
    assign: Mapping[str, Any] | None = None

    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        rendered: dict[str, Any] = {"Type": "Pass"}
        rendered.update(_render_fields(Comment=self.comment))
        if self.result is not UNSET:
            rendered["Result"] = render_template(self.result)
        rendered.update(
            _render_paths(
                input_path=self.input_path,
                parameters=self.parameters,
                result_path=self.result_path,
                output_path=self.output_path,
                assign=self.assign,
            )
        )
        rendered.update(_render_next_end(next_name))
        return rendered


@dataclass(frozen=True)
class Wait(State):
    """A Wait state: give exactly one of ``seconds``, ``seconds_path``, ``timestamp``
    (RFC 3339, e.g. ``"2025-01-31T00:00:00Z"``) or ``timestamp_path``.

    Examples
    --------
    >>> from workflows import StateMachine, Wait
    >>> StateMachine(Wait("Cool down", seconds=30)).compile()["States"]["Cool down"]
    {'Type': 'Wait', 'Seconds': 30, 'End': True}
    """

    name: str
    _: KW_ONLY
    seconds: int | None = None
    seconds_path: str | None = None
    timestamp: str | None = None
    timestamp_path: str | None = None
    comment: str | None = None
    input_path: str | None = "$"
    output_path: str | None = "$"
    assign: Mapping[str, Any] | None = None

    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        rendered: dict[str, Any] = {"Type": "Wait"}
        rendered.update(
            _render_fields(
                Comment=self.comment,
                Seconds=self.seconds,
                SecondsPath=self.seconds_path,
                Timestamp=self.timestamp,
                TimestampPath=self.timestamp_path,
            )
        )
        rendered.update(
            _render_paths(
                input_path=self.input_path, output_path=self.output_path, assign=self.assign
            )
        )
        rendered.update(_render_next_end(next_name))
        return rendered


@dataclass(frozen=True)
class Succeed(State):
    """A Succeed state: ends the run (or the branch) successfully.

    Examples
    --------
    >>> from workflows import StateMachine, Succeed
    >>> StateMachine(Succeed("Done")).compile()["States"]["Done"]
    {'Type': 'Succeed'}
    """

    name: str
    _: KW_ONLY
    comment: str | None = None
    ends_chain: ClassVar[bool] = True

    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        return {"Type": "Succeed", **_render_fields(Comment=self.comment)}


@dataclass(frozen=True)
class Fail(State):
    """A Fail state: ends the run with an error name and a cause.

    Give ``error`` or ``error_path`` (a reference path or intrinsic function), and
    ``cause`` or ``cause_path``.

    Examples
    --------
    >>> from workflows import Fail, StateMachine
    >>> failed = Fail("Failed", error="Thera.NoSites", cause="No live site found.")
    >>> StateMachine(failed).compile()["States"]["Failed"]["Error"]
    'Thera.NoSites'
    """

    name: str
    _: KW_ONLY
    error: str | None = None
    cause: str | None = None
    error_path: str | None = None
    cause_path: str | None = None
    comment: str | None = None
    ends_chain: ClassVar[bool] = True

    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        return {
            "Type": "Fail",
            **_render_fields(
                Comment=self.comment,
                Error=self.error,
                ErrorPath=self.error_path,
                Cause=self.cause,
                CausePath=self.cause_path,
            ),
        }


@dataclass(frozen=True)
class Parallel(State):
    """A Parallel state: runs every branch (a state or a chain) on the same input.

    The result is the list of branch outputs, in branch order.

    Examples
    --------
    >>> from workflows import Parallel, Pass, StateMachine
    >>> both = Parallel("Both", branches=[Pass("Left"), Pass("Right")])
    >>> [b["StartAt"] for b in StateMachine(both).compile()["States"]["Both"]["Branches"]]
    ['Left', 'Right']
    """

    name: str
    _: KW_ONLY
    branches: Sequence[State | Chain]
    parameters: Mapping[str, Any] | None = None
    comment: str | None = None
    input_path: str | None = "$"
    result_selector: Mapping[str, Any] | None = None
    result_path: str | None = "$"
    output_path: str | None = "$"
    assign: Mapping[str, Any] | None = None
    retry: Sequence[Retry] = ()
    catch: Sequence[Catch] = ()

    def __post_init__(self) -> None:
        for field in ("branches", "retry", "catch"):
            object.__setattr__(self, field, tuple(getattr(self, field)))

    def targets(self) -> tuple[State | Chain, ...]:
        return _with_targets(self.catch)

    def bodies(self) -> tuple[State | Chain, ...]:
        return tuple(self.branches)

    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        rendered: dict[str, Any] = {"Type": "Parallel"}
        rendered.update(_render_fields(Comment=self.comment))
        rendered["Branches"] = [
            ctx.branch(branch, f"Parallel {self.name!r} branch {index}")
            for index, branch in enumerate(self.branches, start=1)
        ]
        rendered.update(
            _render_paths(
                input_path=self.input_path,
                parameters=self.parameters,
                result_selector=self.result_selector,
                result_path=self.result_path,
                output_path=self.output_path,
                assign=self.assign,
            )
        )
        rendered.update(_render_retry_catch(self.retry, self.catch))
        rendered.update(_render_next_end(next_name))
        return rendered


@dataclass(frozen=True)
class StateRef(State):
    """A reference, by name, to a state defined elsewhere in the same scope.

    States are immutable, so a loop back to a state that is still being built (a Choice
    whose branch returns to it, a Catch handler that retries its own Task) names it
    instead. The compiler only renders the transition; the state itself must be defined
    by a chain of the same level.

    Examples
    --------
    >>> from workflows import Choice, Condition, StateMachine, StateRef, Succeed, Wait
    >>> poll = (
    ...     Choice("Ready?")
    ...     .when(Condition.boolean_equals("$.ready", True), Succeed("Done"))
    ...     .otherwise(Wait("Pause", seconds=5).next(StateRef("Ready?")))
    ... )
    >>> StateMachine(poll).compile()["States"]["Pause"]["Next"]
    'Ready?'
    """

    name: str

    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        raise TypeError(f"StateRef({self.name!r}) is a reference and has no ASL of its own.")
