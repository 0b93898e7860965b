"""Thera SDK: the client (sync and async), storage ports with local and AWS adapters,
configuration and errors.

Everything public is importable from here; the code lives in private modules (``_config``,
``_exceptions``) and subpackages (``client``, ``storage``). The errors load at once; the client
and the configuration (and with them boto3 and the storage adapters) on first use, so importing
an error stays cheap.

Examples
--------
>>> from thera_sdk import Client
>>> with Client.local(".thera") as client:  # doctest: +SKIP
...     print([m.name for m in client.match("card-not-present fraud", limit=3)])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from thera_sdk._exceptions import (
    AccessDeniedError,
    BucketNotFoundError,
    ConditionFailedError,
    ConfigurationError,
    DataFormatError,
    ExpressionError,
    FunctionFailedError,
    ItemTooLargeError,
    NotFoundError,
    ObjectNotFoundError,
    ParameterNotFoundError,
    QueryFailedError,
    RecordNotFoundError,
    RequestError,
    RequestTimeoutError,
    RunAlreadyExistsError,
    RunFailedError,
    RunNotFoundError,
    RunNotRedrivableError,
    SecretNotFoundError,
    TableNotFoundError,
    TheraError,
    ThrottledError,
    UnexpectedResponseError,
    ValidationError,
    WaitTimeoutError,
    WorkflowNotFoundError,
)

if TYPE_CHECKING:
    from thera_sdk._config import BACKENDS, Ports, Settings, build_async_objects, build_ports
    from thera_sdk.client import (
        DEFAULT_RETRY_POLICY,
        DEFAULT_TIMEOUTS,
        USE_CLIENT_DEFAULT,
        AioBotoTransport,
        AsyncBaseTransport,
        AsyncClient,
        AsyncLocalTransport,
        BaseTransport,
        BotoTransport,
        Client,
        Contact,
        LocalTransport,
        LocalWorkflow,
        Match,
        MockTransport,
        PrivateStartupRecord,
        Request,
        Response,
        RetryPolicy,
        Run,
        RunEvent,
        StackResources,
        StartupRecord,
        Timeouts,
        UseClientDefault,
    )

_CLIENT_NAMES = (
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_TIMEOUTS",
    "USE_CLIENT_DEFAULT",
    "AioBotoTransport",
    "AsyncBaseTransport",
    "AsyncClient",
    "AsyncLocalTransport",
    "BaseTransport",
    "BotoTransport",
    "Client",
    "Contact",
    "LocalTransport",
    "LocalWorkflow",
    "Match",
    "MockTransport",
    "PrivateStartupRecord",
    "Request",
    "Response",
    "RetryPolicy",
    "Run",
    "RunEvent",
    "StackResources",
    "StartupRecord",
    "Timeouts",
    "UseClientDefault",
)
_LAZY = {
    name: "thera_sdk._config"
    for name in ("BACKENDS", "Ports", "Settings", "build_async_objects", "build_ports")
} | {name: "thera_sdk.client" for name in _CLIENT_NAMES}

__all__ = [
    "BACKENDS",
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_TIMEOUTS",
    "USE_CLIENT_DEFAULT",
    "AccessDeniedError",
    "AioBotoTransport",
    "AsyncBaseTransport",
    "AsyncClient",
    "AsyncLocalTransport",
    "BaseTransport",
    "BotoTransport",
    "BucketNotFoundError",
    "Client",
    "ConditionFailedError",
    "ConfigurationError",
    "Contact",
    "DataFormatError",
    "ExpressionError",
    "FunctionFailedError",
    "ItemTooLargeError",
    "LocalTransport",
    "LocalWorkflow",
    "Match",
    "MockTransport",
    "NotFoundError",
    "ObjectNotFoundError",
    "ParameterNotFoundError",
    "Ports",
    "PrivateStartupRecord",
    "QueryFailedError",
    "RecordNotFoundError",
    "Request",
    "RequestError",
    "RequestTimeoutError",
    "Response",
    "RetryPolicy",
    "Run",
    "RunAlreadyExistsError",
    "RunEvent",
    "RunFailedError",
    "RunNotFoundError",
    "RunNotRedrivableError",
    "SecretNotFoundError",
    "Settings",
    "StackResources",
    "StartupRecord",
    "TableNotFoundError",
    "TheraError",
    "ThrottledError",
    "Timeouts",
    "UnexpectedResponseError",
    "UseClientDefault",
    "ValidationError",
    "WaitTimeoutError",
    "WorkflowNotFoundError",
    "build_async_objects",
    "build_ports",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
