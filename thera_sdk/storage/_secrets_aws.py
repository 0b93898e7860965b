"""The AWS secrets adapter: AWS Secrets Manager (``SecretString`` holding a JSON object)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from thera_sdk._exceptions import SecretNotFoundError, TheraError
from thera_sdk.storage._aws import error_code, make_client, translate_aws_error
from thera_sdk.storage._secrets import SecretStore, parse_secret

__all__ = ["SecretsManagerSecretStore"]


class SecretsManagerSecretStore(SecretStore):
    """Secrets in AWS Secrets Manager.

    Parameters
    ----------
    client
        A boto3 ``secretsmanager`` client; one is made from the default session when ``None``.

    Examples
    --------
    >>> secrets = SecretsManagerSecretStore(boto3.client("secretsmanager"))  # doctest: +SKIP
    >>> secrets.get("thera/dev/firecrawl")["api_key"]  # doctest: +SKIP
    """

    def __init__(
        self,
        client: Any = None,
        *,
        max_age: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(max_age=max_age, clock=clock)
        self._client = client if client is not None else make_client("secretsmanager")

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        return translate_aws_error(
            exc,
            subject,
            not_found=SecretNotFoundError,
            not_found_hint="create it in Secrets Manager or check the name in the configuration",
        )

    def _get(self, name: str) -> dict[str, Any]:
        response = self._client.get_secret_value(SecretId=name)
        text = response.get("SecretString")
        if text is None:
            text = bytes(response.get("SecretBinary", b"")).decode("utf-8", errors="replace")
        return parse_secret(name, text)

    def _put(self, name: str, text: str) -> None:
        try:
            self._client.put_secret_value(SecretId=name, SecretString=text)
        except Exception as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            self._client.create_secret(Name=name, SecretString=text)
