"""The local tables adapter: SQLite (WAL) with DynamoDB's semantics.

One database file holds every table. An item is stored as its DynamoDB JSON next to
order-preserving encodings of its keys (so sort-key order and ranges are SQL comparisons), and
each global secondary index keeps one row per item that carries the index's key attributes
(sparse, like DynamoDB). Conditional writes and updates read, check and write inside one
``BEGIN IMMEDIATE`` transaction: atomic across threads and processes.

An item whose TTL attribute (epoch seconds) is in the past is invisible at once, to reads and to
conditions alike; expired rows are deleted lazily, at most once a minute per table and process.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from thera_sdk._exceptions import (
    ConditionFailedError,
    TableNotFoundError,
    TheraError,
    ValidationError,
)
from thera_sdk.storage._sqlite import SqliteDatabase, translate_sqlite_error
from thera_sdk.storage._table_types import IndexSpec, Page, Request, TableSpec
from thera_sdk.storage._tables import TableStore
from thera_sdk.storage._values import b64decode, b64encode, from_wire, item_size, key_bytes, to_wire
from thera_sdk.storage.expressions import apply_update, evaluate

__all__ = ["LocalTableStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS table_specs (name TEXT PRIMARY KEY, spec TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    tbl TEXT NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL, body TEXT NOT NULL, expires REAL,
    PRIMARY KEY (tbl, pk, sk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS index_entries (
    tbl TEXT NOT NULL, idx TEXT NOT NULL, ipk BLOB NOT NULL, isk BLOB NOT NULL,
    pk BLOB NOT NULL, sk BLOB NOT NULL,
    PRIMARY KEY (tbl, idx, ipk, isk, pk, sk)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS index_entries_by_item ON index_entries (tbl, pk, sk);
"""
_PAGE_BYTES = 1024 * 1024  # DynamoDB stops a page after 1 MB of items read
_SWEEP_SECONDS = 60.0
_ALIVE = "(i.expires IS NULL OR i.expires >= ?)"


def _dumps(item: dict[str, Any]) -> str:
    return json.dumps({k: to_wire(v, b64encode) for k, v in item.items()}, separators=(",", ":"))


def _loads(body: str) -> dict[str, Any]:
    return {k: from_wire(v, b64decode) for k, v in json.loads(body).items()}


def _successor(prefix: bytes) -> bytes | None:
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])


def _spec_from_json(text: str) -> TableSpec:
    raw = json.loads(text)
    raw["indexes"] = tuple(IndexSpec(**index) for index in raw["indexes"])
    return TableSpec(**raw)


class LocalTableStore(TableStore):
    """Tables in one SQLite file, ``<home>/tables.sqlite3`` by default.

    Parameters
    ----------
    path
        The database file (created with its folder when missing).
    clock
        Epoch seconds; decides which items have expired.

    Examples
    --------
    >>> import tempfile
    >>> store = LocalTableStore(Path(tempfile.mkdtemp()) / "tables.sqlite3")
    >>> store.create_table(TableSpec("counters", "pk"))
    >>> store.update_item("counters", {"pk": "c"}, "ADD hits :one", values={":one": 1})
    {'pk': 'c', 'hits': Decimal('1')}
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock=clock)
        self._db = SqliteDatabase(Path(path), _SCHEMA)
        self._swept: dict[str, float] = {}

    def close(self) -> None:
        self._db.close()

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        return translate_sqlite_error(exc, subject)

    # -- tables ----------------------------------------------------------------------------------
    def _create_table(self, spec: TableSpec) -> None:
        with self._db.write() as conn:
            row = conn.execute(
                "SELECT spec FROM table_specs WHERE name = ?", (spec.name,)
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO table_specs VALUES (?, ?)", (spec.name, json.dumps(asdict(spec)))
                )
            elif _spec_from_json(row[0]) != spec:
                raise ValidationError(
                    f"Table {spec.name!r} already exists with another definition; delete it "
                    "first or use the existing definition."
                )

    def _describe_table(self, table: str) -> TableSpec:
        row = (
            self._db.read()
            .execute("SELECT spec FROM table_specs WHERE name = ?", (table,))
            .fetchone()
        )
        if row is None:
            raise TableNotFoundError(
                f"Table {table!r} does not exist in {self._db.path}; create it with "
                "create_table(TableSpec(...)) or check the table name in the configuration."
            )
        return _spec_from_json(row[0])

    def _delete_table(self, table: str) -> None:
        self._describe_table(table)
        with self._db.write() as conn:
            conn.execute("DELETE FROM index_entries WHERE tbl = ?", (table,))
            conn.execute("DELETE FROM items WHERE tbl = ?", (table,))
            conn.execute("DELETE FROM table_specs WHERE name = ?", (table,))

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _keys(spec: TableSpec, item: dict[str, Any]) -> tuple[bytes, bytes]:
        sort = key_bytes(item[spec.sort_key]) if spec.sort_key else b""
        return key_bytes(item[spec.partition_key]), sort

    def _load(
        self, conn: sqlite3.Connection, spec: TableSpec, key: dict[str, Any]
    ) -> dict[str, Any]:
        pk, sk = self._keys(spec, key)
        row = conn.execute(
            f"SELECT body FROM items i WHERE tbl = ? AND pk = ? AND sk = ? AND {_ALIVE}",
            (spec.name, pk, sk, self.now()),
        ).fetchone()
        return _loads(row[0]) if row else {}

    def _store(self, conn: sqlite3.Connection, spec: TableSpec, item: dict[str, Any]) -> None:
        pk, sk = self._keys(spec, item)
        expires = item.get(spec.ttl_attribute) if spec.ttl_attribute else None
        conn.execute(
            "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?)",
            (
                spec.name,
                pk,
                sk,
                _dumps(item),
                float(expires) if isinstance(expires, Decimal) else None,
            ),
        )
        conn.execute(
            "DELETE FROM index_entries WHERE tbl = ? AND pk = ? AND sk = ?", (spec.name, pk, sk)
        )
        for index in spec.indexes:
            if all(name in item for name in index.key_names):
                isk = key_bytes(item[index.sort_key]) if index.sort_key else b""
                conn.execute(
                    "INSERT INTO index_entries VALUES (?, ?, ?, ?, ?, ?)",
                    (spec.name, index.name, key_bytes(item[index.partition_key]), isk, pk, sk),
                )

    def _remove(self, conn: sqlite3.Connection, spec: TableSpec, key: dict[str, Any]) -> None:
        pk, sk = self._keys(spec, key)
        conn.execute("DELETE FROM items WHERE tbl = ? AND pk = ? AND sk = ?", (spec.name, pk, sk))
        conn.execute(
            "DELETE FROM index_entries WHERE tbl = ? AND pk = ? AND sk = ?", (spec.name, pk, sk)
        )

    def _check(self, spec: TableSpec, request: Request, current: dict[str, Any]) -> None:
        if request.condition is not None and not evaluate(request.condition, current):
            raise ConditionFailedError(
                f"The condition {request.texts['ConditionExpression']!r} is not met by item "
                f"{spec.key_of(current) if current else '(absent)'} of table {spec.name!r}; "
                "re-read the item and retry, or stop."
            )

    def _sweep(self, conn: sqlite3.Connection, spec: TableSpec) -> None:
        now = self.now()
        if spec.ttl_attribute is None or now - self._swept.get(spec.name, 0.0) < _SWEEP_SECONDS:
            return
        self._swept[spec.name] = now
        conn.execute(
            "DELETE FROM index_entries WHERE tbl = ? AND (pk, sk) IN "
            "(SELECT pk, sk FROM items WHERE tbl = ? AND expires < ?)",
            (spec.name, spec.name, now),
        )
        conn.execute("DELETE FROM items WHERE tbl = ? AND expires < ?", (spec.name, now))

    # -- single items ----------------------------------------------------------------------------
    def _put_item(self, spec: TableSpec, item: dict[str, Any], request: Request) -> None:
        with self._db.write() as conn:
            self._sweep(conn, spec)
            if request.condition is not None:
                self._check(spec, request, self._load(conn, spec, item))
            self._store(conn, spec, item)

    def _get_item(
        self, spec: TableSpec, key: dict[str, Any], consistent: bool
    ) -> dict[str, Any] | None:
        return self._load(self._db.read(), spec, key) or None

    def _update_item(
        self, spec: TableSpec, key: dict[str, Any], request: Request
    ) -> dict[str, Any]:
        assert request.update is not None
        with self._db.write() as conn:
            current = self._load(conn, spec, key)
            self._check(spec, request, current)
            updated = apply_update(request.update, current or dict(key), frozenset(spec.key_names))
            spec.validate_index_keys(updated, where=f"update of item {key}")
            self._check_size(spec, updated)
            self._store(conn, spec, updated)
        return updated

    def _delete_item(
        self, spec: TableSpec, key: dict[str, Any], request: Request
    ) -> dict[str, Any] | None:
        with self._db.write() as conn:
            current = self._load(conn, spec, key)
            self._check(spec, request, current)
            self._remove(conn, spec, key)
        return current or None

    def _batch_write(
        self, spec: TableSpec, puts: list[dict[str, Any]], deletes: list[dict[str, Any]]
    ) -> None:
        with self._db.write() as conn:
            self._sweep(conn, spec)
            for item in puts:
                self._store(conn, spec, item)
            for key in deletes:
                self._remove(conn, spec, key)

    # -- many items ------------------------------------------------------------------------------
    def _query(
        self,
        spec: TableSpec,
        index: IndexSpec | None,
        request: Request,
        limit: int | None,
        start_key: dict[str, Any] | None,
        forward: bool,
        consistent: bool,
    ) -> Page:
        assert request.key is not None
        condition = request.key
        sort_column = "e.isk" if index else "i.sk"
        where = ["e.ipk = ?" if index else "i.pk = ?"]
        args: list[Any] = [key_bytes(condition.partition_value)]
        values = [key_bytes(v) for v in condition.sort_values]
        if condition.sort_op in {"=", "<", "<=", ">", ">="}:
            where.append(f"{sort_column} {condition.sort_op} ?")
            args.append(values[0])
        elif condition.sort_op == "BETWEEN":
            where.append(f"{sort_column} BETWEEN ? AND ?")
            args.extend(values)
        elif condition.sort_op == "begins_with":
            where.append(f"{sort_column} >= ?")
            args.append(values[0])
            upper = _successor(values[0])
            if upper is not None:
                where.append(f"{sort_column} < ?")
                args.append(upper)
        return self._page(spec, index, request, where, args, limit, start_key, forward)

    def _scan(
        self,
        spec: TableSpec,
        index: IndexSpec | None,
        request: Request,
        limit: int | None,
        start_key: dict[str, Any] | None,
    ) -> Page:
        return self._page(spec, index, request, [], [], limit, start_key, True)

    def _page(
        self,
        spec: TableSpec,
        index: IndexSpec | None,
        request: Request,
        where: list[str],
        args: list[Any],
        limit: int | None,
        start_key: dict[str, Any] | None,
        forward: bool,
    ) -> Page:
        order = ["e.ipk", "e.isk", "i.pk", "i.sk"] if index else ["i.pk", "i.sk"]
        if start_key:
            marker = self._start(spec, index, start_key)
            where.append(
                f"({', '.join(order)}) {'>' if forward else '<'} ({', '.join('?' * len(order))})"
            )
            args.extend(marker)
        source = "items i"
        if index:
            source = "index_entries e JOIN items i ON i.tbl = e.tbl AND i.pk = e.pk AND i.sk = e.sk"
            where.insert(0, "e.idx = ?")
            args.insert(0, index.name)
        direction = "" if forward else " DESC"
        sql = (
            f"SELECT i.body FROM {source} WHERE i.tbl = ? AND {_ALIVE} "
            + "".join(f"AND {clause} " for clause in where)
            + "ORDER BY "
            + ", ".join(column + direction for column in order)
        )
        rows = self._db.read().execute(sql, [spec.name, self.now(), *args])
        return self._collect(spec, index, request, rows, limit)

    def _start(
        self, spec: TableSpec, index: IndexSpec | None, start: dict[str, Any]
    ) -> list[bytes]:
        names = list(index.key_names if index else ()) + list(spec.key_names)
        if index and not index.sort_key:
            names.insert(1, "")
        if not spec.sort_key:
            names.append("")
        try:
            return [key_bytes(start[name]) if name else b"" for name in names]
        except KeyError as exc:
            raise ValidationError(
                f"start_key {start} lacks key attribute {exc.args[0]!r}; pass the last_key of "
                "the previous page unchanged."
            ) from exc

    def _collect(
        self,
        spec: TableSpec,
        index: IndexSpec | None,
        request: Request,
        rows: Iterator[tuple[str]],
        limit: int | None,
    ) -> Page:
        items: list[dict[str, Any]] = []
        size, last = 0, None
        key_names = list(spec.key_names) + list(index.key_names if index else ())
        for evaluated, (body,) in enumerate(rows):
            if (limit is not None and evaluated >= limit) or size >= _PAGE_BYTES:
                return Page(items, last)
            item = _loads(body)
            size += item_size(item)
            last = {name: item[name] for name in key_names}
            if request.filter is None or evaluate(request.filter, item):
                items.append(item)
        return Page(items, None)
