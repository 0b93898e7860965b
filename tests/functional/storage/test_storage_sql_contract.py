"""The SQL contract: DuckDB over local Parquet and Athena (moto) return the same typed rows.

moto does not run SQL: for the Athena side the tests queue the result Athena would return
(text cells plus column types) through moto's API, and check how the adapter starts, polls,
pages and types it.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pyarrow as pa
import pytest

from thera_sdk import QueryFailedError, RequestTimeoutError, ValidationError
from thera_sdk.storage import (
    AthenaSqlEngine,
    DuckDbSqlEngine,
    LocalObjectStore,
    SqlEngine,
    write_partition,
)

COLUMNS = [("id", "bigint"), ("name", "varchar"), ("score", "double"), ("big", "decimal"),
           ("ok", "boolean"), ("day", "date")]  # fmt: skip
ROWS: list[dict[str, Any]] = [
    {"id": 1, "name": "acme", "score": 0.5, "big": Decimal("12.50"), "ok": True,
     "day": dt.date(2025, 1, 31)},
    {"id": 2, "name": None, "score": 1.25, "big": Decimal("0.10"), "ok": False,
     "day": dt.date(2025, 1, 30)},
]  # fmt: skip
QUERY = (
    'SELECT id, name, score, big, ok, day FROM companies WHERE "date" = :day AND id IN :ids '
    "ORDER BY id"
)


def moto_post(endpoint: str, path: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{endpoint}{path}", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10):
        pass


def queue_athena_result(endpoint: str, columns: list[tuple[str, str]], rows: list[dict]) -> None:
    """Queue what Athena returns for a SELECT: a header row, then text cells."""

    def cell(value: Any) -> dict[str, str]:
        if value is None:
            return {}
        return {"VarCharValue": str(value).lower() if isinstance(value, bool) else str(value)}

    header = {"Data": [{"VarCharValue": name} for name, _ in columns]}
    body = [{"Data": [cell(row[name]) for name, _ in columns]} for row in rows]
    moto_post(endpoint, "/moto-api/static/athena/query-results", {
        "results": [{
            "rows": [header, *body],
            "column_info": [{"Name": n, "Label": n, "Type": t, "Nullable": "NULLABLE"}
                            for n, t in columns],
        }],
    })  # fmt: skip


@pytest.fixture
def local_engine(tmp_path: Path) -> Iterator[tuple[DuckDbSqlEngine, LocalObjectStore]]:
    objects = LocalObjectStore(tmp_path / "objects")
    objects.create_bucket("data-bucket")
    engine = DuckDbSqlEngine(objects)
    yield engine, objects
    engine.close()


@pytest.fixture
def athena(moto_endpoint: str) -> AthenaSqlEngine:
    client = boto3.client("athena", endpoint_url=moto_endpoint, region_name="us-east-1")
    return AthenaSqlEngine(client, database="thera_test", output_location="s3://results/x/",
                           first_poll=0.01, max_poll=0.02)  # fmt: skip


@pytest.fixture(params=["local", "aws"])
def seeded(
    request: pytest.FixtureRequest,
) -> Callable[[list[tuple[str, str]], list[dict[str, Any]]], SqlEngine]:
    """Returns ``seed(columns, rows)``: makes ``companies`` hold ``rows`` and gives the engine."""

    def seed(columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> SqlEngine:
        if request.param == "aws":
            endpoint = request.getfixturevalue("moto_endpoint")
            queue_athena_result(endpoint, columns, rows)
            return request.getfixturevalue("athena")  # type: ignore[no-any-return]
        engine, objects = request.getfixturevalue("local_engine")
        table = pa.Table.from_pylist(rows, schema=pa.schema([
            ("id", pa.int64()), ("name", pa.string()), ("score", pa.float64()),
            ("big", pa.decimal128(10, 2)), ("ok", pa.bool_()), ("day", pa.date32()),
        ]))  # fmt: skip
        write_partition(objects, "data-bucket", "silver/companies", "2025-01-31", table)
        engine.register_parquet("companies", "data-bucket", "silver/companies/")
        return engine  # type: ignore[no-any-return]

    return seed


def test_both_engines_return_the_same_typed_rows(seeded: Callable[..., SqlEngine]) -> None:
    # GIVEN two companies
    engine = seeded(COLUMNS, ROWS)
    # WHEN they are queried with named parameters
    result = engine.query(QUERY, {"day": "2025-01-31", "ids": [1, 2]})
    # THEN the rows come back with Python types, header excluded
    assert result.columns == [name for name, _ in COLUMNS]
    assert result.rows == ROWS
    assert [type(v) for v in result.rows[0].values()] == [int, str, float, Decimal, bool, dt.date]
    assert result.column("id") == [1, 2]


def test_missing_or_unused_parameters_are_refused_before_running(
    seeded: Callable[..., SqlEngine],
) -> None:
    engine = seeded(COLUMNS, [])
    with pytest.raises(ValidationError, match=":ids"):
        engine.query(QUERY, {"day": "2025-01-31"})
    with pytest.raises(ValidationError, match="extra"):
        engine.query(QUERY, {"day": "2025-01-31", "ids": [1], "extra": 1})
    engine.query(QUERY, {"day": "2025-01-31", "ids": [1]})  # consumes the queued result


def test_local_engine_sees_new_partitions_and_aggregates(
    local_engine: tuple[DuckDbSqlEngine, LocalObjectStore],
) -> None:
    engine, objects = local_engine
    schema = pa.schema([("id", pa.int64()), ("industry", pa.string())])
    engine.register_parquet("companies", "data-bucket", "silver/companies/", schema=schema)
    # an empty dataset with a schema is queryable
    assert engine.query("SELECT count(*) AS n FROM companies").rows == [{"n": 0}]
    for day, count in (("2025-01-30", 3), ("2025-01-31", 5)):
        table = pa.table({"id": list(range(count)), "industry": ["fintech"] * count})
        write_partition(objects, "data-bucket", "silver/companies", day, table)
    # Athena (Trino) SQL, transpiled: approx_distinct, date_parse, quoted "date"
    result = DuckDbSqlEngine(objects).query(
        'SELECT "date", count(*) AS n, approx_distinct(id) AS ids, '
        'date_parse("date", \'%Y-%m-%d\') AS parsed FROM companies GROUP BY "date" ORDER BY 1'
    )
    assert [(r["date"], r["n"], r["ids"]) for r in result.rows] == [
        ("2025-01-30", 3, 3), ("2025-01-31", 5, 5),
    ]  # fmt: skip
    assert result.rows[0]["parsed"] == dt.datetime(2025, 1, 30)


def test_local_query_file_and_errors(
    local_engine: tuple[DuckDbSqlEngine, LocalObjectStore], tmp_path: Path
) -> None:
    engine, _ = local_engine
    path = tmp_path / "q.sql"
    path.write_text("SELECT :a + 1 AS b\n")
    assert engine.query_file(path, {"a": 1}).rows == [{"b": 2}]
    with pytest.raises(QueryFailedError, match="not valid Athena SQL"):
        engine.query("SELEC 1")
    with pytest.raises(QueryFailedError, match="nope"):
        engine.query("SELECT * FROM nope")
    with pytest.raises(RequestTimeoutError):
        engine.query("SELECT count(*) FROM range(100000000) a, range(100000) b", timeout=0.3)


def test_athena_reports_bytes_scanned_and_query_id(
    athena: AthenaSqlEngine, moto_endpoint: str
) -> None:
    queue_athena_result(moto_endpoint, [("n", "integer")], [{"n": 7}])
    result = athena.query("SELECT 7 AS n")
    assert result.rows == [{"n": 7}]
    assert result.bytes_scanned == 0 and result.query_id


def test_athena_polls_with_backoff_until_done(moto_endpoint: str) -> None:
    # GIVEN an execution that stays QUEUED, then RUNNING, for a few polls
    moto_post(moto_endpoint, "/moto-api/state-manager/set-transition", {
        "model_name": "athena::execution", "transition": {"progression": "manual", "times": 3},
    })  # fmt: skip
    waits: list[float] = []
    client = boto3.client("athena", endpoint_url=moto_endpoint, region_name="us-east-1")
    engine = AthenaSqlEngine(client, database="thera_test", output_location="s3://r/x/",
                             first_poll=0.1, max_poll=0.3, sleep=waits.append)  # fmt: skip
    try:
        queue_athena_result(moto_endpoint, [("n", "integer")], [{"n": 1}])
        # WHEN a query runs, THEN it polls with growing waits and returns the rows
        assert engine.query("SELECT 1 AS n").rows == [{"n": 1}]
    finally:
        moto_post(moto_endpoint, "/moto-api/state-manager/unset-transition",
                  {"model_name": "athena::execution"})  # fmt: skip
    assert len(waits) >= 3 and waits[:3] == [0.1, 0.2, 0.3]


def test_athena_query_past_its_deadline_is_cancelled(moto_endpoint: str) -> None:
    moto_post(moto_endpoint, "/moto-api/state-manager/set-transition", {
        "model_name": "athena::execution", "transition": {"progression": "manual", "times": 50},
    })  # fmt: skip
    now = [0.0]
    client = boto3.client("athena", endpoint_url=moto_endpoint, region_name="us-east-1")
    engine = AthenaSqlEngine(client, database="thera_test", output_location="s3://r/x/",
                             clock=lambda: now[0],
                             sleep=lambda s: now.__setitem__(0, now[0] + s))  # fmt: skip
    try:
        with pytest.raises(RequestTimeoutError, match="cancelled") as caught:
            engine.query("SELECT 1", timeout=3)
    finally:
        moto_post(moto_endpoint, "/moto-api/state-manager/unset-transition",
                  {"model_name": "athena::execution"})  # fmt: skip
    query_id = str(caught.value).split()[2]
    state = client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
    assert state["State"] == "CANCELLED"


def test_athena_register_parquet_needs_a_schema(athena: AthenaSqlEngine) -> None:
    with pytest.raises(ValidationError, match="schema"):
        athena.register_parquet("companies", "data-bucket", "silver/companies/")
    schema = pa.schema([("id", pa.int64()), ("tags", pa.list_(pa.string()))])
    athena.register_parquet("companies", "data-bucket", "silver/companies/", schema=schema)
