"""Configuration builds every port for either backend."""

from __future__ import annotations

import logging
from pathlib import Path

import pyarrow as pa
import pytest

from thera_sdk import Settings, build_ports
from thera_sdk.storage import (
    AthenaSqlEngine,
    DuckDbSqlEngine,
    DynamoDBTableStore,
    EmfMetricsSink,
    LocalObjectStore,
    LocalTableStore,
    LogMetricsSink,
    S3ObjectStore,
    TableSpec,
    write_partition,
)


def test_local_ports_share_one_data_home(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN settings read from the environment, pointing at a fresh data home
    settings = Settings.from_env({"THERA_HOME": str(tmp_path / "home"), "THERA_ENV": "demo"})
    with build_ports(settings) as ports:
        # THEN every port is a local adapter, and the data bucket exists
        assert isinstance(ports.objects, LocalObjectStore)
        assert isinstance(ports.tables, LocalTableStore)
        assert isinstance(ports.sql, DuckDbSqlEngine)
        assert isinstance(ports.metrics, LogMetricsSink)
        bucket = settings.data_bucket
        assert bucket == "thera-demo-data"
        # AND they work together on the same files
        write_partition(ports.objects, bucket, "silver/x", "2025-01-31", pa.table({"id": [1, 2]}))
        ports.sql.register_parquet("x", bucket, "silver/x/")
        assert ports.sql.query("SELECT sum(id) AS s FROM x").rows == [{"s": 2 + 1}]
        ports.tables.create_table(TableSpec(settings.table_name("runs"), "pk"))
        ports.parameters.put(settings.parameter_name("watermarks/apollo"), "2025-01-31")
        with caplog.at_level(logging.INFO, logger="thera.metrics"):
            ports.metrics.put_metric("Rows", 2)
        assert '"Environment": "demo"' in caplog.records[-1].getMessage()
    # AND a second process (here: a second build) sees the same data
    with build_ports(settings) as again:
        assert again.sql.query("SELECT count(*) AS n FROM x").rows == [{"n": 2}]
        assert again.parameters.get("/thera/demo/watermarks/apollo").version == 1
    names = {p.name for p in (tmp_path / "home").iterdir()}
    assert {"objects", "tables.sqlite3", "parameters.sqlite3", "sql"} <= names


def test_aws_ports_use_the_endpoint_for_every_client(moto_endpoint: str, unique_name: str) -> None:
    settings = Settings.from_env(
        {
            "THERA_BACKEND": "aws",
            "THERA_REGION": "us-east-1",
            "THERA_ENDPOINT_URL": moto_endpoint,
            "THERA_STACK": unique_name,
        }
    )
    with build_ports(settings) as ports:
        assert isinstance(ports.objects, S3ObjectStore)
        assert isinstance(ports.tables, DynamoDBTableStore)
        assert isinstance(ports.sql, AthenaSqlEngine)
        assert isinstance(ports.metrics, EmfMetricsSink)
        ports.objects.create_bucket(settings.data_bucket)
        ports.objects.put(settings.data_bucket, "hello.txt", b"hi")
        assert ports.objects.get(settings.data_bucket, "hello.txt") == b"hi"
        ports.tables.create_table(TableSpec(settings.table_name("runs"), "pk"))
        ports.tables.put_item(settings.table_name("runs"), {"pk": "r1"})
        ports.secrets.put(settings.secret_name("apollo"), {"api_key": "k"})
        assert ports.secrets.get("thera/dev/apollo") == {"api_key": "k"}
        assert ports.sql.database == unique_name.replace("-", "_")  # type: ignore[attr-defined]
