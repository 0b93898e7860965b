"""The tables contract: the local (SQLite) and AWS (DynamoDB on moto) adapters behave alike."""

from __future__ import annotations

import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from thera_sdk import (
    ConditionFailedError,
    ExpressionError,
    ItemTooLargeError,
    TableNotFoundError,
    ThrottledError,
    ValidationError,
)
from thera_sdk.storage import (
    DynamoDBTableStore,
    IndexSpec,
    LocalTableStore,
    TableSpec,
    TableStore,
)


@pytest.fixture
def table(tables: TableStore, unique_name: str) -> str:
    """A table keyed by (pk: S, sk: N), with an index on ``domain`` and TTL on ``expires``."""
    tables.create_table(
        TableSpec(
            unique_name,
            "pk",
            sort_key="sk",
            sort_type="N",
            indexes=(IndexSpec("by_domain", "domain", sort_key="sk", sort_type="N"),),
            ttl_attribute="expires",
        )
    )
    return unique_name


def test_item_round_trips_with_the_same_python_types(tables: TableStore, table: str) -> None:
    # GIVEN an item with every kind of value
    item = {
        "pk": "a",
        "sk": 1,
        "text": "héllo",
        "empty": "",
        "number": Decimal("12.50"),
        "float": 0.1,
        "blob": b"\x00\xff",
        "flag": True,
        "nothing": None,
        "list": [1, "two", [b"3"]],
        "map": {"nested": {"deep": False}},
        "strings": {"x", "y"},
        "numbers": {1, 2},
        "bytes": {b"a"},
    }
    # WHEN it is written and read back
    tables.put_item(table, item)
    found = tables.get_item(table, {"pk": "a", "sk": 1})
    # THEN every value comes back in the item value model
    assert found == {
        **item,
        "sk": Decimal(1),
        "float": Decimal("0.1"),
        "list": [Decimal(1), "two", [b"3"]],
        "numbers": {Decimal(1), Decimal(2)},
    }
    assert isinstance(found["number"], Decimal) and isinstance(found["blob"], bytes)
    assert tables.get_item(table, {"pk": "a", "sk": 2}) is None


def test_put_if_absent_refuses_a_second_write(tables: TableStore, table: str) -> None:
    tables.put_item(table, {"pk": "a", "sk": 1, "v": 1}, condition="attribute_not_exists(pk)")
    with pytest.raises(ConditionFailedError, match=table):
        tables.put_item(table, {"pk": "a", "sk": 1, "v": 2}, condition="attribute_not_exists(pk)")
    assert tables.get_item(table, {"pk": "a", "sk": 1}) == {"pk": "a", "sk": 1, "v": 1}


def test_version_checked_put(tables: TableStore, table: str) -> None:
    tables.put_item(table, {"pk": "a", "sk": 1, "version": 1})
    new = {"pk": "a", "sk": 1, "version": 2}
    tables.put_item(table, new, condition="version = :v", values={":v": 1})
    with pytest.raises(ConditionFailedError):
        tables.put_item(table, new, condition="version = :v", values={":v": 1})
    assert tables.get_item(table, {"pk": "a", "sk": 1}) == new


def test_update_set_add_remove_delete(tables: TableStore, table: str) -> None:
    # GIVEN an item
    tables.put_item(
        table,
        {"pk": "a", "sk": 1, "old": "x", "tags": {"a", "b"}, "extras": {"x", "y"}, "log": [1]},
    )
    # (a nested SET needs its parent map to exist, as on DynamoDB)
    tables.update_item(table, {"pk": "a", "sk": 1}, "SET info = :m", values={":m": {}})
    # WHEN one update uses every action
    result = tables.update_item(
        table,
        {"pk": "a", "sk": 1},
        "SET hits = if_not_exists(hits, :zero) + :one, #log = list_append(#log, :more), "
        "info.#n = :name REMOVE #old ADD visits :one, tags :c DELETE extras :x",
        condition="attribute_exists(pk) AND NOT contains(tags, :z)",
        names={"#n": "name", "#log": "log", "#old": "old"},
        values={
            ":zero": 0,
            ":one": 1,
            ":more": [2],
            ":name": "n",
            ":x": {"x"},
            ":c": {"c"},
            ":z": "z",
        },
    )
    # THEN the new item comes back and is stored
    expected = {
        "pk": "a",
        "sk": Decimal(1),
        "hits": Decimal(1),
        "log": [Decimal(1), Decimal(2)],
        "info": {"name": "n"},
        "visits": Decimal(1),
        "tags": {"a", "b", "c"},
        "extras": {"y"},
    }
    assert result == expected
    assert tables.get_item(table, {"pk": "a", "sk": 1}) == expected


def test_update_creates_a_missing_item_and_refuses_unmet_conditions(
    tables: TableStore, table: str
) -> None:
    created = tables.update_item(table, {"pk": "n", "sk": 1}, "ADD hits :one", values={":one": 5})
    assert created == {"pk": "n", "sk": Decimal(1), "hits": Decimal(5)}
    with pytest.raises(ConditionFailedError):
        tables.update_item(
            table,
            {"pk": "n", "sk": 1},
            "ADD hits :one",
            condition="hits > :max",
            values={":one": 1, ":max": 10},
        )
    assert tables.get_item(table, {"pk": "n", "sk": 1}) == created


def test_update_of_a_missing_attribute_without_default_is_refused(
    tables: TableStore, table: str
) -> None:
    tables.put_item(table, {"pk": "a", "sk": 1})
    with pytest.raises(ValidationError):
        tables.update_item(table, {"pk": "a", "sk": 1}, "SET n = n + :one", values={":one": 1})
    with pytest.raises(ValidationError, match=r"key"):
        tables.update_item(table, {"pk": "a", "sk": 1}, "SET pk = :x", values={":x": "b"})
    assert tables.get_item(table, {"pk": "a", "sk": 1}) == {"pk": "a", "sk": 1}


def test_delete_returns_the_old_item_and_honours_conditions(tables: TableStore, table: str) -> None:
    tables.put_item(table, {"pk": "a", "sk": 1, "state": "done"})
    with pytest.raises(ConditionFailedError):
        tables.delete_item(
            table, {"pk": "a", "sk": 1}, condition="#s = :s", names={"#s": "state"},
            values={":s": "running"},
        )  # fmt: skip
    old = tables.delete_item(table, {"pk": "a", "sk": 1})
    assert old == {"pk": "a", "sk": 1, "state": "done"}
    assert tables.delete_item(table, {"pk": "a", "sk": 1}) is None


def test_batch_write_more_than_25_items(tables: TableStore, table: str) -> None:
    # WHEN 60 items go in one call, and then 10 are deleted
    count = tables.batch_write(table, put=[{"pk": "b", "sk": i} for i in range(60)])
    tables.batch_write(table, delete=[{"pk": "b", "sk": i} for i in range(10)])
    # THEN 50 remain, in sort-key order
    found = list(tables.query_all(table, "pk = :p", values={":p": "b"}))
    assert count == 60
    assert [i["sk"] for i in found] == [Decimal(i) for i in range(10, 60)]
    with pytest.raises(ValidationError, match=r"twice"):
        tables.batch_write(table, put=[{"pk": "b", "sk": 1}, {"pk": "b", "sk": 1}])


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ("sk = :a", {":a": 3}, [3]),
        ("sk < :a", {":a": 0}, [-10, Decimal("-1.5")]),
        ("sk <= :a", {":a": 0}, [-10, Decimal("-1.5"), 0]),
        ("sk > :a", {":a": 3}, [Decimal("3.5"), 20]),
        ("sk >= :a", {":a": 3}, [3, Decimal("3.5"), 20]),
        ("sk BETWEEN :a AND :b", {":a": -2, ":b": 3}, [Decimal("-1.5"), 0, 3]),
    ],
)
def test_query_sort_key_conditions_order_numbers_numerically(
    tables: TableStore, table: str, condition: str, values: dict[str, int], expected: list[object]
) -> None:
    numbers = [20, -10, 3, Decimal("-1.5"), 0, Decimal("3.5")]
    tables.batch_write(table, put=[{"pk": "q", "sk": n} for n in numbers])
    page = tables.query(table, f"pk = :p AND {condition}", values={":p": "q", **values})
    assert [i["sk"] for i in page.items] == [Decimal(e) for e in expected]  # type: ignore[arg-type]
    reverse = tables.query(
        table, f"pk = :p AND {condition}", values={":p": "q", **values}, forward=False
    )
    assert [i["sk"] for i in reverse.items] == [Decimal(e) for e in reversed(expected)]  # type: ignore[arg-type]


def test_query_begins_with_on_a_string_sort_key(tables: TableStore, unique_name: str) -> None:
    tables.create_table(TableSpec(unique_name, "pk", sort_key="sk"))
    keys = ["2025-01-30", "2025-01-31", "2025-02-01", "2024-12-31", "2025-01"]
    tables.batch_write(unique_name, put=[{"pk": "d", "sk": k} for k in keys])
    page = tables.query(
        unique_name, "pk = :p AND begins_with(sk, :m)", values={":p": "d", ":m": "2025-01"}
    )
    assert [i["sk"] for i in page.items] == ["2025-01", "2025-01-30", "2025-01-31"]


def test_query_pages_with_limit_and_filter(tables: TableStore, table: str) -> None:
    tables.batch_write(table, put=[{"pk": "p", "sk": i, "even": i % 2 == 0} for i in range(7)])
    pages, start = [], None
    while True:
        page = tables.query(
            table, "pk = :p", filter="even = :t", values={":p": "p", ":t": True}, limit=3,
            start_key=start,
        )  # fmt: skip
        pages.append([int(i["sk"]) for i in page.items])
        if page.last_key is None:
            break
        start = page.last_key
    # limit counts items read before the filter, as DynamoDB does
    assert pages == [[0, 2], [4], [6]]


def test_query_on_a_global_secondary_index(tables: TableStore, table: str) -> None:
    tables.batch_write(
        table,
        put=[{"pk": f"c{i}", "sk": i, "domain": "a.com" if i % 2 else "b.com"} for i in range(6)]
        + [{"pk": "nodomain", "sk": 0}],
    )
    page = tables.query(table, "#d = :d", names={"#d": "domain"}, values={":d": "a.com"},
                        index="by_domain", limit=2)  # fmt: skip
    assert [i["pk"] for i in page.items] == ["c1", "c3"]
    assert page.last_key is not None
    rest = tables.query(table, "#d = :d", names={"#d": "domain"}, values={":d": "a.com"},
                        index="by_domain", start_key=page.last_key)  # fmt: skip
    assert [i["pk"] for i in rest.items] == ["c5"]
    with pytest.raises(TableNotFoundError, match=r"no_such_index"):
        tables.query(table, "pk = :p", values={":p": "x"}, index="no_such_index")


def test_scan_pages_through_everything(tables: TableStore, table: str) -> None:
    tables.batch_write(table, put=[{"pk": f"s{i}", "sk": i} for i in range(30)])
    seen = list(tables.scan_all(table, limit=7))
    filtered = list(tables.scan_all(table, filter="sk >= :n", values={":n": 25}))
    assert sorted(int(i["sk"]) for i in seen) == list(range(30))
    assert sorted(int(i["sk"]) for i in filtered) == [25, 26, 27, 28, 29]


def test_expired_items_are_invisible(tables: TableStore, table: str) -> None:
    now = int(time.time())
    tables.put_item(table, {"pk": "t", "sk": 1, "expires": now - 60})
    tables.put_item(table, {"pk": "t", "sk": 2, "expires": now + 3600})
    assert tables.get_item(table, {"pk": "t", "sk": 1}) is None
    assert [i["sk"] for i in tables.query(table, "pk = :p", values={":p": "t"}).items] == [2]
    assert [i["sk"] for i in tables.scan(table).items] == [2]


def test_unknown_table_is_named(tables: TableStore) -> None:
    with pytest.raises(TableNotFoundError, match=r"no-such-table"):
        tables.get_item("no-such-table", {"pk": "a"})


def test_wrong_key_type_is_named_and_nothing_is_written(tables: TableStore, table: str) -> None:
    with pytest.raises(ValidationError, match=r"'sk'.*type N"):
        tables.put_item(table, {"pk": "a", "sk": "one"})
    with pytest.raises(ValidationError, match=r"'pk'.*missing"):
        tables.put_item(table, {"sk": 1})
    with pytest.raises(ValidationError, match=r"'domain'.*type S"):
        tables.put_item(table, {"pk": "a", "sk": 1, "domain": 5})
    assert tables.scan(table).items == []


def test_item_over_400_kb_is_refused_with_its_key(tables: TableStore, table: str) -> None:
    tables.put_item(table, {"pk": "big", "sk": 1, "v": "small"})
    with pytest.raises(ItemTooLargeError, match=r"'big'"):
        tables.put_item(table, {"pk": "big", "sk": 1, "v": "x" * 410_000})
    with pytest.raises(ItemTooLargeError, match=r"'big'"):
        tables.update_item(
            table, {"pk": "big", "sk": 1}, "SET v = :v", values={":v": "x" * 410_000}
        )
    assert tables.get_item(table, {"pk": "big", "sk": 1}) == {"pk": "big", "sk": 1, "v": "small"}


def test_malformed_expressions_are_refused_before_any_write(tables: TableStore, table: str) -> None:
    with pytest.raises(ExpressionError, match=r"reserved"):
        tables.put_item(table, {"pk": "a", "sk": 1}, condition="attribute_not_exists(status)")
    with pytest.raises(ExpressionError, match=r":unused"):
        tables.put_item(table, {"pk": "a", "sk": 1}, condition="attribute_not_exists(pk)",
                        values={":unused": 1})  # fmt: skip
    with pytest.raises(ExpressionError, match=r"sort key more than once|exactly once"):
        tables.query(table, "sk = :a", values={":a": 1})
    assert tables.scan(table).items == []


def test_local_expired_items_are_deleted_lazily(tmp_path: Path) -> None:
    # GIVEN an item that expires at t=1000, on a store whose clock we move
    now = [900.0]
    store = LocalTableStore(tmp_path / "t.sqlite3", clock=lambda: now[0])
    store.create_table(TableSpec("ttl", "pk", ttl_attribute="expires"))
    store.put_item("ttl", {"pk": "old", "expires": 1000})
    assert store.get_item("ttl", {"pk": "old"}) is not None
    # WHEN time passes its expiry, THEN it is invisible at once, and absent for conditions
    now[0] = 1001.0
    assert store.get_item("ttl", {"pk": "old"}) is None
    store.put_item("ttl", {"pk": "new"}, condition="attribute_not_exists(pk)")
    store.put_item("ttl", {"pk": "old"}, condition="attribute_not_exists(pk)")
    store.put_item("ttl", {"pk": "old2", "expires": 1000})
    # AND a later write sweeps expired rows from the file
    now[0] = 1100.0
    store.put_item("ttl", {"pk": "trigger"})
    rows = sqlite3.connect(tmp_path / "t.sqlite3").execute("SELECT count(*) FROM items").fetchone()
    assert rows == (3,)  # new, old (rewritten without TTL), trigger
    store.close()


def test_dynamodb_batch_retries_unprocessed_items_with_backoff() -> None:
    # GIVEN DynamoDB answering the first batch call with three unprocessed writes
    client = boto3.client("dynamodb", region_name="us-east-1")
    stubber = Stubber(client)
    waits: list[float] = []
    store = DynamoDBTableStore(client, sleep=waits.append, max_batch_attempts=3)
    stubber.add_response(
        "describe_table",
        {
            "Table": {
                "TableName": "tbl",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            }
        },
    )
    stubber.add_response(
        "describe_time_to_live", {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    )
    puts = [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(30)]
    leftover = puts[22:25]
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {"tbl": leftover}},
        {"RequestItems": {"tbl": puts[:25]}},
    )
    stubber.add_response(
        "batch_write_item", {"UnprocessedItems": {}}, {"RequestItems": {"tbl": leftover}}
    )
    stubber.add_response("batch_write_item", {}, {"RequestItems": {"tbl": puts[25:]}})
    # WHEN 30 items are written, THEN 25 go first, the 3 left over are resent after a wait
    with stubber:
        assert store.batch_write("tbl", put=[{"pk": f"k{i}"} for i in range(30)]) == 30
    stubber.assert_no_pending_responses()
    assert len(waits) == 1 and 0 <= waits[0] <= 0.05
    # AND when DynamoDB keeps refusing, the caller hears of it
    stubber = Stubber(client)
    for _ in range(3):
        stubber.add_response("batch_write_item", {"UnprocessedItems": {"tbl": leftover}})
    with stubber, pytest.raises(ThrottledError, match="3 writes to table 'tbl'"):
        store.batch_write("tbl", put=[{"pk": f"k{i}"} for i in range(22, 25)])
