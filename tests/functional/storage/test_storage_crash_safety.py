"""A writer killed (SIGKILL) halfway through leaves no partial object and the previous version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from thera_sdk.storage import (
    LocalObjectStore,
    ObjectStore,
    read_dataset,
    read_jsonl,
    read_parquet,
    write_jsonl,
    write_parquet,
    write_partition,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

WRITER = r"""
import sys, time
import boto3
import pyarrow as pa
import pyarrow.parquet as pq
from thera_sdk.storage import LocalObjectStore, S3ObjectStore, partition_prefix

backend, where, bucket, mode = sys.argv[1:5]
if backend == "local":
    store = LocalObjectStore(where)
else:
    store = S3ObjectStore(boto3.client("s3", endpoint_url=where, region_name="us-east-1"))

def started():
    print("started", flush=True)
    time.sleep(60)  # killed here, in the middle of the write

if mode == "jsonl":
    with store.open_writer(bucket, "raw/data.jsonl") as out:
        for i in range(5000):
            out.write(b'{"id": %d, "version": "new"}\n' % i)
        started()
elif mode == "parquet":
    with store.open_writer(bucket, "gold/table.parquet") as out:
        with pq.ParquetWriter(out, pa.schema([("id", pa.int64())])) as writer:
            writer.write_table(pa.table({"id": list(range(1000))}))
            started()
else:
    def files():
        for number in range(5):
            if number == 2:
                started()
            sink = pa.BufferOutputStream()
            pq.write_table(pa.table({"id": [number]}), sink)
            yield f"part-{number:05d}.parquet", sink.getvalue().to_pybytes()
    store.replace_prefix(bucket, partition_prefix("silver/x", "2025-01-31"), files())
"""


def kill_writer_midway(backend: str, where: str, bucket: str, mode: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, backend, where, bucket, mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "started"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def where_of(objects: ObjectStore, moto: str | None) -> str:
    if isinstance(objects, LocalObjectStore):
        return str(objects.root)
    assert moto is not None
    return moto


@pytest.fixture
def where(objects: ObjectStore, backend: str, request: pytest.FixtureRequest) -> str:
    """Where the child process finds the same store (a folder or the moto endpoint)."""
    moto = request.getfixturevalue("moto_endpoint") if backend == "aws" else None
    return where_of(objects, moto)


def test_killed_jsonl_writer(objects: ObjectStore, bucket: str, backend: str, where: str) -> None:
    # GIVEN a JSONL object
    write_jsonl(objects, bucket, "raw/data.jsonl", [{"id": 1, "version": "old"}])
    # WHEN a process rewriting it is killed halfway
    kill_writer_midway(backend, where, bucket, "jsonl")
    # THEN the old version is intact and nothing else is visible
    assert list(read_jsonl(objects, bucket, "raw/data.jsonl")) == [{"id": 1, "version": "old"}]
    assert [o.key for o in objects.iter_objects(bucket)] == ["raw/data.jsonl"]


def test_killed_parquet_writer(objects: ObjectStore, bucket: str, backend: str, where: str) -> None:
    write_parquet(objects, bucket, "gold/table.parquet", pa.table({"id": [7]}))
    kill_writer_midway(backend, where, bucket, "parquet")
    assert read_parquet(objects, bucket, "gold/table.parquet")["id"].to_pylist() == [7]
    assert [o.key for o in objects.iter_objects(bucket)] == ["gold/table.parquet"]


def test_killed_partition_replace(
    objects: ObjectStore, bucket: str, backend: str, where: str
) -> None:
    # GIVEN a partition of two files
    write_partition(objects, bucket, "silver/x", "2025-01-31", pa.table({"id": [1, 2]}),
                    rows_per_file=1)  # fmt: skip
    before = {o.key: objects.get(bucket, o.key) for o in objects.iter_objects(bucket)}
    # WHEN a replacement is killed after writing part of its files
    kill_writer_midway(backend, where, bucket, "partition")
    # THEN the previous files are intact; locally nothing of the new ones shows (on S3 the new
    # files written before the kill sit beside them until the next replace)
    after = {o.key: objects.get(bucket, o.key) for o in objects.iter_objects(bucket)}
    assert {key: after[key] for key in before} == before
    if backend == "local":
        assert after == before
        assert sorted(read_dataset(objects, bucket, "silver/x")["id"].to_pylist()) == [1, 2]
    # AND the next replace cleans up whatever the dead writer left
    write_partition(objects, bucket, "silver/x", "2025-01-31", pa.table({"id": [3]}))
    assert read_dataset(objects, bucket, "silver/x")["id"].to_pylist() == [3]


def test_local_staging_leftovers_are_invisible(tmp_path: Path) -> None:
    # GIVEN a store whose staging folder holds what a dead writer left
    store = LocalObjectStore(tmp_path / "objects")
    store.create_bucket("data-bucket")
    (store.root / ".staging").mkdir(exist_ok=True)
    (store.root / ".staging" / "123-dead.tmp").write_bytes(b"half")
    # THEN listings show only committed objects
    assert store.list("data-bucket").objects == []
