"""The tables port: DynamoDB's data model and semantics, for both adapters.

Public methods normalize items (see :mod:`thera_sdk.storage._values`), check keys, sizes and
expressions once for both adapters, cache table definitions and hide expired (TTL) items from
reads; adapters implement only the ``_``-prefixed hooks.
"""

from __future__ import annotations

import threading
import time
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from thera_sdk._exceptions import ItemTooLargeError, ValidationError
from thera_sdk.storage._port import Port
from thera_sdk.storage._table_types import IndexSpec, Page, Request, TableSpec
from thera_sdk.storage._values import MAX_ITEM_BYTES, item_size, normalize_item, type_of
from thera_sdk.storage.expressions import (
    ExpressionContext,
    KeyCondition,
    parse_condition,
    parse_key_condition,
    parse_update,
)

__all__ = ["BATCH_SIZE", "TableStore"]

BATCH_SIZE = 25  # DynamoDB's BatchWriteItem limit per call

Names = Mapping[str, str] | None
Values = Mapping[str, Any] | None


class TableStore(Port):
    """Items in tables, with DynamoDB's semantics (see the adapters for where they live).

    Parameters
    ----------
    clock
        Returns the time in epoch seconds; decides which items have expired (TTL).
    """

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._specs: dict[str, TableSpec] = {}
        self._specs_lock = threading.Lock()

    # -- tables ----------------------------------------------------------------------------------
    def create_table(self, spec: TableSpec) -> None:
        """Create a table (and its indexes and TTL) unless it exists; wait until it is usable.

        Examples
        --------
        >>> store.create_table(TableSpec("counters", "pk"))  # doctest: +SKIP
        """
        self._call(f"table {spec.name!r}", lambda: self._create_table(spec))
        with self._specs_lock:
            self._specs.pop(spec.name, None)

    def describe_table(self, table: str) -> TableSpec:
        """The definition of ``table`` (cached after the first call).

        Examples
        --------
        >>> store.describe_table("counters").partition_key  # doctest: +SKIP
        'pk'
        """
        with self._specs_lock:
            cached = self._specs.get(table)
        if cached is not None:
            return cached
        spec = self._call(f"table {table!r}", lambda: self._describe_table(table))
        with self._specs_lock:
            self._specs[table] = spec
        return spec

    def delete_table(self, table: str) -> None:
        """Delete a table and all its items.

        Examples
        --------
        >>> store.delete_table("counters")  # doctest: +SKIP
        """
        self._call(f"table {table!r}", lambda: self._delete_table(table))
        with self._specs_lock:
            self._specs.pop(table, None)

    # -- single items ----------------------------------------------------------------------------
    def put_item(
        self,
        table: str,
        item: Mapping[str, Any],
        *,
        condition: str | None = None,
        names: Names = None,
        values: Values = None,
    ) -> None:
        """Write a whole item, replacing any item with the same key.

        Raises :class:`ConditionFailedError` when ``condition`` is not met by the current item.

        Examples
        --------
        >>> store.put_item("runs", {"pk": "r1", "version": 1},
        ...                condition="attribute_not_exists(pk)")  # doctest: +SKIP
        """
        spec = self.describe_table(table)
        clean = self._checked_item(spec, item)
        request = self._request(names, values, condition=condition)
        self._call(self._subject(spec, clean), lambda: self._put_item(spec, clean, request))

    def get_item(
        self, table: str, key: Mapping[str, Any], *, consistent: bool = True
    ) -> dict[str, Any] | None:
        """The item with this key, or ``None``.

        Examples
        --------
        >>> store.get_item("runs", {"pk": "r1"})  # doctest: +SKIP
        {'pk': 'r1', 'version': Decimal('1')}
        """
        spec = self.describe_table(table)
        clean = self._checked_key(spec, key)
        found = self._call(
            self._subject(spec, clean), lambda: self._get_item(spec, clean, consistent)
        )
        return found if found is not None and self._alive(spec, found) else None

    def update_item(
        self,
        table: str,
        key: Mapping[str, Any],
        update: str,
        *,
        condition: str | None = None,
        names: Names = None,
        values: Values = None,
    ) -> dict[str, Any]:
        """Apply an update expression (``SET``, ``REMOVE``, ``ADD``, ``DELETE``) atomically and
        return the item as it is afterwards; creates the item when absent.

        Examples
        --------
        >>> store.update_item("counters", {"pk": "c"}, "ADD hits :one",
        ...                   values={":one": 1})["hits"]  # doctest: +SKIP
        Decimal('1')
        """
        spec = self.describe_table(table)
        clean = self._checked_key(spec, key)
        request = self._request(names, values, condition=condition, update=update)
        return self._call(
            self._subject(spec, clean), lambda: self._update_item(spec, clean, request)
        )

    def delete_item(
        self,
        table: str,
        key: Mapping[str, Any],
        *,
        condition: str | None = None,
        names: Names = None,
        values: Values = None,
    ) -> dict[str, Any] | None:
        """Delete the item with this key and return it (``None`` when there was none).

        Examples
        --------
        >>> store.delete_item("runs", {"pk": "r1"},
        ...                   condition="attribute_exists(pk)")  # doctest: +SKIP
        """
        spec = self.describe_table(table)
        clean = self._checked_key(spec, key)
        request = self._request(names, values, condition=condition)
        old = self._call(
            self._subject(spec, clean), lambda: self._delete_item(spec, clean, request)
        )
        return old if old is not None and self._alive(spec, old) else None

    def batch_write(
        self,
        table: str,
        *,
        put: Iterable[Mapping[str, Any]] = (),
        delete: Iterable[Mapping[str, Any]] = (),
    ) -> int:
        """Put and delete many items (no conditions); returns how many operations were applied.

        AWS sends 25 operations per call and retries ``UnprocessedItems`` with backoff. A key may
        appear only once per call.

        Examples
        --------
        >>> store.batch_write("runs", put=[{"pk": f"r{i}"} for i in range(100)])  # doctest: +SKIP
        100
        """
        spec = self.describe_table(table)
        puts = [self._checked_item(spec, item) for item in put]
        deletes = [self._checked_key(spec, key) for key in delete]
        seen: set[tuple[Any, ...]] = set()
        for key in [spec.key_of(item) for item in puts] + deletes:
            marker = tuple(repr(key[name]) for name in spec.key_names)
            if marker in seen:
                raise ValidationError(
                    f"batch_write on table {table!r}: key {key} appears twice; send each key once."
                )
            seen.add(marker)
        if puts or deletes:
            self._call(f"table {table!r}", lambda: self._batch_write(spec, puts, deletes))
        return len(puts) + len(deletes)

    # -- many items ------------------------------------------------------------------------------
    def query(
        self,
        table: str,
        key_condition: str,
        *,
        names: Names = None,
        values: Values = None,
        index: str | None = None,
        filter: str | None = None,
        limit: int | None = None,
        start_key: Mapping[str, Any] | None = None,
        forward: bool = True,
        consistent: bool = False,
    ) -> Page:
        """One page of the items of one partition (of the table or of ``index``), in sort-key
        order. ``limit`` counts items read before ``filter`` applies, as in DynamoDB; pass the
        page's ``last_key`` as ``start_key`` to continue.

        Examples
        --------
        >>> page = store.query("runs", "pk = :p AND begins_with(sk, :d)",
        ...                    values={":p": "daily", ":d": "2025-01"})  # doctest: +SKIP
        """
        spec = self.describe_table(table)
        target = spec.index(index) if index else None
        if target is not None and consistent:
            raise ValidationError(
                f"Index {index!r} of table {table!r} is eventually consistent; "
                "drop consistent=True."
            )
        pk, sk = (target or spec).partition_key, (target or spec).sort_key
        context = ExpressionContext(names, values)
        request = Request(context, {"KeyConditionExpression": key_condition})
        request.key = parse_key_condition(key_condition, context, pk, sk)
        _check_key_condition(target or spec, request.key, table)
        self._parse_filter(request, filter)
        context.check_all_used()
        self._check_limit(limit)
        start = dict(normalize_item(start_key, "start_key")) if start_key else None
        page = self._call(
            f"table {table!r}",
            lambda: self._query(spec, target, request, limit, start, forward, consistent),
        )
        return Page([i for i in page.items if self._alive(spec, i)], page.last_key)

    def scan(
        self,
        table: str,
        *,
        filter: str | None = None,
        names: Names = None,
        values: Values = None,
        index: str | None = None,
        limit: int | None = None,
        start_key: Mapping[str, Any] | None = None,
    ) -> Page:
        """One page of all items of a table (or index), in no particular order.

        Examples
        --------
        >>> store.scan("runs", filter="attribute_exists(done)").items  # doctest: +SKIP
        """
        spec = self.describe_table(table)
        target = spec.index(index) if index else None
        context = ExpressionContext(names, values)
        request = Request(context)
        self._parse_filter(request, filter)
        context.check_all_used()
        self._check_limit(limit)
        start = dict(normalize_item(start_key, "start_key")) if start_key else None
        page = self._call(
            f"table {table!r}", lambda: self._scan(spec, target, request, limit, start)
        )
        return Page([i for i in page.items if self._alive(spec, i)], page.last_key)

    def query_all(self, table: str, key_condition: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item :meth:`query` finds, following pages.

        Examples
        --------
        >>> list(store.query_all("runs", "pk = :p", values={":p": "daily"}))  # doctest: +SKIP
        """
        kwargs.pop("start_key", None)
        start: dict[str, Any] | None = None
        while True:
            page = self.query(table, key_condition, start_key=start, **kwargs)
            yield from page.items
            if page.last_key is None:
                return
            start = page.last_key

    def scan_all(self, table: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item :meth:`scan` finds, following pages.

        Examples
        --------
        >>> sum(1 for _ in store.scan_all("runs"))  # doctest: +SKIP
        """
        kwargs.pop("start_key", None)
        start: dict[str, Any] | None = None
        while True:
            page = self.scan(table, start_key=start, **kwargs)
            yield from page.items
            if page.last_key is None:
                return
            start = page.last_key

    def close(self) -> None:
        """Release connections (the store is not usable afterwards)."""

    # -- checks shared by both adapters ----------------------------------------------------------
    def now(self) -> float:
        """The current time in epoch seconds, from the injected clock."""
        return self._clock()

    def _alive(self, spec: TableSpec, item: Mapping[str, Any]) -> bool:
        if spec.ttl_attribute is None:
            return True
        expires = item.get(spec.ttl_attribute)
        return not isinstance(expires, Decimal) or float(expires) >= self.now()

    def _subject(self, spec: TableSpec, item: Mapping[str, Any]) -> str:
        key = {name: item[name] for name in spec.key_names if name in item}
        return f"item {key} of table {spec.name!r}"

    def _checked_item(self, spec: TableSpec, item: Mapping[str, Any]) -> dict[str, Any]:
        clean = normalize_item(item)
        spec.validate_key(clean, exact=False, where=f"item for table {spec.name!r}")
        spec.validate_index_keys(clean, where=f"item {spec.key_of(clean)}")
        self._check_size(spec, clean)
        return clean

    def _checked_key(self, spec: TableSpec, key: Mapping[str, Any]) -> dict[str, Any]:
        clean = normalize_item(key, "key")
        spec.validate_key(clean, exact=True, where=f"key for table {spec.name!r}")
        return clean

    def _check_size(self, spec: TableSpec, item: dict[str, Any]) -> None:
        size = item_size(item)
        if size > MAX_ITEM_BYTES:
            raise ItemTooLargeError(
                f"Item {spec.key_of(item)} for table {spec.name!r} is {size} bytes, over the "
                f"{MAX_ITEM_BYTES}-byte limit; move large fields to the objects store and keep "
                "their key in the item."
            )

    @staticmethod
    def _check_limit(limit: int | None) -> None:
        if limit is not None and limit < 1:
            raise ValidationError(f"limit must be at least 1, got {limit}.")

    @staticmethod
    def _request(
        names: Names, values: Values, *, condition: str | None, update: str | None = None
    ) -> Request:
        context = ExpressionContext(names, values)
        request = Request(context)
        if update is not None:
            request.texts["UpdateExpression"] = update
            request.update = parse_update(update, context)
        if condition is not None:
            request.texts["ConditionExpression"] = condition
            request.condition = parse_condition(condition, context)
        context.check_all_used()
        return request

    @staticmethod
    def _parse_filter(request: Request, filter: str | None) -> None:
        if filter is not None:
            request.texts["FilterExpression"] = filter
            request.filter = parse_condition(filter, request.context, "FilterExpression")

    # -- hooks -----------------------------------------------------------------------------------
    @abstractmethod
    def _create_table(self, spec: TableSpec) -> None: ...

    @abstractmethod
    def _describe_table(self, table: str) -> TableSpec: ...

    @abstractmethod
    def _delete_table(self, table: str) -> None: ...

    @abstractmethod
    def _put_item(self, spec: TableSpec, item: dict[str, Any], request: Request) -> None: ...

    @abstractmethod
    def _get_item(
        self, spec: TableSpec, key: dict[str, Any], consistent: bool
    ) -> dict[str, Any] | None: ...

    @abstractmethod
    def _update_item(
        self, spec: TableSpec, key: dict[str, Any], request: Request
    ) -> dict[str, Any]: ...

    @abstractmethod
    def _delete_item(
        self, spec: TableSpec, key: dict[str, Any], request: Request
    ) -> dict[str, Any] | None: ...

    @abstractmethod
    def _batch_write(
        self, spec: TableSpec, puts: list[dict[str, Any]], deletes: list[dict[str, Any]]
    ) -> None: ...

    @abstractmethod
    def _query(
        self,
        spec: TableSpec,
        index: IndexSpec | None,
        request: Request,
        limit: int | None,
        start_key: dict[str, Any] | None,
        forward: bool,
        consistent: bool,
    ) -> Page: ...

    @abstractmethod
    def _scan(
        self,
        spec: TableSpec,
        index: IndexSpec | None,
        request: Request,
        limit: int | None,
        start_key: dict[str, Any] | None,
    ) -> Page: ...


def _check_key_condition(target: TableSpec | IndexSpec, key: KeyCondition, table: str) -> None:
    if isinstance(target, IndexSpec):
        where = f"query on index {target.name!r} of table {table!r}"
    else:
        where = f"query on table {table!r}"
    kind = type_of(key.partition_value)
    if kind != target.partition_type:
        raise ValidationError(
            f"{where}: partition key {target.partition_key!r} is of type {target.partition_type}, "
            f"the condition compares it with {kind} ({key.partition_value!r})."
        )
    for value in key.sort_values:
        if type_of(value) != target.sort_type:
            raise ValidationError(
                f"{where}: sort key {target.sort_key!r} is of type {target.sort_type}, the "
                f"condition compares it with {type_of(value)} ({value!r})."
            )
    if key.sort_op == "begins_with" and target.sort_type == "N":
        raise ValidationError(f"{where}: begins_with does not apply to a number sort key.")
