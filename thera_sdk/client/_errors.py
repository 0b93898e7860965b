"""Turning an error answer of a service into the most specific :class:`~thera_sdk.TheraError`.

Every backend (AWS, local, a test's ``MockTransport``) answers errors with AWS's error codes, so
this one table serves them all. ``subject`` names what the call touched ("run 'r1'", "table
'thera-dev-startups-public'") and ``hint`` says what to do when it is missing.
"""

from __future__ import annotations

from typing import Final

from thera_sdk._exceptions import (
    AccessDeniedError,
    ConfigurationError,
    NotFoundError,
    RequestError,
    RunAlreadyExistsError,
    RunNotFoundError,
    RunNotRedrivableError,
    TheraError,
    ThrottledError,
    ValidationError,
    WorkflowNotFoundError,
)
from thera_sdk.client._transports import Response

__all__ = ["THROTTLED_CODES", "translate_error"]

THROTTLED_CODES: Final = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "ExecutionLimitExceeded",  # too many open executions: wait for some to end
        "SlowDown",
    }
)
_DENIED: Final = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "KMSAccessDeniedException",
    }
)
_INVALID: Final = frozenset(
    {
        "ValidationException",
        "ValidationError",
        "InvalidArn",
        "InvalidName",
        "InvalidExecutionInput",
        "InvalidParameterValueException",
        "InvalidRequestContentException",
        "InvalidParameterException",
        "SerializationException",
        "InvalidDefinition",
    }
)
_NOT_FOUND: Final = {
    "ExecutionDoesNotExist": RunNotFoundError,
    "StateMachineDoesNotExist": WorkflowNotFoundError,
    "ResourceNotFoundException": NotFoundError,
}


def translate_error(
    response: Response,
    subject: str,
    *,
    not_found: type[NotFoundError] = NotFoundError,
    hint: str = "check the name",
) -> TheraError:
    """The exception for an error answer about ``subject``.

    Examples
    --------
    >>> err = translate_error(Response.error("ExecutionDoesNotExist", "gone"), "run 'r1'")
    >>> type(err).__name__, str(err)
    ('RunNotFoundError', "run 'r1' does not exist (gone); check the name.")
    """
    code, message = response.error_code, response.error_message
    said = f" ({message})" if message else ""
    if code in _NOT_FOUND:
        kind = _NOT_FOUND[code]
        if kind is NotFoundError:
            kind = not_found
        return kind(f"{subject} does not exist{said}; {hint}.")
    if code == "ExecutionAlreadyExists":
        return RunAlreadyExistsError(
            f"{subject} already exists with another input or has ended{said}; start it under a "
            "new name, or leave the name out to get a fresh one."
        )
    if code == "ExecutionNotRedrivable":
        return RunNotRedrivableError(
            f"{subject} cannot be redriven{said}; only a FAILED, TIMED_OUT or ABORTED run can "
            "be (on AWS within 14 days): start a new run instead."
        )
    if code in THROTTLED_CODES:
        return ThrottledError(f"The service throttled the call on {subject} ({code}); retry later.")
    if code in _DENIED or response.status_code == 403:
        return AccessDeniedError(
            f"Access to {subject} was refused ({code}{': ' + message if message else ''}); check "
            "the credentials and that their role's policy allows it."
        )
    if code == "ValidationError" and "does not exist" in message:
        # CloudFormation answers a missing stack with a ValidationError.
        return NotFoundError(f"{subject} does not exist{said}; {hint}.")
    if code in _INVALID:
        return ValidationError(f"The service rejected the call on {subject}: {message or code}.")
    if code in {"MissingAuthenticationToken", "NoCredentialProviders"}:
        return ConfigurationError(
            f"No AWS credentials were sent for {subject}; configure a profile or role."
        )
    detail = f"{code}{': ' + message if message else ''}"
    if response.status_code >= 500:
        return RequestError(f"The service failed the call on {subject} ({detail}); retry later.")
    return TheraError(f"The service refused the call on {subject} ({detail}).")
