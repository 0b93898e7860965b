"""The Titan V2 adapter against botocore's Stubber, which checks every request against the
bedrock-runtime service model (names, types, required members) before answering it."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from typing import Any

import boto3
import numpy as np
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from thera_sdk import AccessDeniedError, ThrottledError, ValidationError
from thera_sdk.embed import TITAN_V2, BedrockTitanEmbedder, EmbeddingRequestError


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    yield boto3.client("bedrock-runtime", region_name="us-east-1")


def titan_answer(vector: list[float], tokens: int) -> dict[str, Any]:
    """An InvokeModel response as Titan V2 sends it (embedding, by-type and token count)."""
    data = json.dumps(
        {"embedding": vector, "embeddingsByType": {"float": vector}, "inputTextTokenCount": tokens}
    ).encode()
    return {"body": StreamingBody(io.BytesIO(data), len(data)), "contentType": "application/json"}


def expected(text: str, dim: int) -> dict[str, Any]:
    body = {"inputText": text, "dimensions": dim, "normalize": True, "embeddingTypes": ["float"]}
    return {
        "modelId": TITAN_V2,
        "contentType": "application/json",
        "accept": "application/json",
        "body": json.dumps(body),
    }


def _unit(seed: int, dim: int) -> list[float]:
    vector = np.random.default_rng(seed).normal(size=dim)
    return (vector / np.linalg.norm(vector)).tolist()


def test_each_text_is_one_invoke_model_request_in_the_documented_shape(client: Any) -> None:
    # GIVEN a stub expecting exactly these three requests, in order
    texts = ["card fraud scoring", "freight matching", "precision irrigation"]
    with Stubber(client) as stub:
        for i, text in enumerate(texts):
            stub.add_response(
                "invoke_model", titan_answer(_unit(i, 256), 3 + i), expected(text, 256)
            )
        # WHEN they are embedded one at a time
        result = BedrockTitanEmbedder(client, dim=256, max_workers=1).embed(texts)
        stub.assert_no_pending_responses()
    # THEN vectors come back in order, unit length, with the billed token counts
    assert result.vectors.shape == (3, 256) and result.vectors.dtype == np.float32
    assert np.allclose(result.vectors[1], _unit(1, 256), atol=1e-6)
    assert result.token_counts == (3, 4, 5) and result.model == TITAN_V2


def test_throttling_model_not_ready_and_5xx_are_retried_with_backoff(client: Any) -> None:
    waits: list[float] = []
    embedder = BedrockTitanEmbedder(
        client, dim=256, sleep=waits.append, rng=random.Random(1), base_delay=0.5, max_delay=4.0
    )
    with Stubber(client) as stub:
        stub.add_client_error("invoke_model", "ThrottlingException", http_status_code=429)
        stub.add_client_error("invoke_model", "ModelNotReadyException", http_status_code=429)
        stub.add_client_error("invoke_model", "InternalServerException", http_status_code=500)
        stub.add_client_error("invoke_model", "SomethingNew", http_status_code=503)
        stub.add_response("invoke_model", titan_answer(_unit(0, 256), 7), expected("hi", 256))
        result = embedder.embed(["hi"])
        stub.assert_no_pending_responses()
    assert result.token_counts == (7,)
    # full jitter: each wait lies in [0, min(max_delay, base * 2**attempt)]
    assert len(waits) == 4
    assert all(0 <= w <= min(4.0, 0.5 * 2**i) for i, w in enumerate(waits))


def test_persistent_throttling_ends_in_throttled_error(client: Any) -> None:
    embedder = BedrockTitanEmbedder(client, dim=256, max_attempts=3, sleep=lambda _: None)
    with Stubber(client) as stub:
        for _ in range(3):
            stub.add_client_error("invoke_model", "ThrottlingException", http_status_code=429)
        with pytest.raises(ThrottledError, match="quota"):
            embedder.embed(["hi"])
        stub.assert_no_pending_responses()


def test_client_errors_are_not_retried(client: Any) -> None:
    embedder = BedrockTitanEmbedder(client, dim=256, sleep=lambda _: pytest.fail("slept"))
    with Stubber(client) as stub:
        stub.add_client_error(
            "invoke_model", "ValidationException", "Malformed input", http_status_code=400
        )
        stub.add_client_error("invoke_model", "AccessDeniedException", http_status_code=403)
        with pytest.raises(EmbeddingRequestError, match="ValidationException") as caught:
            embedder.embed(["hi"])
        assert caught.value.index == 0 and caught.value.code == "ValidationException"
        with pytest.raises(AccessDeniedError, match="model access"):
            embedder.embed(["hi"])


def test_a_wrong_dimension_in_the_answer_is_a_clear_error(client: Any) -> None:
    with Stubber(client) as stub:
        stub.add_response("invoke_model", titan_answer(_unit(0, 512), 2), expected("hi", 256))
        with pytest.raises(EmbeddingRequestError, match="512 dimensions"):
            BedrockTitanEmbedder(client, dim=256).embed(["hi"])


def test_concurrent_requests_send_every_text_once(client: Any) -> None:
    # GIVEN eight texts and four workers (answers are identical: order is not checked here)
    texts = [f"company number {i}" for i in range(8)]
    sent: list[str] = []
    client.meta.events.register(
        "before-parameter-build.bedrock-runtime.InvokeModel",
        lambda params, **_: sent.append(json.loads(params["body"])["inputText"]),
    )
    with Stubber(client) as stub:
        for _ in texts:
            stub.add_response("invoke_model", titan_answer(_unit(3, 256), 4))
        result = BedrockTitanEmbedder(client, dim=256, max_workers=4).embed(texts)
        stub.assert_no_pending_responses()
    assert sorted(sent) == sorted(texts) and result.total_tokens == 32


def test_input_is_checked_before_anything_is_sent(client: Any) -> None:
    embedder = BedrockTitanEmbedder(client, dim=256)
    with Stubber(client):
        with pytest.raises(ValidationError, match="empty"):
            embedder.embed(["  "])
        with pytest.raises(ValidationError, match="50000"):
            embedder.embed(["x" * 50_001])
    with pytest.raises(ValidationError, match="256, 512 or 1024"):
        BedrockTitanEmbedder(client, dim=384)
