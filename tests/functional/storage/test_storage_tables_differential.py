"""One script of conditional updates, run on SQLite and on DynamoDB (moto): same results.

Each step is an update with an optional condition; after every step both adapters must agree on
the outcome (the new item, or the class of the error) and on the stored item.

Left out: ordering a string against a number (``s < :n``), which DynamoDB evaluates to false
and moto 5.2.5 answers with an internal error; the unit tests cover the local behaviour.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from thera_sdk import TheraError
from thera_sdk.storage import DynamoDBTableStore, LocalTableStore, TableSpec, TableStore

KEY = {"pk": "doc"}
STEPS: list[tuple[str, str | None, dict[str, Any]]] = [
    ("SET a = :one, s = :text, l = :list, m = :map", None,
     {":one": 1, ":text": "hello", ":list": [1, "x"], ":map": {"k": {"v": 1}}}),
    ("SET b = if_not_exists(b, :zero) + :two", "attribute_exists(a)", {":zero": 0, ":two": 2}),
    ("SET b = if_not_exists(b, :zero) + :two", "b = :two", {":zero": 0, ":two": 2}),
    ("SET c = :v", "b = :two", {":v": "never", ":two": 2}),
    ("SET c = :v", "absent <> :n", {":v": "ne", ":n": 5}),
    ("SET l[5] = :v", "contains(l, :x)", {":v": "tail", ":x": "x"}),
    ("REMOVE l[0], l[1]", "size(l) = :three", {":three": 3}),
    ("SET l = list_append(:front, l)", None, {":front": ["first"]}),
    ("SET m.k.w = :w, m.k2 = :w", "m.k.v = :one", {":w": "deep", ":one": 1}),
    ("SET m.nope.x = :w", None, {":w": 1}),
    ("ADD ns :n, ss :s", None, {":n": {1, 2}, ":s": {"a"}}),
    ("ADD ns :n DELETE ss :s", "contains(ss, :a)", {":n": {3}, ":s": {"a"}, ":a": "a"}),
    ("ADD ns :s", None, {":s": {"b"}}),
    ("SET s = s + :one", None, {":one": 1}),
    ("SET a = a - :ten", "a BETWEEN :lo AND :hi", {":ten": 10, ":lo": 0, ":hi": 1}),
    ("SET c = :v", "s IN (:x, :y) AND NOT attribute_type(a, :t)",
     {":v": "in", ":x": "nope", ":y": "hello", ":t": "S"}),
    ("SET c = :v", "begins_with(s, :p) OR a > :big", {":v": "or", ":p": "zz", ":big": 99}),
    ("REMOVE c, m.k2, absent", "attribute_exists(c)", {}),
    ("SET pk = :v", None, {":v": "other"}),
    ("SET a = :v, a = :w", None, {":v": 1, ":w": 2}),
]  # fmt: skip


def outcome(store: TableStore, table: str, step: tuple[str, str | None, dict[str, Any]]) -> Any:
    update, condition, values = step
    try:
        return store.update_item(table, KEY, update, condition=condition, values=values or None)
    except TheraError as exc:
        return type(exc).__name__


def test_local_and_dynamodb_agree_step_by_step(
    tmp_path: Path, moto_endpoint: str, unique_name: str
) -> None:
    local = LocalTableStore(tmp_path / "tables.sqlite3")
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1")
    remote = DynamoDBTableStore(client)
    for store in (local, remote):
        store.create_table(TableSpec(unique_name, "pk"))
    for number, step in enumerate(STEPS):
        got_local = outcome(local, unique_name, step)
        got_remote = outcome(remote, unique_name, step)
        assert got_local == got_remote, f"step {number}: {step[0]!r} if {step[1]!r}"
        assert local.get_item(unique_name, KEY) == remote.get_item(unique_name, KEY)
    final = local.get_item(unique_name, KEY)
    assert final is not None and final["l"] == ["first", "tail"]
    local.close()


@pytest.mark.parametrize("forward", [True, False])
def test_string_sort_keys_order_alike(
    tmp_path: Path, moto_endpoint: str, unique_name: str, forward: bool
) -> None:
    keys = ["b", "a", "B", "ä", "a0", "a/", "é", "Z", "_", "0", "~", "日本"]
    local = LocalTableStore(tmp_path / "tables.sqlite3")
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1")
    remote = DynamoDBTableStore(client)
    pages = []
    for store in (local, remote):
        store.create_table(TableSpec(unique_name, "pk", sort_key="sk"))
        store.batch_write(unique_name, put=[{"pk": "p", "sk": k} for k in keys])
        found = store.query_all(
            unique_name, "pk = :p", values={":p": "p"}, limit=5, forward=forward
        )
        pages.append([i["sk"] for i in found])
    assert pages[0] == pages[1] == sorted(keys, key=str.encode, reverse=not forward)
