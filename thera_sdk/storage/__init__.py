"""Storage ports and their adapters: objects, tables, parameters, secrets, SQL and metrics.

Each port is a small base class whose public methods check input, cache and translate errors;
each adapter (local embedded, AWS) implements only the port's ``_``-prefixed hooks. Task logic
depends on the ports alone and gets concrete adapters from :func:`thera_sdk.build_ports`.

Names are imported on first use, so ``from thera_sdk.storage import ObjectStore`` does not load
DuckDB, pyarrow or boto3 until an adapter that needs them is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thera_sdk.storage._jsonl import read_jsonl, write_jsonl
    from thera_sdk.storage._metrics import UNITS, MetricRecord, MetricsSink
    from thera_sdk.storage._metrics_emf import EmfMetricsSink, emf_document
    from thera_sdk.storage._metrics_local import LogMetricsSink
    from thera_sdk.storage._objects import DEFAULT_CONTENT_TYPE, ObjectInfo, ObjectPage, ObjectStore
    from thera_sdk.storage._objects_async import AsyncLocalObjectStore, AsyncObjectStore
    from thera_sdk.storage._objects_local import LocalObjectStore
    from thera_sdk.storage._objects_s3 import S3ObjectStore
    from thera_sdk.storage._objects_s3_async import AsyncS3ObjectStore
    from thera_sdk.storage._parameters import Parameter, ParameterStore
    from thera_sdk.storage._parameters_local import LocalParameterStore
    from thera_sdk.storage._parameters_ssm import SsmParameterStore
    from thera_sdk.storage._parquet import (
        PARQUET_CONTENT_TYPE,
        list_partitions,
        partition_prefix,
        read_dataset,
        read_parquet,
        table_rows,
        write_parquet,
        write_partition,
    )
    from thera_sdk.storage._secrets import SecretStore
    from thera_sdk.storage._secrets_aws import SecretsManagerSecretStore
    from thera_sdk.storage._secrets_local import LocalSecretStore, secret_env_var
    from thera_sdk.storage._sql import QueryResult, SqlEngine
    from thera_sdk.storage._sql_athena import AthenaSqlEngine
    from thera_sdk.storage._sql_duckdb import DuckDbSqlEngine, transpile
    from thera_sdk.storage._sql_params import format_query, sql_literal
    from thera_sdk.storage._table_types import IndexSpec, Page, TableSpec
    from thera_sdk.storage._tables import BATCH_SIZE, TableStore
    from thera_sdk.storage._tables_dynamodb import DynamoDBTableStore
    from thera_sdk.storage._tables_local import LocalTableStore
    from thera_sdk.storage._values import MAX_ITEM_BYTES, item_size, normalize_item

_LAZY = {
    "AsyncLocalObjectStore": "thera_sdk.storage._objects_async",
    "AsyncObjectStore": "thera_sdk.storage._objects_async",
    "AsyncS3ObjectStore": "thera_sdk.storage._objects_s3_async",
    "AthenaSqlEngine": "thera_sdk.storage._sql_athena",
    "BATCH_SIZE": "thera_sdk.storage._tables",
    "DEFAULT_CONTENT_TYPE": "thera_sdk.storage._objects",
    "DuckDbSqlEngine": "thera_sdk.storage._sql_duckdb",
    "DynamoDBTableStore": "thera_sdk.storage._tables_dynamodb",
    "EmfMetricsSink": "thera_sdk.storage._metrics_emf",
    "IndexSpec": "thera_sdk.storage._table_types",
    "LocalObjectStore": "thera_sdk.storage._objects_local",
    "LocalParameterStore": "thera_sdk.storage._parameters_local",
    "LocalSecretStore": "thera_sdk.storage._secrets_local",
    "LocalTableStore": "thera_sdk.storage._tables_local",
    "LogMetricsSink": "thera_sdk.storage._metrics_local",
    "MAX_ITEM_BYTES": "thera_sdk.storage._values",
    "MetricRecord": "thera_sdk.storage._metrics",
    "MetricsSink": "thera_sdk.storage._metrics",
    "ObjectInfo": "thera_sdk.storage._objects",
    "ObjectPage": "thera_sdk.storage._objects",
    "ObjectStore": "thera_sdk.storage._objects",
    "PARQUET_CONTENT_TYPE": "thera_sdk.storage._parquet",
    "Page": "thera_sdk.storage._table_types",
    "Parameter": "thera_sdk.storage._parameters",
    "ParameterStore": "thera_sdk.storage._parameters",
    "QueryResult": "thera_sdk.storage._sql",
    "S3ObjectStore": "thera_sdk.storage._objects_s3",
    "SecretStore": "thera_sdk.storage._secrets",
    "SecretsManagerSecretStore": "thera_sdk.storage._secrets_aws",
    "SqlEngine": "thera_sdk.storage._sql",
    "SsmParameterStore": "thera_sdk.storage._parameters_ssm",
    "TableSpec": "thera_sdk.storage._table_types",
    "TableStore": "thera_sdk.storage._tables",
    "UNITS": "thera_sdk.storage._metrics",
    "emf_document": "thera_sdk.storage._metrics_emf",
    "format_query": "thera_sdk.storage._sql_params",
    "item_size": "thera_sdk.storage._values",
    "list_partitions": "thera_sdk.storage._parquet",
    "normalize_item": "thera_sdk.storage._values",
    "partition_prefix": "thera_sdk.storage._parquet",
    "read_dataset": "thera_sdk.storage._parquet",
    "read_jsonl": "thera_sdk.storage._jsonl",
    "read_parquet": "thera_sdk.storage._parquet",
    "table_rows": "thera_sdk.storage._parquet",
    "secret_env_var": "thera_sdk.storage._secrets_local",
    "sql_literal": "thera_sdk.storage._sql_params",
    "transpile": "thera_sdk.storage._sql_duckdb",
    "write_jsonl": "thera_sdk.storage._jsonl",
    "write_parquet": "thera_sdk.storage._parquet",
    "write_partition": "thera_sdk.storage._parquet",
}

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_CONTENT_TYPE",
    "MAX_ITEM_BYTES",
    "PARQUET_CONTENT_TYPE",
    "UNITS",
    "AsyncLocalObjectStore",
    "AsyncObjectStore",
    "AsyncS3ObjectStore",
    "AthenaSqlEngine",
    "DuckDbSqlEngine",
    "DynamoDBTableStore",
    "EmfMetricsSink",
    "IndexSpec",
    "LocalObjectStore",
    "LocalParameterStore",
    "LocalSecretStore",
    "LocalTableStore",
    "LogMetricsSink",
    "MetricRecord",
    "MetricsSink",
    "ObjectInfo",
    "ObjectPage",
    "ObjectStore",
    "Page",
    "Parameter",
    "ParameterStore",
    "QueryResult",
    "S3ObjectStore",
    "SecretStore",
    "SecretsManagerSecretStore",
    "SqlEngine",
    "SsmParameterStore",
    "TableSpec",
    "TableStore",
    "emf_document",
    "format_query",
    "item_size",
    "list_partitions",
    "normalize_item",
    "partition_prefix",
    "read_dataset",
    "read_jsonl",
    "read_parquet",
    "secret_env_var",
    "sql_literal",
    "table_rows",
    "transpile",
    "write_jsonl",
    "write_parquet",
    "write_partition",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
