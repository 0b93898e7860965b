"""The AWS transports: boto3 for :class:`~thera_sdk.Client`, aioboto3 for the async client.

Both make one client per service, with the SDK's timeouts and with botocore's own retries turned
off (the client's :class:`~thera_sdk.RetryPolicy` is the one retry layer). A service error
becomes an error :class:`Response`; only a call that got no answer raises.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import re
import threading
from collections.abc import Mapping
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from thera_sdk._exceptions import (
    ConfigurationError,
    RequestError,
    RequestTimeoutError,
    TheraError,
    ValidationError,
)
from thera_sdk.client._options import DEFAULT_TIMEOUTS, Timeouts
from thera_sdk.client._transports import AsyncBaseTransport, BaseTransport, Request, Response

__all__ = ["AioBotoTransport", "BotoTransport"]


def _config(timeouts: Timeouts) -> Config:
    return Config(
        connect_timeout=timeouts.connect,
        read_timeout=timeouts.read,
        retries={"mode": "standard", "total_max_attempts": 1},
    )


def _region(session: Any, region: str | None) -> str:
    found = region or session.region_name
    if not found:
        raise ConfigurationError(
            "No AWS region is set: pass region=..., or set THERA_REGION (or AWS_REGION)."
        )
    return str(found)


def _error_response(exc: ClientError) -> Response:
    data = dict(exc.response)
    status = int((data.pop("ResponseMetadata", None) or {}).get("HTTPStatusCode") or 400)
    error = dict(data.get("Error") or {})
    code, message = str(error.get("Code") or ""), str(error.get("Message") or "")
    if code.isdigit():
        status = int(code)
        # An XML error body where JSON was expected (IAM's answer in some emulators): read it.
        found = {tag: _XML_TAG[tag].search(message) for tag in _XML_TAG}
        if found["Code"]:
            error["Code"] = found["Code"].group(1)
            error["Message"] = found["Message"].group(1) if found["Message"] else ""
            data["Error"] = error
    return Response(data, status if status >= 400 else 400)


_XML_TAG = {tag: re.compile(rf"<{tag}>([^<]*)</{tag}>") for tag in ("Code", "Message")}


def _no_answer(exc: Exception, request: Request) -> TheraError | None:
    """The error for a call that got no answer (``None``: not a botocore error)."""
    what = f"{request.service} {request.operation}"
    if isinstance(exc, ConnectTimeoutError | ReadTimeoutError):
        return RequestTimeoutError(f"AWS did not answer {what} in time; retry, or raise Timeouts.")
    if isinstance(exc, EndpointConnectionError | ConnectionClosedError):
        return RequestError(
            f"Could not reach AWS for {what} ({exc}); check the network and THERA_ENDPOINT_URL."
        )
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return ConfigurationError(
            f"No AWS credentials for {what}; configure a profile (profile=...) or a role, or set "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
        )
    if isinstance(exc, NoRegionError):
        return ConfigurationError(f"No AWS region for {what}; pass region=... or set THERA_REGION.")
    if isinstance(exc, ParamValidationError):
        return ValidationError(f"Bad parameters for {what}: {exc}")
    if isinstance(exc, BotoCoreError):
        return RequestError(f"The AWS call {what} failed: {exc}")
    return None


def _operation(client: Any, request: Request) -> Any:
    method = getattr(client, xform_name(request.operation), None)
    if method is None:
        raise ValidationError(
            f"AWS service {request.service!r} has no operation {request.operation!r}."
        )
    return method


def _session(factory: Any, profile: str | None, region: str | None) -> Any:
    try:
        return factory(profile_name=profile, region_name=region)
    except ProfileNotFound as exc:
        raise ConfigurationError(
            f"AWS profile {profile!r} is not configured; run `aws configure --profile {profile}` "
            "or pass another profile."
        ) from exc


class BotoTransport(BaseTransport):
    """Sends each request with boto3.

    Parameters
    ----------
    region, profile
        The AWS region and named profile (default: boto3's usual lookup).
    endpoint_url
        One endpoint for every service (a moto server, LocalStack).
    session
        A ``boto3.Session`` to use instead of making one.
    timeouts
        Connect and read timeouts.

    Examples
    --------
    >>> transport = BotoTransport(region="eu-west-1", profile="thera-dev")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        session: boto3.Session | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
    ) -> None:
        self._session = session or _session(boto3.Session, profile, region)
        self.region = _region(self._session, region)
        self.endpoint_url = endpoint_url
        self._config = _config(timeouts)
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _client(self, service: str) -> Any:
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = self._session.client(
                    service,
                    region_name=self.region,
                    endpoint_url=self.endpoint_url,
                    config=self._config,
                )
                self._clients[service] = client
            return client

    def handle_request(self, request: Request) -> Response:
        method = _operation(self._client(request.service), request)
        try:
            data = method(**request.params)
        except ClientError as exc:
            return _error_response(exc)
        except Exception as exc:
            error = _no_answer(exc, request)
            if error is None:
                raise
            raise error from exc
        return Response(_plain(data))

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k != "ResponseMetadata"}
    for key, value in out.items():
        if hasattr(value, "read"):  # a streaming body (Lambda's Payload): read it whole
            out[key] = value.read()
    return out


class AioBotoTransport(AsyncBaseTransport):
    """Sends each request with aioboto3; close it with ``await transport.aclose()``.

    Parameters are those of :class:`BotoTransport` (``session`` is an ``aioboto3.Session``).

    Examples
    --------
    >>> transport = AioBotoTransport(region="eu-west-1")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        session: Any = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
    ) -> None:
        import aioboto3

        self._session = session or _session(aioboto3.Session, profile, region)
        self.region = _region(self._session, region)
        self.endpoint_url = endpoint_url
        self._config = _config(timeouts)
        self._clients: dict[str, Any] = {}
        self._exits = contextlib.AsyncExitStack()
        self._lock: asyncio.Lock | None = None  # made in the running loop, on first use

    async def _client(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is not None:
            return client
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = await self._exits.enter_async_context(
                    self._session.client(
                        service,
                        region_name=self.region,
                        endpoint_url=self.endpoint_url,
                        config=self._config,
                    )
                )
                self._clients[service] = client
            return client

    async def handle_async_request(self, request: Request) -> Response:
        method = _operation(await self._client(request.service), request)
        try:
            data = await method(**request.params)
            out = {k: v for k, v in data.items() if k != "ResponseMetadata"}
            for key, value in out.items():
                if hasattr(value, "read"):
                    body = value.read()
                    out[key] = await body if inspect.isawaitable(body) else body
        except ClientError as exc:
            return _error_response(exc)
        except Exception as exc:
            error = _no_answer(exc, request)
            if error is None:
                raise
            raise error from exc
        return Response(out)

    async def aclose(self) -> None:
        self._clients.clear()
        await self._exits.aclose()
