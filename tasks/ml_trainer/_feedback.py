"""Reading feedback rows through the objects port: Parquet or JSON Lines, by date partition."""

from __future__ import annotations

import datetime as dt
from typing import Any

from thera_sdk.storage import (
    ObjectStore,
    list_partitions,
    partition_prefix,
    read_jsonl,
    read_parquet,
)

__all__ = ["read_rows"]

_JSONL = (".jsonl", ".jsonl.gz", ".ndjson", ".json")


def read_rows(
    objects: ObjectStore,
    bucket: str,
    dataset: str,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Every row of the ``date=`` partitions of ``dataset`` from ``since`` to ``until``.

    Parquet files and JSON Lines files (gzipped or not) may sit side by side; other objects
    are ignored.

    Examples
    --------
    >>> rows = read_rows(store, "thera-dev-data", "events/shortlist",
    ...                  since=dt.date(2025, 1, 1))  # doctest: +SKIP
    """
    rows: list[dict[str, Any]] = []
    for day in list_partitions(objects, bucket, dataset):
        date = dt.date.fromisoformat(day)
        if (since and date < since) or (until and date > until):
            continue
        for info in objects.iter_objects(bucket, partition_prefix(dataset, day)):
            if info.key.endswith(".parquet"):
                rows.extend(read_parquet(objects, bucket, info.key).to_pylist())
            elif info.key.endswith(_JSONL):
                rows.extend(read_jsonl(objects, bucket, info.key))
    return rows
