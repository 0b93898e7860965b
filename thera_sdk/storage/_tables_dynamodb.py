"""The AWS tables adapter: DynamoDB through a boto3 client (low-level, typed AttributeValues).

Expressions are sent as written: the port has already checked them with the same parser the
local adapter uses. Reads hide items whose TTL has passed, since DynamoDB deletes them only
within about two days; conditions on AWS still see such an item until it is deleted, so a
"create if absent" on a TTL table should also accept an expired item
(``attribute_not_exists(pk) OR expires_at < :now``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from thera_sdk._exceptions import TableNotFoundError, TheraError, ThrottledError, ValidationError
from thera_sdk.storage._aws import backoff_delay, error_code, make_client, translate_aws_error
from thera_sdk.storage._table_types import IndexSpec, Page, Request, TableSpec
from thera_sdk.storage._tables import BATCH_SIZE, TableStore
from thera_sdk.storage._values import from_wire, to_wire

__all__ = ["DynamoDBTableStore"]


def _encode(item: dict[str, Any]) -> dict[str, Any]:
    return {k: to_wire(v) for k, v in item.items()}


def _decode(item: dict[str, Any]) -> dict[str, Any]:
    return {k: from_wire(v) for k, v in item.items()}


def _expression_args(request: Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.texts)
    if request.context.names:
        args["ExpressionAttributeNames"] = request.context.names
    if request.context.values:
        args["ExpressionAttributeValues"] = _encode(request.context.values)
    return args


class DynamoDBTableStore(TableStore):
    """Tables in Amazon DynamoDB.

    Parameters
    ----------
    client
        A boto3 ``dynamodb`` client; one is made from the default session when ``None``.
    clock
        Epoch seconds; decides which items have expired.
    max_batch_attempts
        How many times a batch is sent while DynamoDB returns ``UnprocessedItems``.
    sleep
        Waits between batch attempts (exponential backoff with jitter).

    Examples
    --------
    >>> store = DynamoDBTableStore(boto3.client("dynamodb"))  # doctest: +SKIP
    >>> store.get_item("thera-dev-public", {"pk": "startup#1"})  # doctest: +SKIP
    """

    def __init__(
        self,
        client: Any = None,
        *,
        clock: Callable[[], float] = time.time,
        max_batch_attempts: int = 8,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(clock=clock)
        self._client = client if client is not None else make_client("dynamodb")
        self._max_batch_attempts = max_batch_attempts
        self._sleep = sleep

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        return translate_aws_error(
            exc,
            subject,
            not_found=TableNotFoundError,
            not_found_hint="create the table (cloudformation/) or check the table name",
        )

    # -- tables ----------------------------------------------------------------------------------
    def _create_table(self, spec: TableSpec) -> None:
        types = spec.key_types()
        request: dict[str, Any] = {
            "TableName": spec.name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": kind} for name, kind in types.items()
            ],
            "KeySchema": self._key_schema(spec.partition_key, spec.sort_key),
        }
        if spec.indexes:
            request["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index.name,
                    "KeySchema": self._key_schema(index.partition_key, index.sort_key),
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in spec.indexes
            ]
        try:
            self._client.create_table(**request)
        except Exception as exc:
            if error_code(exc) != "ResourceInUseException":
                raise
            if self._describe_table(spec.name) != spec:
                raise ValidationError(
                    f"Table {spec.name!r} already exists with another definition; delete it "
                    "first or use the existing definition."
                ) from exc
            return
        self._client.get_waiter("table_exists").wait(
            TableName=spec.name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )
        if spec.ttl_attribute:
            self._client.update_time_to_live(
                TableName=spec.name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute},
            )

    @staticmethod
    def _key_schema(partition: str, sort: str | None) -> list[dict[str, str]]:
        schema = [{"AttributeName": partition, "KeyType": "HASH"}]
        if sort:
            schema.append({"AttributeName": sort, "KeyType": "RANGE"})
        return schema

    def _describe_table(self, table: str) -> TableSpec:
        description = self._client.describe_table(TableName=table)["Table"]
        types = {
            a["AttributeName"]: a["AttributeType"] for a in description["AttributeDefinitions"]
        }

        def keys(schema: list[dict[str, str]]) -> dict[str, Any]:
            hash_key = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
            range_key = next((k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"), None)
            return {
                "partition_key": hash_key,
                "partition_type": types[hash_key],
                "sort_key": range_key,
                "sort_type": types[range_key] if range_key else "S",
            }

        indexes = tuple(
            IndexSpec(name=index["IndexName"], **keys(index["KeySchema"]))
            for index in description.get("GlobalSecondaryIndexes", [])
        )
        ttl = self._client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        ttl_attribute = (
            ttl.get("AttributeName")
            if ttl.get("TimeToLiveStatus") in {"ENABLED", "ENABLING"}
            else None
        )
        return TableSpec(
            name=table,
            indexes=indexes,
            ttl_attribute=ttl_attribute,
            **keys(description["KeySchema"]),
        )

    def _delete_table(self, table: str) -> None:
        self._client.delete_table(TableName=table)
        self._client.get_waiter("table_not_exists").wait(
            TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )

    # -- single items ----------------------------------------------------------------------------
    def _put_item(self, spec: TableSpec, item: dict[str, Any], request: Request) -> None:
        self._client.put_item(TableName=spec.name, Item=_encode(item), **_expression_args(request))

    def _get_item(
        self, spec: TableSpec, key: dict[str, Any], consistent: bool
    ) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=spec.name, Key=_encode(key), ConsistentRead=consistent
        )
        return _decode(response["Item"]) if "Item" in response else None

    def _update_item(
        self, spec: TableSpec, key: dict[str, Any], request: Request
    ) -> dict[str, Any]:
        response = self._client.update_item(
            TableName=spec.name,
            Key=_encode(key),
            ReturnValues="ALL_NEW",
            **_expression_args(request),
        )
        return _decode(response.get("Attributes", {}))

    def _delete_item(
        self, spec: TableSpec, key: dict[str, Any], request: Request
    ) -> dict[str, Any] | None:
        response = self._client.delete_item(
            TableName=spec.name,
            Key=_encode(key),
            ReturnValues="ALL_OLD",
            **_expression_args(request),
        )
        return _decode(response["Attributes"]) if response.get("Attributes") else None

    def _batch_write(
        self, spec: TableSpec, puts: list[dict[str, Any]], deletes: list[dict[str, Any]]
    ) -> None:
        requests = [{"PutRequest": {"Item": _encode(item)}} for item in puts] + [
            {"DeleteRequest": {"Key": _encode(key)}} for key in deletes
        ]
        for start in range(0, len(requests), BATCH_SIZE):
            self._send_batch(spec.name, requests[start : start + BATCH_SIZE])

    def _send_batch(self, table: str, requests: list[dict[str, Any]]) -> None:
        pending = {table: requests}
        for attempt in range(self._max_batch_attempts):
            response = self._client.batch_write_item(RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending.get(table):
                return
            self._sleep(backoff_delay(attempt))
        raise ThrottledError(
            f"DynamoDB left {len(pending[table])} writes to table {table!r} unprocessed after "
            f"{self._max_batch_attempts} attempts; retry later or raise the table's capacity."
        )

    # -- many items ------------------------------------------------------------------------------
    def _query(
        self,
        spec: TableSpec,
        index: IndexSpec | None,
        request: Request,
        limit: int | None,
        start_key: dict[str, Any] | None,
        forward: bool,
        consistent: bool,
    ) -> Page:
        args = _expression_args(request)
        args["ScanIndexForward"] = forward
        if consistent:
            args["ConsistentRead"] = True
        return self._page("query", spec, index, args, limit, start_key)

    def _scan(
        self,
        spec: TableSpec,
        index: IndexSpec | None,
        request: Request,
        limit: int | None,
        start_key: dict[str, Any] | None,
    ) -> Page:
        return self._page("scan", spec, index, _expression_args(request), limit, start_key)

    def _page(
        self,
        operation: str,
        spec: TableSpec,
        index: IndexSpec | None,
        args: dict[str, Any],
        limit: int | None,
        start_key: dict[str, Any] | None,
    ) -> Page:
        args["TableName"] = spec.name
        if index is not None:
            args["IndexName"] = index.name
        if limit is not None:
            args["Limit"] = limit
        if start_key:
            args["ExclusiveStartKey"] = _encode(start_key)
        response = getattr(self._client, operation)(**args)
        last = response.get("LastEvaluatedKey")
        return Page(
            [_decode(i) for i in response.get("Items", [])], _decode(last) if last else None
        )
