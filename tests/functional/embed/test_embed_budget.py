"""The daily budget guardrail through the task, with Bedrock answered by botocore's Stubber."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import numpy as np
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from embed_rows import company, write_day

from tasks.embeddings_batch import SPEND_PREFIX, handler
from thera_sdk import Ports
from thera_sdk.embed import TITAN_V2, build_document, estimate_tokens, read_index
from thera_sdk.storage import read_dataset

PRICE = 0.00002  # USD per 1K tokens, Titan V2 on demand in us-east-1
NOW = "2025-02-01T06:00:00+00:00"


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    yield boto3.client("bedrock-runtime", region_name="us-east-1")


def _answer(text: str, dim: int) -> dict[str, Any]:
    vector = np.random.default_rng(len(text)).normal(size=dim)
    vector = (vector / np.linalg.norm(vector)).tolist()
    billed = max(1, round(len(text) / 4.6))  # what Titan bills for English, roughly
    data = json.dumps(
        {"embedding": vector, "embeddingsByType": {"float": vector}, "inputTextTokenCount": billed}
    ).encode()
    return {"body": StreamingBody(io.BytesIO(data), len(data)), "contentType": "application/json"}


def _expect(stub: Stubber, text: str, dim: int) -> int:
    body = {"inputText": text, "dimensions": dim, "normalize": True, "embeddingTypes": ["float"]}
    answer = _answer(text, dim)
    stub.add_response(
        "invoke_model",
        answer,
        {
            "modelId": TITAN_V2,
            "contentType": "application/json",
            "accept": "application/json",
            "body": json.dumps(body),
        },
    )
    return max(1, round(len(text) / 4.6))


def test_budget_smaller_than_the_batch_stops_it_and_defers_the_rest(
    ports: Ports, bedrock: Any
) -> None:
    import datetime as dt

    # GIVEN eight companies and a daily budget that covers the estimates of only three
    rows = [
        company(i, description=f"Company {i} sells {'very ' * i}useful things.") for i in range(8)
    ]
    write_day(ports, "2025-01-31", rows)
    docs = [build_document(r) for r in rows]
    budget = sum(estimate_tokens(d.text) for d in docs[:3]) / 1000 * PRICE * 1.0001
    env = {
        "THERA_EMBEDDER": "bedrock",
        "THERA_BEDROCK_DIM": "256",
        "THERA_BEDROCK_CONCURRENCY": "1",
        "DAILY_BUDGET": repr(budget),
    }
    now = dt.datetime.fromisoformat(NOW)
    with Stubber(bedrock) as stub:
        billed = [_expect(stub, d.text, 256) for d in docs[:3]]  # exactly three requests
        # WHEN the batch runs
        result = handler(
            {"date": "2025-01-31"}, ports=ports, bedrock_client=bedrock, environ=env, now=now
        )
        stub.assert_no_pending_responses()  # nothing more was sent
    # THEN it stopped cleanly for the budget, with five documents deferred
    assert result["embedded"] == 3 and result["deferred"] == 5
    assert result["stopped_by"] == "budget" and result["tokens"] == sum(billed)
    assert result["spent_today_usd"] <= budget
    # AND the recorded cost is within 1% of tokens x price, in the ledger and the cost rows
    expected = sum(billed) / 1000 * PRICE
    ledger = json.loads(
        ports.parameters.get(ports.settings.parameter_name(f"{SPEND_PREFIX}/2025-02-01")).value
    )
    assert ledger["tokens"] == sum(billed)
    assert ledger["usd"] == pytest.approx(expected, rel=0.01)
    costs = read_dataset(
        ports.objects, ports.settings.data_bucket, "metrics/embedding_cost", dates=["2025-02-01"]
    ).to_pylist()
    assert costs[0]["cost_usd"] == pytest.approx(expected, rel=0.01)
    assert costs[0]["stopped_by"] == "budget" and costs[0]["deferred"] == 5
    # AND the watermark did not pass the day with deferred documents; the index has three
    assert result["watermark"]["after"] is None
    index = read_index(ports.objects, ports.settings.bucket_name("gold"), with_embedder=False)
    assert index.meta.column("startup_id").to_pylist() == ["c000", "c001", "c002"]
    assert index.manifest["embedder"] == {
        "kind": "bedrock",
        "model": TITAN_V2,
        "dim": 256,
        "normalize": True,
        "region": None,
        "files": [],
    }

    # WHEN the next day brings a fresh budget
    later = now + dt.timedelta(days=1)
    env["DAILY_BUDGET"] = "1.0"
    with Stubber(bedrock) as stub:
        for d in docs[3:]:
            _expect(stub, d.text, 256)
        again = handler(
            {"date": "2025-02-01"}, ports=ports, bedrock_client=bedrock, environ=env, now=later
        )
        stub.assert_no_pending_responses()
    # THEN only the deferred five are embedded, and the index is complete
    assert again["embedded"] == 5 and again["unchanged"] == 3 and again["deferred"] == 0
    assert again["index"]["count"] == 8 and again["watermark"]["after"] == "2025-01-31"


def test_a_budget_already_spent_sends_nothing(ports: Ports, bedrock: Any) -> None:
    import datetime as dt

    write_day(ports, "2025-01-31", [company(0)])
    name = ports.settings.parameter_name(f"{SPEND_PREFIX}/2025-02-01")
    ports.parameters.put(name, json.dumps({"usd": 0.5, "tokens": 25_000_000, "runs": 4}))
    env = {"THERA_EMBEDDER": "bedrock", "THERA_BEDROCK_DIM": "256", "DAILY_BUDGET": "0.5"}
    with Stubber(bedrock) as stub:  # no response queued: any request would fail the test
        result = handler(
            {"date": "2025-01-31"},
            ports=ports,
            bedrock_client=bedrock,
            environ=env,
            now=dt.datetime.fromisoformat(NOW),
        )
        stub.assert_no_pending_responses()
    assert result["embedded"] == 0 and result["deferred"] == 1 and result["cost_usd"] == 0.0
    assert result["stopped_by"] == "budget"
