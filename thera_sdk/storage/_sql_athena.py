"""The AWS SQL adapter: Amazon Athena.

A query is started in a workgroup, polled with exponential backoff until it ends or its deadline
passes (then it is cancelled), and its results are read page by page and typed from Athena's
column metadata. ``bytes_scanned`` is what Athena bills ($5 per TB, 10 MB minimum per query).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pyarrow as pa

from thera_sdk._exceptions import QueryFailedError, RequestTimeoutError, TheraError, ValidationError
from thera_sdk.storage._aws import make_client, translate_aws_error
from thera_sdk.storage._sql import QueryResult, SqlEngine

__all__ = ["AthenaSqlEngine", "athena_value", "hive_type"]

_INTEGERS = frozenset({"tinyint", "smallint", "integer", "int", "bigint"})
_FLOATS = frozenset({"double", "float", "real"})


def athena_value(text: str | None, kind: str) -> Any:
    """Convert one result cell (Athena returns text) to a Python value by its column type.

    Arrays, maps, rows and JSON stay text.

    Examples
    --------
    >>> athena_value("42", "bigint"), athena_value("2025-01-31", "date")
    (42, datetime.date(2025, 1, 31))
    """
    if text is None:
        return None
    kind = kind.lower().split("(")[0]
    if kind in _INTEGERS:
        return int(text)
    if kind in _FLOATS:
        return float(text)
    if kind == "decimal":
        return Decimal(text)
    if kind == "boolean":
        return text.lower() == "true"
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind.startswith("timestamp"):
        return dt.datetime.fromisoformat(text.replace(" UTC", "").strip())
    return text


def hive_type(data_type: pa.DataType) -> str:
    """The Athena (Hive DDL) type for an Arrow type.

    Examples
    --------
    >>> hive_type(pa.list_(pa.string()))
    'array<string>'
    """
    simple = {
        pa.bool_(): "boolean", pa.int8(): "tinyint", pa.int16(): "smallint",
        pa.int32(): "int", pa.int64(): "bigint", pa.float32(): "float", pa.float64(): "double",
        pa.string(): "string", pa.large_string(): "string", pa.binary(): "binary",
        pa.large_binary(): "binary", pa.date32(): "date",
    }  # fmt: skip
    if data_type in simple:
        return simple[data_type]
    if pa.types.is_timestamp(data_type):
        return "timestamp"
    if pa.types.is_decimal(data_type):
        return f"decimal({data_type.precision},{data_type.scale})"
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return f"array<{hive_type(data_type.value_type)}>"
    if pa.types.is_struct(data_type):
        fields = ",".join(f"{f.name}:{hive_type(f.type)}" for f in data_type)
        return f"struct<{fields}>"
    if pa.types.is_map(data_type):
        return f"map<{hive_type(data_type.key_type)},{hive_type(data_type.item_type)}>"
    raise ValidationError(f"Arrow type {data_type} has no Athena equivalent; cast the column.")


class AthenaSqlEngine(SqlEngine):
    """SQL over the S3 datasets with Amazon Athena.

    Parameters
    ----------
    client
        A boto3 ``athena`` client; one is made from the default session when ``None``.
    database
        The Glue database queries run in.
    workgroup
        The Athena workgroup (its settings may enforce an output location and a scan limit).
    output_location
        ``s3://bucket/prefix/`` for results, when the workgroup does not set one.
    default_timeout
        Seconds to wait for a query when :meth:`query` gets no ``timeout``.
    clock, sleep
        Monotonic seconds and a sleep function, for polling.

    Examples
    --------
    >>> engine = AthenaSqlEngine(boto3.client("athena"), database="thera_dev")  # doctest: +SKIP
    >>> engine.query("SELECT 1 AS one").rows  # doctest: +SKIP
    [{'one': 1}]
    """

    def __init__(
        self,
        client: Any = None,
        *,
        database: str,
        workgroup: str = "primary",
        output_location: str | None = None,
        default_timeout: float = 600.0,
        first_poll: float = 0.2,
        max_poll: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client if client is not None else make_client("athena")
        self.database = database
        self.workgroup = workgroup
        self.output_location = output_location
        self._default_timeout = default_timeout
        self._first_poll = first_poll
        self._max_poll = max_poll
        self._clock = clock
        self._sleep = sleep

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        return translate_aws_error(exc, f"Athena {subject}")

    def _start(self, sql: str) -> str:
        args: dict[str, Any] = {
            "QueryString": sql,
            "WorkGroup": self.workgroup,
            "QueryExecutionContext": {"Database": self.database},
        }
        if self.output_location:
            args["ResultConfiguration"] = {"OutputLocation": self.output_location}
        return str(self._client.start_query_execution(**args)["QueryExecutionId"])

    def _wait(self, query_id: str, timeout: float) -> dict[str, Any]:
        deadline = self._clock() + timeout
        delay = self._first_poll
        while True:
            execution: dict[str, Any] = self._client.get_query_execution(QueryExecutionId=query_id)[
                "QueryExecution"
            ]
            state = execution["Status"]["State"]
            if state in {"SUCCEEDED", "FAILED", "CANCELLED"}:
                return execution
            remaining = deadline - self._clock()
            if remaining <= 0:
                self._client.stop_query_execution(QueryExecutionId=query_id)
                raise RequestTimeoutError(
                    f"Athena query {query_id} was still {state} after {timeout:.0f} s and was "
                    "cancelled; give it more time or filter on the date partition to scan less."
                )
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, self._max_poll)

    def _query(self, sql: str, timeout: float | None) -> QueryResult:
        query_id = self._start(sql)
        execution = self._wait(query_id, timeout or self._default_timeout)
        status = execution["Status"]
        scanned = int(execution.get("Statistics", {}).get("DataScannedInBytes", 0))
        if status["State"] != "SUCCEEDED":
            reason = status.get("StateChangeReason") or status.get("AthenaError", {}).get(
                "ErrorMessage", "no reason given"
            )
            raise QueryFailedError(
                f"Athena query {query_id} {status['State'].lower()}: {reason}", query_id=query_id
            )
        if execution.get("StatementType") == "DDL":
            return QueryResult([], [], scanned, query_id)
        return self._results(query_id, scanned)

    def _results(self, query_id: str, scanned: int) -> QueryResult:
        columns: list[tuple[str, str]] = []
        rows: list[dict[str, Any]] = []
        token: str | None = None
        first_page = True
        while True:
            args: dict[str, Any] = {"QueryExecutionId": query_id, "MaxResults": 1000}
            if token:
                args["NextToken"] = token
            page = self._client.get_query_results(**args)
            result_set = page["ResultSet"]
            if first_page:
                info = result_set.get("ResultSetMetadata", {}).get("ColumnInfo", [])
                columns = [(c.get("Label") or c["Name"], c.get("Type", "varchar")) for c in info]
            raw_rows = result_set.get("Rows", [])
            if first_page and raw_rows and self._is_header(raw_rows[0], columns):
                raw_rows = raw_rows[1:]
            first_page = False
            for raw in raw_rows:
                cells = [cell.get("VarCharValue") for cell in raw.get("Data", [])]
                rows.append(
                    {name: athena_value(text, kind)
                     for (name, kind), text in zip(columns, cells, strict=False)}
                )  # fmt: skip
            token = page.get("NextToken")
            if not token:
                return QueryResult([name for name, _ in columns], rows, scanned, query_id)

    @staticmethod
    def _is_header(row: dict[str, Any], columns: list[tuple[str, str]]) -> bool:
        cells = [cell.get("VarCharValue") for cell in row.get("Data", [])]
        return cells == [name for name, _ in columns]

    def _register_parquet(
        self, name: str, bucket: str, prefix: str, schema: pa.Schema | None, partitioned: bool
    ) -> None:
        if schema is None:
            raise ValidationError(
                f"Athena needs the columns of table {name!r}: pass schema=... (a pyarrow "
                "schema), or create the table with the DDL in sql/."
            )
        columns = ",\n  ".join(
            f"`{f.name}` {hive_type(f.type)}" for f in schema if f.name != "date"
        )
        location = f"s3://{bucket}/{prefix}"
        ddl = f"CREATE EXTERNAL TABLE IF NOT EXISTS `{name}` (\n  {columns}\n)"
        if partitioned:
            ddl += (
                "\nPARTITIONED BY (`date` string)\nSTORED AS PARQUET\n"
                f"LOCATION '{location}'\nTBLPROPERTIES (\n"
                "  'projection.enabled'='true', 'projection.date.type'='date',\n"
                "  'projection.date.format'='yyyy-MM-dd',\n"
                "  'projection.date.range'='2020-01-01,NOW',\n"
                "  'projection.date.interval'='1', 'projection.date.interval.unit'='DAYS',\n"
                f"  'storage.location.template'='{location}date=${{date}}/')"
            )
        else:
            ddl += f"\nSTORED AS PARQUET\nLOCATION '{location}'"
        self._query(ddl, None)
