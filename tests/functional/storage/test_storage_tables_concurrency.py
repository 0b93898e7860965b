"""Conditional increments from many threads and processes never lose or duplicate an update."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import boto3
import pytest

from thera_sdk import ConditionFailedError
from thera_sdk.storage import DynamoDBTableStore, LocalTableStore, TableSpec, TableStore

COUNTER = TableSpec("counters", "pk")
KEY = {"pk": "counter"}
INCREMENT = "ADD hits :one"
CAP = "attribute_not_exists(hits) OR hits < :cap"

WORKER = """
import sys
from thera_sdk.storage import LocalTableStore
store = LocalTableStore(sys.argv[1])
for _ in range(int(sys.argv[2])):
    store.update_item("counters", {"pk": "counter"}, "ADD hits :one",
                      condition="attribute_not_exists(hits) OR hits < :cap",
                      values={":one": 1, ":cap": int(sys.argv[3])})
"""


def increment(store: TableStore, table: str, cap: int) -> None:
    store.update_item(table, KEY, INCREMENT, condition=CAP, values={":one": 1, ":cap": cap})


def increments(store: TableStore, table: str, cap: int, count: int) -> Callable[[], None]:
    def work() -> None:
        for _ in range(count):
            increment(store, table, cap)

    return work


def run_threads(count: int, work: Callable[[], None]) -> None:
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            work()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def threads_and_processes(path: Path, threads: int, processes: int, each: int) -> None:
    cap = (threads + processes) * each
    children = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(path), str(each), str(cap)])
        for _ in range(processes)
    ]
    store = LocalTableStore(path)
    try:
        run_threads(threads, increments(store, "counters", cap, each))
    finally:
        codes = [child.wait(timeout=300) for child in children]
    assert codes == [0] * processes
    item = store.get_item("counters", KEY)
    assert item is not None and item["hits"] == Decimal(cap)
    with pytest.raises(ConditionFailedError):  # the cap is reached: one more is refused
        increment(store, "counters", cap)
    store.close()


def test_local_12000_conditional_increments_from_8_threads_and_4_processes(tmp_path: Path) -> None:
    # GIVEN a local counter table
    path = tmp_path / "tables.sqlite3"
    LocalTableStore(path).create_table(COUNTER)
    # WHEN 8 threads and 4 processes each increment it 1,000 times, THEN it holds 12,000
    threads_and_processes(path, threads=8, processes=4, each=1000)


def test_optimistic_version_checks_serialise_writers(tables: TableStore, unique_name: str) -> None:
    # GIVEN a versioned item
    tables.create_table(TableSpec(unique_name, "pk"))
    tables.put_item(unique_name, {"pk": "doc", "version": 0, "total": 0})
    applied = []

    def work() -> None:
        for _ in range(15):
            while True:  # read, then write only if nobody wrote in between
                seen = tables.get_item(unique_name, {"pk": "doc"})
                assert seen is not None
                try:
                    tables.update_item(
                        unique_name,
                        {"pk": "doc"},
                        "SET version = :next, #total = #total + :one",
                        condition="version = :seen",
                        names={"#total": "total"},
                        values={":next": seen["version"] + 1, ":one": 1, ":seen": seen["version"]},
                    )
                except ConditionFailedError:
                    continue
                applied.append(1)
                break

    # WHEN 4 threads race
    run_threads(4, work)
    # THEN every applied write is counted once
    final = tables.get_item(unique_name, {"pk": "doc"})
    assert final is not None
    assert final["version"] == final["total"] == Decimal(len(applied)) == Decimal(60)


def test_aws_conditional_increments_from_threads(moto_endpoint: str, unique_name: str) -> None:
    # GIVEN a DynamoDB (moto) counter table
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1")
    store, table = DynamoDBTableStore(client), unique_name
    store.create_table(TableSpec(table, "pk"))
    # WHEN 4 threads increment it 25 times each, THEN it holds 100 and the cap holds
    run_threads(4, increments(store, table, 100, 25))
    item = store.get_item(table, KEY)
    assert item is not None and item["hits"] == Decimal(100)
    with pytest.raises(ConditionFailedError):
        increment(store, table, 100)
