"""Every error the SDK raises on purpose derives from one root, :class:`TheraError`.

::

    TheraError
    ├── ConfigurationError          settings missing or inconsistent (env vars, THERA_HOME)
    ├── ValidationError             bad input; also a ValueError
    │   ├── ItemTooLargeError       a table item over DynamoDB's 400 KB
    │   ├── ExpressionError         a malformed condition/update/key expression
    │   └── DataFormatError         an object that is not what it claims (bad Parquet, bad JSONL)
    ├── NotFoundError               also a LookupError
    │   ├── RecordNotFoundError     a startup record (public or private) by id
    │   ├── RunNotFoundError        a workflow run by id (execution ARN or name)
    │   ├── WorkflowNotFoundError   a workflow (state machine) by name
    │   ├── ObjectNotFoundError     an object key in a bucket
    │   ├── BucketNotFoundError     a bucket
    │   ├── TableNotFoundError      a table (or one of its indexes)
    │   ├── ParameterNotFoundError  a parameter (watermark, cursor)
    │   └── SecretNotFoundError     a secret
    ├── ConditionFailedError        a conditional write found the item in another state
    ├── AccessDeniedError           credentials or file permissions refuse the operation
    ├── QueryFailedError            a SQL query was rejected or failed while running
    ├── RequestError                a call to a service failed for a reason worth retrying
    │   ├── ThrottledError          the service (or a local lock) asked us to slow down
    │   └── RequestTimeoutError     no answer before the deadline; also a TimeoutError
    │       └── WaitTimeoutError    a run was still going when ``wait_for_run`` gave up
    ├── RunFailedError              a workflow run ended in FAILED, TIMED_OUT or ABORTED
    ├── RunAlreadyExistsError       a run name was reused with another input, or after it ended
    ├── RunNotRedrivableError       a run cannot be redriven (still running, succeeded, too old)
    ├── FunctionFailedError         a Lambda function (the matcher) raised an error
    └── UnexpectedResponseError     a service (or a test transport) answered in an unknown shape

Adapters translate the errors of the libraries they wrap (botocore, sqlite3, duckdb, OS errors) at
their boundary into the most specific class above, with ``raise ... from exc`` so the original
stays in ``__cause__``. Messages name the key, object or table concerned and say what to do next.
"""

from __future__ import annotations

__all__ = [
    "AccessDeniedError",
    "BucketNotFoundError",
    "ConditionFailedError",
    "ConfigurationError",
    "DataFormatError",
    "ExpressionError",
    "FunctionFailedError",
    "ItemTooLargeError",
    "NotFoundError",
    "ObjectNotFoundError",
    "ParameterNotFoundError",
    "QueryFailedError",
    "RecordNotFoundError",
    "RequestError",
    "RequestTimeoutError",
    "RunAlreadyExistsError",
    "RunFailedError",
    "RunNotFoundError",
    "RunNotRedrivableError",
    "SecretNotFoundError",
    "TableNotFoundError",
    "TheraError",
    "ThrottledError",
    "UnexpectedResponseError",
    "ValidationError",
    "WaitTimeoutError",
    "WorkflowNotFoundError",
]


class TheraError(Exception):
    """Root of every error raised by ``thera_sdk``: catch this to catch them all."""


class ConfigurationError(TheraError):
    """Settings are missing or inconsistent; the message names the variable to set."""


class ValidationError(TheraError, ValueError):
    """The input was rejected before (or by) the service; nothing was changed."""


class ItemTooLargeError(ValidationError):
    """A table item is larger than 400 KB (DynamoDB's limit); the item was not written."""


class ExpressionError(ValidationError):
    """A condition, update, key-condition or filter expression could not be parsed or used."""


class DataFormatError(ValidationError):
    """An object's bytes are not in the expected format (e.g. a truncated Parquet file)."""


class NotFoundError(TheraError, LookupError):
    """Something looked up by name or key does not exist."""


class RecordNotFoundError(NotFoundError):
    """No startup record has this id."""


class RunNotFoundError(NotFoundError):
    """No workflow run has this id (execution ARN) or name."""


class WorkflowNotFoundError(NotFoundError):
    """No workflow (state machine) has this name in the stack or the local catalog."""


class ObjectNotFoundError(NotFoundError):
    """No object has this key in the bucket."""


class BucketNotFoundError(NotFoundError):
    """The bucket does not exist (locally: there is no folder for it under the data home)."""


class TableNotFoundError(NotFoundError):
    """The table (or the index named) does not exist."""


class ParameterNotFoundError(NotFoundError):
    """No parameter has this name."""


class SecretNotFoundError(NotFoundError):
    """No secret has this name."""


class ConditionFailedError(TheraError):
    """A conditional write was refused because the item did not satisfy the condition."""


class AccessDeniedError(TheraError):
    """The credentials, policy or file permissions do not allow the operation."""


class QueryFailedError(TheraError):
    """A SQL query failed to compile or to run; ``query_id`` is set when the engine gave one."""

    def __init__(self, message: str, *, query_id: str | None = None) -> None:
        super().__init__(message)
        self.query_id = query_id


class RequestError(TheraError):
    """A request to a service failed in a way that may succeed if retried later."""


class ThrottledError(RequestError):
    """The service (or a local lock held too long) asked the caller to slow down."""


class RequestTimeoutError(RequestError, TimeoutError):
    """No answer arrived before the deadline."""


class RunFailedError(TheraError):
    """A workflow run ended without success; ``status``, ``error`` and ``cause`` say how."""

    def __init__(
        self,
        message: str,
        *,
        status: str = "FAILED",
        error: str = "",
        cause: str = "",
        run_id: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.cause = cause
        self.run_id = run_id  # the execution ARN, for get_run(), run_history() or redrive_run()


class WaitTimeoutError(RequestTimeoutError):
    """``wait_for_run`` reached its deadline while the run was still going; ``run_id`` says
    which run, so the caller can wait again or stop it."""

    def __init__(self, message: str, *, run_id: str = "") -> None:
        super().__init__(message)
        self.run_id = run_id


class RunAlreadyExistsError(TheraError):
    """A run with this name exists with another input, or has ended; pick a new name."""


class RunNotRedrivableError(TheraError):
    """The run cannot be redriven: it is running or succeeded, or (locally) it was started by
    another process."""


class FunctionFailedError(TheraError):
    """A Lambda function raised an error; ``error_type`` is the exception's class name."""

    def __init__(self, message: str, *, error_type: str = "") -> None:
        super().__init__(message)
        self.error_type = error_type


class UnexpectedResponseError(TheraError):
    """A service answered with a shape the SDK cannot read (a field missing, bad JSON); with a
    ``MockTransport``, the handler's answer is the usual cause."""
