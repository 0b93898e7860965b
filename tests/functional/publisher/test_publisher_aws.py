"""The publisher on the AWS adapters (S3, DynamoDB, SSM), against the session's moto server.

Also checks what the publisher relies on: a batch write that DynamoDB only partly processes is
retried until every item is in.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pyarrow as pa
import pytest

from tasks.publisher import WATERMARK, Cursor, handler, table_specs
from thera_sdk import Ports, Settings, build_ports
from thera_sdk.storage import DynamoDBTableStore, TableSpec, write_partition


class _PartlyProcessing:
    """A dynamodb client whose first ``flaky`` batch writes process only half of each request
    and hand the rest back as ``UnprocessedItems``, as DynamoDB does under throttling."""

    def __init__(self, client: Any, flaky: int) -> None:
        self._client, self._flaky = client, flaky
        self.batch_sizes: list[int] = []

    def batch_write_item(self, RequestItems: dict[str, list[dict]]) -> dict:
        ((table, requests),) = RequestItems.items()
        self.batch_sizes.append(len(requests))
        if self._flaky <= 0 or len(requests) < 2:
            return dict(self._client.batch_write_item(RequestItems=RequestItems))
        self._flaky -= 1
        half = len(requests) // 2
        self._client.batch_write_item(RequestItems={table: requests[:half]})
        return {"UnprocessedItems": {table: requests[half:]}}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_unprocessed_items_are_retried_until_every_item_is_written(
    moto_endpoint: str, unique_name: str
) -> None:
    # GIVEN a table behind a client that leaves half of the first three batches unprocessed
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1")
    flaky = _PartlyProcessing(client, flaky=3)
    waits: list[float] = []
    store = DynamoDBTableStore(flaky, sleep=waits.append)
    store.create_table(TableSpec(unique_name, "startup_id", ttl_attribute="expires_at"))
    items = [{"startup_id": f"s{i:03d}", "expires_at": 2_000_000_000} for i in range(60)]
    # WHEN 60 items are written in one call
    written = store.batch_write(unique_name, put=items)
    # THEN batches hold at most 25, the leftovers were re-sent after a backoff, all 60 are in
    assert written == 60 and max(flaky.batch_sizes) == 25
    assert len(waits) == 3 and len(flaky.batch_sizes) > 3
    assert sorted(i["startup_id"] for i in store.scan_all(unique_name)) == [
        f"s{i:03d}" for i in range(60)
    ]


@pytest.fixture
def aws_ports(moto_endpoint: str, unique_name: str) -> Iterator[Ports]:
    settings = Settings(
        backend="aws", region="us-east-1", endpoint_url=moto_endpoint, stack=unique_name
    )
    with build_ports(settings) as ports:
        ports.objects.create_bucket(settings.data_bucket)
        for spec in table_specs(ports):  # on AWS the stack creates them
            ports.tables.create_table(spec)
        yield ports


def test_publisher_runs_incrementally_on_s3_dynamodb_and_ssm(aws_ports: Ports) -> None:
    # GIVEN a day of companies in S3
    now = float(int(time.time()))
    rows = [
        {"id": s, "name": s.upper(), "updated_at": f"2025-01-30T0{i}:00:00Z",
         "description": "Ask jane@example.com", "contacts": [{"name": "Jane Doe"}]}
        for i, s in enumerate("abc")
    ]  # fmt: skip
    bucket = aws_ports.settings.data_bucket
    write_partition(
        aws_ports.objects,
        bucket,
        "private/silver/companies",
        "2025-01-30",
        pa.Table.from_pylist(rows),
    )
    # WHEN the publisher runs twice
    first = handler({"date": "2025-01-30", "ttl_days": 10}, ports=aws_ports, clock=lambda: now)
    second = handler({"date": "2025-01-30"}, ports=aws_ports, clock=lambda: now)
    # THEN the first run wrote both DynamoDB tables, the second found nothing new
    assert first["published"] == 3 and second["status"] == "up_to_date"
    public_spec, private_spec = table_specs(aws_ports)
    public = aws_ports.tables.get_item(public_spec.name, {"startup_id": "c"})
    private = aws_ports.tables.get_item(private_spec.name, {"startup_id": "c"})
    assert public is not None and private is not None
    assert public["description"] == "Ask [redacted-email]" and "contacts" not in public
    assert private["contacts"] == [{"name": "Jane Doe"}]
    assert int(public["expires_at"]) == int(now) + 10 * 86_400
    # AND the watermark sits in SSM
    stored = aws_ports.parameters.get(aws_ports.settings.parameter_name(WATERMARK))
    assert Cursor.parse(stored.value) == Cursor("2025-01-30T02:00:00.000000Z", "c")
