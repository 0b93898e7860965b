"""The puller's durable state: page cursors (parameters port), slice leases and recorded
errors (tables port).

A cursor says where a slice stands in the current pass over the universe: the next page to
fetch, the total seen so far, whether the slice is done or was split. Only the worker holding
the slice's lease writes its cursor, and each write names the version it read, so a stale
writer is refused instead of moving a cursor backwards.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from thera_sdk._exceptions import ConditionFailedError, ParameterNotFoundError
from thera_sdk.sources._slices import Slice
from thera_sdk.storage import ParameterStore, TableStore

__all__ = ["Cursor", "CursorStore", "ErrorLog", "Leases"]


@dataclass(frozen=True)
class Cursor:
    """Where one slice stands. ``version`` is the stored parameter version (0: never saved)."""

    slice_id: str
    filters: dict[str, Any]
    pass_number: int = 1
    next_page: int = 1
    total_pages: int | None = None
    done: bool = False
    split: tuple[dict[str, Any], ...] = ()
    truncated: bool = False
    version: int = field(default=0, compare=False)

    def restarted(self, pass_number: int) -> Cursor:
        """The cursor at page 1 of pass ``pass_number``."""
        return replace(self, pass_number=pass_number, next_page=1, total_pages=None,
                       done=False, truncated=False)

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(
            {"pass": self.pass_number, "next_page": self.next_page,
             "total_pages": self.total_pages, "done": self.done, "split": list(self.split),
             "truncated": self.truncated, "filters": self.filters},
            sort_keys=True, separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, piece: Slice, text: str, version: int) -> Cursor:
        """Read a stored cursor of ``piece``."""
        data = json.loads(text)
        return cls(
            slice_id=piece.id,
            filters=dict(piece.filters),
            pass_number=int(data.get("pass", 1)),
            next_page=int(data.get("next_page", 1)),
            total_pages=data.get("total_pages"),
            done=bool(data.get("done", False)),
            split=tuple(data.get("split") or ()),
            truncated=bool(data.get("truncated", False)),
            version=version,
        )


class CursorStore:
    """Cursors as parameters ``<prefix>/<slice id>``.

    Examples
    --------
    >>> cursors = CursorStore(parameters, "/thera/dev/apollo/cursors")  # doctest: +SKIP
    >>> cursors.load(piece).next_page  # doctest: +SKIP
    1
    """

    def __init__(self, parameters: ParameterStore, prefix: str) -> None:
        self._parameters = parameters
        self._prefix = prefix.rstrip("/")

    def name(self, slice_id: str) -> str:
        """The parameter holding a slice's cursor."""
        return f"{self._prefix}/{slice_id}"

    def load(self, piece: Slice) -> Cursor | None:
        """The stored cursor of ``piece``, or ``None`` when the slice was never pulled."""
        try:
            stored = self._parameters.get(self.name(piece.id), max_age=0)
        except ParameterNotFoundError:
            return None
        return Cursor.from_json(piece, stored.value, stored.version)

    def save(self, cursor: Cursor) -> Cursor:
        """Write ``cursor`` if the stored version is still the one it was read at; returns it
        with its new version (:class:`ConditionFailedError` when someone else wrote first)."""
        stored = self._parameters.put(
            self.name(cursor.slice_id), cursor.to_json(), expected_version=cursor.version
        )
        return replace(cursor, version=stored.version)


class Leases:
    """Exclusive, expiring claims on slices, so two workers never page through the same one.

    Examples
    --------
    >>> leases = Leases(tables, "thera-dev-apollo_state", ttl=900)  # doctest: +SKIP
    >>> leases.claim("abc", owner="run-1/0")  # doctest: +SKIP
    True
    """

    def __init__(
        self, tables: TableStore, table: str, *, ttl: float = 900.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._tables = tables
        self._table = table
        self._ttl = ttl
        self._clock = clock

    def claim(self, slice_id: str, owner: str) -> bool:
        """Take (or extend) the lease of a slice; ``False`` while another owner holds it."""
        now = self._clock()
        try:
            self._tables.put_item(
                self._table,
                {"pk": f"lease#{slice_id}", "owner": owner,
                 "until": Decimal(str(round(now + self._ttl, 3)))},
                condition="attribute_not_exists(pk) OR #u < :now OR #o = :me",
                names={"#u": "until", "#o": "owner"},
                values={":now": Decimal(str(round(now, 3))), ":me": owner},
            )
        except ConditionFailedError:
            return False
        return True

    def release(self, slice_id: str, owner: str) -> None:
        """Give the lease back (nothing happens if another owner holds it now)."""
        with contextlib.suppress(ConditionFailedError):
            self._tables.delete_item(
                self._table, {"pk": f"lease#{slice_id}"},
                condition="#o = :me", names={"#o": "owner"}, values={":me": owner},
            )


class ErrorLog:
    """The last error of each slice, kept until the slice's next page succeeds."""

    def __init__(
        self, tables: TableStore, table: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._tables = tables
        self._table = table
        self._clock = clock

    def record(self, slice_id: str, page: int, reason: str, message: str, run_id: str) -> None:
        """Remember why a slice stopped at ``page``."""
        self._tables.put_item(
            self._table,
            {"pk": f"error#{slice_id}", "slice_id": slice_id, "page": page, "reason": reason,
             "message": message[:1000], "run_id": run_id,
             "at": Decimal(str(round(self._clock(), 3)))},
        )

    def clear(self, slice_id: str) -> None:
        """Forget a slice's error (its page went through)."""
        self._tables.delete_item(self._table, {"pk": f"error#{slice_id}"})

    def all(self) -> list[dict[str, Any]]:
        """Every recorded error.

        Examples
        --------
        >>> [e["reason"] for e in errors.all()]  # doctest: +SKIP
        ['timeout']
        """
        items = self._tables.scan_all(
            self._table, filter="begins_with(pk, :p)", values={":p": "error#"}
        )
        return [
            {"slice_id": i["slice_id"], "page": int(i["page"]), "reason": i["reason"],
             "message": i["message"], "run_id": i["run_id"]}
            for i in items
        ]
