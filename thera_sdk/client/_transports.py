"""The transport interface: one AWS API call in, its answer out.

A :class:`Request` names a service (boto3's name: ``"stepfunctions"``, ``"dynamodb"``,
``"lambda"``, ``"cloudformation"``, ``"sts"``), an operation (the API's name:
``"StartExecution"``) and its parameters, exactly as the AWS API documents them. A
:class:`Response` holds the parsed answer, or the error the service returned (``Error.Code`` and
``Error.Message``, as botocore reports them). Service errors are answers, not exceptions: the
client turns them into :class:`~thera_sdk.TheraError` subclasses in one place, and decides what
to retry. A transport raises only when no answer came (a timeout, a dropped connection).

Three transports ship: ``BotoTransport``/``AioBotoTransport`` (AWS), ``LocalTransport`` (the
embedded engine and stores) and :class:`MockTransport`, for tests of applications that use the
client.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

__all__ = [
    "AsyncBaseTransport",
    "BaseTransport",
    "Handler",
    "MockTransport",
    "Request",
    "Response",
]


@dataclass(frozen=True)
class Request:
    """One AWS API call.

    Examples
    --------
    >>> Request("stepfunctions", "DescribeExecution", {"executionArn": "arn:..."}).operation
    'DescribeExecution'
    """

    service: str
    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Response:
    """The answer to a :class:`Request`: ``data`` as boto3 returns it, or an error.

    Examples
    --------
    >>> Response({"status": "RUNNING"}).ok
    True
    >>> Response.error("ExecutionDoesNotExist", "no such run").error_code
    'ExecutionDoesNotExist'
    """

    data: Mapping[str, Any] = field(default_factory=dict)
    status_code: int = 200

    @classmethod
    def error(cls, code: str, message: str = "", status_code: int = 400) -> Response:
        """An error answer, shaped like botocore's ``ClientError.response``."""
        return cls({"Error": {"Code": code, "Message": message}}, status_code)

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status_code < 300

    @property
    def error_code(self) -> str:
        """The service's error code (``""`` for a successful answer)."""
        if self.ok:
            return ""
        error = self.data.get("Error") or {}
        return str(error.get("Code") or self.status_code)

    @property
    def error_message(self) -> str:
        """The service's error message (``""`` when there is none)."""
        error = self.data.get("Error") or {}
        return str(error.get("Message") or "")


class BaseTransport(ABC):
    """Sends one request and returns its answer; used by :class:`~thera_sdk.Client`."""

    @abstractmethod
    def handle_request(self, request: Request) -> Response:
        """Send ``request``; return the answer, a service error included.

        Raise :class:`~thera_sdk.RequestError` (or :class:`~thera_sdk.RequestTimeoutError`) only
        when no answer arrived.
        """

    def close(self) -> None:  # noqa: B027 - most transports hold nothing to release
        """Release connections."""


class AsyncBaseTransport(ABC):
    """The asyncio twin of :class:`BaseTransport`; used by :class:`~thera_sdk.AsyncClient`."""

    @abstractmethod
    async def handle_async_request(self, request: Request) -> Response:
        """Send ``request``; return the answer, a service error included."""

    async def aclose(self) -> None:  # noqa: B027 - most transports hold nothing to release
        """Release connections."""


Handler: TypeAlias = Callable[
    [Request], "Response | Mapping[str, Any] | Awaitable[Response | Mapping[str, Any]]"
]


class MockTransport(BaseTransport, AsyncBaseTransport):
    """Answers every request with ``handler(request)``: test an application without AWS.

    The handler returns a :class:`Response`, or a plain mapping (a successful answer's data);
    for an :class:`~thera_sdk.AsyncClient` it may also be a coroutine function. It sees the
    requests the client sends, so a test can check them too.

    Parameters
    ----------
    handler
        ``handler(request) -> Response | Mapping``.

    Examples
    --------
    >>> from thera_sdk import Client, MockTransport, Response, StackResources
    >>> def handler(request):
    ...     if request.operation == "DescribeExecution":
    ...         return {"executionArn": request.params["executionArn"], "name": "r1",
    ...                 "stateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:thera-daily",
    ...                 "status": "SUCCEEDED", "startDate": "2025-01-31T02:00:00Z"}
    ...     return Response.error("AccessDeniedException", "not in this test")
    >>> client = Client(MockTransport(handler), stack="thera",
    ...                 resources=StackResources(public_table="p", private_table="q",
    ...                                          matcher_function="m",
    ...                                          state_machines={"daily": "arn:..."}))
    >>> client.get_run("arn:aws:states:us-east-1:1:execution:thera-daily:r1").status
    'SUCCEEDED'
    """

    def __init__(self, handler: Handler) -> None:
        self.handler = handler

    def handle_request(self, request: Request) -> Response:
        answer = self.handler(request)
        if inspect.isawaitable(answer):
            close = getattr(answer, "close", None)
            if close is not None:
                close()  # never awaited: close it so Python does not warn
            raise TypeError(
                "MockTransport's handler is a coroutine function; use it with AsyncClient, or "
                "give Client a plain function."
            )
        return _as_response(answer)

    async def handle_async_request(self, request: Request) -> Response:
        answer = self.handler(request)
        if inspect.isawaitable(answer):
            answer = await answer
        return _as_response(answer)


def _as_response(answer: Any) -> Response:
    if isinstance(answer, Response):
        return answer
    if isinstance(answer, Mapping):
        return Response(answer)
    raise TypeError(
        f"MockTransport's handler returned {type(answer).__name__}; return a Response or a dict "
        "of the operation's result."
    )
