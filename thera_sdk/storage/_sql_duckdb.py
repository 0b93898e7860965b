"""The local SQL adapter: DuckDB over the local object store's Parquet files.

Queries arrive in the Athena (Trino) dialect and are transpiled with sqlglot. Registered
datasets are views over ``read_parquet`` globs, so files written later are seen by the next
query; the registrations are kept in ``catalog.json`` so every process of the same data home
sees the same tables.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot.errors import SqlglotError

from thera_sdk._exceptions import QueryFailedError, RequestTimeoutError, TheraError
from thera_sdk.storage._files import new_temp_path
from thera_sdk.storage._objects_local import LocalObjectStore
from thera_sdk.storage._sql import QueryResult, SqlEngine

__all__ = ["DuckDbSqlEngine", "transpile"]


def transpile(sql: str) -> str:
    """Translate one Athena (Trino) statement into DuckDB's dialect.

    Examples
    --------
    >>> transpile("SELECT approx_distinct(id) FROM t")
    'SELECT APPROX_COUNT_DISTINCT(id) FROM t'
    """
    try:
        statements = [s for s in sqlglot.transpile(sql, read="trino", write="duckdb") if s]
    except SqlglotError as exc:
        message = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
        raise QueryFailedError(f"The query is not valid Athena SQL: {message}") from exc
    if len(statements) != 1:
        raise QueryFailedError(
            f"Expected one SQL statement, got {len(statements)}; run them one at a time."
        )
    return statements[0]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckDbSqlEngine(SqlEngine):
    """SQL over local Parquet datasets with DuckDB.

    Parameters
    ----------
    objects
        The local object store whose buckets hold the datasets.
    catalog
        Where registrations are kept (default: ``<objects root>/../sql/catalog.json``).

    Examples
    --------
    >>> import tempfile
    >>> engine = DuckDbSqlEngine(LocalObjectStore(tempfile.mkdtemp()))
    >>> engine.query("SELECT :n + 1 AS m", {"n": 41}).rows
    [{'m': 42}]
    """

    def __init__(self, objects: LocalObjectStore, *, catalog: Path | str | None = None) -> None:
        self._objects = objects
        self._catalog = Path(catalog) if catalog else objects.root.parent / "sql" / "catalog.json"
        self._conn = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        self._views: dict[str, str] = {}

    def close(self) -> None:
        self._conn.close()

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        if isinstance(exc, duckdb.InterruptException):
            return RequestTimeoutError(f"{subject} ran past its timeout and was interrupted.")
        if isinstance(exc, duckdb.Error):
            return QueryFailedError(f"DuckDB could not run {subject}: {exc}")
        return None

    # -- catalog ---------------------------------------------------------------------------------
    def _read_catalog(self) -> dict[str, dict[str, Any]]:
        try:
            result: dict[str, dict[str, Any]] = json.loads(self._catalog.read_text())
            return result
        except FileNotFoundError:
            return {}

    def _register_parquet(
        self, name: str, bucket: str, prefix: str, schema: pa.Schema | None, partitioned: bool
    ) -> None:
        entry: dict[str, Any] = {"bucket": bucket, "prefix": prefix, "partitioned": partitioned}
        if schema is not None:
            entry["schema"] = base64.b64encode(schema.serialize().to_pybytes()).decode()
        with self._lock:
            catalog = self._read_catalog()
            catalog[name] = entry
            self._catalog.parent.mkdir(parents=True, exist_ok=True)
            temp = new_temp_path(self._catalog.parent, ".json")
            temp.write_text(json.dumps(catalog, indent=2, sort_keys=True))
            os.replace(temp, self._catalog)
            self._views.pop(name, None)
            self._create_view(name, entry)

    def _view_sql(self, name: str, entry: dict[str, Any]) -> str | None:
        folder = self._objects.path(entry["bucket"], entry["prefix"])
        pattern = str(folder / "**" / "*.parquet")
        has_files = folder.is_dir() and any(folder.rglob("*.parquet"))
        if has_files:
            # pyarrow's statistics leave NaN out of min/max: without can_have_nan DuckDB prunes
            # "is finite" filters with them and keeps NaN rows.
            options = "union_by_name = true, can_have_nan = true"
            if entry["partitioned"]:
                options += ", hive_partitioning = true, hive_types = {'date': VARCHAR}"
            return f"SELECT * FROM read_parquet({_quote(pattern)}, {options})"
        if "schema" not in entry:
            return None
        schema = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(entry["schema"])))
        fields = [pa.field(f.name, f.type) for f in schema if f.name != "date"]
        if entry["partitioned"]:
            fields.append(pa.field("date", pa.string()))
        self._conn.register("__thera_empty", pa.schema(fields).empty_table())
        try:
            self._conn.execute(
                f'CREATE OR REPLACE TABLE "__empty_{name}" AS SELECT * FROM __thera_empty'
            )
        finally:
            self._conn.unregister("__thera_empty")
        return f'SELECT * FROM "__empty_{name}"'

    def _create_view(self, name: str, entry: dict[str, Any]) -> None:
        sql = self._view_sql(name, entry)
        if sql is None or self._views.get(name) == sql:
            return
        self._conn.execute(f'CREATE OR REPLACE VIEW "{name}" AS {sql}')
        self._views[name] = sql

    def _refresh_views(self) -> None:
        for name, entry in self._read_catalog().items():
            if name not in self._views or self._views[name].startswith('SELECT * FROM "__empty'):
                self._create_view(name, entry)

    # -- queries ---------------------------------------------------------------------------------
    def _query(self, sql: str, timeout: float | None) -> QueryResult:
        statement = transpile(sql)
        with self._lock:
            self._refresh_views()
            cursor = self._conn.cursor()
        timer = threading.Timer(timeout, cursor.interrupt) if timeout else None
        try:
            if timer is not None:
                timer.start()
            cursor.execute(statement)
            if cursor.description is None:
                return QueryResult([], [])
            columns = [column[0] for column in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        finally:
            if timer is not None:
                timer.cancel()
            cursor.close()
        return QueryResult(columns, rows)
