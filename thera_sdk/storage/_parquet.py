"""Parquet over the objects port, with Hive partitions ``<dataset>/date=YYYY-MM-DD/``.

A partition is always replaced as a whole (:meth:`ObjectStore.replace_prefix`): re-running a day
swaps the day's files for the new ones, so runs are idempotent. Each write names its files anew
(``part-<token>-00000.parquet``), so on S3, where the swap cannot be atomic, a failed rewrite
never overwrites a previous file: readers may see extra new files until the next successful
write, but never a previous file half replaced. Files inside a partition do not
carry the ``date`` column; readers add it back from the path, as Athena and DuckDB do.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from thera_sdk._exceptions import DataFormatError, ValidationError
from thera_sdk.storage._objects import ObjectStore

__all__ = [
    "PARQUET_CONTENT_TYPE",
    "list_partitions",
    "partition_prefix",
    "read_dataset",
    "read_parquet",
    "table_rows",
    "write_parquet",
    "write_partition",
]

PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet"
_PARTITION = re.compile(r"date=(\d{4}-\d{2}-\d{2})/$")


def _day(date: dt.date | str) -> str:
    text = date.isoformat() if isinstance(date, dt.date) else str(date)
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise ValidationError(f"Partition date {date!r} is not a YYYY-MM-DD date.") from exc


def partition_prefix(dataset: str, date: dt.date | str) -> str:
    """The folder of one day of a dataset.

    Examples
    --------
    >>> partition_prefix("silver/companies", "2025-01-31")
    'silver/companies/date=2025-01-31/'
    """
    return f"{dataset.strip('/')}/date={_day(date)}/"


def _to_bytes(table: pa.Table, compression: str) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=compression)
    return bytes(sink.getvalue().to_pybytes())


def write_parquet(
    store: ObjectStore, bucket: str, key: str, table: pa.Table, *, compression: str = "zstd"
) -> None:
    """Write one Parquet object atomically.

    Examples
    --------
    >>> write_parquet(store, "thera-dev-data", "gold/weights.parquet", table)  # doctest: +SKIP
    """
    with store.open_writer(bucket, key, content_type=PARQUET_CONTENT_TYPE) as out:
        pq.write_table(table, out, compression=compression)


def read_parquet(
    store: ObjectStore, bucket: str, key: str, *, columns: Sequence[str] | None = None
) -> pa.Table:
    """Read one Parquet object; :class:`DataFormatError` names the object if it is not Parquet.

    Examples
    --------
    >>> read_parquet(store, "thera-dev-data", "gold/weights.parquet").num_rows  # doctest: +SKIP
    """
    data = store.get(bucket, key)
    try:
        return pq.read_table(pa.BufferReader(data), columns=list(columns) if columns else None)
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        raise DataFormatError(
            f"Object {key!r} in bucket {bucket!r} is not a readable Parquet file ({exc}); "
            "rewrite it or remove it from the dataset."
        ) from exc


def write_partition(
    store: ObjectStore,
    bucket: str,
    dataset: str,
    date: dt.date | str,
    table: pa.Table,
    *,
    rows_per_file: int = 1_000_000,
    compression: str = "zstd",
) -> list[str]:
    """Replace one day of a dataset with ``table``; returns the keys written.

    A ``date`` column, if present, must hold only that day (as text or a date); it is dropped
    from the files since the path carries it.

    Examples
    --------
    >>> write_partition(store, "thera-dev-data", "silver/companies", "2025-01-31",
    ...                 table)  # doctest: +SKIP
    ['silver/companies/date=2025-01-31/part-1f0c2a9e-00000.parquet']
    """
    day = _day(date)
    if rows_per_file < 1:
        raise ValidationError(f"rows_per_file must be positive, got {rows_per_file}.")
    if "date" in table.column_names:
        values = {str(v) for v in table.column("date").to_pylist()}
        if values - {day}:
            raise ValidationError(
                f"Rows for partition {day} of {dataset!r} carry other dates "
                f"{sorted(values - {day})[:3]}; split the table by date first."
            )
        table = table.drop_columns(["date"])

    token = uuid.uuid4().hex[:8]  # new names: on S3 the old files stay untouched until the end

    def files() -> Iterator[tuple[str, bytes]]:
        count = max(1, -(-table.num_rows // rows_per_file))
        for number in range(count):
            piece = table.slice(number * rows_per_file, rows_per_file)
            yield f"part-{token}-{number:05d}.parquet", _to_bytes(piece, compression)

    return store.replace_prefix(
        bucket, partition_prefix(dataset, day), files(), content_type=PARQUET_CONTENT_TYPE
    )


def list_partitions(store: ObjectStore, bucket: str, dataset: str) -> list[str]:
    """The days (``YYYY-MM-DD``) a dataset has, in order.

    Examples
    --------
    >>> list_partitions(store, "thera-dev-data", "silver/companies")  # doctest: +SKIP
    ['2025-01-30', '2025-01-31']
    """
    days: list[str] = []
    token: str | None = None
    while True:
        page = store.list(bucket, dataset.strip("/") + "/", delimiter="/", token=token)
        for prefix in page.prefixes:
            match = _PARTITION.search(prefix)
            if match:
                days.append(match.group(1))
        if page.next_token is None:
            return sorted(days)
        token = page.next_token


def read_dataset(
    store: ObjectStore,
    bucket: str,
    dataset: str,
    *,
    dates: Iterable[dt.date | str] | None = None,
    columns: Sequence[str] | None = None,
) -> pa.Table:
    """Read the given days (default: all) of a dataset, with the ``date`` column added back.

    Examples
    --------
    >>> read_dataset(store, "thera-dev-data", "silver/companies",
    ...              dates=["2025-01-31"]).num_rows  # doctest: +SKIP
    """
    days = (
        [_day(d) for d in dates] if dates is not None else list_partitions(store, bucket, dataset)
    )
    tables: list[pa.Table] = []
    for day in days:
        for info in store.iter_objects(bucket, partition_prefix(dataset, day)):
            if not info.key.endswith(".parquet"):
                continue
            part = read_parquet(store, bucket, info.key, columns=columns)
            tables.append(part.append_column("date", pa.array([day] * part.num_rows, pa.string())))
    if not tables:
        return pa.table({"date": pa.array([], pa.string())})
    return pa.concat_tables(tables, promote_options="default")


def table_rows(table: pa.Table) -> list[dict[str, Any]]:
    """The rows of ``table`` as dicts, with map columns as dicts (pyarrow gives key/value
    pairs, and an empty map would otherwise be indistinguishable from an empty list).

    Examples
    --------
    >>> t = pa.table({"extra": pa.array([[("a", "1")], []], pa.map_(pa.string(), pa.string()))})
    >>> table_rows(t)
    [{'extra': {'a': '1'}}, {'extra': {}}]
    """
    maps = [f.name for f in table.schema if pa.types.is_map(f.type)]
    rows = table.to_pylist()
    for row in rows:
        for name in maps:
            if row[name] is not None:
                row[name] = dict(row[name])
    return rows
