"""What :class:`~thera_sdk.Client` and :class:`~thera_sdk.AsyncClient` share: every request
they build and every answer they read.

Each operation is written once, as a *plan*: a generator that yields the calls it needs
(:class:`Call`) and receives their answers, or has the translated error thrown into it, and
finally returns the typed result. The sync client drives a plan with blocking transport calls,
the async client with awaited ones; neither holds any logic of its own beyond the loop, the
sleeps and the iteration of pages. So both clients behave alike by construction.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final, TypeAlias, TypeVar

from thera_sdk._exceptions import (
    AccessDeniedError,
    FunctionFailedError,
    NotFoundError,
    RecordNotFoundError,
    RunNotFoundError,
    TableNotFoundError,
    TheraError,
    UnexpectedResponseError,
    ValidationError,
    WaitTimeoutError,
    WorkflowNotFoundError,
)
from thera_sdk.client._errors import translate_error
from thera_sdk.client._models import RUN_STATUSES, Match, Run, RunEvent, StartupRecord
from thera_sdk.client._options import (
    RetryPolicy,
    StackResources,
    Timeouts,
    UseClientDefault,
)
from thera_sdk.client._parse import (
    as_datetime,
    check_run_name,
    decode_item,
    encode_value,
    event_from_history,
    field_of,
    matches_from_payload,
    record_from_item,
    record_timestamp,
    run_from_description,
    workflow_of,
)
from thera_sdk.client._transports import Request, Response

__all__ = ["BaseClient", "Call", "Plan", "ScanPage"]

T = TypeVar("T")

# Output keys of the stack (thera_sdk/deploy renders them); the second name of each pair is
# accepted too, for stacks deployed by other means.
PUBLIC_TABLE_OUTPUTS: Final = ("StartupsPublicTableName", "PublicTableName")
PRIVATE_TABLE_OUTPUTS: Final = ("StartupsPrivateTableName", "PrivateTableName")
MATCHER_OUTPUTS: Final = ("MatcherFunctionArn", "MatcherFunctionName")
MACHINE_OUTPUT_SUFFIX: Final = "StateMachineArn"
_FALLBACK_WORKFLOWS: Final = ("daily", "weekly-training")


@dataclass(frozen=True)
class Call:
    """A request, with what it touches for error messages."""

    request: Request
    subject: str
    not_found: type[NotFoundError] = NotFoundError
    hint: str = "check the name"


Plan: TypeAlias = Generator[Call, Mapping[str, Any], T]
ScanPage: TypeAlias = tuple[list[StartupRecord], dict[str, Any] | None]


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


def _execution_arn(machine_arn: str, name: str) -> str:
    head, _, machine = machine_arn.rpartition(":stateMachine:")
    return f"{head}:execution:{machine}:{name}"


def _function_error(payload: Any, function: str) -> TheraError:
    kind = str(payload.get("errorType") or "Error") if isinstance(payload, Mapping) else "Error"
    message = str(payload.get("errorMessage") or "") if isinstance(payload, Mapping) else ""
    if kind in {"ValidationError", "ValueError"}:
        return ValidationError(message or f"The matcher refused the request ({kind}).")
    if kind.endswith("NotFoundError"):
        return NotFoundError(
            f"{message}; the matcher index is built by the daily workflow's embeddings stage: "
            "run it first."
        )
    return FunctionFailedError(
        f"The matcher function {function!r} failed with {kind}: {message}; see its logs.",
        error_type=kind,
    )


class BaseClient:
    """The shared half of the clients: settings, resource lookup and operation plans."""

    def __init__(
        self,
        *,
        stack: str,
        region: str,
        resources: StackResources | None,
        timeouts: Timeouts,
        retries: RetryPolicy,
        poll_interval: float,
    ) -> None:
        if poll_interval <= 0:
            raise ValidationError(f"poll_interval is {poll_interval}; use positive seconds.")
        self.stack = stack
        self.region = region
        self.timeouts = timeouts
        self.retries = retries
        self.poll_interval = poll_interval
        self._given = resources or StackResources()
        self._resources: StackResources | None = None

    def __repr__(self) -> str:
        transport = type(getattr(self, "transport", None)).__name__
        return f"{type(self).__name__}(stack={self.stack!r}, transport={transport})"

    # -- answers -------------------------------------------------------------------------------
    def _check(self, call: Call, response: Response) -> Mapping[str, Any]:
        if response.ok:
            return response.data
        raise translate_error(response, call.subject, not_found=call.not_found, hint=call.hint)

    def _deadline(self, timeout: float | UseClientDefault | None) -> float | None:
        seconds = self.timeouts.wait if isinstance(timeout, UseClientDefault) else timeout
        return None if seconds is None else time.monotonic() + seconds

    def _interval(self, poll_interval: float | UseClientDefault) -> float:
        if isinstance(poll_interval, UseClientDefault):
            return self.poll_interval
        if poll_interval <= 0:
            raise ValidationError(f"poll_interval is {poll_interval}; use positive seconds.")
        return poll_interval

    @staticmethod
    def _still_running(run: Run, deadline: float | None, interval: float) -> float:
        """Seconds to sleep before the next poll of ``run``; raises past the deadline."""
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise WaitTimeoutError(
                f"Run {run.name!r} of workflow {run.workflow!r} is still {run.status}; wait "
                "again, raise the timeout, or stop_run() it.",
                run_id=run.run_id,
            )
        return interval if remaining is None else min(interval, remaining)

    # -- the stack's resources -----------------------------------------------------------------
    def _plan_resources(self) -> Plan[StackResources]:
        if self._resources is not None:
            return self._resources
        given = self._given
        if given.complete:
            self._resources = given
            return given
        outputs: dict[str, str] = {}
        try:
            data = yield Call(
                Request("cloudformation", "DescribeStacks", {"StackName": self.stack}),
                f"stack {self.stack!r}",
                hint="deploy it (thera deploy) or pass resources=StackResources(...)",
            )
            for stack in data.get("Stacks") or ():
                for entry in stack.get("Outputs") or ():
                    outputs[str(entry["OutputKey"])] = str(entry["OutputValue"])
        except (NotFoundError, AccessDeniedError, ValidationError):
            pass  # no stack to read: fall back on the names the stack would give
        machines = {
            workflow_of(arn, self.stack): arn
            for key, arn in outputs.items()
            if key.endswith(MACHINE_OUTPUT_SUFFIX)
        }
        if not machines and not given.state_machines:
            machines = yield from self._plan_conventional_machines()
        machines.update(given.state_machines)

        def output(keys: tuple[str, ...], default: str) -> str:
            return next((outputs[k] for k in keys if outputs.get(k)), default)

        self._resources = StackResources(
            state_machines=machines,
            public_table=given.public_table
            or output(PUBLIC_TABLE_OUTPUTS, f"{self.stack}-startups-public"),
            private_table=given.private_table
            or output(PRIVATE_TABLE_OUTPUTS, f"{self.stack}-startups-private"),
            matcher_function=given.matcher_function
            or output(MATCHER_OUTPUTS, f"{self.stack}-matcher"),
        )
        return self._resources

    def _plan_conventional_machines(self) -> Plan[dict[str, str]]:
        """``<stack>-<workflow>`` in the caller's account, as the stack names state machines."""
        try:
            identity = yield Call(Request("sts", "GetCallerIdentity", {}), "the caller's identity")
        except TheraError:
            return {}
        account = identity.get("Account")
        if not account:
            return {}
        try:
            from workflows.catalog import WORKFLOWS

            names: tuple[str, ...] = tuple(WORKFLOWS)
        except ImportError:
            names = _FALLBACK_WORKFLOWS
        partition = _partition(self.region)
        return {
            name: f"arn:{partition}:states:{self.region}:{account}:stateMachine:{self.stack}-{name}"
            for name in names
        }

    def _plan_machine(self, workflow: str) -> Plan[str]:
        resources = yield from self._plan_resources()
        arn = resources.state_machines.get(workflow)
        if arn is None:
            known = ", ".join(sorted(resources.state_machines)) or "none"
            raise WorkflowNotFoundError(
                f"No workflow named {workflow!r} in stack {self.stack!r} (workflows: {known}); "
                "check the name, or pass its ARN in resources=StackResources(state_machines=...)."
            )
        return arn

    # -- runs ----------------------------------------------------------------------------------
    def _plan_start_run(self, workflow: str, input: Any, name: str | None) -> Plan[Run]:
        try:
            text = json.dumps({} if input is None else input)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                f"The input of a {workflow!r} run must be JSON-serializable: {exc}."
            ) from exc
        name = name or uuid.uuid4().hex  # named here, so a retried start cannot start twice
        check_run_name(name)
        machine = yield from self._plan_machine(workflow)
        data = yield Call(
            Request(
                "stepfunctions",
                "StartExecution",
                {"stateMachineArn": machine, "name": name, "input": text},
            ),
            f"run {name!r} of workflow {workflow!r}",
            not_found=WorkflowNotFoundError,
            hint="deploy the stack (thera deploy), or check the workflow's name",
        )
        return Run(
            run_id=str(field_of(data, "executionArn", "StartExecution")),
            name=name,
            workflow=workflow,
            status="RUNNING",
            started_at=as_datetime(data.get("startDate")) or datetime.now(UTC),
            input=json.loads(text),
            state_machine_arn=machine,
        )

    def _describe(self, arn: str, subject: str) -> Call:
        return Call(
            Request("stepfunctions", "DescribeExecution", {"executionArn": arn}),
            subject,
            not_found=RunNotFoundError,
            hint="check the id (Run.run_id, or list_runs())",
        )

    def _plan_find(self, run_id: str) -> Plan[Mapping[str, Any]]:
        """``DescribeExecution`` of a run given by ARN, or by name in any workflow."""
        if not isinstance(run_id, str) or not run_id:
            raise ValidationError("Pass a run id: Run.run_id (an execution ARN) or a run's name.")
        if run_id.startswith("arn:"):
            return (yield self._describe(run_id, f"run {run_id!r}"))
        resources = yield from self._plan_resources()
        for machine in resources.state_machines.values():
            try:
                return (yield self._describe(_execution_arn(machine, run_id), f"run {run_id!r}"))
            except RunNotFoundError:
                continue
        raise RunNotFoundError(
            f"No run is named {run_id!r} in stack {self.stack!r}; pass its id (Run.run_id), or "
            "find it with list_runs()."
        )

    def _plan_run_arn(self, run_id: str) -> Plan[str]:
        if isinstance(run_id, str) and run_id.startswith("arn:"):
            return run_id
        data = yield from self._plan_find(run_id)
        return str(field_of(data, "executionArn", "DescribeExecution"))

    def _plan_get_run(self, run_id: str) -> Plan[Run]:
        data = yield from self._plan_find(run_id)
        return run_from_description(data, self.stack, "DescribeExecution")

    @staticmethod
    def _check_listing(status: str | None, page_size: int) -> None:
        if status is not None and status not in RUN_STATUSES:
            raise ValidationError(f"status={status!r} is not one of {', '.join(RUN_STATUSES)}.")
        if not 1 <= page_size <= 1000:
            raise ValidationError(f"page_size is {page_size}; use 1 to 1000.")

    def _plan_machines(self, workflow: str | None) -> Plan[list[str]]:
        if workflow is not None:
            return [(yield from self._plan_machine(workflow))]
        resources = yield from self._plan_resources()
        return list(resources.state_machines.values())

    def _plan_runs_page(
        self,
        machine: str,
        status: str | None,
        token: str | None,
        page_size: int,
        *,
        missing_ok: bool = False,
    ) -> Plan[tuple[list[Run], str | None]]:
        params: dict[str, Any] = {"stateMachineArn": machine, "maxResults": page_size}
        if status is not None:
            params["statusFilter"] = status
        if token:
            params["nextToken"] = token
        try:
            data = yield Call(
                Request("stepfunctions", "ListExecutions", params),
                f"the runs of {machine!r}",
                not_found=WorkflowNotFoundError,
                hint="deploy the stack, or check the workflow's name",
            )
        except WorkflowNotFoundError:
            if not missing_ok:
                raise
            return [], None  # listing every workflow: one not deployed has no runs
        runs = [
            run_from_description(item, self.stack, "ListExecutions")
            for item in data.get("executions") or ()
        ]
        return runs, data.get("nextToken") or None

    def _plan_history(self, run_id: str) -> Plan[list[RunEvent]]:
        arn = yield from self._plan_run_arn(run_id)
        events: list[RunEvent] = []
        token: str | None = None
        while True:
            params: dict[str, Any] = {"executionArn": arn, "maxResults": 1000}
            if token:
                params["nextToken"] = token
            data = yield Call(
                Request("stepfunctions", "GetExecutionHistory", params),
                f"run {run_id!r}",
                not_found=RunNotFoundError,
                hint="check the id (Run.run_id, or list_runs())",
            )
            events.extend(event_from_history(e) for e in data.get("events") or ())
            token = data.get("nextToken")
            if not token:
                return events

    def _plan_stop_run(self, run_id: str, error: str | None, cause: str | None) -> Plan[Run]:
        arn = yield from self._plan_run_arn(run_id)
        params: dict[str, Any] = {"executionArn": arn}
        if error is not None:
            params["error"] = error
        if cause is not None:
            params["cause"] = cause
        yield Call(
            Request("stepfunctions", "StopExecution", params),
            f"run {run_id!r}",
            not_found=RunNotFoundError,
        )
        data = yield self._describe(arn, f"run {run_id!r}")
        return run_from_description(data, self.stack, "DescribeExecution")

    def _plan_redrive_run(self, run_id: str) -> Plan[Run]:
        arn = yield from self._plan_run_arn(run_id)
        yield Call(
            Request(
                "stepfunctions",
                "RedriveExecution",
                {"executionArn": arn, "clientToken": uuid.uuid4().hex},
            ),
            f"run {run_id!r}",
            not_found=RunNotFoundError,
        )
        data = yield self._describe(arn, f"run {run_id!r}")
        return run_from_description(data, self.stack, "DescribeExecution")

    # -- matches -------------------------------------------------------------------------------
    def _plan_match(
        self, text: str, industry: str | None, country: str | None, limit: int
    ) -> Plan[list[Match]]:
        if not isinstance(text, str) or not text.strip():
            raise ValidationError("Describe the challenge: text must be a non-empty string.")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            raise ValidationError(f"limit is {limit!r}; ask for 1 to 100 matches.")
        resources = yield from self._plan_resources()
        function = str(resources.matcher_function)
        event = {"text": text, "industry": industry, "country": country, "limit": limit}
        data = yield Call(
            Request(
                "lambda",
                "Invoke",
                {
                    "FunctionName": function,
                    "InvocationType": "RequestResponse",
                    "Payload": json.dumps(event).encode(),
                },
            ),
            f"matcher function {function!r}",
            hint="deploy the stack (thera deploy), or pass "
            "resources=StackResources(matcher_function=...)",
        )
        raw = data.get("Payload")
        try:
            payload = json.loads(raw) if isinstance(raw, bytes | bytearray | str) else raw
        except ValueError as exc:
            raise UnexpectedResponseError(
                f"The matcher function {function!r} answered with text that is not JSON."
            ) from exc
        if data.get("FunctionError"):
            raise _function_error(payload, function)
        if not isinstance(payload, Mapping):
            raise UnexpectedResponseError(
                f"The matcher function {function!r} answered {type(payload).__name__}, not an "
                "object; see schemas/match_response.json."
            )
        return matches_from_payload(payload)

    # -- records -------------------------------------------------------------------------------
    def _plan_record(self, startup_id: str, *, private: bool) -> Plan[StartupRecord]:
        if not isinstance(startup_id, str) or not startup_id:
            raise ValidationError("Pass a startup id (a non-empty string).")
        resources = yield from self._plan_resources()
        table = str(resources.private_table if private else resources.public_table)
        try:
            data = yield Call(
                Request(
                    "dynamodb",
                    "GetItem",
                    {"TableName": table, "Key": {"startup_id": {"S": startup_id}}},
                ),
                f"table {table!r}",
                not_found=TableNotFoundError,
                hint="deploy the stack, or pass resources=StackResources(...) with its name",
            )
        except AccessDeniedError as exc:
            if not private:
                raise
            raise AccessDeniedError(
                f"These credentials may not read private startup records (table {table!r}). "
                "Ask for a role allowed dynamodb:GetItem on it, or read the public record "
                f"with get_public_record({startup_id!r})."
            ) from exc
        item = data.get("Item")
        if not item:
            raise RecordNotFoundError(
                f"No startup {startup_id!r} in table {table!r}; check the id (query_startups() "
                "lists what is published)."
            )
        return record_from_item(decode_item(item), private=private)

    def _scan_request(
        self,
        industry: str | None,
        country: str | None,
        updated_since: datetime | date | str | None,
        page_size: int,
    ) -> dict[str, Any]:
        """The ``Scan`` parameters (the table name comes later), checked before any call."""
        if not 1 <= page_size <= 1000:
            raise ValidationError(f"page_size is {page_size}; use 1 to 1000.")
        conditions: list[str] = []
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        for attribute, value, operator in (
            ("industry", industry, "="),
            ("country", country, "="),
            ("updated_at", None if updated_since is None else record_timestamp(updated_since),
             ">="),
        ):  # fmt: skip
            if value is None:
                continue
            if not isinstance(value, str) or not value:
                raise ValidationError(f"{attribute} must be a non-empty string, got {value!r}.")
            conditions.append(f"#{attribute} {operator} :{attribute}")
            names[f"#{attribute}"] = attribute
            values[f":{attribute}"] = encode_value(value)
        params: dict[str, Any] = {"Limit": page_size}
        if conditions:
            params["FilterExpression"] = " AND ".join(conditions)
            params["ExpressionAttributeNames"] = names
            params["ExpressionAttributeValues"] = values
        return params

    def _plan_scan_page(
        self, params: Mapping[str, Any], start: dict[str, Any] | None
    ) -> Plan[ScanPage]:
        resources = yield from self._plan_resources()
        table = str(resources.public_table)
        request = {"TableName": table, **params}
        if start:
            request["ExclusiveStartKey"] = start
        data = yield Call(
            Request("dynamodb", "Scan", request),
            f"table {table!r}",
            not_found=TableNotFoundError,
            hint="deploy the stack, or pass resources=StackResources(...) with its name",
        )
        records = [record_from_item(decode_item(item)) for item in data.get("Items") or ()]
        return records, data.get("LastEvaluatedKey") or None
