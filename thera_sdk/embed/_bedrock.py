"""Amazon Titan Text Embeddings V2 on Bedrock (``bedrock-runtime`` ``InvokeModel``).

One request per text (``inputText`` is a single string), body
``{"inputText", "dimensions", "normalize", "embeddingTypes": ["float"]}``; the response gives
``embeddingsByType.float`` (or ``embedding``) and ``inputTextTokenCount``, the billed tokens.
Requests run on a small thread pool (bounded concurrency); ``ThrottlingException``,
``ModelNotReadyException``, ``ModelTimeoutException``, ``ServiceUnavailableException``,
``InternalServerException`` and other 5xx answers are retried with full-jitter exponential
backoff. Anything else (``ValidationException``, ``AccessDeniedException``...) fails at once.

The boto3 client is injected (``client=``); only when none is given is one created, lazily, on
the first request.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from thera_sdk._exceptions import AccessDeniedError, ThrottledError, ValidationError
from thera_sdk.embed._exceptions import EmbeddingRequestError
from thera_sdk.embed._models import Embedder, EmbeddingResult, normalise_rows

__all__ = [
    "RETRYABLE_CODES",
    "TITAN_DIMENSIONS",
    "TITAN_MAX_CHARS",
    "TITAN_V2",
    "BedrockTitanEmbedder",
]

TITAN_V2 = "amazon.titan-embed-text-v2:0"
TITAN_DIMENSIONS = (256, 512, 1024)
TITAN_MAX_CHARS = 50_000
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "ModelNotReadyException",
        "ModelTimeoutException",
        "ServiceUnavailableException",
        "InternalServerException",
    }
)
_THROTTLES = frozenset({"ThrottlingException", "ModelNotReadyException"})
_DENIED = frozenset({"AccessDeniedException", "UnrecognizedClientException"})


class BedrockTitanEmbedder(Embedder):
    """Titan Text Embeddings V2 through an injected ``bedrock-runtime`` client.

    Parameters
    ----------
    client
        A boto3 ``bedrock-runtime`` client (``None``: one is made on first use for ``region``).
    model_id
        The Bedrock model id.
    dim
        Output dimensions: 1024, 512 or 256.
    max_workers
        Requests in flight at once (size it from the account's requests-per-minute quota).
    max_attempts
        Tries per text, including the first.
    base_delay, max_delay
        Backoff: attempt ``n`` waits a random time in ``[0, min(max_delay, base_delay * 2**n)]``.
    sleep, rng
        Injected for tests.

    Examples
    --------
    >>> embedder = BedrockTitanEmbedder(boto3.client("bedrock-runtime"))  # doctest: +SKIP
    >>> embedder.embed(["card fraud scoring"]).token_counts  # doctest: +SKIP
    (4,)
    """

    kind = "bedrock"

    def __init__(
        self,
        client: Any = None,
        *,
        model_id: str = TITAN_V2,
        dim: int = 1024,
        region: str | None = None,
        max_workers: int = 4,
        max_attempts: int = 6,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if dim not in TITAN_DIMENSIONS:
            raise ValidationError(f"Titan V2 dimensions are 256, 512 or 1024, not {dim}.")
        if max_workers < 1 or max_attempts < 1:
            raise ValidationError("max_workers and max_attempts must be at least 1.")
        self.model = model_id
        self.dim = dim
        self.region = region
        self.max_workers = max_workers
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._client = client
        self._client_lock = threading.Lock()

    @property
    def client(self) -> Any:
        """The ``bedrock-runtime`` client (created on first use when none was injected)."""
        with self._client_lock:
            if self._client is None:
                import boto3  # only here: task logic never imports boto3
                from botocore.config import Config

                self._client = boto3.client(
                    "bedrock-runtime",
                    region_name=self.region,
                    config=Config(retries={"mode": "standard", "max_attempts": 2}),
                )
            return self._client

    def request_body(self, text: str) -> dict[str, Any]:
        """The InvokeModel body for one text.

        Examples
        --------
        >>> BedrockTitanEmbedder(object(), dim=256).request_body("hi")
        {'inputText': 'hi', 'dimensions': 256, 'normalize': True, 'embeddingTypes': ['float']}
        """
        return {
            "inputText": text,
            "dimensions": self.dim,
            "normalize": True,
            "embeddingTypes": ["float"],
        }

    def _embed(self, texts: list[str]) -> EmbeddingResult:
        for position, text in enumerate(texts):
            if not text.strip():
                raise ValidationError(f"Text {position} is empty; Bedrock refuses empty input.")
            if len(text) > TITAN_MAX_CHARS:
                raise ValidationError(
                    f"Text {position} has {len(text)} characters; Titan takes at most "
                    f"{TITAN_MAX_CHARS}. Trim documents first (build_document does)."
                )
        if len(texts) == 1 or self.max_workers == 1:
            answers = [self._one(i, text) for i, text in enumerate(texts)]
        else:
            with ThreadPoolExecutor(max_workers=min(self.max_workers, len(texts))) as pool:
                answers = list(pool.map(self._one, range(len(texts)), texts))
        vectors = normalise_rows(np.array([vector for vector, _ in answers], dtype=np.float32))
        return EmbeddingResult(vectors, tuple(t for _, t in answers), self.model, self.dim)

    def _one(self, index: int, text: str) -> tuple[list[float], int]:
        from botocore.exceptions import (  # botocore comes with boto3
            ClientError,
            ConnectionError,
            ReadTimeoutError,
        )

        body = json.dumps(self.request_body(text))
        for attempt in range(self.max_attempts):
            try:
                response = self.client.invoke_model(
                    modelId=self.model,
                    contentType="application/json",
                    accept="application/json",
                    body=body,
                )
                return self._parse(index, response)
            except ClientError as exc:
                code = str(exc.response.get("Error", {}).get("Code", ""))
                status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
                if code not in RETRYABLE_CODES and status < 500:
                    raise self._translate(index, code, exc) from exc
                if attempt + 1 == self.max_attempts:
                    raise self._exhausted(index, code or str(status)) from exc
            except (ConnectionError, ReadTimeoutError) as exc:
                if attempt + 1 == self.max_attempts:
                    raise self._exhausted(index, type(exc).__name__) from exc
            self._sleep(self._delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int) -> float:
        with self._rng_lock:
            return self._rng.uniform(0.0, min(self.max_delay, self.base_delay * 2**attempt))

    def _parse(self, index: int, response: Any) -> tuple[list[float], int]:
        try:
            payload = json.loads(response["body"].read())
            by_type = payload.get("embeddingsByType") or {}
            vector = by_type.get("float") or payload["embedding"]
            tokens = int(payload["inputTextTokenCount"])
        except (KeyError, TypeError, ValueError) as exc:
            raise EmbeddingRequestError(
                f"Bedrock answered text {index} without an embedding and token count ({exc}).",
                index=index,
                code="MalformedResponse",
            ) from exc
        if len(vector) != self.dim:
            raise EmbeddingRequestError(
                f"Bedrock returned {len(vector)} dimensions for text {index}; asked for "
                f"{self.dim}.",
                index=index,
                code="MalformedResponse",
            )
        return [float(x) for x in vector], tokens

    def _translate(self, index: int, code: str, exc: Exception) -> Exception:
        if code in _DENIED:
            return AccessDeniedError(
                f"Bedrock refused {self.model} ({code}): enable model access in the Bedrock "
                "console and allow bedrock:InvokeModel for this role."
            )
        return EmbeddingRequestError(
            f"Bedrock refused text {index} ({code}: {exc}); fix the input or the settings.",
            index=index,
            code=code,
        )

    def _exhausted(self, index: int, code: str) -> Exception:
        message = (
            f"Bedrock kept failing text {index} ({code}) after {self.max_attempts} attempts; "
            "lower max_workers or raise the requests-per-minute quota, then re-run."
        )
        if code in _THROTTLES:
            return ThrottledError(message)
        return EmbeddingRequestError(message, index=index, code=code)

    def spec(self) -> dict[str, Any]:
        """Kind, model id, dimensions and ``normalize``."""
        return {**super().spec(), "normalize": True, "region": self.region}
