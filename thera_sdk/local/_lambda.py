"""Calling Python handlers the way Step Functions calls Lambda functions.

``arn:aws:states:::lambda:invoke`` returns AWS's envelope around the payload; a plain
``arn:aws:lambda:...:function:NAME`` resource returns the payload itself. A handler's exception
becomes error = its class name and cause = the JSON the Python runtime reports.
"""

from __future__ import annotations

import json
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from ._errors import StatesError

Handler = Callable[[Any, Any], Any]

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"


def function_name(reference: str) -> str:
    """The bare function name in a name, a partial ARN or a full ARN, with or without a qualifier.

    >>> function_name("arn:aws:lambda:us-east-1:123456789012:function:score:live")
    'score'
    >>> function_name("123456789012:function:score")
    'score'
    >>> function_name("score:$LATEST")
    'score'
    """
    if reference.startswith("arn:"):
        parts = reference.split(":")
        return parts[6] if len(parts) > 6 else reference
    if ":function:" in reference:
        return reference.split(":function:", 1)[1].split(":", 1)[0]
    return reference.split(":", 1)[0]


def qualifier(reference: str) -> str | None:
    if reference.startswith("arn:"):
        parts = reference.split(":")
        return parts[7] if len(parts) > 7 else None
    if ":function:" in reference:
        rest = reference.split(":function:", 1)[1].split(":")
        return rest[1] if len(rest) > 1 else None
    rest = reference.split(":")
    return rest[1] if len(rest) > 1 else None


@dataclass
class LambdaContext:
    """The context object a handler receives, with the attributes the Python runtime provides."""

    function_name: str
    invoked_function_arn: str
    deadline_ms: Callable[[], int]
    function_version: str = "$LATEST"
    memory_limit_in_mb: str = "128"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = ""
    identity: Any = None
    client_context: Any = None

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self.log_stream_name = self.log_stream_name or f"local/[$LATEST]{self.aws_request_id[:8]}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.deadline_ms())


def error_cause(exc: BaseException, request_id: str) -> str:
    """The ``cause`` Step Functions shows for an exception raised by a Python handler."""
    frames = traceback.extract_tb(exc.__traceback__)[1:]  # drop the engine's own call frame
    return json.dumps(
        {
            "errorMessage": str(exc),
            "errorType": type(exc).__name__,
            "requestId": request_id,
            "stackTrace": traceback.format_list(frames),
        }
    )


def call_handler(
    functions: Mapping[str, Handler],
    reference: str,
    event: Any,
    *,
    region: str,
    account: str,
    remaining_ms: Callable[[], int],
) -> tuple[Any, str, int]:
    """Run a handler with a JSON copy of ``event``.

    Returns the JSON-checked result, the request id and the result's size in bytes.

    Raises ``StatesError`` with the names AWS uses: the exception's class name for a handler
    error, ``Lambda.ResourceNotFoundException`` for an unknown function, ``Runtime.MarshalError``
    when the result is not JSON.
    """
    name = function_name(reference)
    try:
        handler = functions.get(name)
    except Exception as exc:  # a lazy mapping failed to import the handler's module
        cause = json.dumps(
            {
                "errorMessage": f"Unable to import module for function '{name}': {exc}",
                "errorType": "Runtime.ImportModuleError",
                "requestId": "",
                "stackTrace": [],
            }
        )
        raise StatesError("Runtime.ImportModuleError", cause) from exc
    if handler is None:
        known = ", ".join(sorted(functions)) or "none"
        raise StatesError(
            "Lambda.ResourceNotFoundException",
            f"Function not found: {reference}. Register it with LocalEngine(functions={{'{name}': "
            f"handler}}); known functions: {known}.",
        )
    arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
    context = LambdaContext(function_name=name, invoked_function_arn=arn, deadline_ms=remaining_ms)
    payload = json.loads(json.dumps(event))  # the function gets its own copy, as over the wire
    try:
        result = handler(payload, context)
    except Exception as exc:
        raise StatesError(type(exc).__name__, error_cause(exc, context.aws_request_id)) from exc
    try:
        text = json.dumps(result, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        cause = json.dumps(
            {
                "errorMessage": f"Unable to marshal response: {exc}",
                "errorType": "Runtime.MarshalError",
                "requestId": context.aws_request_id,
                "stackTrace": [],
            }
        )
        raise StatesError("Runtime.MarshalError", cause) from exc
    return json.loads(text), context.aws_request_id, len(text.encode())


def invoke_envelope(
    payload: Any, request_id: str, length: int, status_code: int = 200
) -> dict[str, Any]:
    """The result of ``lambda:invoke``: the payload inside the SDK response envelope."""
    date = formatdate(usegmt=True)
    trace = f"Root=1-{int(time.time()):08x}-{request_id.replace('-', '')[:24]};Sampled=0"
    headers = {
        "Connection": "keep-alive",
        "Content-Length": str(length),
        "Content-Type": "application/json",
        "Date": date,
        "X-Amz-Executed-Version": "$LATEST",
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id,
        "X-Amzn-Trace-Id": trace,
    }
    return {
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {k: [v] for k, v in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": status_code,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": status_code,
    }
