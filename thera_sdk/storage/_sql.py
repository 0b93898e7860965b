"""The SQL port: run Athena-dialect (Trino) queries with named parameters and get typed rows.

Queries are written once, for Athena (the files in ``sql/``). The local adapter transpiles them
to DuckDB with sqlglot; the AWS adapter sends them to Athena as they are. Both return rows as
dicts of ``int``, ``float``, ``Decimal``, ``str``, ``bool``, ``date``, ``datetime`` or ``None``.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thera_sdk._exceptions import ValidationError
from thera_sdk.storage._objects import check_bucket, check_prefix
from thera_sdk.storage._port import Port
from thera_sdk.storage._sql_params import format_query

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["QueryResult", "SqlEngine", "check_table_name"]

_TABLE = re.compile(r"^[a-z_][a-z0-9_]{0,254}$")


@dataclass(frozen=True)
class QueryResult:
    """Rows of a query, with the bytes the engine scanned (Athena bills by them; ``None``
    locally) and the engine's query id when it has one."""

    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    bytes_scanned: int | None = None
    query_id: str | None = None

    def column(self, name: str) -> list[Any]:
        """All values of one column.

        Examples
        --------
        >>> QueryResult(["n"], [{"n": 1}, {"n": 2}]).column("n")
        [1, 2]
        """
        return [row[name] for row in self.rows]


def check_table_name(name: str) -> None:
    """Refuse table names Athena (Glue) would refuse: lowercase letters, digits, underscores.

    Examples
    --------
    >>> check_table_name("silver_companies")
    """
    if not isinstance(name, str) or not _TABLE.match(name):
        raise ValidationError(
            f"Table name {name!r} must be lowercase letters, digits and underscores, starting "
            "with a letter or underscore."
        )


class SqlEngine(Port):
    """Runs SQL over the Parquet datasets (locally DuckDB; on AWS, Athena)."""

    def query(
        self,
        sql: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run one statement; ``:name`` placeholders take their values from ``params``.

        ``timeout`` (seconds) bounds the wait; a query still running then is cancelled and
        :class:`RequestTimeoutError` is raised. In a Lambda handler pass the time remaining.

        Examples
        --------
        >>> engine.query("SELECT count(*) AS n FROM silver_companies WHERE \\"date\\" = :day",
        ...              {"day": "2025-01-31"}).rows  # doctest: +SKIP
        [{'n': 1200}]
        """
        if timeout is not None and timeout <= 0:
            raise ValidationError(f"timeout must be positive, got {timeout}.")
        text = format_query(sql, params)
        return self._call("the query", lambda: self._query(text, timeout))

    def query_file(
        self,
        path: Path | str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run the statement in a ``.sql`` file (e.g. from ``sql/``).

        Examples
        --------
        >>> engine.query_file("sql/daily_counts.sql", {"day": "2025-01-31"})  # doctest: +SKIP
        """
        return self.query(Path(path).read_text(encoding="utf-8"), params, timeout=timeout)

    def register_parquet(
        self,
        name: str,
        bucket: str,
        prefix: str,
        *,
        schema: pa.Schema | None = None,
        partitioned: bool = True,
    ) -> None:
        """Make the Parquet files under ``prefix`` queryable as table ``name``; with
        ``partitioned`` they sit in ``date=YYYY-MM-DD/`` folders and ``date`` is a column
        (a string). ``schema`` (the columns, without ``date``) is needed on Athena; locally it
        lets an empty dataset be queried.

        Examples
        --------
        >>> engine.register_parquet("silver_companies", "thera-dev-data",
        ...                         "silver/companies/")  # doctest: +SKIP
        """
        check_table_name(name)
        check_bucket(bucket)
        check_prefix(prefix)
        if not prefix.endswith("/"):
            raise ValidationError(f"Prefix {prefix!r} must end with '/' to name a folder.")
        self._call(
            f"table {name!r}",
            lambda: self._register_parquet(name, bucket, prefix, schema, partitioned),
        )

    def close(self) -> None:
        """Release connections."""

    @abstractmethod
    def _query(self, sql: str, timeout: float | None) -> QueryResult: ...

    @abstractmethod
    def _register_parquet(
        self, name: str, bucket: str, prefix: str, schema: pa.Schema | None, partitioned: bool
    ) -> None: ...
