"""The local backend as a transport: the AWS calls the client makes, answered on this machine.

``LocalTransport`` plays a deployed stack: ``DescribeStacks`` lists the local workflows and
tables, the Step Functions calls go to the local runs (:mod:`thera_sdk.client._local_runner`),
``GetItem``/``Scan`` to the local tables (SQLite) and ``Invoke`` of the matcher function to
:mod:`thera_sdk.match` over the local matcher index, in process. Errors are answered with AWS's
error codes, so the client reads every backend the same way.

Task handlers of the deployed workflows build their storage ports from the environment
(``THERA_HOME``), so run those workflows with the same data home in ``THERA_HOME`` as the client's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from thera_sdk._config import Settings
from thera_sdk._exceptions import (
    AccessDeniedError,
    NotFoundError,
    RequestError,
    RunAlreadyExistsError,
    RunNotFoundError,
    RunNotRedrivableError,
    TableNotFoundError,
    TheraError,
    ThrottledError,
    ValidationError,
    WorkflowNotFoundError,
)
from thera_sdk.client._local_runner import LOCAL_ACCOUNT, LOCAL_REGION, LocalRunner, LocalWorkflow
from thera_sdk.client._options import LOCAL_STACK
from thera_sdk.client._parse import decode_item, encode_value
from thera_sdk.client._transports import AsyncBaseTransport, BaseTransport, Request, Response

__all__ = ["AsyncLocalTransport", "LocalTransport"]

PUBLIC_TABLE = "startups-public"  # logical names, as tasks/publisher writes them
PRIVATE_TABLE = "startups-private"

# Most specific first: the first class an error is an instance of gives its AWS code.
_ERROR_CODES: tuple[tuple[type[TheraError], str, int], ...] = (
    (RunNotFoundError, "ExecutionDoesNotExist", 400),
    (WorkflowNotFoundError, "StateMachineDoesNotExist", 400),
    (RunAlreadyExistsError, "ExecutionAlreadyExists", 400),
    (RunNotRedrivableError, "ExecutionNotRedrivable", 400),
    (NotFoundError, "ResourceNotFoundException", 400),
    (ValidationError, "ValidationException", 400),
    (AccessDeniedError, "AccessDeniedException", 400),
    (ThrottledError, "ThrottlingException", 400),
    (RequestError, "ServiceException", 500),
    (TheraError, "ServiceException", 400),
)


# The parameters each operation cannot do without, as the AWS API requires them.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "StartExecution": ("stateMachineArn",),
    "DescribeExecution": ("executionArn",),
    "GetExecutionHistory": ("executionArn",),
    "StopExecution": ("executionArn",),
    "RedriveExecution": ("executionArn",),
    "GetItem": ("TableName", "Key"),
    "Scan": ("TableName",),
    "Invoke": ("FunctionName",),
}


def _logical_id(name: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", name))


class LocalTransport(BaseTransport):
    """Answers the client's AWS calls from a local data home.

    Parameters
    ----------
    home
        The data home (default: ``THERA_HOME`` or ``./.thera``).
    workflows
        Extra workflows by name (:class:`~thera_sdk.LocalWorkflow`), next to the deployed ones.
    settings
        Table and bucket names (default: read from the environment).

    Examples
    --------
    >>> client = Client(LocalTransport(tmp), stack="thera")  # doctest: +SKIP
    """

    def __init__(
        self,
        home: Path | str | None = None,
        *,
        workflows: Mapping[str, LocalWorkflow] | None = None,
        settings: Settings | None = None,
    ) -> None:
        settings = settings or Settings.from_env()
        if home is not None:
            settings = dataclasses.replace(settings, home=Path(home))
        self.settings = dataclasses.replace(settings, backend="local")
        self.home = self.settings.home
        self.runner = LocalRunner(self.home, workflows, prefix=LOCAL_STACK)
        self._tables: Any = None
        self._matcher: Any = None
        self._lock = threading.Lock()
        self._operations: dict[tuple[str, str], Callable[[Mapping[str, Any]], dict[str, Any]]] = {
            ("cloudformation", "DescribeStacks"): self._describe_stacks,
            ("sts", "GetCallerIdentity"): lambda params: {
                "Account": LOCAL_ACCOUNT,
                "UserId": "local",
                "Arn": f"arn:aws:iam::{LOCAL_ACCOUNT}:user/local",
            },
            ("stepfunctions", "StartExecution"): lambda p: self.runner.start(
                p["stateMachineArn"], p.get("name") or "", p.get("input") or "{}"
            ),
            ("stepfunctions", "DescribeExecution"): lambda p: self.runner.describe(
                p["executionArn"]
            ),
            ("stepfunctions", "ListExecutions"): lambda p: self.runner.list(
                p.get("stateMachineArn"), p.get("statusFilter"), int(p.get("maxResults") or 100),
                p.get("nextToken"),
            ),
            ("stepfunctions", "GetExecutionHistory"): lambda p: self.runner.history(
                p["executionArn"], int(p.get("maxResults") or 100), p.get("nextToken"),
                bool(p.get("reverseOrder")),
            ),
            ("stepfunctions", "StopExecution"): lambda p: self.runner.stop(
                p["executionArn"], p.get("error"), p.get("cause")
            ),
            ("stepfunctions", "RedriveExecution"): lambda p: self.runner.redrive(
                p["executionArn"]
            ),
            ("dynamodb", "GetItem"): self._get_item,
            ("dynamodb", "Scan"): self._scan,
            ("lambda", "Invoke"): self._invoke,
        }  # fmt: skip

    @property
    def matcher_function(self) -> str:
        """The ARN the local matcher answers to."""
        name = f"{self.settings.stack}-matcher"
        return f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT}:function:{name}"

    def handle_request(self, request: Request) -> Response:
        operation = self._operations.get((request.service, request.operation))
        if operation is None:
            return Response.error(
                "UnknownOperationException",
                f"The local backend does not serve {request.service} {request.operation}.",
            )
        missing = [p for p in _REQUIRED.get(request.operation, ()) if p not in request.params]
        if missing:
            return Response.error(
                "ValidationException", f"{request.operation} needs the parameters {missing}."
            )
        try:
            return Response(operation(request.params))
        except TheraError as exc:
            for kind, code, status in _ERROR_CODES:
                if isinstance(exc, kind):
                    return Response.error(code, str(exc), status)
            raise  # unreachable: TheraError closes the table

    def close(self) -> None:
        with self._lock:
            if self._tables is not None:
                self._tables.close()
                self._tables = None

    # -- CloudFormation ------------------------------------------------------------------------
    def _describe_stacks(self, params: Mapping[str, Any]) -> dict[str, Any]:
        outputs = {
            f"{_logical_id(name)}StateMachineArn": arn
            for name, arn in self.runner.state_machines().items()
        }
        outputs["StartupsPublicTableName"] = self.settings.table_name(PUBLIC_TABLE)
        outputs["StartupsPrivateTableName"] = self.settings.table_name(PRIVATE_TABLE)
        outputs["MatcherFunctionArn"] = self.matcher_function
        stack = {
            "StackName": params.get("StackName") or LOCAL_STACK,
            "StackStatus": "CREATE_COMPLETE",
            "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
        }
        return {"Stacks": [stack]}

    # -- DynamoDB ------------------------------------------------------------------------------
    def _table_store(self) -> Any:
        with self._lock:
            if self._tables is None:
                from thera_sdk.storage import LocalTableStore

                self._tables = LocalTableStore(self.home / "tables.sqlite3")
            return self._tables

    def _published(self, table: str) -> bool:
        """Whether ``table`` is one of the startups tables (they exist once the stack does)."""
        names = (self.settings.table_name(PUBLIC_TABLE), self.settings.table_name(PRIVATE_TABLE))
        return table in names

    def _get_item(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table = params["TableName"]
        try:
            item = self._table_store().get_item(table, decode_item(params["Key"]))
        except TableNotFoundError:
            if not self._published(table):
                raise
            item = None  # nothing published yet: like the deployed, still empty table
        return {"Item": {k: encode_value(v) for k, v in item.items()}} if item else {}

    def _scan(self, params: Mapping[str, Any]) -> dict[str, Any]:
        table = params["TableName"]
        values = params.get("ExpressionAttributeValues")
        start = params.get("ExclusiveStartKey")
        try:
            page = self._table_store().scan(
                table,
                filter=params.get("FilterExpression"),
                names=params.get("ExpressionAttributeNames"),
                values=decode_item(values) if values else None,
                limit=params.get("Limit"),
                start_key=decode_item(start) if start else None,
            )
        except TableNotFoundError:
            if not self._published(table):
                raise
            return {"Items": [], "Count": 0, "ScannedCount": 0}
        answer: dict[str, Any] = {
            "Items": [{k: encode_value(v) for k, v in item.items()} for item in page.items],
            "Count": len(page.items),
            "ScannedCount": len(page.items),
        }
        if page.last_key:
            answer["LastEvaluatedKey"] = {k: encode_value(v) for k, v in page.last_key.items()}
        return answer

    # -- Lambda --------------------------------------------------------------------------------
    def _invoke(self, params: Mapping[str, Any]) -> dict[str, Any]:
        function = str(params["FunctionName"])
        if function not in (self.matcher_function, self.matcher_function.rsplit(":", 1)[-1]):
            raise NotFoundError(
                f"Function {function!r} is not served locally; the matcher is "
                f"{self.matcher_function!r}."
            )
        payload = params.get("Payload") or b"{}"
        try:
            # Like the deployed function: any exception becomes an error payload, not a crash.
            from thera_sdk.match import MatchRequest

            event = json.loads(payload)
            body = self._the_matcher().run(MatchRequest.from_event(event)).to_json()
            return {"StatusCode": 200, "Payload": json.dumps(body).encode()}
        except Exception as exc:
            error = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
            return {
                "StatusCode": 200,
                "FunctionError": "Unhandled",
                "Payload": json.dumps(error).encode(),
            }

    def _the_matcher(self) -> Any:
        with self._lock:
            if self._matcher is None:
                from thera_sdk.match import Matcher

                self._matcher = Matcher.from_settings(self.settings)
            return self._matcher


class AsyncLocalTransport(AsyncBaseTransport):
    """:class:`LocalTransport` for an :class:`~thera_sdk.AsyncClient`: each call runs on a
    worker thread (``asyncio.to_thread``), so the event loop never blocks on SQLite or the
    matcher.

    Examples
    --------
    >>> transport = AsyncLocalTransport(LocalTransport(tmp))  # doctest: +SKIP
    >>> client = AsyncClient(transport, stack="thera")  # doctest: +SKIP
    """

    def __init__(self, transport: LocalTransport) -> None:
        self.transport = transport

    async def handle_async_request(self, request: Request) -> Response:
        return await asyncio.to_thread(self.transport.handle_request, request)

    async def aclose(self) -> None:
        await asyncio.to_thread(self.transport.close)
