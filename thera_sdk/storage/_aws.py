"""What the AWS adapters share: building boto3 clients and translating botocore errors."""

from __future__ import annotations

import random
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ReadTimeoutError,
)

from thera_sdk._exceptions import (
    AccessDeniedError,
    ConditionFailedError,
    ConfigurationError,
    ItemTooLargeError,
    NotFoundError,
    RequestError,
    RequestTimeoutError,
    TheraError,
    ThrottledError,
    ValidationError,
)

__all__ = ["CLIENT_CONFIG", "backoff_delay", "error_code", "make_client", "translate_aws_error"]

CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5},
    connect_timeout=5,
    read_timeout=60,
)

_THROTTLED = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "SlowDown",
        "TooManyRequestsException",
        "TooManyUpdates",
        "ThrottledException",
    }
)
_DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "AllAccessDisabled",
    }
)
_NOT_FOUND = frozenset(
    {
        "ResourceNotFoundException",
        "NoSuchKey",
        "NoSuchBucket",
        "NotFound",
        "404",
        "ParameterNotFound",
        "ParameterVersionNotFound",
    }
)
_INVALID = frozenset(
    {
        "ValidationException",
        "InvalidRequestException",
        "InvalidParameterException",
        "InvalidParameterValue",
        "InvalidArgument",
        "SerializationException",
        "ValidationError",
    }
)


def make_client(
    service: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    session: boto3.Session | None = None,
) -> Any:
    """A boto3 client with the SDK's retry and timeout settings.

    Examples
    --------
    >>> client = make_client("s3", region="us-east-1",
    ...                      endpoint_url="http://127.0.0.1:5000")  # doctest: +SKIP
    """
    try:
        return (session or boto3.Session()).client(
            service, region_name=region, endpoint_url=endpoint_url, config=CLIENT_CONFIG
        )
    except NoRegionError as exc:
        raise ConfigurationError(
            f"No AWS region is set for {service}; set THERA_REGION (or AWS_REGION)."
        ) from exc


def error_code(exc: BaseException) -> str:
    """The service error code of a botocore ``ClientError`` (``""`` for other exceptions)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def _message(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", "")) or str(exc)


def translate_aws_error(
    exc: Exception,
    subject: str,
    *,
    not_found: type[NotFoundError] = NotFoundError,
    not_found_hint: str = "check the name in the configuration",
) -> TheraError | None:
    """Map a botocore error to the most specific :class:`TheraError`, naming ``subject``.

    Examples
    --------
    >>> err = ClientError({"Error": {"Code": "SlowDown", "Message": "x"}}, "PutObject")
    >>> type(translate_aws_error(err, "object 'a'")).__name__
    'ThrottledError'
    """
    if isinstance(exc, ClientError):
        code, message = error_code(exc), _message(exc)
        if code == "ConditionalCheckFailedException":
            return ConditionFailedError(
                f"The condition on {subject} is not met; re-read it and retry, or stop."
            )
        if code in _THROTTLED:
            return ThrottledError(f"AWS throttled the request on {subject}; retry later ({code}).")
        if code in _DENIED:
            return AccessDeniedError(
                f"AWS refused access to {subject} ({code}: {message}); check the credentials and "
                "the role's policy."
            )
        if code in _NOT_FOUND:
            return not_found(f"{subject} does not exist ({message}); {not_found_hint}.")
        if code in _INVALID or code == "400":
            if "size" in message.lower() and "exceed" in message.lower():
                return ItemTooLargeError(f"{subject} is too large: {message}")
            return ValidationError(f"AWS rejected the request on {subject}: {message}")
        return RequestError(f"AWS failed the request on {subject} ({code}: {message}); retry.")
    if isinstance(exc, NoCredentialsError):
        return ConfigurationError(
            f"No AWS credentials were found for {subject}; configure a profile or role, or set "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY."
        )
    if isinstance(exc, (ConnectTimeoutError, ReadTimeoutError)):
        return RequestTimeoutError(f"AWS did not answer in time on {subject}; retry.")
    if isinstance(exc, EndpointConnectionError):
        return RequestError(
            f"Could not reach the AWS endpoint for {subject} ({exc}); check THERA_ENDPOINT_URL "
            "and the network."
        )
    if isinstance(exc, BotoCoreError):
        return RequestError(f"The AWS request on {subject} failed: {exc}")
    return None


def backoff_delay(attempt: int, *, base: float = 0.05, cap: float = 5.0) -> float:
    """Exponential backoff with full jitter: a random delay in ``[0, min(cap, base * 2**n)]``.

    Examples
    --------
    >>> 0 <= backoff_delay(3) <= 0.4
    True
    """
    return random.uniform(0, min(cap, base * 2**attempt))
