"""The AWS parameters adapter: SSM Parameter Store (``String`` parameters)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from thera_sdk._exceptions import ConditionFailedError, ParameterNotFoundError, TheraError
from thera_sdk.storage._aws import error_code, make_client, translate_aws_error
from thera_sdk.storage._parameters import Parameter, ParameterStore

__all__ = ["SsmParameterStore"]


class SsmParameterStore(ParameterStore):
    """Parameters in AWS Systems Manager Parameter Store.

    Parameters
    ----------
    client
        A boto3 ``ssm`` client; one is made from the default session when ``None``.

    Examples
    --------
    >>> store = SsmParameterStore(boto3.client("ssm"))  # doctest: +SKIP
    >>> store.get("/thera/dev/watermarks/apollo").version  # doctest: +SKIP
    """

    def __init__(
        self,
        client: Any = None,
        *,
        max_age: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(max_age=max_age, clock=clock)
        self._client = client if client is not None else make_client("ssm")

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        return translate_aws_error(
            exc,
            subject,
            not_found=ParameterNotFoundError,
            not_found_hint="write it first with put(name, value, expected_version=0)",
        )

    def _get(self, name: str) -> Parameter:
        found = self._client.get_parameter(Name=name)["Parameter"]
        return Parameter(name, found["Value"], int(found["Version"]), found.get("LastModifiedDate"))

    def _put(self, name: str, value: str, expected_version: int | None) -> Parameter:
        if expected_version is not None:
            try:
                current = int(self._client.get_parameter(Name=name)["Parameter"]["Version"])
            except Exception as exc:
                if error_code(exc) != "ParameterNotFound":
                    raise
                current = 0
            if current != expected_version:
                raise ConditionFailedError(
                    f"Parameter {name!r} is at version {current}, not {expected_version}; "
                    "another run moved it: re-read it and decide again."
                )
        response = self._client.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
        return Parameter(name, value, int(response["Version"]))

    def _delete(self, name: str) -> None:
        try:
            self._client.delete_parameter(Name=name)
        except Exception as exc:
            if error_code(exc) != "ParameterNotFound":
                raise
