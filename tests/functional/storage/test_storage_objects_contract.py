"""The objects contract: the local (files) and AWS (S3 on moto) adapters behave alike."""

from __future__ import annotations

import datetime as dt
import gzip

import pyarrow as pa
import pytest

from thera_sdk import (
    BucketNotFoundError,
    DataFormatError,
    ObjectNotFoundError,
    ValidationError,
)
from thera_sdk.storage import (
    ObjectStore,
    list_partitions,
    read_dataset,
    read_jsonl,
    read_parquet,
    write_jsonl,
    write_parquet,
    write_partition,
)


def test_put_get_head_delete(objects: ObjectStore, bucket: str) -> None:
    # WHEN an object is written with a content type and metadata
    info = objects.put(bucket, "notes/a.txt", b"hello world", content_type="text/plain",
                       metadata={"Run-Id": "r1"})  # fmt: skip
    # THEN it reads back whole, by range, and with its attributes
    assert objects.get(bucket, "notes/a.txt") == b"hello world"
    assert objects.get_range(bucket, "notes/a.txt", 6, 11) == b"world"
    assert objects.get_range(bucket, "notes/a.txt", 6, 100) == b"world"
    head = objects.head(bucket, "notes/a.txt")
    assert (head.size, head.content_type, head.metadata) == (11, "text/plain", {"run-id": "r1"})
    assert head.etag == info.etag == "5eb63bbbe01eeed093cb22bb8f5acdc3"
    assert isinstance(head.last_modified, dt.datetime)
    # AND it can be replaced and deleted (deleting twice is fine)
    objects.put(bucket, "notes/a.txt", b"v2")
    assert objects.get(bucket, "notes/a.txt") == b"v2"
    objects.delete(bucket, "notes/a.txt")
    objects.delete(bucket, "notes/a.txt")
    assert not objects.exists(bucket, "notes/a.txt")


def test_list_pages_in_key_order_with_common_prefixes(objects: ObjectStore, bucket: str) -> None:
    keys = ["b/2", "a/1", "a/3", "a/2", "c", "a/sub/x", "a/sub/y", "ab"]
    for key in keys:
        objects.put(bucket, key, b"x")
    # pages of 2 follow each other in UTF-8 key order
    seen, token = [], None
    while True:
        page = objects.list(bucket, "a", max_keys=2, token=token)
        seen.append([o.key for o in page.objects])
        if page.next_token is None:
            break
        token = page.next_token
    assert seen == [["a/1", "a/2"], ["a/3", "a/sub/x"], ["a/sub/y", "ab"]]
    # a delimiter folds deeper keys into prefixes
    page = objects.list(bucket, "a/", delimiter="/")
    assert [o.key for o in page.objects] == ["a/1", "a/2", "a/3"]
    assert page.prefixes == ["a/sub/"]
    assert sorted(o.key for o in objects.iter_objects(bucket)) == sorted(keys)
    assert objects.list(bucket, "zzz/").objects == []


def test_open_writer_streams_and_commits_on_exit(objects: ObjectStore, bucket: str) -> None:
    objects.put(bucket, "big.bin", b"old")
    with objects.open_writer(bucket, "big.bin", content_type="application/x-test") as out:
        for _ in range(100):
            out.write(b"x" * 100_000)
        assert objects.get(bucket, "big.bin") == b"old"  # nothing visible before the end
    assert objects.head(bucket, "big.bin").size == 10_000_000
    assert objects.head(bucket, "big.bin").content_type == "application/x-test"
    with objects.open_reader(bucket, "big.bin") as stream:
        assert stream.read(5) == b"xxxxx"


def test_failed_writer_leaves_the_previous_object(objects: ObjectStore, bucket: str) -> None:
    objects.put(bucket, "keep.txt", b"previous")
    with pytest.raises(RuntimeError), objects.open_writer(bucket, "keep.txt") as out:
        out.write(b"partial")
        raise RuntimeError("the writer failed")
    assert objects.get(bucket, "keep.txt") == b"previous"


def test_jsonl_round_trip_plain_and_gzip(objects: ObjectStore, bucket: str) -> None:
    records = [{"id": i, "name": f"n{i}", "when": dt.date(2025, 1, 31)} for i in range(1000)]
    assert write_jsonl(objects, bucket, "raw/a.jsonl", records) == 1000
    assert write_jsonl(objects, bucket, "raw/a.jsonl.gz", iter(records)) == 1000
    expected = [{**r, "when": "2025-01-31"} for r in records]
    assert list(read_jsonl(objects, bucket, "raw/a.jsonl")) == expected
    assert list(read_jsonl(objects, bucket, "raw/a.jsonl.gz")) == expected
    assert gzip.decompress(objects.get(bucket, "raw/a.jsonl.gz")).count(b"\n") == 1000


def test_malformed_jsonl_names_the_object_and_line(objects: ObjectStore, bucket: str) -> None:
    objects.put(bucket, "raw/bad.jsonl", b'{"a": 1}\n{"a": \n')
    with pytest.raises(DataFormatError, match=r"Line 2 of 'raw/bad.jsonl'"):
        list(read_jsonl(objects, bucket, "raw/bad.jsonl"))
    objects.put(bucket, "raw/cut.jsonl.gz", gzip.compress(b'{"a": 1}\n' * 1000)[:-20])
    with pytest.raises(DataFormatError, match=r"raw/cut.jsonl.gz"):
        list(read_jsonl(objects, bucket, "raw/cut.jsonl.gz"))


def test_parquet_partitions_are_replaced_whole(objects: ObjectStore, bucket: str) -> None:
    # GIVEN two days of a dataset, the first in three files
    day1 = pa.table({"id": list(range(10)), "name": [f"c{i}" for i in range(10)]})
    keys = write_partition(objects, bucket, "silver/companies", "2025-01-30", day1, rows_per_file=4)
    write_partition(objects, bucket, "silver/companies", dt.date(2025, 1, 31), day1.slice(0, 2))
    assert [k.rsplit("-", 1)[1] for k in keys] == [f"0000{i}.parquet" for i in range(3)]
    assert all(k.startswith("silver/companies/date=2025-01-30/part-") for k in keys)
    # WHEN the first day is written again, smaller
    write_partition(objects, bucket, "silver/companies", "2025-01-30", day1.slice(0, 3))
    # THEN only the new files of that day remain, and the other day is untouched
    day_keys = [o.key for o in objects.iter_objects(bucket, "silver/companies/date=2025-01-30/")]
    assert len(day_keys) == 1 and day_keys[0].endswith("-00000.parquet")
    assert list_partitions(objects, bucket, "silver/companies") == ["2025-01-30", "2025-01-31"]
    table = read_dataset(objects, bucket, "silver/companies")
    assert table.num_rows == 5
    assert sorted(zip(table["date"].to_pylist(), table["id"].to_pylist(), strict=True)) == [
        ("2025-01-30", 0), ("2025-01-30", 1), ("2025-01-30", 2),
        ("2025-01-31", 0), ("2025-01-31", 1),
    ]  # fmt: skip
    with pytest.raises(ValidationError, match=r"other dates"):
        write_partition(objects, bucket, "silver/companies", "2025-01-30",
                        pa.table({"id": [1], "date": ["2025-02-01"]}))  # fmt: skip


def test_single_parquet_object_and_malformed_parquet(objects: ObjectStore, bucket: str) -> None:
    write_parquet(objects, bucket, "gold/w.parquet", pa.table({"w": [0.5, 1.5]}))
    assert read_parquet(objects, bucket, "gold/w.parquet")["w"].to_pylist() == [0.5, 1.5]
    objects.put(bucket, "gold/bad.parquet", b"PAR1 this is not parquet")
    with pytest.raises(DataFormatError, match=r"'gold/bad.parquet'"):
        read_parquet(objects, bucket, "gold/bad.parquet")
    assert read_parquet(objects, bucket, "gold/w.parquet").num_rows == 2


def test_missing_object_and_missing_bucket_are_named(objects: ObjectStore, bucket: str) -> None:
    with pytest.raises(ObjectNotFoundError, match=r"'nope.txt'"):
        objects.get(bucket, "nope.txt")
    with pytest.raises(ObjectNotFoundError, match=r"'nope.txt'"):
        objects.head(bucket, "nope.txt")
    for call in (
        lambda: objects.get("no-such-bucket-x", "a"),
        lambda: objects.head("no-such-bucket-x", "a"),
        lambda: objects.put("no-such-bucket-x", "a", b"x"),
        lambda: objects.list("no-such-bucket-x"),
    ):
        with pytest.raises(BucketNotFoundError, match=r"no-such-bucket-x"):
            call()
    assert objects.list(bucket).objects == []


@pytest.mark.parametrize("key", ["", "a//b", "/a", "a/", "a/../b", "./a"])
def test_keys_that_cannot_be_stored_alike_are_refused(
    objects: ObjectStore, bucket: str, key: str
) -> None:
    with pytest.raises(ValidationError):
        objects.put(bucket, key, b"x")
    assert objects.list(bucket).objects == []
